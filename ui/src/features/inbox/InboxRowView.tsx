import { memo, type CSSProperties, type ReactNode } from "react";
import type { InboxRow } from "../../bindings";
import { CountdownText, ReasonBadge, StatusBadge } from "../../components/Badges";
import { showsCountdown } from "../../lib/countdown";
import { displayPath } from "../../lib/links";
import { forDisplay } from "../../lib/text";
import { formatLocal, formatRelative } from "../../lib/time";

export function visitorLabel(row: Pick<InboxRow, "visitorName" | "visitorEmail">): string {
  const name = row.visitorName?.trim();
  if (name) return name;
  const email = row.visitorEmail?.trim();
  if (email) return email;
  return "Unknown visitor";
}

function pageLabel(row: InboxRow): string | null {
  if (row.pageTitle?.trim()) return row.pageTitle;
  if (row.pageUrl) return displayPath(row.pageUrl);
  return null;
}

type Props = {
  row: InboxRow;
  index: number;
  selected: boolean;
  now: number;
  showWorkspace: boolean;
  style: CSSProperties;
  onChoose: (id: number) => void;
};

export const InboxRowView = memo(function InboxRowView({ row, index, selected, now, showWorkspace, style, onChoose }: Props) {
  const page = pageLabel(row);
  return (
    <div
      role="option"
      id={`inbox-row-${row.id}`}
      className={`inbox-row${selected ? " selected" : ""}${index % 2 ? " odd" : ""}`}
      data-testid="inbox-row"
      data-id={row.id}
      aria-selected={selected}
      style={style}
      onClick={() => onChoose(row.id)}
    >
      <div className="row-line">
        <bdi className="row-visitor" data-testid="row-visitor">
          {visitorLabel(row)}
        </bdi>
        {row.status !== "new" && <StatusBadge status={row.status} />}
        {row.afterHours && (
          <span className="row-after-hours" data-testid="row-after-hours" title="Received outside the workspace's opening hours">
            <span aria-hidden="true">☾</span>
            <span className="visually-hidden">After hours</span>
          </span>
        )}
        {row.flagged && (
          <span className="flag" title="Parts of this handoff were kept raw">
            ⚑
          </span>
        )}
        <TeamChip row={row} />
        <span className="row-spacer" />
        {row.dueAt !== null && showsCountdown(row.dueAt, row.promiseState) && (
          <CountdownText dueAt={row.dueAt} now={now} state={row.promiseState} testId="row-countdown" />
        )}
        <time className="row-time" data-testid="row-time" dateTime={row.receivedAt} title={formatLocal(row.receivedAt)}>
          {formatRelative(row.receivedAt, now)}
        </time>
      </div>
      <div className="row-line secondary">
        <ReasonBadge reason={row.reason} testId="row-reason" />
        {secondary(row, showWorkspace, page)}
      </div>
    </div>
  );
});

/** Who has it ("Dana", "You"), or else who answered it; nothing outside team mode. */
function TeamChip({ row }: { row: InboxRow }) {
  if (row.claimedBy !== null) {
    const who = row.claimedByMe ? "You" : row.claimedBy;
    const title = row.claimedByMe ? "Claimed by you" : `Claimed by ${row.claimedBy}`;
    return (
      <span
        className={`badge row-claim${row.claimedByMe ? " mine" : ""}`}
        data-testid="row-claim"
        data-mine={row.claimedByMe}
        title={title}
      >
        <span className="visually-hidden">Claimed by </span>
        {who}
      </span>
    );
  }
  if (row.answeredBy !== null) {
    return (
      <span className="row-answered" data-testid="row-answered" title={`Answered by ${row.answeredBy}`}>
        answered by {row.answeredBy}
      </span>
    );
  }
  return null;
}

/** Workspace · page · question, with a separator only between parts that are there. */
function secondary(row: InboxRow, showWorkspace: boolean, page: string | null) {
  const parts: ReactNode[] = [];
  if (showWorkspace) {
    parts.push(
      <bdi key="ws" className="row-workspace">
        {row.workspaceName}
      </bdi>,
    );
  }
  if (page !== null) {
    parts.push(
      <bdi key="page" className="row-page" data-testid="row-page">
        {page}
      </bdi>,
    );
  }
  const question = row.question?.trim();
  if (question) {
    parts.push(
      <bdi key="q" className="row-question" data-testid="row-question">
        {forDisplay(question)}
      </bdi>,
    );
  }
  return parts.flatMap((part, i) =>
    i === 0
      ? [part]
      : [
          <span key={`sep-${i}`} className="row-sep" aria-hidden="true" data-testid="row-sep">
            ·
          </span>,
          part,
        ],
  );
}
