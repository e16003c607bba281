import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { makeQueryClient } from "./app/queryClient";
import { BackendProvider, tauriBackend } from "./ipc";
import { watchTheme } from "./lib/theme";
import "./styles/theme.css";
import "./styles/app.css";

// Light or dark before the first paint.
watchTheme();

const root = document.getElementById("root");
if (!root) throw new Error("missing #root");

createRoot(root).render(
  <StrictMode>
    <BackendProvider backend={tauriBackend}>
      <QueryClientProvider client={makeQueryClient()}>
        <App />
      </QueryClientProvider>
    </BackendProvider>
  </StrictMode>,
);
