// The workspace's own settings: name and zone, business hours and holidays,
// the default promise and who is warned before it breaks, reply templates.
import { useState } from "react";
import type { SettingsView, WorkspaceForm } from "../../bindings";
import { busyLabel, Field, Status } from "./Field";
import { useSettingsAction } from "./queries";
import { PlaceholderList, TemplateFields } from "./TemplateFields";
import { TryPromise } from "./TryPromise";
import { WeekStrip } from "./WeekStrip";
import { toDraft, toForm, WEEKDAYS, type WorkspaceDraft } from "./workspaceDraft";
import { ZoneList } from "./zones";

export function WorkspaceSection({ view }: { view: SettingsView }) {
  const slug = view.workspace.slug;
  const [draft, setDraft] = useState<WorkspaceDraft>(() => toDraft(view.workspace));
  const save = useSettingsAction((b, form: WorkspaceForm) => b.saveWorkspace(form), { renames: true });

  const edit = (patch: Partial<WorkspaceDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    // A "Saved." or an error describes the form as it was sent; drop it once it changes.
    if (!save.isPending) save.reset();
  };

  const submit = () =>
    // The server normalises (sorted holidays, tidy shifts): show what it kept.
    save.mutate(toForm(slug, draft), { onSuccess: (next) => setDraft(toDraft(next.workspace)) });

  return (
    <section className="settings-section" data-testid="settings-section-workspace" aria-labelledby="settings-h-workspace">
      <h2 id="settings-h-workspace">Workspace</h2>
      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="settings-grid">
          <Field label="Name">
            <input data-testid="ws-name" value={draft.name} onChange={(e) => edit({ name: e.target.value })} />
          </Field>
          <Field label="Time zone" hint="Hours, holidays and promises count in this zone.">
            <input
              data-testid="ws-timezone"
              list="settings-ws-zones"
              autoComplete="off"
              spellCheck={false}
              value={draft.timeZone}
              onChange={(e) => edit({ timeZone: e.target.value })}
            />
          </Field>
          <ZoneList id="settings-ws-zones" />
          <Field
            label="Client"
            hint="Workspaces with the same client share a visitor's history in the briefing; leave empty to keep this one apart."
          >
            <input data-testid="ws-client" value={draft.client} onChange={(e) => edit({ client: e.target.value })} />
          </Field>
        </div>

        <fieldset className="settings-group">
          <legend>Business hours</legend>
          <p className="settings-hint">
            Shifts like 09:00-12:00, 13:00-17:00; a night shift like 22:00-06:00 runs into the next day (24:00 is
            midnight). Leave a day empty when closed.
          </p>
          <WeekStrip week={view.week} />
          <div className="settings-hours">
            {WEEKDAYS.map((day, i) => (
              <label key={day} className="settings-day">
                <span className="settings-label">{day}</span>
                <input
                  data-testid={`ws-hours-${i}`}
                  placeholder="Closed"
                  spellCheck={false}
                  value={draft.hours[i] ?? ""}
                  onChange={(e) => edit({ hours: draft.hours.map((h, j) => (j === i ? e.target.value : h)) })}
                />
              </label>
            ))}
          </div>
          <Field label="Holidays" hint="Closed all day: one date per line, like 2025-12-25.">
            <textarea
              data-testid="ws-holidays"
              rows={4}
              spellCheck={false}
              value={draft.holidays}
              onChange={(e) => edit({ holidays: e.target.value })}
            />
          </Field>
        </fieldset>

        <fieldset className="settings-group">
          <legend>Promise and follow-up</legend>
          <div className="settings-grid">
            <Field label="Default promise" hint="Used when the bot promised nothing, e.g. “within 4 business hours”.">
              <input
                data-testid="ws-promise"
                value={draft.defaultPromise}
                onChange={(e) => edit({ defaultPromise: e.target.value })}
              />
            </Field>
            <Field label="Backup contact" hint="An email address, warned before a promise breaks.">
              <input
                data-testid="ws-backup"
                type="email"
                value={draft.backupContact}
                onChange={(e) => edit({ backupContact: e.target.value })}
              />
            </Field>
            <Field label="Remind me (minutes before due)" hint="Business minutes; 0: no reminder.">
              <input
                data-testid="ws-reminder"
                type="number"
                min={0}
                inputMode="numeric"
                value={draft.reminderMinutes}
                onChange={(e) => edit({ reminderMinutes: e.target.value })}
              />
            </Field>
            <Field label="Warn the backup (minutes before due)" hint="0: when it is due.">
              <input
                data-testid="ws-backup-minutes"
                type="number"
                min={0}
                inputMode="numeric"
                value={draft.backupMinutes}
                onChange={(e) => edit({ backupMinutes: e.target.value })}
              />
            </Field>
            <Field label="Suggest a second attempt after (business days)" hint="0: never.">
              <input
                data-testid="ws-second-days"
                type="number"
                min={0}
                inputMode="numeric"
                value={draft.secondDays}
                onChange={(e) => edit({ secondDays: e.target.value })}
              />
            </Field>
            <label className="settings-check">
              <input
                type="checkbox"
                data-testid="ws-backup-email"
                checked={draft.backupEmail}
                onChange={(e) => edit({ backupEmail: e.target.checked })}
              />
              <span>Email the backup contact too</span>
            </label>
          </div>
        </fieldset>

        <TryPromise form={() => toForm(slug, draft)} />

        <TemplateFields title="First reply" kind="reply" value={draft.reply} onChange={(reply) => edit({ reply })} />
        <TemplateFields
          title="Second attempt"
          kind="second"
          value={draft.second}
          onChange={(second) => edit({ second })}
        />
        <PlaceholderList />

        <div className="action-row settings-actions">
          <button
            type="submit"
            className="button primary"
            data-testid="ws-save"
            disabled={save.isPending}
            aria-busy={save.isPending}
          >
            {busyLabel(save.isPending, "Save workspace", "Saving…")}
          </button>
          {save.isSuccess && (
            <Status testId="ws-status" state="saved">
              Saved.
            </Status>
          )}
          {save.isError && (
            <Status testId="ws-status" state="error">
              {save.error.message}
            </Status>
          )}
        </div>
      </form>
    </section>
  );
}
