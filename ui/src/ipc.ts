// The only module that talks to Tauri. Everything else goes through the
// `Backend` interface, so tests can inject a fake with <BackendProvider>.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { createContext, createElement, useContext, type ReactNode } from "react";
import type {
  AppError as AppErrorShape,
  GapChecklist,
  HandoffView,
  Inbox,
  InboxQuery,
  Insights,
  ReplyDraft,
  Resolution,
  WorkspaceSummary,
} from "./bindings";

/** An error from the backend (or from reaching it), with a user-facing message. */
export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
  }

  static from(err: unknown): AppError {
    if (err instanceof AppError) return err;
    if (isErrorShape(err)) return new AppError(err.code, err.message);
    if (typeof err === "string") return new AppError("internal", err);
    if (err instanceof Error) return new AppError("unavailable", err.message);
    return new AppError("unknown", "Something went wrong.");
  }
}

function isErrorShape(value: unknown): value is AppErrorShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string";
}

export type ContactChannel = "phone" | "email" | "other";

export type HandoffsChanged = { ids: number[] };
export type Notice = { text: string };
export type Unlisten = () => void;

export interface Backend {
  listWorkspaces(): Promise<WorkspaceSummary[]>;
  inbox(query: InboxQuery): Promise<Inbox>;
  handoff(id: number): Promise<HandoffView>;
  resolve(id: number, why: Resolution): Promise<HandoffView>;
  contacted(id: number, by: ContactChannel): Promise<HandoffView>;
  snooze(id: number, hours: number): Promise<HandoffView>;
  replyDraft(id: number): Promise<ReplyDraft>;
  sendReply(id: number, subject: string, body: string): Promise<HandoffView>;
  gapChecklist(workspace: string, month: string): Promise<GapChecklist>;
  gapCheck(workspace: string, month: string, rank: number, note: string | null): Promise<GapChecklist>;
  gapUncheck(workspace: string, month: string, rank: number): Promise<GapChecklist>;
  gapMarkdown(workspace: string, month: string): Promise<string>;
  insights(workspace: string, month: string): Promise<Insights>;
  /** The first inbox has painted (the shell reports it for the start-up benchmark). */
  uiReady(): Promise<void>;
  onHandoffsChanged(handler: (payload: HandoffsChanged) => void): Promise<Unlisten>;
  onNotice(handler: (payload: Notice) => void): Promise<Unlisten>;
}

function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!inTauri()) {
    throw new AppError(
      "unavailable",
      "The Handoff Desk backend is not reachable: open this screen inside the desktop app.",
    );
  }
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw AppError.from(err);
  }
}

async function subscribe<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
  if (!inTauri()) return () => {};
  try {
    return await listen<T>(event, (e) => handler(e.payload));
  } catch (err) {
    throw AppError.from(err);
  }
}

export const tauriBackend: Backend = {
  listWorkspaces: () => call<WorkspaceSummary[]>("list_workspaces"),
  inbox: (query) => call<Inbox>("inbox", { query }),
  handoff: (id) => call<HandoffView>("handoff", { id }),
  resolve: (id, why) => call<HandoffView>("resolve", { id, why }),
  contacted: (id, by) => call<HandoffView>("contacted", { id, by }),
  snooze: (id, hours) => call<HandoffView>("snooze", { id, hours }),
  replyDraft: (id) => call<ReplyDraft>("reply_draft", { id }),
  sendReply: (id, subject, body) => call<HandoffView>("send_reply", { id, subject, body }),
  gapChecklist: (workspace, month) => call<GapChecklist>("gap_checklist", { workspace, month }),
  gapCheck: (workspace, month, rank, note) => call<GapChecklist>("gap_check", { workspace, month, rank, note }),
  gapUncheck: (workspace, month, rank) => call<GapChecklist>("gap_uncheck", { workspace, month, rank }),
  gapMarkdown: (workspace, month) => call<string>("gap_markdown", { workspace, month }),
  insights: (workspace, month) => call<Insights>("insights", { workspace, month }),
  uiReady: () => call<void>("ui_ready"),
  onHandoffsChanged: (handler) => subscribe<HandoffsChanged>("handoffs-changed", handler),
  onNotice: (handler) => subscribe<Notice>("notice", handler),
};

const BackendContext = createContext<Backend>(tauriBackend);

export function BackendProvider({ backend, children }: { backend: Backend; children: ReactNode }) {
  return createElement(BackendContext.Provider, { value: backend }, children);
}

export function useBackend(): Backend {
  return useContext(BackendContext);
}
