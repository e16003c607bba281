import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { GapChecklist, GapDraftAnswer, GapItem, WorkspaceSummary } from "../../bindings";
import { CopyButton } from "../../components/CopyButton";
import { AppError, useBackend } from "../../ipc";
import { formatShortInZone } from "../../lib/time";
import { monthLabel, useWorkspaceMonth } from "../../lib/useWorkspaceMonth";
import { MonthSwitch, NoWorkspaceYet } from "../../components/MonthSwitch";
import "./gaps.css";

type Props = { workspaces: WorkspaceSummary[]; onOpenInbox?: () => void };

const STATE_LABEL: Record<string, string> = { open: "To write", done: "Done", still_asked: "Still asked" };

/**
 * The month's gap-to-content checklist for one workspace: the questions the
 * bot could not answer, grouped by meaning, ranked by how many visitors
 * asked; each checkable with a note as content gets written.
 */
export function GapsScreen({ workspaces, onOpenInbox }: Props) {
  const backend = useBackend();
  const client = useQueryClient();
  const { workspace, setWorkspace, month, setMonth, ready } = useWorkspaceMonth(workspaces);
  const [noting, setNoting] = useState<number | null>(null);
  const [note, setNote] = useState("");
  const [markdown, setMarkdown] = useState<string | null>(null);

  const key = ["gaps", workspace, month] as const;
  const list = useQuery({
    queryKey: key,
    queryFn: () => backend.gapChecklist(workspace, month),
    enabled: ready,
  });
  const change = useMutation<GapChecklist, AppError, { rank: number; note: string | null; done: boolean }>({
    mutationFn: async ({ rank, note, done }) => {
      try {
        return done ? await backend.gapCheck(workspace, month, rank, note) : await backend.gapUncheck(workspace, month, rank);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (next) => {
      client.setQueryData(key, next);
      setNoting(null);
      setNote("");
    },
  });
  const exportMd = useMutation<string, AppError, void>({
    mutationFn: async () => {
      try {
        return await backend.gapMarkdown(workspace, month);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: setMarkdown,
  });

  const none = workspaces.length === 0;
  const state = none
    ? "empty"
    : list.isError
      ? "error"
      : list.isPending
        ? "loading"
        : list.data.items.length === 0
          ? "empty"
          : "ready";
  const tz = workspaces.find((w) => w.slug === workspace)?.timeZone ?? "UTC";

  return (
    <div className="screen gaps-screen">
      <header className="topbar">
        <h1 className="topbar-title">Content gaps</h1>
        <div className="filters">
          {!none && (
            <select
              data-testid="gaps-workspace"
              aria-label="Workspace"
              value={workspace}
              onChange={(e) => setWorkspace(e.target.value)}
            >
              {workspaces.map((w) => (
                <option key={w.slug} value={w.slug}>
                  {w.name}
                </option>
              ))}
            </select>
          )}
          <MonthSwitch month={month} onChange={setMonth} testId="gaps-month" />
          <button
            type="button"
            className="button"
            data-testid="gaps-export"
            disabled={none}
            onClick={() => exportMd.mutate()}
          >
            Markdown for the client
          </button>
        </div>
      </header>
      <main className="gaps" data-testid="gaps" data-state={state} tabIndex={0} aria-label="Content gaps">
        {state === "error" && (
          <div className="panel" role="alert">
            <p className="error-message">{AppError.from(list.error).message}</p>
            <button type="button" className="button" onClick={() => void list.refetch()}>
              Retry
            </button>
          </div>
        )}
        {none && (
          <NoWorkspaceYet
            what="The questions your bot could not answer are grouped here each month, once handoffs arrive."
            onOpenInbox={onOpenInbox}
          />
        )}
        {state === "loading" && <p className="muted panel">Grouping the month's unanswered questions…</p>}
        {list.data && (
          <>
            <p className="gaps-summary">
              {list.data.questions} unanswered questions in {list.data.items.length} topics, ranked by how many
              visitors asked. Each topic is one piece of content to write.
            </p>
            {list.data.fallbackReason && (
              <p className="notice" data-testid="gaps-fallback">
                Grouped by wording, not meaning: {list.data.fallbackReason}
              </p>
            )}
            {state === "empty" && (
              <p className="panel muted">No unanswered questions in {monthLabel(month)}: nothing to write.</p>
            )}
            <ol className="gap-items">
              {list.data.items.map((item) => (
                <GapRow
                  key={`${item.rank}-${item.label}`}
                  item={item}
                  timeZone={tz}
                  noting={noting === item.rank}
                  note={note}
                  busy={change.isPending}
                  onNote={setNote}
                  onStart={() => {
                    setNoting(item.rank);
                    setNote("");
                  }}
                  onCancel={() => setNoting(null)}
                  onCheck={() => change.mutate({ rank: item.rank, note: note.trim() || null, done: true })}
                  onUncheck={() => change.mutate({ rank: item.rank, note: null, done: false })}
                />
              ))}
            </ol>
            {change.isError && (
              <p className="error-message" role="alert">
                {change.error.message}
              </p>
            )}
          </>
        )}
        {markdown !== null && (
          <section className="card">
            <h3>Markdown, ready to paste into an email</h3>
            <textarea readOnly data-testid="gap-markdown" rows={14} value={markdown} />
            <button type="button" className="button" onClick={() => setMarkdown(null)}>
              Close
            </button>
          </section>
        )}
      </main>
    </div>
  );
}

type RowProps = {
  item: GapItem;
  timeZone: string;
  noting: boolean;
  note: string;
  busy: boolean;
  onNote: (v: string) => void;
  onStart: () => void;
  onCancel: () => void;
  onCheck: () => void;
  onUncheck: () => void;
};

function GapRow({ item, timeZone, noting, note, busy, onNote, onStart, onCancel, onCheck, onUncheck }: RowProps) {
  return (
    <li className={`card gap-item gap-${item.state}`} data-testid="gap-item" data-rank={item.rank} data-state={item.state}>
      <div className="gap-head">
        <span className="gap-rank">{item.rank}.</span>
        <h3 className="gap-label" data-testid="gap-label">
          {item.label}
        </h3>
        <span className={`badge gap-state-${item.state}`}>{STATE_LABEL[item.state] ?? item.state}</span>
      </div>
      <p className="muted">
        {item.visitors} {item.visitors === 1 ? "visitor" : "visitors"} · {formatShortInZone(item.firstSeen, timeZone)} –{" "}
        {formatShortInZone(item.lastSeen, timeZone)}
      </p>
      <ul className="gap-wordings">
        {item.wordings.map((w) => (
          <li key={w.text}>
            “{w.text}”{w.count > 1 ? ` (${w.count}×)` : ""}
          </li>
        ))}
      </ul>
      {item.pages.length > 0 && (
        <p className="muted gap-pages">Pages: {item.pages.map((p) => `${p.url} (${p.count})`).join(", ")}</p>
      )}
      {item.draftAnswer && <DraftAnswer draft={item.draftAnswer} timeZone={timeZone} />}
      {item.state === "still_asked" && (
        <p className="notice">
          Checked off in {item.checkedMonth}
          {item.note ? ` (“${item.note}”)` : ""}, and asked again: the content may be missing, hard to find or unclear.
        </p>
      )}
      {item.state === "done" ? (
        <div className="action-row">
          <span data-testid="gap-done-note">{item.note ? `Done: ${item.note}` : "Done"}</span>
          <button type="button" className="button" data-testid="gap-uncheck" disabled={busy} onClick={onUncheck}>
            Reopen
          </button>
        </div>
      ) : noting ? (
        <form
          className="action-row"
          onSubmit={(e) => {
            e.preventDefault();
            onCheck();
          }}
        >
          <input
            data-testid="gap-note"
            placeholder="What was written, e.g. added /faq#refunds"
            value={note}
            autoFocus
            onChange={(e) => onNote(e.target.value)}
          />
          <button type="submit" className="button primary" data-testid="gap-confirm" disabled={busy}>
            Check off
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="action-row">
          <button type="button" className="button" data-testid="gap-check" onClick={onStart}>
            Check off…
          </button>
        </div>
      )}
    </li>
  );
}

/**
 * The owner's own emailed answer to one of the item's questions, offered as a
 * start for the content. Shown as text (never markup), with a copy button.
 */
function DraftAnswer({ draft, timeZone }: { draft: GapDraftAnswer; timeZone: string }) {
  const from = draft.by ? `${draft.by}'s reply` : "a sent reply";
  return (
    <div className="gap-draft" data-testid="gap-draft">
      <div className="gap-draft-head">
        <span className="muted">
          Draft answer, from {from} of {formatShortInZone(draft.sentAt, timeZone)}
        </span>
        <CopyButton text={draft.text} label="Copy draft answer" />
      </div>
      <blockquote className="gap-draft-text" data-testid="gap-draft-text">
        {draft.text}
      </blockquote>
    </div>
  );
}
