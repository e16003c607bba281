import { useEffect, useRef, useState } from "react";
import type { HandoffView as HandoffData, Resolution } from "../../bindings";
import { AfterHoursBadge, CountdownText, ReasonBadge } from "../../components/Badges";
import { CopyButton } from "../../components/CopyButton";
import { EmailLink, PageLink } from "../../components/SafeLinks";
import { AppError } from "../../ipc";
import { showsCountdown } from "../../lib/countdown";
import { kindLabel, promiseLabel, resolutionLabel, RESOLUTIONS } from "../../lib/labels";
import { formatInZone, formatLocal, parseTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { visitorLabel } from "../inbox/InboxRowView";
import { useHandoff, useHandoffAction } from "./queries";
import { Composer } from "./Composer";
import { EraseVisitor } from "./EraseVisitor";
import { HubspotCard } from "./HubspotCard";
import { showsTeam, TeamCard } from "./TeamCard";
import { Transcript } from "./Transcript";
import "./handoff.css";

type Props = {
  id: number;
  onClose: () => void;
  resolveOpen: boolean;
  onResolveOpenChange: (open: boolean) => void;
  /** The visitor was erased: say so (the pane closes). */
  onErased?: (message: string) => void;
};

/** The right-hand pane: loads one handoff and shows it. */
export function HandoffPane({ id, onClose, resolveOpen, onResolveOpenChange, onErased }: Props) {
  const query = useHandoff(id);
  return (
    <aside className="pane" aria-label="Handoff">
      <div className="pane-header">
        <span className="pane-kicker">Handoff #{id}</span>
        <button type="button" className="button ghost small" onClick={onClose} aria-label="Close (Escape)">
          Close ✕
        </button>
      </div>
      {query.data ? (
        <HandoffView
          view={query.data}
          resolveOpen={resolveOpen}
          onResolveOpenChange={onResolveOpenChange}
          onErased={onErased}
        />
      ) : query.isError ? (
        <div className="panel error" role="alert">
          <h2>Couldn’t open this handoff</h2>
          <p className="error-message">{AppError.from(query.error).message}</p>
          <button type="button" className="button" onClick={() => void query.refetch()}>
            Retry
          </button>
        </div>
      ) : (
        <div className="pane-body" aria-busy="true" data-testid="handoff-loading">
          <span className="bone bone-name" />
          <span className="bone bone-text" />
          <span className="bone bone-text" />
        </div>
      )}
    </aside>
  );
}

type ViewProps = {
  view: HandoffData;
  resolveOpen: boolean;
  onResolveOpenChange: (open: boolean) => void;
  onErased?: (message: string) => void;
};

export function HandoffView({ view, resolveOpen, onResolveOpenChange, onErased }: ViewProps) {
  const { row } = view;
  const now = useNow();
  const action = useHandoffAction(row.id);
  const firstChoice = useRef<HTMLButtonElement>(null);
  const [composerOpen, setComposerOpen] = useState(false);
  useEffect(() => setComposerOpen(false), [row.id]);
  // "r" (the inbox's shortcut) opens the composer of the open handoff.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== "r" || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      e.preventDefault();
      setComposerOpen(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    if (resolveOpen) firstChoice.current?.focus();
  }, [resolveOpen]);

  // A new handoff starts with a clean action state.
  const { reset } = action;
  useEffect(() => reset(), [row.id, reset]);

  const resolve = (why: Resolution) => {
    action.mutate({ kind: "resolve", why }, { onSuccess: () => onResolveOpenChange(false) });
  };

  const timeline = [...view.timeline].sort((a, b) => (parseTime(a.at) ?? 0) - (parseTime(b.at) ?? 0));

  return (
    <div className="pane-body handoff" data-testid="handoff-view" data-id={row.id}>
      <section className="card visitor">
        <h2 className="visitor-name" data-testid="visitor-name">
          {visitorLabel(row)}
        </h2>
        <dl className="facts">
          {row.visitorEmail && (
            <div>
              <dt>Email</dt>
              <dd>
                <EmailLink email={row.visitorEmail} testId="visitor-email" />
                <CopyButton text={row.visitorEmail} label="Copy email" />
              </dd>
            </div>
          )}
          {view.visitorPhone && (
            <div>
              <dt>Phone</dt>
              <dd>
                <span data-testid="visitor-phone">{view.visitorPhone}</span>
                <CopyButton text={view.visitorPhone} label="Copy phone" />
              </dd>
            </div>
          )}
          <div>
            <dt>Workspace</dt>
            <dd>{row.workspaceName}</dd>
          </div>
          {(row.pageUrl || row.pageTitle) && (
            <div>
              <dt>Page</dt>
              <dd className="page">
                {row.pageTitle && (
                  <span className="page-title" data-testid="page-title">
                    {row.pageTitle}
                  </span>
                )}
                {row.pageUrl && <PageLink url={row.pageUrl} />}
              </dd>
            </div>
          )}
          <div>
            <dt>Status</dt>
            <dd>
              <span className="badge status-value" data-testid="status">
                {row.status}
              </span>
              {view.resolution && <span className="muted"> · {resolutionLabel(view.resolution)}</span>}
            </dd>
          </div>
        </dl>
        <EraseVisitor id={row.id} onErased={onErased} />
      </section>

      <section className="card">
        <div className="reason-line">
          <ReasonBadge reason={row.reason} />
          {row.reasonDetail && (
            <span className="reason-detail" data-testid="reason-detail">
              {row.reasonDetail}
            </span>
          )}
          {view.reasonInferred && <span className="muted">(inferred)</span>}
          {view.confidence !== null && (
            <span className="muted" title="The bot's confidence in its last answer">
              confidence {Math.round(view.confidence * 100)}%
            </span>
          )}
        </div>
        {row.question && (
          <blockquote className="question" data-testid="question">
            {row.question}
          </blockquote>
        )}
        <div className="received">
          <span>Received </span>
          <time data-testid="received-at" dateTime={row.receivedAt} title={`Your time: ${formatLocal(row.receivedAt)}`}>
            {formatInZone(row.receivedAt, view.timeZone)}
          </time>
          {view.bot && <span className="muted"> via {view.bot}</span>}
          {row.afterHours && <AfterHoursBadge testId="after-hours" />}
        </div>
      </section>

      <PromiseCard view={view} now={now} />

      {showsTeam(view.team) && <TeamCard view={view} />}

      <section className="card actions" aria-label="Actions">
        <div className="action-row">
          <button
            type="button"
            className="button"
            data-testid="action-contacted"
            disabled={action.isPending}
            onClick={() => action.mutate({ kind: "contacted", by: "phone" })}
          >
            Mark contacted by phone
          </button>
          <button
            type="button"
            className="button"
            data-testid="action-snooze"
            disabled={action.isPending}
            onClick={() => action.mutate({ kind: "snooze", hours: 3 })}
          >
            Snooze 3 h
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="action-resolve"
            aria-expanded={resolveOpen}
            disabled={action.isPending}
            onClick={() => onResolveOpenChange(!resolveOpen)}
            title="Resolve (e)"
          >
            Resolve…
          </button>
        </div>
        {resolveOpen && (
          <div className="resolve-choices" role="group" aria-label="Resolve as">
            {RESOLUTIONS.map((why, i) => (
              <button
                key={why}
                ref={i === 0 ? firstChoice : undefined}
                type="button"
                className="button choice"
                data-testid={`resolve-${why}`}
                disabled={action.isPending}
                onClick={() => resolve(why)}
              >
                {resolutionLabel(why)}
              </button>
            ))}
          </div>
        )}
        {action.isError && (
          <p className="error-message" role="alert">
            {action.error.message}
          </p>
        )}
      </section>

      <HubspotCard view={view} />

      <Composer
        id={row.id}
        timeZone={view.timeZone}
        replies={view.replies}
        team={view.team}
        open={composerOpen}
        onOpenChange={setComposerOpen}
      />

      <section className="card">
        <h3>Conversation</h3>
        <Transcript lines={view.transcript} timeZone={view.timeZone} />
      </section>

      {view.followUps.length > 0 && (
        <section className="card">
          <h3>Follow-ups</h3>
          <ul className="plain-list">
            {view.followUps.map((f, i) => (
              <li key={`${f.kind}-${f.dueAt}-${i}`} className={f.doneAt ? "done" : undefined}>
                <strong>{kindLabel(f.kind)}</strong>
                <span className="muted"> · due {formatInZone(f.dueAt, view.timeZone)}</span>
                {f.doneAt && <span className="muted"> · done {formatInZone(f.doneAt, view.timeZone)}</span>}
                {f.note && <div className="note">{f.note}</div>}
              </li>
            ))}
          </ul>
        </section>
      )}

      {timeline.length > 0 && (
        <section className="card">
          <h3>Timeline</h3>
          <ol className="plain-list timeline">
            {timeline.map((t, i) => (
              <li key={`${t.at}-${t.kind}-${i}`}>
                <time dateTime={t.at}>{formatInZone(t.at, view.timeZone)}</time>
                <span className="timeline-kind">{kindLabel(t.kind)}</span>
                {t.detail && <span className="muted">{t.detail}</span>}
              </li>
            ))}
          </ol>
        </section>
      )}

      {row.flagged && view.parseNotes.length > 0 && (
        <section className="card notes">
          <h3>Parse notes</h3>
          <ul className="plain-list">
            {view.parseNotes.map((note, i) => (
              <li key={i} data-testid="parse-note">
                {note}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function PromiseCard({ view, now }: { view: HandoffData; now: number }) {
  const { row } = view;
  const state = row.promiseState;
  return (
    <section className="card promise" data-testid="promise" data-state={state ?? "none"}>
      <h3>Reply promise</h3>
      {view.promiseText === null && row.dueAt === null && state === null ? (
        <p className="muted">No reply promise for this handoff.</p>
      ) : (
        <>
          {view.promiseText && <p className="promise-text">{view.promiseText}</p>}
          <div className="promise-line">
            {state && <span className={`badge promise-state promise-${state}`}>{promiseLabel(state)}</span>}
            {row.dueAt && (
              <span>
                due <time dateTime={row.dueAt}>{formatInZone(row.dueAt, view.timeZone)}</time>
              </span>
            )}
            {row.dueAt && showsCountdown(row.dueAt, state) && (
              <CountdownText dueAt={row.dueAt} now={now} state={state} testId="promise-countdown" />
            )}
          </div>
          {view.clockFrom && (
            <p className="muted small">Clock started {formatInZone(view.clockFrom, view.timeZone)}</p>
          )}
          {state === "met" && (view.metAt || view.metBy) && (
            <p className="small">
              Met
              {view.metAt && <> {formatInZone(view.metAt, view.timeZone)}</>}
              {view.metBy && <> by {view.metBy}</>}
            </p>
          )}
        </>
      )}
    </section>
  );
}
