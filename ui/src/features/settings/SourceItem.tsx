// One source in the list: its health, a relay's retention-gap notices (shown
// until acknowledged), a login test, enable/disable, a new secret, and removal
// (confirmed inline; its handoffs stay).
import { useState } from "react";
import type { SourceView } from "../../bindings";
import { formatLocal, parseTime } from "../../lib/time";
import { busyLabel, Status } from "./Field";
import { useCheck, useSettingsAction } from "./queries";
import { asProvider, PROVIDER_LABEL, SignInStatus, useSignIn } from "./SignIn";

const KIND_LABEL: Record<string, string> = { imap: "IMAP mailbox", relay: "Webhook relay" };

export function SourceItem({ source }: { source: SourceView }) {
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState("");
  const test = useCheck((b, id: number) => b.testSource(id));
  const toggle = useSettingsAction((b, a: { id: number; enabled: boolean }) => b.setSourceEnabled(a.id, a.enabled));
  const remove = useSettingsAction((b, id: number) => b.removeSource(id));
  const replace = useSettingsAction((b, a: { id: number; secret: string }) => b.setSourceSecret(a.id, a.secret));
  const acknowledge = useSettingsAction((b, id: number) => b.acknowledgeSourceGaps(id));
  const signIn = useSignIn();
  const provider = asProvider(source.signIn);

  const secretName = source.kind === "relay" ? "relay read token" : "IMAP password";
  const failedAt = parseTime(source.lastErrorAt);
  const okAt = parseTime(source.lastSuccessAt);
  const failingNow = source.lastError !== null && (okAt === null || (failedAt ?? 0) >= okAt);
  const actionError = toggle.error ?? remove.error ?? acknowledge.error;
  // The shell says the sign-in expired or was revoked: the way out is the
  // Sign in again button, made the primary action.
  const signInAgain = test.error?.code === "sign_in_again" || actionError?.code === "sign_in_again";

  return (
    <li
      className={`settings-item${source.enabled ? "" : " disabled"}`}
      data-testid="source-item"
      data-id={source.id}
      data-enabled={String(source.enabled)}
    >
      <div className="settings-item-head">
        <strong className="settings-item-name">{source.name}</strong>
        <span className="badge">{KIND_LABEL[source.kind] ?? source.kind}</span>
        {!source.enabled && <span className="badge">Disabled</span>}
      </div>
      <p className="muted settings-describe">{source.describe}</p>
      <p className="small">
        {source.lastSuccessAt ? `Last synced ${formatLocal(source.lastSuccessAt)}.` : "Not synced yet."}
      </p>
      {source.lastError !== null && (
        <p className={`small${failingNow ? " error-message" : " muted"}`} data-testid="source-last-error">
          {failingNow ? "Failing" : "Failed earlier"}
          {source.lastErrorAt ? ` (${formatLocal(source.lastErrorAt)})` : ""}: {source.lastError}
        </p>
      )}
      {source.gapNotices.length > 0 && (
        <div className="settings-confirm" role="alert" data-testid="source-gap">
          {source.gapNotices.map((notice, i) => (
            <p key={i} className="small error-message">
              Lost on the relay: {notice}
            </p>
          ))}
          <button
            type="button"
            className="button"
            data-testid="source-gap-ack"
            disabled={acknowledge.isPending}
            aria-busy={acknowledge.isPending}
            onClick={() => acknowledge.mutate(source.id)}
          >
            {busyLabel(acknowledge.isPending, "Acknowledge", "Saving…")}
          </button>
        </div>
      )}

      <div className="action-row">
        <button
          type="button"
          className="button"
          data-testid="source-test"
          disabled={test.isPending}
          aria-busy={test.isPending}
          onClick={() => test.mutate(source.id)}
        >
          {busyLabel(test.isPending, "Test connection", "Testing…")}
        </button>
        <button
          type="button"
          className="button"
          data-testid="source-toggle"
          disabled={toggle.isPending}
          aria-busy={toggle.isPending}
          onClick={() => {
            remove.reset();
            toggle.mutate({ id: source.id, enabled: !source.enabled });
          }}
        >
          {toggle.isPending ? "Saving…" : source.enabled ? "Disable" : "Enable"}
        </button>
        {!confirming && (
          <button
            type="button"
            className="button"
            data-testid="source-remove"
            onClick={() => {
              toggle.reset();
              setConfirming(true);
            }}
          >
            Remove…
          </button>
        )}
      </div>
      {confirming && (
        <div className="settings-confirm" role="group" aria-label={`Remove ${source.name}`}>
          <span>Remove {source.name}? Its handoffs stay; its {secretName} leaves the keychain.</span>
          <button
            type="button"
            className="button danger"
            data-testid="source-remove-confirm"
            disabled={remove.isPending}
            aria-busy={remove.isPending}
            onClick={() => remove.mutate(source.id)}
          >
            {busyLabel(remove.isPending, "Remove", "Removing…")}
          </button>
          <button type="button" className="button" autoFocus onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      )}
      {actionError && (
        <p className="error-message" role="alert" data-testid="source-error">
          {actionError.message}
        </p>
      )}
      {test.isSuccess && (
        <Status testId="source-result" state="ok">
          {test.data}
        </Status>
      )}
      {test.isError && (
        <Status testId="source-result" state="error">
          {test.error.message}
        </Status>
      )}

      {provider ? (
        <div className="signin-row" data-testid="source-signin-again">
          <p className="settings-hint">
            Signed in with {PROVIDER_LABEL[provider]} as {source.account}; the sign-in is kept in the OS keychain. If it
            expired or was revoked, sign in again.
          </p>
          <div className="action-row">
            <button
              type="button"
              className={`button${failingNow || signInAgain ? " primary" : ""}`}
              data-testid={`source-signin-again-${provider}`}
              data-suggested={String(signInAgain)}
              disabled={signIn.busy}
              onClick={() => void signIn.start(provider, source.account, { kind: "source", id: source.id })}
            >
              Sign in again with {PROVIDER_LABEL[provider]}
            </button>
          </div>
          <SignInStatus phase={signIn.phase} onCancel={signIn.cancel} />
          {signIn.phase.kind === "done" && (
            <Status testId="source-secret-status" state="ok">
              Signed in again: the mailbox answers and the new sign-in is in the OS keychain.
            </Status>
          )}
        </div>
      ) : (
        <>
          <form
            className="settings-inline"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (secret === "") return;
              replace.mutate({ id: source.id, secret }, { onSuccess: () => setSecret("") });
            }}
          >
            <label>
              <span className="settings-label">New {secretName}</span>
              <input
                data-testid="source-secret-new"
                type="password"
                autoComplete="off"
                value={secret}
                onChange={(e) => {
                  setSecret(e.target.value);
                  if (!replace.isPending) replace.reset();
                }}
              />
            </label>
            <button
              type="submit"
              className="button"
              data-testid="source-secret-save"
              disabled={replace.isPending || secret === ""}
              aria-busy={replace.isPending}
            >
              {busyLabel(replace.isPending, "Check and replace", "Checking…")}
            </button>
          </form>
          <p className="settings-hint">
            The saved one is in the OS keychain; a new one is checked before it replaces it.
          </p>
          {replace.isSuccess && (
            <Status testId="source-secret-status" state="ok">
              Replaced: the new {secretName} works and is in the OS keychain.
            </Status>
          )}
          {replace.isError && (
            <Status testId="source-secret-status" state="error">
              {replace.error.message}
            </Status>
          )}
        </>
      )}
    </li>
  );
}
