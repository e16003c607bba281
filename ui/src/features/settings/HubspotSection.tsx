// The workspace's HubSpot portal: connect with a private app token (checked
// first, kept in the keychain), see what was pushed, push the handoffs from
// before connecting, change settings, disconnect.
import { useState } from "react";
import type { HubspotForm, HubspotView, SettingsView } from "../../bindings";
import { formatLocal } from "../../lib/time";
import { busyLabel, Field, keychainNote, Status } from "./Field";
import { useSettingsAction } from "./queries";

export const DEFAULT_BASE_URL = "https://api.hubapi.com";

const RATES = [
  { value: 100, label: "100 per 10 s (Free / Starter)" },
  { value: 190, label: "190 per 10 s (Professional / Enterprise)" },
  { value: 250, label: "250 per 10 s (API limit add-on)" },
];

const SCOPES = [
  "crm.objects.contacts.read",
  "crm.objects.contacts.write",
  "crm.schemas.contacts.read",
  "crm.schemas.contacts.write",
];

const NEW_FORM: HubspotForm = { baseUrl: DEFAULT_BASE_URL, autoPush: true, leadStatus: false, ratePer10s: 100 };

export function HubspotSection({ view }: { view: SettingsView }) {
  const slug = view.workspace.slug;
  const hub = view.hubspot;
  const [form, setForm] = useState<HubspotForm>(hub?.form ?? NEW_FORM);
  const [token, setToken] = useState("");
  const [confirming, setConfirming] = useState(false);
  const connect = useSettingsAction((b, a: { form: HubspotForm; token: string | null }) =>
    b.connectHubspot(slug, a.form, a.token),
  );
  const disconnect = useSettingsAction((b, _: void) => b.disconnectHubspot(slug));
  const push = useSettingsAction((b, _: void) => b.pushAllPending(slug));
  const resetAll = () => [connect, disconnect, push].forEach((m) => m.reset());

  const submit = () => {
    resetAll();
    const t = token.trim();
    connect.mutate(
      { form: { ...form, baseUrl: form.baseUrl.trim() }, token: t === "" ? null : t },
      {
        onSuccess: (next) => {
          setToken("");
          if (next.hubspot) setForm(next.hubspot.form);
        },
      },
    );
  };

  const rates = RATES.some((r) => r.value === form.ratePer10s)
    ? RATES
    : [...RATES, { value: form.ratePer10s, label: `${form.ratePer10s} per 10 s` }];

  return (
    <section className="settings-section" data-testid="settings-section-hubspot" aria-labelledby="settings-h-hubspot">
      <h2 id="settings-h-hubspot">HubSpot</h2>
      {hub ? (
        <Connection
          hub={hub}
          busy={push.isPending}
          onPush={() => {
            resetAll();
            push.mutate();
          }}
        />
      ) : (
        <div className="settings-empty" data-testid="hubspot-empty">
          <p>
            <strong>Not connected.</strong> Connect a HubSpot portal to send each handoff there as a contact with the
            conversation as a note.
          </p>
          <p className="settings-hint">
            Create a private app in HubSpot (Settings → Integrations → Private apps) with the scopes{" "}
            {SCOPES.map((s) => (
              <code key={s}>{s}</code>
            ))}
            , then paste its token here.
          </p>
        </div>
      )}
      {push.isSuccess && (
        <Status testId="hubspot-pushed" state="ok">
          Queued: the earlier handoffs go to HubSpot in the background.
        </Status>
      )}
      {push.isError && <ErrorLine message={push.error.message} />}

      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="settings-grid">
          <Field label="Private app token" hint={keychainNote(hub !== null)}>
            <input
              data-testid="hubspot-token"
              type="password"
              autoComplete="off"
              placeholder={hub ? "unchanged" : "pat-…"}
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          </Field>
          <Field label="Rate limit" hint="Requests per ten seconds your HubSpot plan allows.">
            <select
              data-testid="hubspot-rate"
              value={form.ratePer10s}
              onChange={(e) => setForm({ ...form, ratePer10s: Number(e.target.value) })}
            >
              {rates.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </Field>
          <label className="settings-check">
            <input
              type="checkbox"
              data-testid="hubspot-auto"
              checked={form.autoPush}
              onChange={(e) => setForm({ ...form, autoPush: e.target.checked })}
            />
            <span>Push new handoffs automatically</span>
          </label>
          <label className="settings-check">
            <input
              type="checkbox"
              data-testid="hubspot-lead-status"
              checked={form.leadStatus}
              onChange={(e) => setForm({ ...form, leadStatus: e.target.checked })}
            />
            <span>Set the contact's lead status to New</span>
          </label>
          <Field label="API address" hint={`Leave ${DEFAULT_BASE_URL} for a real portal.`} wide>
            <input
              data-testid="hubspot-base-url"
              type="url"
              spellCheck={false}
              value={form.baseUrl}
              onChange={(e) => setForm({ ...form, baseUrl: e.target.value })}
            />
          </Field>
        </div>
        <div className="action-row settings-actions">
          <button
            type="submit"
            className="button primary"
            data-testid="hubspot-connect"
            disabled={connect.isPending}
            aria-busy={connect.isPending}
          >
            {busyLabel(connect.isPending, hub ? "Save" : "Check and connect", "Checking the token…")}
          </button>
          {hub && !confirming && (
            <button
              type="button"
              className="button"
              data-testid="hubspot-disconnect"
              onClick={() => {
                resetAll();
                setConfirming(true);
              }}
            >
              Disconnect…
            </button>
          )}
        </div>
        {connect.isError && <ErrorLine message={connect.error.message} />}
        {connect.isSuccess && (
          <Status testId="hubspot-saved" state="ok">
            Saved: HubSpot accepted the token, which is in the OS keychain.
          </Status>
        )}
      </form>

      {hub && confirming && (
        <div className="settings-confirm" role="group" aria-label="Disconnect HubSpot">
          <span>Disconnect HubSpot? The token leaves the keychain; contacts already in HubSpot stay.</span>
          <button
            type="button"
            className="button danger"
            data-testid="hubspot-disconnect-confirm"
            disabled={disconnect.isPending}
            aria-busy={disconnect.isPending}
            onClick={() =>
              disconnect.mutate(undefined, {
                onSuccess: () => {
                  setConfirming(false);
                  setForm(NEW_FORM);
                },
              })
            }
          >
            {busyLabel(disconnect.isPending, "Disconnect", "Disconnecting…")}
          </button>
          <button type="button" className="button" autoFocus onClick={() => setConfirming(false)}>
            Stay connected
          </button>
        </div>
      )}
      {disconnect.isError && <ErrorLine message={disconnect.error.message} />}
    </section>
  );
}

function ErrorLine({ message }: { message: string }) {
  return (
    <p className="error-message" role="alert" data-testid="hubspot-error">
      {message}
    </p>
  );
}

type ConnectionProps = { hub: HubspotView; busy: boolean; onPush: () => void };

function Connection({ hub, busy, onPush }: ConnectionProps) {
  const counts = hub.counts.filter((c) => c.count > 0);
  return (
    <div className="settings-hubspot">
      {hub.stopped !== null ? (
        <div className="settings-stopped" data-testid="hubspot-status" data-state="stopped" role="alert">
          <strong>Pushing is paused.</strong> {hub.stopped}
          <p>Reconnect with a new token below: paste it and press Save.</p>
        </div>
      ) : (
        <p className="settings-ok" data-testid="hubspot-status" data-state="connected">
          Connected{hub.connectedAt ? ` since ${formatLocal(hub.connectedAt)}` : ""}.
        </p>
      )}
      {counts.length > 0 && (
        <p className="small" data-testid="hubspot-counts">
          {counts.map((c) => `${c.count} ${c.state}`).join(" · ")}
        </p>
      )}
      {hub.unpushed > 0 && (
        <div className="action-row">
          <span className="muted">
            {hub.unpushed} {hub.unpushed === 1 ? "handoff is" : "handoffs are"} not in HubSpot yet.
          </span>
          <button
            type="button"
            className="button"
            data-testid="hubspot-push-pending"
            disabled={busy}
            aria-busy={busy}
            onClick={onPush}
          >
            {busyLabel(busy, `Push ${hub.unpushed} earlier ${hub.unpushed === 1 ? "handoff" : "handoffs"}`, "Queueing…")}
          </button>
        </div>
      )}
    </div>
  );
}
