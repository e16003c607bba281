import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { HandoffView, Resolution } from "../../bindings";
import { AppError, useBackend, type ContactChannel } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";

export function useHandoff(id: number) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.handoff(id),
    queryFn: () => backend.handoff(id),
  });
}

export type HandoffAction =
  | { kind: "contacted"; by: ContactChannel }
  | { kind: "snooze"; hours: number }
  | { kind: "resolve"; why: Resolution }
  | { kind: "reopen" }
  | { kind: "unsnooze" };

/** Runs an action, shows the returned view, and refreshes the inbox. */
export function useHandoffAction(id: number) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<HandoffView, AppError, HandoffAction>({
    mutationFn: async (action) => {
      try {
        switch (action.kind) {
          case "contacted":
            return await backend.contacted(id, action.by);
          case "snooze":
            return await backend.snooze(id, action.hours);
          case "resolve":
            return await backend.resolve(id, action.why);
          case "reopen":
            return await backend.reopen(id);
          case "unsnooze":
            return await backend.unsnooze(id);
        }
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (view) => {
      client.setQueryData(queryKeys.handoff(id), view);
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
      void client.invalidateQueries({ queryKey: queryKeys.workspaces });
    },
  });
}

export type TeamAction = "claim" | "release";

/**
 * Claims or releases a handoff for this app's teammate. A refusal (a teammate
 * got there first) refetches the pane, so it shows who has it and the warning.
 */
export function useTeamAction(id: number) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<HandoffView, AppError, TeamAction>({
    mutationFn: async (action) => {
      try {
        return action === "claim" ? await backend.claimHandoff(id) : await backend.releaseHandoff(id);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (view) => {
      client.setQueryData(queryKeys.handoff(id), view);
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
    },
    onError: () => {
      void client.invalidateQueries({ queryKey: queryKeys.handoff(id) });
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
    },
  });
}
