// Where the workspace's handoffs come from: IMAP mailboxes and webhook relays.
import { useState } from "react";
import type { SettingsView } from "../../bindings";
import { AddSource } from "./AddSource";
import type { Provider } from "./SignIn";
import { Status } from "./Field";
import { SourceItem } from "./SourceItem";
import { TemplateMissNotices } from "./TemplatesSection";

type Props = {
  view: SettingsView;
  /** A workspace just made on the first run: open the add form at once, offering this sign-in first
   * (`null`: the form without a preferred provider). */
  offer?: Provider | null;
};

export function SourcesSection({ view, offer }: Props) {
  const [adding, setAdding] = useState(offer !== undefined);
  const [added, setAdded] = useState<string | null>(null);
  const { sources } = view;

  return (
    <section className="settings-section" data-testid="settings-section-sources" aria-labelledby="settings-h-sources">
      <h2 id="settings-h-sources">Sources</h2>
      {sources.length === 0 ? (
        <div className="settings-empty" data-testid="sources-empty">
          <p>
            <strong>No sources yet</strong>, so no handoffs arrive for this workspace.
          </p>
          <p>
            Handoffs arrive from an <strong>IMAP mailbox</strong> the chatbot emails when it hands a visitor over, or
            from a <strong>webhook relay</strong> that receives the chatbot platform's webhooks and keeps them until
            this app reads them.
          </p>
        </div>
      ) : (
        <ul className="settings-list">
          {sources.map((s) => (
            <SourceItem key={s.id} source={s} />
          ))}
        </ul>
      )}
      <TemplateMissNotices />
      {added !== null && !adding && (
        <Status testId="source-added" state="ok">
          Added {added}: the login works and its secret is in the OS keychain.
        </Status>
      )}
      {adding ? (
        <AddSource
          workspace={view.workspace.slug}
          offer={offer ?? null}
          onAdded={(name) => {
            setAdded(name);
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <div className="action-row">
          <button
            type="button"
            className="button"
            data-testid="source-add"
            onClick={() => {
              setAdded(null);
              setAdding(true);
            }}
          >
            Add a source…
          </button>
        </div>
      )}
    </section>
  );
}
