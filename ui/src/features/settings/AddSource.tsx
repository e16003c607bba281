// The form that adds a source: an IMAP mailbox the chatbot emails, or a
// webhook relay. "Check and add" logs in first; nothing is saved unless the
// login works. On a failed check the form keeps every value, the secret too
// (it stays masked), so a mistyped host does not cost retyping the password.
// A mailbox address comes first: "Find settings" fills the server from it
// (built-in presets, the domain's autoconfig file, SRV and MX records) for
// the person to confirm, and Gmail, Google Workspace and Microsoft 365
// mailboxes sign in with their provider instead of a password.
import { useState } from "react";
import type { MailboxFound, SourceForm } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { busyLabel, Field, keychainNote, toCount } from "./Field";
import { useSettingsAction } from "./queries";
import { asProvider, SignInButtons, SignInStatus, useSignIn, type Provider } from "./SignIn";

type Draft = {
  kind: "imap" | "relay";
  address: string;
  name: string;
  host: string;
  port: string;
  tls: string;
  user: string;
  folder: string;
  fromFilter: string;
  subjectFilter: string;
  url: string;
  secret: string;
};

const EMPTY: Draft = {
  kind: "imap",
  address: "",
  name: "support-inbox",
  host: "",
  port: "",
  tls: "implicit",
  user: "",
  folder: "INBOX",
  fromFilter: "",
  subjectFilter: "",
  url: "",
  secret: "",
};

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Every field SourceForm has; the other kind's are sent empty. */
export function toSourceForm(d: Draft): SourceForm {
  const imap = d.kind === "imap";
  return {
    name: d.name.trim(),
    kind: d.kind,
    host: imap ? d.host.trim() : "",
    port: imap ? toCount(d.port) : 0,
    tls: imap ? d.tls : "",
    user: imap ? d.user.trim() : "",
    folder: imap ? d.folder.trim() || "INBOX" : "",
    fromFilter: imap ? d.fromFilter.trim() : "",
    subjectFilter: imap ? d.subjectFilter.trim() : "",
    url: imap ? "" : d.url.trim(),
  };
}

type Props = {
  workspace: string;
  /** The sign-in chosen on the first run, offered first; the address field takes the focus. */
  offer?: Provider | null;
  onAdded: (name: string) => void;
  onCancel: () => void;
};

export function AddSource({ workspace, offer = null, onAdded, onCancel }: Props) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const add = useSettingsAction((b, a: { form: SourceForm; secret: string }) => b.addSource(workspace, a.form, a.secret));
  const imap = draft.kind === "imap";
  const edit = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const backend = useBackend();
  const signIn = useSignIn();
  const [found, setFound] = useState<MailboxFound | null>(null);
  const [finding, setFinding] = useState(false);

  /** Fill the server from the address; the settings found are shown to confirm. */
  const find = async (): Promise<Draft | null> => {
    const address = draft.address.trim();
    if (!address.includes("@")) {
      setProblem("Type the mailbox's whole address (name@example.com) first.");
      return null;
    }
    setProblem(null);
    setFinding(true);
    try {
      const f = await backend.discoverMailbox(address);
      const next: Draft = {
        ...draft,
        host: f.host,
        port: String(f.port),
        tls: f.tls,
        user: draft.user.trim() || address,
      };
      setFound(f);
      setDraft(next);
      return next;
    } catch (err) {
      setFound(null);
      setProblem(AppError.from(err).message);
      return null;
    } finally {
      setFinding(false);
    }
  };

  const startSignIn = async (provider: Provider) => {
    const address = draft.address.trim() || draft.user.trim();
    if (!address.includes("@")) {
      setProblem("Type the mailbox's whole address (name@example.com) first: it is the account you sign in with.");
      return;
    }
    if (!NAME.test(draft.name.trim())) {
      setProblem("The name can only have lower-case letters, digits and dashes, like support-inbox.");
      return;
    }
    setProblem(null);
    const ready = draft.host.trim() === "" ? await find() : draft;
    if (ready === null) return;
    const form = toSourceForm({ ...ready, user: address });
    void signIn.start(provider, address, { kind: "newSource", workspace, form }, () => onAdded(form.name));
  };

  const submit = () => {
    const form = toSourceForm(draft);
    const local = !NAME.test(form.name)
      ? "The name can only have lower-case letters, digits and dashes, like support-inbox."
      : draft.secret === ""
        ? `Enter the ${imap ? "IMAP password" : "relay read token"}: the login is checked before anything is saved.`
        : null;
    setProblem(local);
    if (local) return;
    add.mutate({ form, secret: draft.secret }, { onSuccess: () => onAdded(form.name) });
  };

  const error = problem ?? (add.isError ? add.error.message : null);
  const defaultPort = draft.tls === "implicit" ? "993" : "143";

  return (
    <form
      className="settings-form settings-subform"
      data-testid="source-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>Add a source</h3>
      {imap && (
        <div className="signin-row" data-testid="source-signin">
          <div className="settings-grid">
            <Field label="Mailbox address" hint="The address the chatbot emails its handoffs to." wide>
              <input
                data-testid="source-address"
                type="email"
                autoFocus={offer !== null}
                placeholder="help@example.com"
                spellCheck={false}
                value={draft.address}
                onChange={(e) => {
                  edit({ address: e.target.value });
                  setFound(null);
                }}
              />
            </Field>
          </div>
          <div className="action-row">
            <SignInButtons
              onSignIn={(p) => void startSignIn(p)}
              disabled={signIn.busy || finding || add.isPending}
              recommended={asProvider(found?.signIn) ?? offer}
              testPrefix="source-signin"
            />
            <button
              type="button"
              className="button"
              data-testid="source-find"
              disabled={finding || signIn.busy}
              aria-busy={finding}
              onClick={() => void find()}
            >
              {busyLabel(finding, "Find settings", "Looking them up…")}
            </button>
          </div>
          {found && (
            <p className="settings-hint" role="status" data-testid="source-found">
              Found {found.provider}: {found.host}, port {found.port} (
              {found.tls === "implicit" ? "TLS" : found.tls === "starttls" ? "STARTTLS" : "no encryption"}), from{" "}
              {found.source}. Check them below.
              {found.signIn ? ` This mailbox signs in with ${found.signIn === "google" ? "Google" : "Microsoft"}.` : ""}
              {found.note ? ` ${found.note}` : ""}
            </p>
          )}
          <SignInStatus phase={signIn.phase} onCancel={signIn.cancel} />
          <p className="settings-hint">Or fill in the server and the password yourself:</p>
        </div>
      )}
      <div className="settings-grid">
        <Field label="Kind">
          <select
            data-testid="source-kind"
            value={draft.kind}
            autoFocus={offer === null}
            onChange={(e) => edit({ kind: e.target.value === "relay" ? "relay" : "imap" })}
          >
            <option value="imap">IMAP mailbox</option>
            <option value="relay">Webhook relay</option>
          </select>
        </Field>
        <Field label="Name" hint="Lower-case letters, digits and dashes.">
          <input
            data-testid="source-name"
            placeholder="support-inbox"
            spellCheck={false}
            value={draft.name}
            onChange={(e) => edit({ name: e.target.value })}
          />
        </Field>
        {imap ? (
          <>
            <Field label="IMAP server">
              <input
                data-testid="source-host"
                placeholder="imap.example.com"
                spellCheck={false}
                value={draft.host}
                onChange={(e) => edit({ host: e.target.value })}
              />
            </Field>
            <Field label="Connection security">
              <select data-testid="source-tls" value={draft.tls} onChange={(e) => edit({ tls: e.target.value })}>
                <option value="implicit">TLS (port 993)</option>
                <option value="starttls">STARTTLS (port 143)</option>
                <option value="plain">None (this computer only)</option>
              </select>
            </Field>
            <Field label="Port" hint={`Empty: ${defaultPort}.`}>
              <input
                data-testid="source-port"
                type="number"
                min={0}
                max={65535}
                inputMode="numeric"
                placeholder={defaultPort}
                value={draft.port}
                onChange={(e) => edit({ port: e.target.value })}
              />
            </Field>
            <Field label="Login">
              <input
                data-testid="source-user"
                autoComplete="off"
                spellCheck={false}
                value={draft.user}
                onChange={(e) => edit({ user: e.target.value })}
              />
            </Field>
            <Field label="Folder">
              <input
                data-testid="source-folder"
                spellCheck={false}
                value={draft.folder}
                onChange={(e) => edit({ folder: e.target.value })}
              />
            </Field>
            <Field label="Only from (optional)" hint="The chatbot's sender address.">
              <input
                data-testid="source-from-filter"
                spellCheck={false}
                value={draft.fromFilter}
                onChange={(e) => edit({ fromFilter: e.target.value })}
              />
            </Field>
            <Field label="Subject contains (optional)">
              <input
                data-testid="source-subject-filter"
                value={draft.subjectFilter}
                onChange={(e) => edit({ subjectFilter: e.target.value })}
              />
            </Field>
          </>
        ) : (
          <Field
            label="Relay address"
            hint="The relay's address, starting with https:// (plain http:// only for a relay on this machine: the token would cross the network in clear)."
            wide
          >
            <input
              data-testid="source-url"
              type="url"
              placeholder="https://relay.example.com/c/acme"
              spellCheck={false}
              value={draft.url}
              onChange={(e) => edit({ url: e.target.value })}
            />
          </Field>
        )}
        <Field label={imap ? "IMAP password" : "Relay read token"} hint={keychainNote()}>
          <input
            data-testid="source-secret"
            type="password"
            autoComplete="off"
            value={draft.secret}
            onChange={(e) => edit({ secret: e.target.value })}
          />
        </Field>
      </div>
      {error !== null && (
        <p className="error-message" role="alert" data-testid="source-form-error">
          {error}
        </p>
      )}
      <div className="action-row">
        <button
          type="submit"
          className="button primary"
          data-testid="source-submit"
          disabled={add.isPending}
          aria-busy={add.isPending}
        >
          {busyLabel(add.isPending, "Check and add", "Checking the login…")}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={add.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
