// The client's monthly report in the window (Insights → Report), and the
// "is the bot getting better?" figures beside the month before (Insights).
// Both come from the core's report, the same one the PDF prints.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { MonthReportView } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { PlatformCounts } from "./PlatformCounts";

export function useMonthReport(workspace: string, month: string, enabled: boolean) {
  const backend = useBackend();
  const load = backend.monthReport;
  return useQuery({
    queryKey: ["month-report", workspace, month] as const,
    queryFn: () => (load ? load(workspace, month) : Promise.resolve(null)),
    enabled: enabled && !!load,
  });
}

/** The figures this month and the month before, the honest-promise advice, and the conversation count. */
export function Progress({ report }: { report: MonthReportView }) {
  return (
    <>
      <section className="card progress" data-testid="progress">
        <h3>Is the bot getting better?</h3>
        <FigureTable report={report} />
        {/* Keyed by the count: a count read from a platform replaces what the field shows. */}
        <Conversations key={report.conversations ?? "none"} report={report} />
        <PlatformCounts report={report} />
      </section>
      <section className="card advice" data-testid="promise-advice">
        <h3>Honest promises</h3>
        <Advice report={report} />
      </section>
    </>
  );
}

function FigureTable({ report }: { report: MonthReportView }) {
  return (
    <table className="figure-table" data-testid="figure-table">
      <thead>
        <tr>
          <th />
          <th className="num">{report.month}</th>
          <th className="num">{report.previousMonth}</th>
        </tr>
      </thead>
      <tbody>
        {report.figures.map((f) => (
          <tr key={f.label} data-testid={`figure-row-${(f.label.split(" ")[0] ?? "").toLowerCase()}`}>
            <td>{f.label}</td>
            <td className="num strong">{f.this}</td>
            <td className="num muted">{f.before}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Advice({ report }: { report: MonthReportView }) {
  return (
    <>
      {report.advice.length === 0 ? (
        <p className="muted">No promises were made this month.</p>
      ) : (
        <ul className="advice-list">
          {report.advice.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      )}
      {report.suggestedWording && (
        <>
          <p className="muted small">A promise to paste into the bot:</p>
          <p className="paste" data-testid="suggested-wording">
            {report.suggestedWording}
          </p>
        </>
      )}
    </>
  );
}

/** The bot's conversations this month: typed in, as the bot's platform reports them. */
function Conversations({ report }: { report: MonthReportView }) {
  const backend = useBackend();
  const client = useQueryClient();
  const [value, setValue] = useState(report.conversations === null ? "" : String(report.conversations));
  const save = useMutation<void, AppError, number>({
    mutationFn: async (total) => {
      try {
        await backend.setConversations?.(report.workspace, report.month, total);
      } catch (e) {
        throw AppError.from(e);
      }
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["month-report", report.workspace] }),
  });
  const total = Number.parseInt(value, 10);
  return (
    <form
      className="conversations"
      onSubmit={(e) => {
        e.preventDefault();
        if (Number.isFinite(total) && total >= 0) save.mutate(total);
      }}
    >
      <label>
        The bot's conversations in {report.month}{" "}
        <input
          data-testid="conversations-input"
          type="number"
          min={0}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="from the bot's dashboard"
        />
      </label>
      <button type="submit" className="button" data-testid="conversations-save" disabled={!Number.isFinite(total) || total < 0}>
        Save
      </button>
      {save.isError && (
        <span className="error-message" role="alert">
          {save.error.message}
        </span>
      )}
      <span className="muted small">Escalation rate and containment need it.</span>
    </form>
  );
}

/** The printable report, with Save as PDF. */
export function MonthReportPage({ report }: { report: MonthReportView }) {
  const backend = useBackend();
  const save = useMutation<string, AppError>({
    mutationFn: async () => {
      try {
        return (await backend.saveReportPdf?.(report.workspace, report.month)) ?? "";
      } catch (e) {
        throw AppError.from(e);
      }
    },
  });
  const max = Math.max(1, ...report.reasons.map((r) => r.count));
  return (
    <article className="report card" data-testid="month-report">
      <div className="report-actions">
        <button type="button" className="button primary" data-testid="report-save-pdf" onClick={() => save.mutate()}>
          Save as PDF
        </button>
        {save.isSuccess && (
          <span className="muted" data-testid="report-saved">
            {save.data}
          </span>
        )}
        {save.isError && (
          <span className="error-message" role="alert">
            {save.error.message}
          </span>
        )}
      </div>
      <h1 className="report-title">{report.workspaceName}</h1>
      <p className="muted">Chatbot handoffs, monthly report for {report.month}</p>
      <h2>The month in figures</h2>
      <FigureTable report={report} />
      <h2>Why the bot handed over</h2>
      {report.reasons.length === 0 && <p className="muted">No handoffs this month.</p>}
      <table className="reason-bars">
        <tbody>
          {report.reasons.map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td className="bar-cell">
                <span className="report-bar" style={{ width: `${Math.round((100 * r.count) / max)}%` }} />
              </td>
              <td className="num">{r.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Content to write: the gap checklist</h2>
      {report.gaps.length === 0 ? (
        <p className="muted">No questions the bot could not answer this month.</p>
      ) : (
        <ol className="report-gaps" data-testid="report-gaps">
          {report.gaps.map((g, i) => (
            <li key={`${i}-${g.label}`} dir="auto">
              <span className={`chip state-${g.state}`}>
                {g.state === "done" ? "done" : g.state === "still_asked" ? "asked again" : "to write"}
              </span>{" "}
              {g.label} <span className="muted">({g.visitors === 1 ? "1 visitor" : `${g.visitors} visitors`})</span>
              {g.note && <div className="muted small">Done: {g.note}</div>}
            </li>
          ))}
        </ol>
      )}
      <h2>Honest promises</h2>
      <Advice report={report} />
    </article>
  );
}
