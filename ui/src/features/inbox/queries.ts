import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
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

/** The inbox a page at a time: `query` asks for the first; `fetchNextPage` for the next. */
export function useInbox(query: InboxQuery) {
  const backend = useBackend();
  return useInfiniteQuery({
    queryKey: queryKeys.inbox(query),
    queryFn: ({ pageParam }) => backend.inbox({ ...query, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.rows.length, 0);
      return last.rows.length > 0 && loaded < last.total ? loaded : undefined;
    },
    // Keep the old list on screen while a new filter loads (the container
    // still reports data-state="loading" until the new rows arrive).
    placeholderData: keepPreviousData,
  });
}
