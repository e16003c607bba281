// The reply identity: the SMTP server and From address replies go out with.
// "Check and save" logs in first; an empty password keeps the saved one.
// Google and Microsoft mailboxes sign in instead of a password (Microsoft 365
// refuses passwords for SMTP): the From address is the account, and the
// server settings are filled from it when empty.
import { useState } from "react";
import type { SettingsView, SmtpForm } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { busyLabel, Field, keychainNote, Status, toCount } from "./Field";
import { useCheck, useSettingsAction } from "./queries";
import { asProvider, PROVIDER_LABEL, SignInButtons, SignInStatus, useSignIn, type Provider } from "./SignIn";

type Draft = Omit<SmtpForm, "port"> & { port: string; password: string };

function toDraft(smtp: SmtpForm | null): Draft {
  if (!smtp)
    return { host: "", port: "", tls: "starttls", user: "", fromAddress: "", fromName: "", bcc: "", oauth: "", password: "" };
  return { ...smtp, port: smtp.port === 0 ? "" : String(smtp.port), password: "" };
}

function toForm(d: Draft): SmtpForm {
  return {
    host: d.host.trim(),
    port: toCount(d.port),
    tls: d.tls,
    user: d.user.trim(),
    fromAddress: d.fromAddress.trim(),
    fromName: d.fromName.trim(),
    bcc: d.bcc.trim(),
    oauth: d.oauth,
  };
}

type Outcome = { state: "ok" | "error"; text: string };

export function SmtpSection({ view }: { view: SettingsView }) {
  const slug = view.workspace.slug;
  const saved = view.smtp;
  const [draft, setDraft] = useState<Draft>(() => toDraft(saved));
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const save = useSettingsAction((b, a: { form: SmtpForm; password: string | null }) =>
    b.saveSmtp(slug, a.form, a.password),
  );
  const test = useCheck((b, _: void) => b.testSmtp(slug));
  const backend = useBackend();
  const signIn = useSignIn();
  const signedIn = asProvider(saved?.oauth);
  const busy = save.isPending || test.isPending || signIn.busy;
  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setOutcome(null);
  };

  const submit = () => {
    setOutcome(null);
    save.mutate(
      { form: toForm(draft), password: draft.password === "" ? null : draft.password },
      {
        onSuccess: (next) => {
          setDraft(toDraft(next.smtp));
          const from = next.smtp?.fromAddress ?? draft.fromAddress;
          setOutcome({ state: "ok", text: `Saved: replies go out from ${from}.` });
        },
        onError: (err) => setOutcome({ state: "error", text: err.message }),
      },
    );
  };

  const defaultPort = draft.tls === "implicit" ? "465" : "587";

  /** Sign in as the From address; empty server fields are filled from it first. */
  const startSignIn = async (provider: Provider) => {
    setOutcome(null);
    const address = draft.fromAddress.trim() || draft.user.trim();
    if (!address.includes("@")) {
      setOutcome({ state: "error", text: "Type the From address first: it is the account you sign in with." });
      return;
    }
    let next: Draft = { ...draft, fromAddress: address, user: address, oauth: provider, password: "" };
    if (next.host.trim() === "") {
      try {
        const found = await backend.discoverMailbox(address);
        if (found.smtpHost) {
          next = { ...next, host: found.smtpHost, port: String(found.smtpPort ?? ""), tls: found.smtpTls ?? "starttls" };
        }
      } catch (err) {
        setOutcome({ state: "error", text: AppError.from(err).message });
        return;
      }
    }
    setDraft(next);
    void signIn.start(provider, address, { kind: "smtp", workspace: slug, form: toForm(next) }, (view) => {
      setDraft(toDraft(view.smtp));
      setOutcome({
        state: "ok",
        text: `Signed in with ${PROVIDER_LABEL[provider]}: replies go out from ${view.smtp?.fromAddress ?? address}.`,
      });
    });
  };

  return (
    <section className="settings-section" data-testid="settings-section-smtp" aria-labelledby="settings-h-smtp">
      <h2 id="settings-h-smtp">Reply identity</h2>
      {saved === null && (
        <div className="settings-empty" data-testid="smtp-empty">
          <p>
            <strong>No reply identity yet</strong>: replies can't be sent from Handoff Desk until one is set. Use the
            mailbox your team answers visitors from.
          </p>
        </div>
      )}
      <div className="signin-row" data-testid="smtp-signin">
        <p className="settings-hint">
          {signedIn
            ? `Signed in with ${PROVIDER_LABEL[signedIn]} as ${saved?.user ?? saved?.fromAddress}; no password is kept.`
            : "Gmail, Google Workspace or Microsoft 365: sign in instead of typing a password."}
        </p>
        <div className="action-row">
          <SignInButtons
            onSignIn={(p) => void startSignIn(p)}
            disabled={busy}
            recommended={signedIn}
            verb={signedIn ? "Sign in again" : "Sign in"}
            testPrefix="smtp-signin"
          />
          {draft.oauth !== "" && (
            <button type="button" className="button" data-testid="smtp-use-password" onClick={() => edit({ oauth: "" })}>
              Use a password instead
            </button>
          )}
        </div>
        <SignInStatus phase={signIn.phase} onCancel={signIn.cancel} />
      </div>
      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="settings-grid">
          <Field label="SMTP server">
            <input
              data-testid="smtp-host"
              placeholder="smtp.example.com"
              spellCheck={false}
              value={draft.host}
              onChange={(e) => edit({ host: e.target.value })}
            />
          </Field>
          <Field label="Connection security">
            <select data-testid="smtp-tls" value={draft.tls} onChange={(e) => edit({ tls: e.target.value })}>
              <option value="starttls">STARTTLS (port 587)</option>
              <option value="implicit">TLS (port 465)</option>
              <option value="plain">None (this computer only)</option>
            </select>
          </Field>
          <Field label="Port" hint={`Empty: ${defaultPort}.`}>
            <input
              data-testid="smtp-port"
              type="number"
              min={0}
              max={65535}
              inputMode="numeric"
              placeholder={defaultPort}
              value={draft.port}
              onChange={(e) => edit({ port: e.target.value })}
            />
          </Field>
          <Field label="Login" hint="Empty when the server needs none.">
            <input
              data-testid="smtp-user"
              autoComplete="off"
              spellCheck={false}
              value={draft.user}
              onChange={(e) => edit({ user: e.target.value })}
            />
          </Field>
          {draft.oauth === "" && (
            <Field label="SMTP password" hint={keychainNote(saved !== null)}>
              <input
                data-testid="smtp-password"
                type="password"
                autoComplete="off"
                placeholder={saved !== null ? "unchanged" : ""}
                value={draft.password}
                onChange={(e) => edit({ password: e.target.value })}
              />
            </Field>
          )}
          <Field label="From address">
            <input
              data-testid="smtp-from"
              type="email"
              placeholder="help@example.com"
              spellCheck={false}
              value={draft.fromAddress}
              onChange={(e) => edit({ fromAddress: e.target.value })}
            />
          </Field>
          <Field label="From name (optional)">
            <input data-testid="smtp-name" value={draft.fromName} onChange={(e) => edit({ fromName: e.target.value })} />
          </Field>
          <Field label="Bcc every reply to (optional)" hint="The shared mailbox, so the team sees what was sent.">
            <input
              data-testid="smtp-bcc"
              type="email"
              spellCheck={false}
              value={draft.bcc}
              onChange={(e) => edit({ bcc: e.target.value })}
            />
          </Field>
        </div>
        <div className="action-row settings-actions">
          <button
            type="submit"
            className="button primary"
            data-testid="smtp-save"
            disabled={busy}
            aria-busy={save.isPending}
          >
            {busyLabel(save.isPending, "Check and save", "Checking the login…")}
          </button>
          {saved !== null && (
            <button
              type="button"
              className="button"
              data-testid="smtp-test"
              disabled={busy}
              aria-busy={test.isPending}
              title="Logs in with the saved settings"
              onClick={() => {
                setOutcome(null);
                test.mutate(undefined, {
                  onSuccess: (text) => setOutcome({ state: "ok", text }),
                  onError: (err) => setOutcome({ state: "error", text: err.message }),
                });
              }}
            >
              {busyLabel(test.isPending, "Test the saved login", "Testing…")}
            </button>
          )}
        </div>
        {outcome && (
          <Status testId="smtp-status" state={outcome.state}>
            {outcome.text}
          </Status>
        )}
      </form>
    </section>
  );
}
