// Small building blocks the settings sections share: a labelled field with an
// optional hint, the keychain note under secret fields, a one-line status.
import type { ReactNode } from "react";

type FieldProps = { label: string; hint?: ReactNode; wide?: boolean; children: ReactNode };

/** A field whose <label> wraps its control, so getByLabelText and screen readers find it. */
export function Field({ label, hint, wide, children }: FieldProps) {
  return (
    <div className={`settings-field${wide ? " wide" : ""}`}>
      <label>
        <span className="settings-label">{label}</span>
        {children}
      </label>
      {hint && <p className="settings-hint">{hint}</p>}
    </div>
  );
}

/** The hint under every secret field: where the secret goes, and that it never comes back. */
export function keychainNote(saved = false): string {
  return saved
    ? "A saved one is in the OS keychain; leave this empty to keep it."
    : "Kept in the OS keychain, never shown again.";
}

type StatusProps = { testId: string; state: string; children: ReactNode };

/** A success or failure line next to the action it belongs to. */
export function Status({ testId, state, children }: StatusProps) {
  const failed = state === "error" || state === "stopped";
  return (
    <p
      className={`settings-status ${failed ? "error-message" : "settings-ok"}`}
      data-testid={testId}
      data-state={state}
      role={failed ? "alert" : "status"}
    >
      {children}
    </p>
  );
}

/** The label a button wears while its call runs (a login check can take seconds). */
export function busyLabel(busy: boolean, idle: string, running: string): string {
  return busy ? running : idle;
}

/** A whole number from a number field; empty or nonsense is 0 (the server's "default" / "off"). */
export function toCount(text: string): number {
  const n = Number.parseInt(text.trim(), 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
