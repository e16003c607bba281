// One email template's subject and body. `custom` false means the built-in
// template; blank fields also mean built-in (the server treats them so), which
// is how "Reset to built-in" works without knowing the built-in text.
import type { TemplateForm } from "../../bindings";
import { Field } from "./Field";

export const PLACEHOLDERS = [
  "{visitor_name}",
  "{first_name}",
  "{question}",
  "{quoted_question}",
  "{page}",
  "{on_page}",
  "{page_url}",
  "{bot}",
  "{promise}",
  "{workspace}",
  "{sender}",
  "{email}",
];

type Props = {
  title: string;
  /** "reply" or "second": names the test ids (ws-reply-subject, …). */
  kind: "reply" | "second";
  value: TemplateForm;
  onChange: (next: TemplateForm) => void;
};

export function TemplateFields({ title, kind, value, onChange }: Props) {
  const blank = value.subject.trim() === "" && value.body.trim() === "";
  return (
    <fieldset className="settings-group" data-testid={`ws-${kind}-template`}>
      <legend>{title}</legend>
      <p className="settings-hint" data-testid={`ws-${kind}-kind`}>
        {value.custom ? (
          "This workspace's own template."
        ) : blank ? (
          <>
            <span className="badge">Built-in</span> The built-in template is used once you save.
          </>
        ) : (
          <>
            <span className="badge">Built-in</span> Edit it to make it this workspace's own.
          </>
        )}
      </p>
      <Field label="Subject" wide>
        <input
          data-testid={`ws-${kind}-subject`}
          value={value.subject}
          placeholder="Built-in subject"
          onChange={(e) => onChange({ ...value, subject: e.target.value, custom: true })}
        />
      </Field>
      <Field label="Body" wide>
        <textarea
          data-testid={`ws-${kind}-body`}
          rows={8}
          value={value.body}
          placeholder="Built-in body"
          onChange={(e) => onChange({ ...value, body: e.target.value, custom: true })}
        />
      </Field>
      {value.custom && (
        <div className="action-row">
          <button
            type="button"
            className="button"
            data-testid={`ws-${kind}-reset`}
            onClick={() => onChange({ subject: "", body: "", custom: false })}
          >
            Reset to built-in
          </button>
        </div>
      )}
    </fieldset>
  );
}

export function PlaceholderList() {
  return (
    <p className="settings-hint settings-placeholders" data-testid="ws-placeholders">
      Placeholders, filled in for each visitor:{" "}
      {PLACEHOLDERS.map((p) => (
        <code key={p}>{p}</code>
      ))}
    </p>
  );
}
