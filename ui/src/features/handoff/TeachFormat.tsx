// "Teach Handoff Desk this format": for a handoff the app could only keep raw
// or half-read, the original is shown as text (never as markup: nothing in
// it can run, load or navigate); the user selects a value in it (or types
// it: the keyboard path) and names the field, sees what the template reads
// on this email, then saves it, and every raw or partial record is read again.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { TeachPreview } from "../../bindings/TeachPreview";
import type { TeachSelection } from "../../bindings/TeachSelection";
import { AppError, useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";

export const TEACH_FIELDS: ReadonlyArray<readonly [string, string]> & { 0: readonly [string, string] } = [
  ["visitor_name", "Visitor name"],
  ["visitor_email", "Visitor email"],
  ["visitor_phone", "Visitor phone"],
  ["page", "Page"],
  ["question", "Question"],
  ["reason", "Reason"],
  ["promise", "The bot's promise"],
  ["date", "Date"],
  ["transcript", "Transcript (first to last line)"],
];

const fieldLabel = (field: string) => TEACH_FIELDS.find(([f]) => f === field)?.[1] ?? field;

/** Offered while the record is not fully read; once open it stays until closed, to say what saving did. */
export function TeachFormat({ id, flagged }: { id: number; flagged: boolean }) {
  const backend = useBackend();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [id]);
  if (!backend.original || (!flagged && !open)) return null;
  return (
    <section className="card teach" aria-label="Teach this format" data-testid="teach">
      {open ? (
        <TeachPanel id={id} onClose={() => setOpen(false)} />
      ) : (
        <div className="teach-offer">
          <p className="muted small">Handoff Desk could not read this notification fully.</p>
          <button type="button" className="button" data-testid="teach-open" onClick={() => setOpen(true)}>
            Teach Handoff Desk this format
          </button>
        </div>
      )}
    </section>
  );
}

function TeachPanel({ id, onClose }: { id: number; onClose: () => void }) {
  const backend = useBackend();
  const client = useQueryClient();
  const original = useQuery({
    queryKey: ["original", id],
    queryFn: () => backend.original!(id),
  });
  const [field, setField] = useState(TEACH_FIELDS[0][0]);
  const [value, setValue] = useState("");
  const [chosen, setChosen] = useState<TeachSelection[]>([]);
  const [preview, setPreview] = useState<TeachPreview | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  const fieldRef = useRef<HTMLSelectElement>(null);

  useEffect(() => fieldRef.current?.focus(), [original.isSuccess]);

  // The mouse path: what is selected inside the original becomes the value.
  useEffect(() => {
    const onSelect = () => {
      const sel = window.getSelection();
      if (!sel || sel.isCollapsed || !pre.current) return;
      if (!pre.current.contains(sel.anchorNode) || !pre.current.contains(sel.focusNode)) return;
      const text = sel.toString().trim();
      if (text) setValue(text);
    };
    document.addEventListener("selectionchange", onSelect);
    return () => document.removeEventListener("selectionchange", onSelect);
  }, []);

  const add = () => {
    const text = value.trim();
    if (!text) return;
    setChosen((list) => [...list.filter((s) => s.field !== field), { field, text }]);
    setPreview(null);
    setValue("");
    const next = TEACH_FIELDS.findIndex(([f]) => f === field) + 1;
    const following = TEACH_FIELDS[next];
    if (following) setField(following[0]);
    fieldRef.current?.focus();
  };

  const run = useMutation<TeachPreview, AppError, void>({
    mutationFn: async () => {
      try {
        return await backend.templatePreview!(id, chosen);
      } catch (e) {
        throw AppError.from(e);
      }
    },
    onSuccess: setPreview,
  });
  const save = useMutation<string, AppError, void>({
    mutationFn: async () => {
      try {
        return await backend.templateSave!(id, chosen);
      } catch (e) {
        throw AppError.from(e);
      }
    },
    onSuccess: (sentence) => {
      setDone(sentence);
      void client.invalidateQueries({ queryKey: queryKeys.handoffAll });
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
      void client.invalidateQueries({ queryKey: ["templates"] });
    },
  });

  if (original.isError) {
    return (
      <p className="error-message" role="alert">
        {AppError.from(original.error).message}
      </p>
    );
  }
  const o = original.data;
  if (!o) return <p className="muted" aria-busy="true">Loading the original…</p>;
  if (o.notTeachable) {
    return (
      <p className="muted" data-testid="teach-refused">
        This record cannot be taught on: {o.notTeachable}.
      </p>
    );
  }
  return (
    <div className="teach-panel" data-testid="teach-panel">
      <div className="teach-head">
        <h3>Teach Handoff Desk this format</h3>
        <button type="button" className="button ghost small" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="small">
        From <strong data-testid="teach-from">{o.from}</strong>
        {o.subject && <span className="muted"> · {o.subject}</span>}. Select a value in the original (or type
        it), say what it is, and add it. For the transcript, select from its first line to its last.
      </p>
      <pre className="teach-original" data-testid="teach-original" tabIndex={0} aria-label="The original email, as text" ref={pre}>
        {o.text}
      </pre>
      <div className="teach-pick" role="group" aria-label="Name a value">
        <label className="field">
          <span>This is the</span>
          <select data-testid="teach-field" ref={fieldRef} value={field} onChange={(e) => setField(e.target.value)}>
            {TEACH_FIELDS.map(([f, label]) => (
              <option key={f} value={f}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="field teach-value">
          <span>Value (selected, or typed as the original shows it)</span>
          <textarea
            data-testid="teach-value"
            rows={field === "transcript" ? 3 : 1}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                add();
              }
            }}
          />
        </label>
        <button type="button" className="button" data-testid="teach-add" disabled={!value.trim()} onClick={add}>
          Add
        </button>
      </div>
      {chosen.length > 0 && (
        <ul className="plain-list teach-chosen" aria-label="Values named">
          {chosen.map((s) => (
            <li key={s.field} data-testid="teach-chosen" data-field={s.field}>
              <strong>{fieldLabel(s.field)}</strong> <span className="teach-chosen-text">{s.text}</span>{" "}
              <button
                type="button"
                className="button ghost small"
                aria-label={`Remove ${fieldLabel(s.field)}`}
                onClick={() => {
                  setChosen((list) => list.filter((x) => x.field !== s.field));
                  setPreview(null);
                }}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="action-row">
        <button
          type="button"
          className="button"
          data-testid="teach-preview"
          disabled={chosen.length === 0 || run.isPending}
          onClick={() => run.mutate()}
        >
          Show what it reads
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="teach-save"
          disabled={preview === null || save.isPending || done !== null}
          onClick={() => save.mutate()}
        >
          Save and read again
        </button>
      </div>
      {(run.isError || save.isError) && (
        <p className="error-message" role="alert">
          {(run.error ?? save.error)?.message}
        </p>
      )}
      {preview && <PreviewTable preview={preview} />}
      {done && (
        <p className="teach-done" role="status" data-testid="teach-done">
          {done}
        </p>
      )}
    </div>
  );
}

function PreviewTable({ preview }: { preview: TeachPreview }) {
  return (
    <div className="teach-result" data-testid="teach-preview-result" data-status={preview.parseStatus}>
      <p className="small">
        With this template the email reads <strong>{preview.parseStatus}</strong>:
      </p>
      <dl className="facts">
        {preview.fields.map(([label, v]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd data-testid={`teach-read-${label.replace(/[^a-z]+/g, "-")}`}>{v ?? <span className="muted">—</span>}</dd>
          </div>
        ))}
        <div>
          <dt>transcript</dt>
          <dd data-testid="teach-read-transcript">
            {preview.transcriptMessages} messages
            {preview.transcriptEnds.map((l, i) => (
              <div key={i} className="muted small">
                {l}
              </div>
            ))}
          </dd>
        </div>
      </dl>
    </div>
  );
}
