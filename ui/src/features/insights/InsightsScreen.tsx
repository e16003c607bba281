import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { MonthFigures, WorkspaceSummary } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { reasonLabel, resolutionLabel } from "../../lib/labels";
import { monthLabel, useWorkspaceMonth } from "../../lib/useWorkspaceMonth";
import { MonthSwitch, NoWorkspaceYet } from "../../components/MonthSwitch";
import { type Bar, BarChart } from "./BarChart";
import { MonthReportPage, Progress, useMonthReport } from "./MonthReport";
import "./insights.css";

type Props = { workspaces: WorkspaceSummary[]; onOpenInbox?: () => void };

export function percent(v: number | null): string {
  return v === null ? "—" : `${Math.round(v * 100)} %`;
}

/** The month's resolutions as bars, most frequent first, then the handoffs not resolved yet. */
export function resolutionBars(m: MonthFigures): Bar[] {
  const share = (n: number) => percent(m.handoffs > 0 ? n / m.handoffs : null);
  const bars: Bar[] = m.byResolution.map((r) => ({
    label: resolutionLabel(r.resolution),
    value: r.count,
    note: percent(r.share),
  }));
  if (m.unresolved > 0) bars.push({ label: "Not resolved yet", value: m.unresolved, note: share(m.unresolved) });
  return bars;
}

export function minutes(v: number | null): string {
  if (v === null) return "—";
  if (v < 60) return `${v} min`;
  const h = Math.floor(v / 60);
  const m = v % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A workspace's month in figures, and the months before it as charts. */
export function InsightsScreen({ workspaces, onOpenInbox }: Props) {
  const backend = useBackend();
  const { workspace, setWorkspace, month, setMonth, ready } = useWorkspaceMonth(workspaces);
  const [tab, setTab] = useState<"figures" | "report">("figures");
  const report = useMonthReport(workspace, month, ready);

  const data = useQuery({
    queryKey: ["insights", workspace, month] as const,
    queryFn: () => backend.insights(workspace, month),
    enabled: ready,
  });
  const none = workspaces.length === 0;
  const state = none ? "empty" : data.isError ? "error" : data.isPending ? "loading" : "ready";
  const months = data.data?.months ?? [];
  const now: MonthFigures | undefined = months[months.length - 1];

  return (
    <div className="screen insights-screen">
      <header className="topbar">
        <h1 className="topbar-title">Insights</h1>
        <div className="filters">
          {!none && (
            <select
              data-testid="insights-workspace"
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
          <MonthSwitch month={month} onChange={setMonth} testId="insights-month" />
          {!none && backend.monthReport && (
            <div className="insights-tabs" role="tablist">
              <button
                type="button"
                role="tab"
                aria-selected={tab === "figures"}
                className={`button${tab === "figures" ? " primary" : ""}`}
                data-testid="insights-tab-figures"
                onClick={() => setTab("figures")}
              >
                Figures
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={tab === "report"}
                className={`button${tab === "report" ? " primary" : ""}`}
                data-testid="insights-tab-report"
                onClick={() => setTab("report")}
              >
                Report
              </button>
            </div>
          )}
        </div>
      </header>
      <main className="insights" data-testid="insights" data-state={state} tabIndex={0} aria-label="Insights">
        {state === "error" && (
          <div className="panel" role="alert">
            <p className="error-message">{AppError.from(data.error).message}</p>
            <button type="button" className="button" onClick={() => void data.refetch()}>
              Retry
            </button>
          </div>
        )}
        {none && (
          <NoWorkspaceYet
            what="Each month's handoffs, reply times and promises kept are counted here, once handoffs arrive."
            onOpenInbox={onOpenInbox}
          />
        )}
        {state === "loading" && <p className="muted panel">Counting…</p>}
        {report.isError && (
          <div className="panel" role="alert">
            <p className="error-message">{AppError.from(report.error).message}</p>
          </div>
        )}
        {tab === "report" && report.data && <MonthReportPage report={report.data} />}
        {tab === "report" && report.isPending && <p className="muted panel">Writing the report…</p>}
        {tab === "figures" && report.data && <Progress key={`${workspace}-${month}`} report={report.data} />}
        {tab === "figures" && now && (
          <>
            <section className="figures">
              <Figure id="handoffs" label="Handoffs" value={String(now.handoffs)} />
              <Figure id="after-hours" label="After hours" value={percent(now.afterHoursShare)} />
              <Figure
                id="first-reply"
                label="First reply, median"
                value={minutes(now.firstReplyMedianMinutes)}
                note={`p90 ${minutes(now.firstReplyP90Minutes)} · ${minutes(now.firstReplyMedianBusinessMinutes)} of open hours`}
              />
              <Figure
                id="promises-kept"
                label="Promises kept"
                value={percent(now.promisesKept)}
                note={`${now.promisesMet} kept, ${now.promisesBreached} broken`}
              />
              <Figure id="overdue" label="Overdue now" value={String(now.overdueNow)} />
              <Figure id="repeat" label="Repeat visitors" value={String(now.repeatVisitors)} />
              <Figure
                id="gaps"
                label="Knowledge gaps"
                value={String(now.knowledgeGaps)}
                note={`${now.knowledgeGapsPrevious} the month before`}
              />
              <Figure
                id="found-by-people"
                label="Gaps found by people"
                value={String(now.contentGapsFoundByPeople)}
                note="resolved as content gaps the bot did not flag"
              />
            </section>
            <section className="card">
              <h3>Why the bot handed over, {monthLabel(now.month)}</h3>
              <BarChart
                testId="chart-reasons"
                bars={now.byReason.map((r) => ({ label: reasonLabel(r.reason), value: r.count, note: percent(r.share) }))}
              />
            </section>
            <section className="card">
              <h3>How they were resolved, {monthLabel(now.month)}</h3>
              <BarChart testId="chart-resolutions" bars={resolutionBars(now)} />
            </section>
            <section className="card">
              <h3>Handoffs per month</h3>
              <BarChart testId="chart-handoffs" bars={months.map((m) => ({ label: m.month, value: m.handoffs }))} />
            </section>
            <section className="card">
              <h3>Knowledge gaps per month (is the gap log shrinking?)</h3>
              <BarChart testId="chart-gaps" bars={months.map((m) => ({ label: m.month, value: m.knowledgeGaps }))} />
            </section>
            <section className="card">
              <h3>Promises kept per month</h3>
              <BarChart
                testId="chart-kept"
                bars={months.map((m) => ({
                  label: m.month,
                  value: m.promisesKept === null ? 0 : Math.round(m.promisesKept * 100),
                  note: percent(m.promisesKept),
                }))}
                max={100}
              />
            </section>
          </>
        )}
      </main>
    </div>
  );
}

function Figure({ id, label, value, note }: { id: string; label: string; value: string; note?: string }) {
  return (
    <div className="card figure" data-testid={`figure-${id}`}>
      <div className="figure-label">{label}</div>
      <div className="figure-value" data-testid={`figure-${id}-value`}>
        {value}
      </div>
      {note && <div className="muted figure-note">{note}</div>}
    </div>
  );
}
