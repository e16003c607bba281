// The pane's toolbar: Snooze, Contacted, Resolve… on an open handoff; Reopen
// on a closed one. Each action says what it did in a toast with Undo (a
// wake-up, a reopen, the contact taken back), so no click is final.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { HandoffView, Resolution } from "../../bindings";
import type { PushToast } from "../../app/Toasts";
import { AppError, useBackend } from "../../ipc";
import { resolutionLabel, RESOLUTIONS } from "../../lib/labels";
import { queryKeys } from "../../lib/queryKeys";
import { formatShortInZone } from "../../lib/time";
import { type HandoffAction, useHandoffAction } from "./queries";

type Props = {
  view: HandoffView;
  resolveOpen: boolean;
  onResolveOpenChange: (open: boolean) => void;
  onToast?: PushToast;
};

const SNOOZE_HOURS = 3;

export function isClosed(status: string): boolean {
  return status === "resolved" || status === "lost";
}

export function HandoffActions({ view, resolveOpen, onResolveOpenChange, onToast }: Props) {
  const { row } = view;
  const id = row.id;
  const backend = useBackend();
  const client = useQueryClient();
  const action = useHandoffAction(id);
  const firstChoice = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (resolveOpen) firstChoice.current?.focus();
  }, [resolveOpen]);

  // Undo runs after the pane may have closed: plain calls, not the pane's hooks.
  const undo = (run: () => Promise<HandoffView>, said: string) => async () => {
    try {
      const next = await run();
      client.setQueryData(queryKeys.handoff(id), next);
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
      void client.invalidateQueries({ queryKey: queryKeys.workspaces });
      onToast?.(said);
    } catch (err) {
      onToast?.(AppError.from(err).message);
    }
  };

  const toastFor = (a: HandoffAction, next: HandoffView) => {
    if (!onToast) return;
    switch (a.kind) {
      case "snooze": {
        const until = next.snoozedUntil ? ` until ${formatShortInZone(next.snoozedUntil, view.timeZone)}` : "";
        onToast(`Snoozed${until}: back in the inbox then.`, {
          label: "Undo",
          run: () => void undo(() => backend.unsnooze(id), "Snooze undone: it is back in the inbox.")(),
        });
        break;
      }
      case "resolve":
        onToast(`Resolved as ${resolutionLabel(a.why)}.`, {
          label: "Undo",
          run: () => void undo(() => backend.reopen(id), "Reopened.")(),
        });
        break;
      case "contacted":
        onToast("Marked as contacted by phone: the reply promise is met.", {
          label: "Undo",
          run: () => void undo(() => backend.undoContacted(id), "Contacted undone: the promise runs again.")(),
        });
        break;
      case "reopen":
        onToast("Reopened: it is back in the inbox.");
        break;
      case "unsnooze":
        onToast("Woken: it is back in the inbox.");
        break;
    }
  };

  const run = (a: HandoffAction) =>
    action.mutate(a, {
      onSuccess: (next) => {
        if (a.kind === "resolve") onResolveOpenChange(false);
        toastFor(a, next);
      },
    });

  const resolve = (why: Resolution) => run({ kind: "resolve", why });
  const closed = isClosed(row.status);

  return (
    <div className="handoff-actions" aria-label="Actions" role="group">
      <div className="action-row">
        {closed ? (
          <button
            type="button"
            className="button"
            data-testid="action-reopen"
            disabled={action.isPending}
            onClick={() => run({ kind: "reopen" })}
          >
            Reopen
          </button>
        ) : (
          <>
            <button
              type="button"
              className="button"
              data-testid="action-resolve"
              aria-expanded={resolveOpen}
              disabled={action.isPending}
              onClick={() => onResolveOpenChange(!resolveOpen)}
              title="Resolve (e)"
            >
              Resolve…
            </button>
            {view.snoozedUntil ? (
              <button
                type="button"
                className="button"
                data-testid="action-unsnooze"
                disabled={action.isPending}
                onClick={() => run({ kind: "unsnooze" })}
              >
                Wake now
              </button>
            ) : (
              <button
                type="button"
                className="button"
                data-testid="action-snooze"
                disabled={action.isPending}
                onClick={() => run({ kind: "snooze", hours: SNOOZE_HOURS })}
                title="Hide it from the inbox for 3 hours"
              >
                Snooze 3 h
              </button>
            )}
            {row.promiseState !== "met" && (
              <button
                type="button"
                className="button"
                data-testid="action-contacted"
                disabled={action.isPending}
                onClick={() => run({ kind: "contacted", by: "phone" })}
                title="You reached the visitor by phone: the reply promise is met"
              >
                Contacted by phone
              </button>
            )}
          </>
        )}
      </div>
      {resolveOpen && !closed && (
        <div className="resolve-choices" role="group" aria-label="Resolve as">
          {RESOLUTIONS.map((why, i) => (
            <button
              key={why}
              ref={i === 0 ? firstChoice : undefined}
              type="button"
              className="button choice"
              data-testid={`resolve-${why}`}
              disabled={action.isPending}
              onClick={() => resolve(why)}
            >
              {resolutionLabel(why)}
            </button>
          ))}
        </div>
      )}
      {action.isError && (
        <p className="error-message" role="alert">
          {action.error.message}
        </p>
      )}
    </div>
  );
}
