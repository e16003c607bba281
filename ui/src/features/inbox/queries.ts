import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { InboxQuery } from "../../bindings";
import { useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";

export function useWorkspaces() {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.workspaces,
    queryFn: () => backend.listWorkspaces(),
  });
}

export function useInbox(query: InboxQuery) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.inbox(query),
    queryFn: () => backend.inbox(query),
    // Keep the old list on screen while a new filter loads (the container
    // still reports data-state="loading" until the new rows arrive).
    placeholderData: keepPreviousData,
  });
}
