// The briefing at the top of a handoff: what the visitor wants and what the
// bot could not do, tone, hot-lead signals, company, the gap group and the
// visitor's earlier handoffs. Visitor text is rendered as text.
import { useQuery } from "@tanstack/react-query";
import type { BriefingView, BuyingSignal, Tone } from "../../bindings";
import { useBackend } from "../../ipc";

const TONE: Record<Tone, string> = { calm: "Calm", frustrated: "Frustrated", urgent: "Urgent" };
const SIGNAL: Record<BuyingSignal, string> = { price: "price", quote: "quote", booking: "booking", demo: "demo" };

export function BriefingCard({ id }: { id: number }) {
  const backend = useBackend();
  const load = backend.briefing;
  const q = useQuery({
    queryKey: ["briefing", id] as const,
    queryFn: () => (load ? load(id) : Promise.resolve(null)),
  });
  const b: BriefingView | null | undefined = q.data;
  if (!b) return null;
  return (
    <section className="card briefing" aria-label="Briefing" data-testid="briefing">
      <p className="briefing-summary" data-testid="briefing-summary" dir="auto">
        {b.summary}
      </p>
      <div className="briefing-tags">
        <span className={`chip tone-${b.tone}`} data-testid="briefing-tone">
          {TONE[b.tone]}
        </span>
        {b.hotLead && (
          <span className="chip hot-lead" data-testid="briefing-hot" title="A buying signal: reply first">
            Hot lead: {b.signals.map((s) => SIGNAL[s]).join(", ")}
          </span>
        )}
        {b.company && (
          <span className="chip" data-testid="briefing-company" title="From the visitor's address">
            {b.company}
          </span>
        )}
        {b.intent && (
          <span className="chip" data-testid="briefing-intent" title="This month's gap group" dir="auto">
            Gap: {b.intent}
          </span>
        )}
      </div>
      {b.history.length > 0 && (
        <details className="briefing-history" data-testid="briefing-history">
          <summary>
            Wrote before: {b.history.length} earlier handoff{b.history.length === 1 ? "" : "s"}
          </summary>
          <ul>
            {b.history.map((p) => (
              <li key={p.id} dir="auto">
                #{p.id} · {p.receivedAt.slice(0, 10)} · {p.status}
                {p.question ? ` · ${p.question}` : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
