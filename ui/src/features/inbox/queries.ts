import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { InboxQuery } from "../../bindings";
import { type Backend, useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";

/** The workspaces query (shared by the hook and the start-up prefetch). */
export function workspacesOptions(backend: Backend) {
  return queryOptions({
    queryKey: queryKeys.workspaces,
    queryFn: () => backend.listWorkspaces(),
  });
}

/** The inbox query for `query`, a page at a time (shared by the hook and the start-up prefetch). */
export function inboxOptions(backend: Backend, query: InboxQuery) {
  return infiniteQueryOptions({
    queryKey: queryKeys.inbox(query),
    queryFn: ({ pageParam }) => backend.inbox({ ...query, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.rows.length, 0);
      return last.rows.length > 0 && loaded < last.total ? loaded : undefined;
    },
  });
}

/** The workspaces; `enabled: false` holds the request back (the first screen asks after its inbox). */
export function useWorkspaces(enabled = true) {
  return useQuery({ ...workspacesOptions(useBackend()), enabled });
}

/** The inbox a page at a time: `query` asks for the first; `fetchNextPage` for the next. */
export function useInbox(query: InboxQuery) {
  return useInfiniteQuery({
    ...inboxOptions(useBackend(), query),
    // Keep the old list on screen while a new filter loads (the container
    // still reports data-state="loading" until the new rows arrive).
    placeholderData: keepPreviousData,
  });
}
