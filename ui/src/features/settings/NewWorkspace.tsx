// Adding a workspace: one per client chatbot. Only the short name, display
// name and time zone are asked here; everything else is set in its settings
// once it exists (the server checks the name and zone and says what is wrong).
import { useState } from "react";
import { busyLabel, Field } from "./Field";
import { useCreateWorkspace } from "./queries";
import { localZone, ZoneList } from "./zones";

/** "Acme Plumbing & Co." → "acme-plumbing-co": a suggestion until the user types one. */
export function suggestSlug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}

type Props = { onCreated: (slug: string) => void; onCancel?: () => void };

export function NewWorkspace({ onCreated, onCancel }: Props) {
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const [timeZone, setTimeZone] = useState(localZone);
  const create = useCreateWorkspace();

  return (
    <section className="settings-section settings-new" data-testid="new-workspace-form" aria-labelledby="settings-h-new">
      <h2 id="settings-h-new">New workspace</h2>
      <p className="settings-hint">
        One workspace per client chatbot. Its hours, sources, reply identity and HubSpot come next.
      </p>
      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { slug: slug.trim(), name: name.trim(), timeZone: timeZone.trim() },
            { onSuccess: (w) => onCreated(w.slug) },
          );
        }}
      >
        <div className="settings-grid">
          <Field label="Name" hint="As the team calls the client, e.g. Acme Plumbing.">
            <input
              data-testid="new-ws-name"
              autoFocus
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                if (!slugTouched) setSlug(suggestSlug(e.target.value));
              }}
            />
          </Field>
          <Field label="Short name" hint="Lower-case letters, digits and dashes; the CLI uses it.">
            <input
              data-testid="new-ws-slug"
              spellCheck={false}
              autoComplete="off"
              value={slug}
              onChange={(e) => {
                setSlugTouched(true);
                setSlug(e.target.value);
              }}
            />
          </Field>
          <Field label="Time zone" hint="Where the team answering works.">
            <input
              data-testid="new-ws-timezone"
              list="settings-new-zones"
              spellCheck={false}
              autoComplete="off"
              value={timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
            />
          </Field>
          <ZoneList id="settings-new-zones" />
        </div>
        {create.isError && (
          <p className="error-message" role="alert" data-testid="new-ws-error">
            {create.error.message}
          </p>
        )}
        <div className="action-row">
          <button
            type="submit"
            className="button primary"
            data-testid="new-ws-create"
            disabled={create.isPending}
            aria-busy={create.isPending}
          >
            {busyLabel(create.isPending, "Create workspace", "Creating…")}
          </button>
          {onCancel && (
            <button type="button" className="button" onClick={onCancel} disabled={create.isPending}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
