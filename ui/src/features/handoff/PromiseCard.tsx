// The reply promise: what was promised, when it is due, and how much time is left.
import type { HandoffView as HandoffData } from "../../bindings";
import { CountdownText } from "../../components/Badges";
import { showsCountdown } from "../../lib/countdown";
import { promiseLabel } from "../../lib/labels";
import { formatInZone } from "../../lib/time";

export function PromiseCard({ view, now }: { view: HandoffData; now: number }) {
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
