// Team mode: share claims ("Dana has this handoff") and answers with the
// teammates who read the same mailbox or relay. Who this app is to them
// defaults to the reply identity; the shell refuses a form that names nobody.
import { useState } from "react";
import type { SettingsView } from "../../bindings";
import type { TeamForm } from "../../bindings/TeamForm";
import { busyLabel, Field, Status, toCount } from "./Field";
import { useSettingsAction } from "./queries";

type Draft = Omit<TeamForm, "staleAfterMinutes"> & { staleAfterMinutes: string };

function toDraft(team: TeamForm): Draft {
  return { ...team, staleAfterMinutes: String(team.staleAfterMinutes) };
}

/** The form to save; an empty or nonsense limit keeps the saved one. */
function toForm(d: Draft, saved: TeamForm): TeamForm {
  return {
    enabled: d.enabled,
    name: d.name.trim(),
    email: d.email.trim(),
    staleAfterMinutes: toCount(d.staleAfterMinutes) || saved.staleAfterMinutes,
    sentFolder: d.sentFolder.trim(),
  };
}

type Outcome = { state: "ok" | "error"; text: string };

export function TeamSection({ view }: { view: SettingsView }) {
  const slug = view.workspace.slug;
  const saved = view.team;
  const smtp = view.smtp;
  const [draft, setDraft] = useState<Draft>(() => toDraft(saved));
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const save = useSettingsAction((b, form: TeamForm) => b.saveTeam(slug, form));
  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setOutcome(null);
  };

  const submit = () => {
    setOutcome(null);
    save.mutate(toForm(draft, saved), {
      onSuccess: (next) => {
        setDraft(toDraft(next.team));
        setOutcome({
          state: "ok",
          text: next.team.enabled ? "Saved: claims and answers are shared with the team." : "Saved: team mode is off.",
        });
      },
      onError: (err) => setOutcome({ state: "error", text: err.message }),
    });
  };

  const namePlaceholder = smtp?.fromName ? `${smtp.fromName} (from the reply identity)` : "From the reply identity";
  const emailPlaceholder = smtp?.fromAddress
    ? `${smtp.fromAddress} (from the reply identity)`
    : "From the reply identity";

  return (
    <section className="settings-section" data-testid="settings-section-team" aria-labelledby="settings-h-team">
      <h2 id="settings-h-team">Team</h2>
      <p className="settings-hint" data-testid="team-how">
        Claims are keywords on the shared mailbox’s messages; replies are seen by everyone when Bcc’d to the shared
        address (set Bcc in Reply identity).
      </p>
      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="settings-grid">
          <label className="settings-check">
            <input
              type="checkbox"
              data-testid="team-enabled"
              checked={draft.enabled}
              onChange={(e) => edit({ enabled: e.target.checked })}
            />
            <span>Share claims and answers with teammates</span>
          </label>
          <Field label="Your name" hint="What teammates see on your claims and answers.">
            <input
              data-testid="team-name"
              placeholder={namePlaceholder}
              value={draft.name}
              onChange={(e) => edit({ name: e.target.value })}
            />
          </Field>
          <Field label="Your email" hint="How the team tells you apart.">
            <input
              data-testid="team-email"
              type="email"
              spellCheck={false}
              placeholder={emailPlaceholder}
              value={draft.email}
              onChange={(e) => edit({ email: e.target.value })}
            />
          </Field>
          <Field label="Stale after (minutes)" hint="A teammate’s claim with no answer this long shows as stale.">
            <input
              data-testid="team-stale"
              type="number"
              min={1}
              inputMode="numeric"
              value={draft.staleAfterMinutes}
              onChange={(e) => edit({ staleAfterMinutes: e.target.value })}
            />
          </Field>
          <Field
            label="Sent folder (optional)"
            hint="Also read teammates’ replies from this folder of the shared mailbox; empty: Bcc only."
          >
            <input
              data-testid="team-sent-folder"
              spellCheck={false}
              placeholder="Sent"
              value={draft.sentFolder}
              onChange={(e) => edit({ sentFolder: e.target.value })}
            />
          </Field>
        </div>
        <div className="action-row settings-actions">
          <button
            type="submit"
            className="button primary"
            data-testid="team-save"
            disabled={save.isPending}
            aria-busy={save.isPending}
          >
            {busyLabel(save.isPending, "Save", "Saving…")}
          </button>
        </div>
        {outcome && (
          <Status testId="team-status" state={outcome.state}>
            {outcome.text}
          </Status>
        )}
      </form>
    </section>
  );
}
