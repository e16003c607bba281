import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { HandoffView, HubspotPush } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";
import { formatInZone } from "../../lib/time";

/** What each push state says, and the button it offers (null: none). */
function describe(p: HubspotPush): { text: string; button: string | null } {
  switch (p.state) {
    case "off":
      return { text: "This workspace is not connected to HubSpot. Connect it in Settings → HubSpot.", button: null };
    case "not_pushed":
      return { text: "Not in HubSpot yet.", button: "Push to HubSpot" };
    case "queued":
      return {
        text: p.message
          ? `Queued: ${p.message}.`
          : "Queued: it goes out as soon as HubSpot answers (it waits out rate limits and offline spells).",
        button: null,
      };
    case "pushed":
      return { text: "In HubSpot: contact upserted, tagged as an escalation, transcript attached as a note.", button: "Push again" };
    case "no_email":
      return { text: p.message ?? "No email address to find the contact by: not pushed.", button: null };
    default:
      return { text: p.message ?? "The push did not go through.", button: "Try again" };
  }
}

/** The handoff's place in HubSpot, with a push button. */
export function HubspotCard({ view }: { view: HandoffView }) {
  const backend = useBackend();
  const client = useQueryClient();
  const id = view.row.id;
  const push = useMutation<HandoffView, AppError>({
    mutationFn: async () => {
      try {
        return await backend.pushToHubspot(id);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (next) => client.setQueryData(queryKeys.handoff(id), next),
  });
  const p = view.hubspot;
  const { text, button } = describe(p);
  return (
    <section className="card hubspot" data-testid="hubspot-card" data-state={p.state} aria-label="HubSpot">
      <h3>HubSpot</h3>
      <p className={p.state === "failed" || p.state === "stopped" ? "error-message" : "muted"} data-testid="hubspot-text">
        {text}
      </p>
      {p.state === "pushed" && (p.pushedAt || p.contactId) && (
        <p className="small muted">
          {p.pushedAt && <>Last pushed {formatInZone(p.pushedAt, view.timeZone)}</>}
          {p.contactId && <> · contact {p.contactId}</>}
        </p>
      )}
      {button && (
        <button
          type="button"
          className="button"
          data-testid="hubspot-push"
          disabled={push.isPending}
          aria-busy={push.isPending}
          onClick={() => push.mutate()}
        >
          {push.isPending ? "Queuing…" : button}
        </button>
      )}
      {push.isError && (
        <p className="error-message" role="alert" data-testid="hubspot-push-error">
          {push.error.message}
        </p>
      )}
    </section>
  );
}
