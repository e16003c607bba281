// Erase this visitor (the right to erasure): the button on the visitor card,
// then a confirmation that lists what will go before anything does.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AppError, useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";

type Props = { id: number; onErased?: (message: string) => void };

export function EraseVisitor({ id, onErased }: Props) {
  const backend = useBackend();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const plan = useQuery({
    queryKey: ["erase-plan", id],
    queryFn: () => {
      if (!backend.erasePlan) throw new AppError("unavailable", "Erasing is not available here.");
      return backend.erasePlan(id);
    },
    enabled: open,
    staleTime: 0,
    gcTime: 0,
  });
  const erase = useMutation<string, AppError>({
    mutationFn: async () => {
      try {
        if (!backend.forgetVisitor) throw new AppError("unavailable", "Erasing is not available here.");
        return await backend.forgetVisitor(id);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (message) => {
      setOpen(false);
      client.removeQueries({ queryKey: queryKeys.handoff(id) });
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
      void client.invalidateQueries({ queryKey: queryKeys.workspaces });
      onErased?.(message);
    },
  });
  if (!backend.erasePlan || !backend.forgetVisitor) return null;
  if (!open) {
    return (
      <button type="button" className="button ghost small erase-open" onClick={() => setOpen(true)}>
        Erase visitor…
      </button>
    );
  }
  return (
    <div className="erase-confirm" role="dialog" aria-modal="false" aria-labelledby={`erase-title-${id}`} data-testid="erase-confirm">
      <h3 id={`erase-title-${id}`}>Erase this visitor for good?</h3>
      {plan.isError ? (
        <p className="error-message" role="alert">{AppError.from(plan.error).message}</p>
      ) : !plan.data ? (
        <p aria-busy="true">Looking up what names them…</p>
      ) : (
        <>
          <p>This erases {plan.data.who}:</p>
          <ul className="erase-handoffs" data-testid="erase-handoffs">
            {plan.data.handoffs.map((h) => (
              <li key={h}>{h}</li>
            ))}
          </ul>
          {plan.data.rows.length > 0 && (
            <>
              <p>and with them:</p>
              <ul className="erase-rows" data-testid="erase-rows">
                {plan.data.rows.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          )}
          {plan.data.stays.map((s) => (
            <p key={s} className="muted">{s}</p>
          ))}
        </>
      )}
      {erase.isError && (
        <p className="error-message" role="alert">{erase.error.message}</p>
      )}
      <div className="actions">
        <button
          type="button"
          className="button danger"
          disabled={!plan.data || erase.isPending}
          onClick={() => erase.mutate()}
        >
          {erase.isPending ? "Erasing…" : "Erase for good"}
        </button>
        <button type="button" className="button ghost" onClick={() => setOpen(false)} disabled={erase.isPending}>
          Cancel
        </button>
      </div>
    </div>
  );
}
