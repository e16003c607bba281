// Settings → Templates: the formats taught from the handoff pane (for every
// workspace: a template belongs to a sender), each with the notifications
// that no longer match it ("3 notifications from bot@acme.test no longer
// match the template taught on 2 Dec 2026"); remove one; export one as JSON
// to share; import one from its JSON.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { TemplateView } from "../../bindings/TemplateView";
import { AppError, useBackend } from "../../ipc";
import { formatLocal } from "../../lib/time";
import { Field, Status } from "./Field";

type Outcome = { state: "ok" | "error"; text: string };

export function TemplatesSection() {
  const backend = useBackend();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["templates"],
    queryFn: () => backend.templates!(),
    enabled: backend.templates !== undefined,
  });
  const [exported, setExported] = useState<{ id: number; json: string } | null>(null);
  const [json, setJson] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const fail = (e: unknown) => setOutcome({ state: "error", text: AppError.from(e).message });

  const remove = useMutation({
    mutationFn: (id: number) => backend.templateRemove!(id),
    onSuccess: (next: TemplateView[]) => {
      client.setQueryData(["templates"], next);
      setOutcome({ state: "ok", text: "Template removed; records it read keep what it read." });
    },
    onError: fail,
  });
  const exportOne = useMutation({
    mutationFn: async (id: number) => ({ id, json: await backend.templateExport!(id) }),
    onSuccess: setExported,
    onError: fail,
  });
  const importOne = useMutation({
    mutationFn: (text: string) => backend.templateImport!(text),
    onSuccess: (sentence: string) => {
      setOutcome({ state: "ok", text: sentence });
      setJson("");
      void client.invalidateQueries({ queryKey: ["templates"] });
      void client.invalidateQueries({ queryKey: ["inbox"] });
      void client.invalidateQueries({ queryKey: ["handoff"] });
    },
    onError: fail,
  });

  if (!backend.templates) return null;
  const rows = list.data ?? [];
  return (
    <section className="settings-section" data-testid="settings-section-templates" aria-labelledby="settings-h-templates">
      <h2 id="settings-h-templates">Templates</h2>
      <p className="settings-hint">
        Formats you taught from a handoff the app could not read (“Teach Handoff Desk this format” in the handoff
        pane). They apply to every workspace.
      </p>
      {list.isError && (
        <p className="error-message" role="alert">
          {AppError.from(list.error).message}
        </p>
      )}
      {list.isSuccess && rows.length === 0 && <p className="muted">No formats taught yet.</p>}
      <ul className="plain-list">
        {rows.map((t) => (
          <li key={t.id} data-testid="template-row" data-sender={t.sender}>
            <strong>{t.name}</strong> <span className="muted">{t.sender}</span>
            <div className="small muted">
              Taught {formatLocal(t.taughtAt)} · reads {t.fields.join(", ")}
            </div>
            {t.missReport && (
              <p className="error-message small" role="alert" data-testid="template-misses">
                {t.missReport}
              </p>
            )}
            <div className="action-row">
              <button type="button" className="button small" onClick={() => exportOne.mutate(t.id)}>
                Export
              </button>
              <button
                type="button"
                className="button small ghost"
                data-testid="template-remove"
                onClick={() => remove.mutate(t.id)}
              >
                Remove
              </button>
            </div>
            {exported?.id === t.id && (
              <Field label="Template JSON (copy it to share)" wide>
                <textarea readOnly rows={8} value={exported.json} data-testid="template-json" />
              </Field>
            )}
          </li>
        ))}
      </ul>
      <Field label="Import a template: paste its JSON" wide>
        <textarea rows={4} value={json} data-testid="template-import-json" onChange={(e) => setJson(e.target.value)} />
      </Field>
      <button
        type="button"
        className="button"
        data-testid="template-import"
        disabled={!json.trim() || importOne.isPending}
        onClick={() => importOne.mutate(json)}
      >
        Import
      </button>
      {outcome && (
        <Status testId="templates-status" state={outcome.state}>
          {outcome.text}
        </Status>
      )}
    </section>
  );
}

/**
 * Under Sources: the taught formats whose sender's notifications no longer
 * match them (the platform changed its layout), so the owner sees it where
 * handoffs come from, not only in the template list.
 */
export function TemplateMissNotices() {
  const backend = useBackend();
  const list = useQuery({
    queryKey: ["templates"],
    queryFn: () => backend.templates!(),
    enabled: backend.templates !== undefined,
  });
  const reports = (list.data ?? []).flatMap((t) => (t.missReport ? [t.missReport] : []));
  if (reports.length === 0) return null;
  return (
    <ul className="plain-list" aria-label="Formats that stopped matching">
      {reports.map((r) => (
        <li key={r} className="error-message small" role="alert" data-testid="source-template-misses">
          {r} (Settings → Templates).
        </li>
      ))}
    </ul>
  );
}
