import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { makeQueryClient } from "../app/queryClient";
import { BackendProvider, type Backend } from "../ipc";

/** Renders `ui` with a fresh query client and the given (fake) backend. */
export function renderWith(backend: Backend, ui: ReactElement) {
  const client = makeQueryClient();
  const result = render(
    <BackendProvider backend={backend}>
      <QueryClientProvider client={client}>{ui}</QueryClientProvider>
    </BackendProvider>,
  );
  return { ...result, client };
}
