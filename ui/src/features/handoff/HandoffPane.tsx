// The right-hand pane, laid out the way a reply gets written: who and what
// (name, status, the question) with the actions on top, the conversation,
// then the reply itself at the bottom of the conversation, the pane's one
// primary action, always one key away (r). Details an owner looks at less
// (visitor facts, HubSpot, follow-ups, timeline) follow below.
import { useEffect, useState } from "react";
import type { HandoffView as HandoffData } from "../../bindings";
import type { PushToast } from "../../app/Toasts";
import { AfterHoursBadge, ReasonBadge, StatusBadge } from "../../components/Badges";
import { CopyButton } from "../../components/CopyButton";
import { EmailLink, PageLink } from "../../components/SafeLinks";
import { AppError } from "../../ipc";
import { kindLabel, resolutionLabel } from "../../lib/labels";
import { formatInZone, formatLocal, formatShortInZone, parseTime } from "../../lib/time";
import { forDisplay } from "../../lib/text";
import { timelineText } from "../../lib/timeline";
import { useNow } from "../../lib/useNow";
import { visitorLabel } from "../inbox/InboxRowView";
import { Composer } from "./Composer";
import { EraseVisitor } from "./EraseVisitor";
import { HandoffActions, isClosed } from "./HandoffActions";
import { HubspotCard } from "./HubspotCard";
import { PromiseCard } from "./PromiseCard";
import { BriefingCard } from "./BriefingCard";
import { useHandoff } from "./queries";
import { showsTeam, TeamCard } from "./TeamCard";
import { TeachFormat } from "./TeachFormat";
import { Transcript } from "./Transcript";
import "./handoff.css";

type Props = {
  id: number;
  onClose: () => void;
  resolveOpen: boolean;
  onResolveOpenChange: (open: boolean) => void;
  /** The visitor was erased: say so (the pane closes). */
  onErased?: (message: string) => void;
  /** Say what an action did (with Undo where it can be undone). */
  onToast?: PushToast;
  /** Open Settings (a reply needs an identity set up there). */
  onOpenSettings?: () => void;
};

/** The right-hand pane: loads one handoff and shows it. */
export function HandoffPane({ id, onClose, resolveOpen, onResolveOpenChange, onErased, onToast, onOpenSettings }: Props) {
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
          onToast={onToast}
          onOpenSettings={onOpenSettings}
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
  onToast?: PushToast;
  onOpenSettings?: () => void;
};

export function HandoffView({ view, resolveOpen, onResolveOpenChange, onErased, onToast, onOpenSettings }: ViewProps) {
  const { row } = view;
  const now = useNow();
  const [composerOpen, setComposerOpen] = useState(false);
  useEffect(() => setComposerOpen(false), [row.id]);
  // "r" opens the reply to the open handoff, wherever the focus is (not while typing).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== "r" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      e.preventDefault();
      setComposerOpen(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const timeline = [...view.timeline].sort((a, b) => (parseTime(a.at) ?? 0) - (parseTime(b.at) ?? 0));
  const closed = isClosed(row.status);
  const replied = view.replies.some((r) => r.kind === "reply");

  return (
    <div className="pane-body handoff" data-testid="handoff-view" data-id={row.id}>
      <header className="card handoff-head">
        <div className="head-line">
          <h2 className="visitor-name" data-testid="visitor-name">
            <bdi>{visitorLabel(row)}</bdi>
          </h2>
          <StatusBadge status={row.status} testId="status" />
          {view.resolution && (
            <span className="muted small" data-testid="resolution">
              {resolutionLabel(view.resolution)}
            </span>
          )}
          {view.snoozedUntil && (
            <span className="badge snoozed" data-testid="snoozed">
              Snoozed until {formatShortInZone(view.snoozedUntil, view.timeZone)}
            </span>
          )}
        </div>
        <p className="head-sub muted">
          <bdi>{row.workspaceName}</bdi>
          <span aria-hidden="true"> · </span>
          <time data-testid="received-at" dateTime={row.receivedAt} title={`Your time: ${formatLocal(row.receivedAt)}`}>
            {formatInZone(row.receivedAt, view.timeZone)}
          </time>
          {view.bot && (
            <>
              <span aria-hidden="true"> · </span>via <bdi>{view.bot}</bdi>
            </>
          )}
          {row.afterHours && (
            <>
              {" "}
              <AfterHoursBadge testId="after-hours" />
            </>
          )}
        </p>
        <HandoffActions
          view={view}
          resolveOpen={resolveOpen}
          onResolveOpenChange={onResolveOpenChange}
          onToast={onToast}
        />
      </header>

      <BriefingCard id={row.id} />

      <section className="card summary" aria-label="What they asked">
        <div className="reason-line">
          <ReasonBadge reason={row.reason} />
          {row.reasonDetail && !sameWords(row.reasonDetail, row.reason) && (
            <span className="reason-detail bidi" data-testid="reason-detail" dir="auto">
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
          <blockquote className="question" data-testid="question" dir="auto">
            {forDisplay(row.question)}
          </blockquote>
        )}
      </section>

      <PromiseCard view={view} now={now} />

      {showsTeam(view.team) && <TeamCard view={view} onToast={onToast} />}

      <section className="card conversation" aria-label="Conversation">
        <h3>Conversation</h3>
        <Transcript lines={view.transcript} timeZone={view.timeZone} />
      </section>

      <Composer
        id={row.id}
        timeZone={view.timeZone}
        replies={view.replies}
        team={view.team}
        open={composerOpen}
        onOpenChange={setComposerOpen}
        onOpenSettings={onOpenSettings}
        onSent={() => onToast?.("Reply queued: it goes out now, and again later if the mail server is away.")}
      />

      {!composerOpen && (
        <div className="reply-bar">
          <button
            type="button"
            className="button primary reply-button"
            data-testid="action-reply"
            onClick={() => setComposerOpen(true)}
            title="Reply (r)"
          >
            {replied ? "Write again" : "Reply"}
            <kbd aria-hidden="true">r</kbd>
          </button>
          {closed && <span className="muted small">Resolved handoffs can still be answered.</span>}
        </div>
      )}

      <section className="card visitor" aria-label="Visitor">
        <h3>Visitor</h3>
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
                <bdi data-testid="visitor-phone">{view.visitorPhone}</bdi>
                <CopyButton text={view.visitorPhone} label="Copy phone" />
              </dd>
            </div>
          )}
          {(row.pageUrl || row.pageTitle) && (
            <div>
              <dt>Page</dt>
              <dd className="page">
                {row.pageTitle && (
                  <bdi className="page-title" data-testid="page-title">
                    {row.pageTitle}
                  </bdi>
                )}
                {row.pageUrl && <PageLink url={row.pageUrl} />}
              </dd>
            </div>
          )}
          <div>
            <dt>Workspace</dt>
            <dd>
              <bdi>{row.workspaceName}</bdi>
            </dd>
          </div>
        </dl>
        <EraseVisitor id={row.id} onErased={onErased} />
      </section>

      <HubspotCard view={view} />

      {view.followUps.length > 0 && (
        <section className="card">
          <h3>Follow-ups</h3>
          <ul className="plain-list">
            {view.followUps.map((f, i) => (
              <li key={`${f.kind}-${f.dueAt}-${i}`} className={f.doneAt ? "done" : undefined}>
                <strong>{kindLabel(f.kind)}</strong>
                <span className="muted"> · due {formatInZone(f.dueAt, view.timeZone)}</span>
                {f.doneAt && <span className="muted"> · done {formatInZone(f.doneAt, view.timeZone)}</span>}
                {f.note && (
                  <div className="note" dir="auto">
                    {f.note}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {timeline.length > 0 && (
        <section className="card">
          <h3>Timeline</h3>
          <ol className="plain-list timeline" data-testid="timeline">
            {timeline.map((t, i) => (
              <li key={`${t.at}-${t.kind}-${i}`}>
                <time dateTime={t.at}>{formatInZone(t.at, view.timeZone)}</time>
                <span className="timeline-text bidi">{timelineText(t.kind, t.detail, view.timeZone)}</span>
              </li>
            ))}
          </ol>
        </section>
      )}

      <TeachFormat id={row.id} flagged={row.flagged} />

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

/** "low_confidence" and "Low confidence" say the same: the detail adds nothing then. */
function sameWords(a: string, b: string): boolean {
  const norm = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  return norm(a) === norm(b);
}
