import { QueryClient } from "@tanstack/react-query";

/** Local IPC: no point retrying or refetching on focus; events tell us when data changes. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}
