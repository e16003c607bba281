// Privacy: how long this workspace keeps visitors' data, whether what leaves
// the machine is masked, the data file's daily backup and encryption, and
// Export (handoffs with transcripts, CSV or JSON lines, to Downloads).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { BackupForm } from "../../bindings/BackupForm";
import type { PrivacyForm } from "../../bindings/PrivacyForm";
import type { PrivacyView } from "../../bindings/PrivacyView";
import { AppError, useBackend } from "../../ipc";
import { formatLocal } from "../../lib/time";
import { busyLabel, Field, Status, toCount } from "./Field";

type Draft = { rawDays: string; handoffMonths: string; redact: boolean; daily: boolean; keep: string };

function toDraft(v: PrivacyView): Draft {
  return {
    rawDays: v.form.rawDays ? String(v.form.rawDays) : "",
    handoffMonths: v.form.handoffMonths ? String(v.form.handoffMonths) : "",
    redact: v.form.redact,
    daily: v.backup.daily,
    keep: String(v.backup.keep),
  };
}

type Outcome = { state: "ok" | "error"; text: string };

export function PrivacySection({ slug }: { slug: string }) {
  const backend = useBackend();
  const client = useQueryClient();
  const key = ["privacy", slug] as const;
  const view = useQuery({
    queryKey: key,
    queryFn: () => {
      if (!backend.privacy) throw new AppError("unavailable", "Privacy settings are not available here.");
      return backend.privacy(slug);
    },
    enabled: backend.privacy !== undefined,
  });
  if (!backend.privacy) return null;
  return (
    <section className="settings-section" data-testid="settings-section-privacy" aria-labelledby="settings-h-privacy">
      <h2 id="settings-h-privacy">Privacy</h2>
      {view.isError ? (
        <p className="error-message" role="alert">{AppError.from(view.error).message}</p>
      ) : view.data ? (
        <PrivacyFormView
          key={slug}
          slug={slug}
          view={view.data}
          onSaved={(next) => client.setQueryData(key, next)}
        />
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

function PrivacyFormView({ slug, view, onSaved }: { slug: string; view: PrivacyView; onSaved: (v: PrivacyView) => void }) {
  const backend = useBackend();
  const [draft, setDraft] = useState<Draft>(() => toDraft(view));
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setOutcome(null);
  };
  const run = useMutation<string, AppError, () => Promise<string>>({
    mutationFn: async (f) => {
      try {
        return await f();
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (text) => setOutcome({ state: "ok", text }),
    onError: (err) => setOutcome({ state: "error", text: err.message }),
  });
  const save = () =>
    run.mutate(async () => {
      if (!backend.savePrivacy) throw new AppError("unavailable", "Saving is not available here.");
      const form: PrivacyForm = {
        rawDays: toCount(draft.rawDays),
        handoffMonths: toCount(draft.handoffMonths),
        redact: draft.redact,
      };
      const backup: BackupForm = { daily: draft.daily, keep: toCount(draft.keep) || view.backup.keep };
      const next = await backend.savePrivacy(slug, form, backup);
      onSaved(next);
      setDraft(toDraft(next));
      return "Saved. Retention runs once a day; “Apply retention now” runs it at once.";
    });
  const call = (f: (() => Promise<string>) | undefined) => () =>
    run.mutate(async () => {
      if (!f) throw new AppError("unavailable", "Not available here.");
      return f();
    });

  return (
    <form
      className="settings-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <p className="settings-hint" data-testid="privacy-encryption">
        {view.encrypted
          ? "The data file is encrypted at rest (SQLCipher); its key is in the OS keychain."
          : "The data file is not encrypted. Close the app and run `handoff encrypt` to encrypt it; the key goes to the OS keychain."}
      </p>
      <div className="settings-grid">
        <Field label="Raw originals kept (days)" hint="The email or webhook as received. Empty: kept.">
          <input
            data-testid="privacy-raw-days"
            type="number"
            min={0}
            inputMode="numeric"
            placeholder="kept"
            value={draft.rawDays}
            onChange={(e) => edit({ rawDays: e.target.value })}
          />
        </Field>
        <Field
          label="Closed handoffs kept (months)"
          hint="Then the visitor, question and transcript go; the monthly figures keep their counts. Empty: kept."
        >
          <input
            data-testid="privacy-handoff-months"
            type="number"
            min={0}
            inputMode="numeric"
            placeholder="kept"
            value={draft.handoffMonths}
            onChange={(e) => edit({ handoffMonths: e.target.value })}
          />
        </Field>
        <label className="settings-check">
          <input
            type="checkbox"
            data-testid="privacy-redact"
            checked={draft.redact}
            onChange={(e) => edit({ redact: e.target.checked })}
          />
          <span>Mask phone numbers, card numbers, IBANs and emails in what leaves this machine (HubSpot notes, backup-contact emails, alerts)</span>
        </label>
        <label className="settings-check">
          <input
            type="checkbox"
            data-testid="privacy-daily-backup"
            checked={draft.daily}
            onChange={(e) => edit({ daily: e.target.checked })}
          />
          <span>Back the data file up once a day (all workspaces)</span>
        </label>
        <Field label="Daily backups kept" hint={view.backupFolder ? `In ${view.backupFolder}` : undefined}>
          <input
            data-testid="privacy-keep"
            type="number"
            min={1}
            inputMode="numeric"
            value={draft.keep}
            onChange={(e) => edit({ keep: e.target.value })}
          />
        </Field>
      </div>
      {view.lastBackup && (
        <p className="settings-hint" data-testid="privacy-last-backup">
          Last backup {formatLocal(view.lastBackup)}.
        </p>
      )}
      <div className="action-row settings-actions">
        <button type="submit" className="button primary" data-testid="privacy-save" disabled={run.isPending}>
          {busyLabel(run.isPending, "Save", "Working…")}
        </button>
        <button type="button" className="button" data-testid="privacy-apply" disabled={run.isPending} onClick={call(backend.applyRetention)}>
          Apply retention now
        </button>
        <button type="button" className="button" data-testid="privacy-backup" disabled={run.isPending} onClick={call(backend.backupNow && (async () => `Backed up to ${await backend.backupNow!()}`))}>
          Back up now
        </button>
        <button type="button" className="button" data-testid="export-csv" disabled={run.isPending} onClick={call(backend.exportHandoffs && (() => backend.exportHandoffs!(slug, "csv")))}>
          Export CSV
        </button>
        <button type="button" className="button" data-testid="export-jsonl" disabled={run.isPending} onClick={call(backend.exportHandoffs && (() => backend.exportHandoffs!(slug, "jsonl")))}>
          Export JSON lines
        </button>
      </div>
      {outcome && (
        <Status testId="privacy-status" state={outcome.state}>
          {outcome.text}
        </Status>
      )}
    </form>
  );
}
