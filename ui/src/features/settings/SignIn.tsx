// Sign in with Google or Microsoft: the provider's page opens in the system
// browser (the app listens on a loopback address for its answer), the window
// waits with the page's address shown in case no browser opened, then the
// backend checks the login and saves what the sign-in was for (a new source,
// a source signed in again, the reply identity). Cancel stops waiting; an
// answer arriving later saves nothing.
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { SettingsView, SignInFor, SignInStarted } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";

export type Provider = "google" | "microsoft";

export const PROVIDER_LABEL: Record<Provider, string> = { google: "Google", microsoft: "Microsoft" };

export function asProvider(name: string | null | undefined): Provider | null {
  return name === "google" || name === "microsoft" ? name : null;
}

type Phase =
  | { kind: "idle" }
  | { kind: "starting"; provider: Provider }
  | { kind: "waiting"; provider: Provider; started: SignInStarted }
  | { kind: "done"; provider: Provider }
  | { kind: "failed"; message: string };

/** Runs one sign-in at a time; the settings view it answers with replaces the cached one. */
export function useSignIn() {
  const backend = useBackend();
  const client = useQueryClient();
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const generation = useRef(0);

  const start = async (provider: Provider, address: string, target: SignInFor, onDone?: (v: SettingsView) => void) => {
    const mine = ++generation.current;
    setPhase({ kind: "starting", provider });
    try {
      const started = await backend.beginSignIn(provider, address);
      if (generation.current !== mine) {
        void backend.cancelSignIn(started.id);
        return;
      }
      setPhase({ kind: "waiting", provider, started });
      const view = await backend.finishSignIn(started.id, target);
      if (generation.current !== mine) return;
      const key = queryKeys.settings(view.workspace.slug);
      const before = client.getQueryData<SettingsView>(key);
      client.setQueryData(key, { ...view, keychainProblem: view.keychainProblem ?? before?.keychainProblem ?? null });
      setPhase({ kind: "done", provider });
      onDone?.(view);
    } catch (err) {
      if (generation.current === mine) setPhase({ kind: "failed", message: AppError.from(err).message });
    }
  };

  const cancel = () => {
    generation.current++;
    if (phase.kind === "waiting") void backend.cancelSignIn(phase.started.id);
    setPhase({ kind: "idle" });
  };

  return { phase, start, cancel, busy: phase.kind === "starting" || phase.kind === "waiting" };
}

type ButtonsProps = {
  onSignIn: (provider: Provider) => void;
  disabled?: boolean;
  /** The provider the address belongs to, shown first and as the primary button. */
  recommended?: Provider | null;
  /** "Sign in" or "Sign in again". */
  verb?: string;
  testPrefix: string;
};

/** "Sign in with Google" and "Sign in with Microsoft". */
export function SignInButtons({ onSignIn, disabled, recommended, verb = "Sign in", testPrefix }: ButtonsProps) {
  const order: Provider[] = recommended === "microsoft" ? ["microsoft", "google"] : ["google", "microsoft"];
  return (
    <>
      {order.map((p) => (
        <button
          key={p}
          type="button"
          className={`button signin-button${recommended === p ? " primary" : ""}`}
          data-testid={`${testPrefix}-${p}`}
          disabled={disabled}
          onClick={() => onSignIn(p)}
        >
          {verb} with {PROVIDER_LABEL[p]}
        </button>
      ))}
    </>
  );
}

/** What a running sign-in shows: waiting (with the address and Cancel), or why it failed. */
export function SignInStatus({ phase, onCancel }: { phase: Phase; onCancel: () => void }) {
  if (phase.kind === "starting") {
    return (
      <p className="settings-status settings-ok" role="status" data-testid="signin-status" data-state="starting">
        Opening the {PROVIDER_LABEL[phase.provider]} sign-in in your browser…
      </p>
    );
  }
  if (phase.kind === "waiting") {
    const { started, provider } = phase;
    return (
      <div className="signin-waiting" role="status" data-testid="signin-status" data-state="waiting">
        <p>
          Waiting for {PROVIDER_LABEL[provider]} in your browser: choose the mailbox's account and press Allow
          {provider === "microsoft" ? " (Accept)" : ""}, then come back here.
        </p>
        <p className="small">
          {started.browserProblem ? `The browser did not open (${started.browserProblem}). ` : "No browser window? "}
          Open this address in your browser:{" "}
          <span className="signin-url" data-testid="signin-url">
            {started.url}
          </span>
        </p>
        <button type="button" className="button" data-testid="signin-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    );
  }
  if (phase.kind === "failed") {
    return (
      <p className="settings-status error-message" role="alert" data-testid="signin-status" data-state="error">
        {phase.message}
      </p>
    );
  }
  return null;
}
