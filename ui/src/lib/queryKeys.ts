import type { InboxQuery } from "../bindings";

/** TanStack Query keys, in one place so invalidation stays consistent. */
export const queryKeys = {
  workspaces: ["workspaces"] as const,
  inboxAll: ["inbox"] as const,
  inbox: (query: InboxQuery) => ["inbox", query] as const,
  handoffAll: ["handoff"] as const,
  handoff: (id: number) => ["handoff", id] as const,
  settingsAll: ["settings"] as const,
  settings: (workspace: string) => ["settings", workspace] as const,
};
