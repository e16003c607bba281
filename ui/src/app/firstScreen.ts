// The first screen's data, asked for before React's first render: the inbox
// (default filters, first page) and the workspace list are already in flight
// while React builds the window, and `useInbox` / `useWorkspaces` pick up
// the same requests from the query cache instead of asking again after the
// first commit. Measured with scripts/bench-desktop's start-up timeline.
import type { QueryClient } from "@tanstack/react-query";
import { DEFAULT_FILTERS, toQuery } from "../features/inbox/useInboxFilters";
import { inboxOptions, workspacesOptions } from "../features/inbox/queries";
import type { Backend } from "../ipc";

export function prefetchFirstScreen(client: QueryClient, backend: Backend) {
  void client.prefetchInfiniteQuery(inboxOptions(backend, toQuery(DEFAULT_FILTERS)));
  void client.prefetchQuery(workspacesOptions(backend));
}
