// The week as a picture: one row per weekday, its open stretches as bars on a
// 24-hour track (a night shift's hours after midnight on the next row, marked
// as spill), and whether the workspace is open now. The server works all of
// this out from the saved hours (WeekView); this only draws it.
import type { Stretch, WeekView } from "../../bindings";

const DAY_MINUTES = 24 * 60;

function clock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

export function stretchLabel(day: string, s: Stretch): string {
  const what = s.spill ? " (night shift from the day before)" : "";
  return `${day} ${clock(s.from)}–${clock(s.to)}${what}`;
}

export function WeekStrip({ week }: { week: WeekView }) {
  return (
    <div className="week-strip" data-testid="week-strip">
      <p className="week-state" data-testid="week-state">
        Now: {week.state}
      </p>
      <ul className="week-days" aria-label="Opening hours this week">
        {week.days.map((d) => (
          <li key={d.day} className="week-day">
            <span className="week-day-name">{d.day.slice(0, 3)}</span>
            <span
              className="week-track"
              role={d.stretches.length === 0 ? "img" : undefined}
              aria-label={d.stretches.length === 0 ? `${d.day}: closed` : undefined}
            >
              {d.stretches.map((s) => (
                <span
                  key={`${s.from}-${s.to}`}
                  className={s.spill ? "week-open week-spill" : "week-open"}
                  data-testid="week-stretch"
                  title={stretchLabel(d.day, s)}
                  role="img"
                  aria-label={stretchLabel(d.day, s)}
                  style={{
                    left: `${(s.from / DAY_MINUTES) * 100}%`,
                    width: `${((s.to - s.from) / DAY_MINUTES) * 100}%`,
                  }}
                />
              ))}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
