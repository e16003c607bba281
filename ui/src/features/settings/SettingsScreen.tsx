// The settings screen: one workspace at a time (hours, promise, templates;
// sources; reply identity; team; HubSpot), plus adding a workspace. Secrets only
// travel inward: fields for them start empty, are cleared after a save, and
// the keychain keeps them.
import { useEffect, useRef, useState } from "react";
import { AppError } from "../../ipc";
import { useWorkspaces } from "../inbox/queries";
import { HubspotSection } from "./HubspotSection";
import { NewWorkspace } from "./NewWorkspace";
import { PrivacySection } from "./PrivacySection";
import { useSettings } from "./queries";
import { SmtpSection } from "./SmtpSection";
import type { Provider } from "./SignIn";
import { SourcesSection } from "./SourcesSection";
import { TeamSection } from "./TeamSection";
import { TemplatesSection } from "./TemplatesSection";
import { WorkspaceSection } from "./WorkspaceSection";
import "./settings.css";

type Props = {
  onBack: () => void;
  /** Open with the new-workspace form showing (from the inbox's first-run panel). */
  startWithNewWorkspace?: boolean;
  /** Chosen on the first-run panel: once the workspace exists, add its mailbox by this sign-in. */
  signInAfterCreate?: Provider;
};

const SECTIONS = [
  ["settings-h-workspace", "Workspace"],
  ["settings-h-sources", "Sources"],
  ["settings-h-smtp", "Reply identity"],
  ["settings-h-team", "Team"],
  ["settings-h-hubspot", "HubSpot"],
  ["settings-h-privacy", "Privacy"],
  ["settings-h-templates", "Templates"],
] as const;

function inField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName);
}

export function SettingsScreen({ onBack, startWithNewWorkspace = false, signInAfterCreate }: Props) {
  const workspaces = useWorkspaces();
  const list = workspaces.data ?? [];
  const [chosen, setChosen] = useState("");
  const [creating, setCreating] = useState(startWithNewWorkspace);
  // The workspace just created from the first run, whose Sources open on the sign-in.
  const [created, setCreated] = useState<string | null>(null);
  // Until one is chosen, the first workspace; a just-created one may not be listed yet.
  const slug = chosen || list[0]?.slug || "";
  const settings = useSettings(slug);
  const noWorkspace = workspaces.isSuccess && slug === "";

  const state =
    workspaces.isError || settings.isError
      ? "error"
      : workspaces.isPending || (slug !== "" && settings.isPending)
        ? "loading"
        : "ready";
  const failure = workspaces.error ?? settings.error;

  // Escape goes back to the inbox, unless it is meant for the field being typed in.
  const backRef = useRef(onBack);
  backRef.current = onBack;
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!startWithNewWorkspace) rootRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented && !inField(e.target)) backRef.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [startWithNewWorkspace]);

  const options = list.some((w) => w.slug === slug) || slug === ""
    ? list
    : [...list, { slug, name: settings.data?.workspace.name ?? slug }];

  return (
    <div className="screen settings-screen" data-testid="settings-screen" data-state={state} ref={rootRef} tabIndex={-1}>
      <header className="topbar">
        <h1 className="topbar-title">Settings</h1>
        <div className="filters">
          <label className="field">
            <span className="visually-hidden">Workspace</span>
            <select
              data-testid="settings-workspace"
              value={slug}
              disabled={options.length === 0}
              onChange={(e) => setChosen(e.target.value)}
            >
              {options.map((w) => (
                <option key={w.slug} value={w.slug}>
                  {w.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button"
            data-testid="new-workspace"
            aria-expanded={creating || noWorkspace}
            onClick={() => setCreating(true)}
          >
            New workspace…
          </button>
        </div>
      </header>
      <main className="settings" aria-busy={state === "loading"} tabIndex={0} aria-label="Settings">
        <div className="settings-page">
          {(creating || noWorkspace) && (
            <NewWorkspace
              onCreated={(created) => {
                setChosen(created);
                setCreated(created);
                setCreating(false);
              }}
              onCancel={noWorkspace ? undefined : () => setCreating(false)}
            />
          )}
          {noWorkspace && !workspaces.isError && (
            <p className="panel muted" data-testid="settings-no-workspace">
              No workspace yet: create the first one above.
            </p>
          )}
          {state === "error" && (
            <div className="panel" role="alert" data-testid="settings-error">
              <h2>Couldn’t load the settings</h2>
              <p className="error-message">{AppError.from(failure).message}</p>
              <button
                type="button"
                className="button"
                onClick={() => void (workspaces.isError ? workspaces.refetch() : settings.refetch())}
              >
                Retry
              </button>
            </div>
          )}
          {state === "loading" && <p className="panel muted">Loading the settings…</p>}
          {state === "ready" && settings.data && (
            <div key={slug} className="settings-sections">
              {settings.data.keychainProblem && (
                <div className="settings-banner" role="alert" data-testid="keychain-problem">
                  <strong>Passwords and tokens cannot be saved right now.</strong> {settings.data.keychainProblem}
                </div>
              )}
              <nav className="settings-nav" aria-label="Settings sections">
                {SECTIONS.map(([id, label]) => (
                  <button
                    key={id}
                    type="button"
                    className="button ghost small"
                    onClick={() => document.getElementById(id)?.scrollIntoView?.({ block: "start" })}
                  >
                    {label}
                  </button>
                ))}
              </nav>
              <WorkspaceSection view={settings.data} />
              <SourcesSection
                view={settings.data}
                offer={created === slug && startWithNewWorkspace ? (signInAfterCreate ?? null) : undefined}
              />
              <SmtpSection view={settings.data} />
              <TeamSection view={settings.data} />
              <HubspotSection view={settings.data} />
              <PrivacySection slug={slug} />
              <TemplatesSection />
            </div>
          )}
        </div>
      </main>
    </div>
  );
}
