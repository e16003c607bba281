// The first screen's data, asked for before React's first render: the inbox
// (default filters, first page) and the workspace list are already in flight
// while React builds the window, and `useInbox` / `useWorkspaces` pick up
// the same requests from the query cache instead of asking again after the
// first commit. The workspaces are asked for once the inbox has answered:
// both take the one data file in turn, and at 100k handoffs the workspace
// counts take longer than the inbox's first page (measured with
// scripts/bench-desktop's start-up timeline: 0.6 s against 0.3 s).
import type { QueryClient } from "@tanstack/react-query";
import { DEFAULT_FILTERS, toQuery } from "../features/inbox/useInboxFilters";
import { inboxOptions, workspacesOptions } from "../features/inbox/queries";
import type { Backend } from "../ipc";

export function prefetchFirstScreen(client: QueryClient, backend: Backend) {
  void client
    .prefetchInfiniteQuery(inboxOptions(backend, toQuery(DEFAULT_FILTERS)))
    .then(() => client.prefetchQuery(workspacesOptions(backend)));
}
