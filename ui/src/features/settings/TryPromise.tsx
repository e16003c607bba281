// "Try a promise": a sentence and a receipt time (in the workspace's zone;
// empty: now) in, what the calendar makes of it out — how it was read, when
// it is due, when the reminder fires. It uses the hours as they are in the
// form, saved or not, so an owner can check a change before saving it.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { PromiseAnswer, PromiseTry, WorkspaceForm } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { busyLabel, Field, Status } from "./Field";

export function TryPromise({ form }: { form: () => WorkspaceForm }) {
  const backend = useBackend();
  const [attempt, setAttempt] = useState<PromiseTry>({ text: "within 4 business hours", received: "" });
  const run = useMutation<PromiseAnswer, AppError, PromiseTry>({
    mutationFn: async (a) => {
      try {
        return await backend.tryPromise(form(), a);
      } catch (err) {
        throw AppError.from(err);
      }
    },
  });
  const answer = run.data;
  return (
    <fieldset className="settings-group" data-testid="try-promise">
      <legend>Try a promise</legend>
      <div className="settings-grid">
        <Field label="The bot says" hint="e.g. “within one business day”, “tomorrow morning”.">
          <input
            data-testid="try-text"
            value={attempt.text}
            onChange={(e) => setAttempt({ ...attempt, text: e.target.value })}
          />
        </Field>
        <Field label="Received" hint="In the workspace's time zone; empty: now.">
          <input
            data-testid="try-received"
            type="datetime-local"
            value={attempt.received}
            onChange={(e) => setAttempt({ ...attempt, received: e.target.value })}
          />
        </Field>
      </div>
      <div className="action-row">
        <button
          type="button"
          className="button"
          data-testid="try-run"
          disabled={run.isPending}
          aria-busy={run.isPending}
          onClick={() => run.mutate(attempt)}
        >
          {busyLabel(run.isPending, "When is it due?", "Working it out…")}
        </button>
        {run.isError && (
          <Status testId="try-status" state="error">
            {run.error.message}
          </Status>
        )}
      </div>
      {answer && (
        <dl className="try-answer" data-testid="try-answer">
          <dt>Received</dt>
          <dd>
            {answer.receivedLocal}
            {answer.afterHours ? " (after hours)" : ""}
          </dd>
          <dt>Understood</dt>
          <dd data-testid="try-understood">{answer.understoodAs}</dd>
          {answer.clockFromLocal && answer.afterHours && (
            <>
              <dt>Clock starts</dt>
              <dd>{answer.clockFromLocal}</dd>
            </>
          )}
          <dt>Due</dt>
          <dd data-testid="try-due">{answer.dueLocal ?? "never: no time named"}</dd>
          <dt>Reminder</dt>
          <dd data-testid="try-reminder">{answer.reminderLocal ?? "none"}</dd>
        </dl>
      )}
    </fieldset>
  );
}
