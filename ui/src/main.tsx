import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { prefetchFirstScreen } from "./app/firstScreen";
import { makeQueryClient } from "./app/queryClient";
import { BackendProvider, tauriBackend } from "./ipc";
import { markPlatform } from "./lib/platform";
import { startupMark } from "./lib/startup";
import { watchTheme } from "./lib/theme";
import "./styles/theme.css";
import "./styles/app.css";

startupMark("js-main");

// The inbox's data is asked for first, while React builds the window.
const queryClient = makeQueryClient();
if ("__TAURI_INTERNALS__" in window) prefetchFirstScreen(queryClient, tauriBackend);

// Light or dark, and the platform's fonts, before the first paint.
watchTheme();
markPlatform();

const root = document.getElementById("root");
if (!root) throw new Error("missing #root");

createRoot(root).render(
  <StrictMode>
    <BackendProvider backend={tauriBackend}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </BackendProvider>
  </StrictMode>,
);
