// The month field of Gaps and Insights, with the other month one click away:
// "This month so far" from a complete month, "Last month" from the current one.
import { currentMonth, lastMonth, monthLabel } from "../lib/useWorkspaceMonth";

type Props = { month: string; onChange: (month: string) => void; testId: string };

export function MonthSwitch({ month, onChange, testId }: Props) {
  const current = currentMonth();
  return (
    <>
      <label className="field">
        <span className="visually-hidden">Month</span>
        <input data-testid={testId} type="month" value={month} onChange={(e) => onChange(e.target.value)} />
      </label>
      <button
        type="button"
        className="button"
        data-testid={`${testId}-switch`}
        onClick={() => onChange(month === current ? lastMonth() : current)}
      >
        {month === current ? "Last month" : "This month so far"}
      </button>
      {month === current && (
        <span className="badge month-so-far" data-testid={`${testId}-label`} title={monthLabel(month)}>
          so far
        </span>
      )}
    </>
  );
}

/** A per-month screen's body when no workspace exists yet (never a spinner). */
export function NoWorkspaceYet({ what, onOpenInbox }: { what: string; onOpenInbox?: () => void }) {
  return (
    <div className="panel" data-testid="no-workspace-yet">
      <h2>Nothing here yet</h2>
      <p>{what}</p>
      {onOpenInbox && (
        <button type="button" className="button primary" onClick={onOpenInbox}>
          Go to the inbox to get started
        </button>
      )}
    </div>
  );
}
