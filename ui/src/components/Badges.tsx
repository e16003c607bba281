import { countdown, type Countdown } from "../lib/countdown";
import { reasonClass, reasonLabel, statusClass, statusLabel } from "../lib/labels";

type TestId = { testId?: string };

export function ReasonBadge({ reason, testId }: { reason: string } & TestId) {
  return (
    <span className={`badge reason reason-${reasonClass(reason)}`} data-testid={testId}>
      {reasonLabel(reason)}
    </span>
  );
}

export function StatusBadge({ status, testId }: { status: string } & TestId) {
  return (
    <span className={`badge status status-${statusClass(status)}`} data-testid={testId}>
      {statusLabel(status)}
    </span>
  );
}

export function AfterHoursBadge({ testId }: TestId) {
  return (
    <span className="badge after-hours" data-testid={testId} title="Received outside the workspace's opening hours">
      After hours
    </span>
  );
}

export function CountdownText({
  dueAt,
  now,
  state,
  testId,
}: { dueAt: string; now: number; state: string | null } & TestId) {
  const c: Countdown | null = countdown(dueAt, now, state);
  if (!c) return null;
  return (
    <span className={`countdown tone-${c.tone}`} data-testid={testId}>
      {c.text}
    </span>
  );
}
