// The only module that talks to Tauri. Everything else goes through the
// `Backend` interface, so tests can inject a fake with <BackendProvider>.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { createContext, createElement, useContext, type ReactNode } from "react";
import type {
  AppError as AppErrorShape,
  BriefingView,
  ErrorCode,
  MonthReportView,
  GapChecklist,
  HandoffView,
  HubspotForm,
  Inbox,
  InboxQuery,
  Insights,
  PromiseAnswer,
  PromiseTry,
  ReplyDraft,
  Resolution,
  SettingsView,
  SmtpForm,
  SourceForm,
  WorkspaceForm,
  WorkspaceSummary,
} from "./bindings";
import type { TeamForm } from "./bindings/TeamForm";
import type { ReparseDone } from "./bindings/ReparseDone";
import type { ReparseOffer } from "./bindings/ReparseOffer";
import type { BackupForm } from "./bindings/BackupForm";
import type { ErasePlanView } from "./bindings/ErasePlanView";
import type { PrivacyForm } from "./bindings/PrivacyForm";
import type { PrivacyView } from "./bindings/PrivacyView";
import type { OriginalView } from "./bindings/OriginalView";
import type { TeachPreview } from "./bindings/TeachPreview";
import type { TeachSelection } from "./bindings/TeachSelection";
import type { TemplateView } from "./bindings/TemplateView";
import type { MailboxFound } from "./bindings/MailboxFound";
import type { SignInFor } from "./bindings/SignInFor";
import type { SignInStarted } from "./bindings/SignInStarted";

/**
 * What kind of failure: the shell's typed codes (see bindings/ErrorCode.ts),
 * plus the window's own two for a backend it could not reach ("unavailable")
 * and a throwable that carried nothing ("unknown"). Screens switch on this,
 * never on the words of `message`.
 */
export type ErrorKind = ErrorCode | "unavailable" | "unknown";

/** An error from the backend (or from reaching it), with a user-facing message. */
export class AppError extends Error {
  readonly code: ErrorKind;

  constructor(code: ErrorKind, message: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
  }

  static from(err: unknown): AppError {
    if (err instanceof AppError) return err;
    // The shell's AppError: its code is an ErrorCode by construction (ts-rs).
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
  /** Take back "contacted" (Undo after Contacted). */
  undoContacted(id: number): Promise<HandoffView>;
  /** Wake a snoozed handoff now (Undo after Snooze). */
  unsnooze(id: number): Promise<HandoffView>;
  /** Open a resolved handoff again (Reopen, and Undo after Resolve). */
  reopen(id: number): Promise<HandoffView>;
  /** Open an http(s) or mailto link in the system's browser or mail program. */
  openLink(url: string): Promise<void>;
  /** Fill an empty data file with the demo; a sentence saying what was made. Optional: fakes may omit it. */
  loadDemo?(): Promise<string>;
  replyDraft(id: number): Promise<ReplyDraft>;
  sendReply(id: number, subject: string, body: string): Promise<HandoffView>;
  gapChecklist(workspace: string, month: string): Promise<GapChecklist>;
  gapCheck(workspace: string, month: string, rank: number, note: string | null): Promise<GapChecklist>;
  gapUncheck(workspace: string, month: string, rank: number): Promise<GapChecklist>;
  gapMarkdown(workspace: string, month: string): Promise<string>;
  insights(workspace: string, month: string): Promise<Insights>;
  /** A handoff's briefing. Optional: fakes may omit it (then no briefing is shown). */
  briefing?(id: number): Promise<BriefingView>;
  /** The client's monthly report. Optional: fakes may omit it. */
  monthReport?(workspace: string, month: string): Promise<MonthReportView>;
  /** Save the monthly report as PDF in Downloads; a sentence saying where. */
  saveReportPdf?(workspace: string, month: string): Promise<string>;
  /** Record the bot's conversations in a month (for escalation rate and containment). */
  setConversations?(workspace: string, month: string, total: number): Promise<void>;
  /** Read the bot's conversations in a month from Chatwoot's reports and record them; the count.
   * `address` and `token` may be null when kept from last time. */
  readChatwootConversations?(
    workspace: string,
    month: string,
    address: string | null,
    token: string | null,
  ): Promise<number>;
  /** Read the bot's conversations in a month from Intercom (Fin's, or every one) and record
   * them; the count. `region`, `everyConversation` and `token` may be null when kept. */
  readIntercomConversations?(
    workspace: string,
    month: string,
    region: string | null,
    everyConversation: boolean | null,
    token: string | null,
  ): Promise<number>;
  /** The first inbox has painted (the shell reports it, with the window's
   * start-up steps as [name, ms since the Unix epoch], for the start-up benchmark). */
  uiReady(marks?: [string, number][]): Promise<void>;
  /** Queue a push of this handoff to its workspace's HubSpot portal. */
  pushToHubspot(id: number): Promise<HandoffView>;
  settings(workspace: string): Promise<SettingsView>;
  saveWorkspace(form: WorkspaceForm): Promise<SettingsView>;
  /** When a promise would be due on the hours in `form` (saved or not). */
  tryPromise(form: WorkspaceForm, attempt: PromiseTry): Promise<PromiseAnswer>;
  createWorkspace(slug: string, name: string, timeZone: string): Promise<WorkspaceSummary>;
  /** Checks the login with `secret` first; the secret goes to the OS keychain. */
  addSource(workspace: string, form: SourceForm, secret: string): Promise<SettingsView>;
  /** Resolves with a sentence saying the login works; rejects with what is wrong. */
  testSource(id: number): Promise<string>;
  setSourceSecret(id: number, secret: string): Promise<SettingsView>;
  setSourceEnabled(id: number, enabled: boolean): Promise<SettingsView>;
  removeSource(id: number): Promise<SettingsView>;
  /** A relay source's retention-gap notices stop being shown. */
  acknowledgeSourceGaps(id: number): Promise<SettingsView>;
  /** `password` null or empty keeps the saved one. Checks the login first. */
  saveSmtp(workspace: string, form: SmtpForm, password: string | null): Promise<SettingsView>;
  testSmtp(workspace: string): Promise<string>;
  /** Host, port and security for a mailbox address (presets, autoconfig, SRV, MX). */
  discoverMailbox(address: string): Promise<MailboxFound>;
  /** Opens the provider's sign-in for `address` in the system browser. */
  beginSignIn(provider: string, address: string): Promise<SignInStarted>;
  /** Stops waiting; a later answer from the browser saves nothing. */
  cancelSignIn(id: number): Promise<void>;
  /** Waits for the browser (up to 5 minutes), checks the login, then saves what it was for. */
  finishSignIn(id: number, target: SignInFor): Promise<SettingsView>;
  /** `token` null or empty keeps the saved one. Checks the token first. */
  connectHubspot(workspace: string, form: HubspotForm, token: string | null): Promise<SettingsView>;
  disconnectHubspot(workspace: string): Promise<SettingsView>;
  pushAllPending(workspace: string): Promise<SettingsView>;
  /** Claim a handoff for this app's teammate; rejects when a teammate holds it. */
  claimHandoff(id: number): Promise<HandoffView>;
  /** Give back our claim on a handoff. */
  releaseHandoff(id: number): Promise<HandoffView>;
  /** Team mode on or off for a workspace, and who this app is to teammates. */
  saveTeam(workspace: string, form: TeamForm): Promise<SettingsView>;
  /** Flagged records an older version stored (the inbox offers to read them again). Optional: fakes may omit it. */
  reparseOffer?(): Promise<ReparseOffer>;
  /** Read every raw and partial record again with this version's readers. */
  reparse?(): Promise<ReparseDone>;
  /** What erasing this handoff's visitor would remove. Optional: fakes may omit the privacy calls. */
  erasePlan?(id: number): Promise<ErasePlanView>;
  /** Erase this handoff's visitor; resolves with a sentence saying what went. */
  forgetVisitor?(id: number): Promise<string>;
  /** A workspace's retention and redaction, the backup, encryption. */
  privacy?(workspace: string): Promise<PrivacyView>;
  savePrivacy?(workspace: string, form: PrivacyForm, backup: BackupForm): Promise<PrivacyView>;
  /** Apply retention now; a sentence saying what went. */
  applyRetention?(): Promise<string>;
  /** Back the data file up now; the file written. */
  backupNow?(): Promise<string>;
  /** Export handoffs (all workspaces when null) to the Downloads folder; a sentence naming the file. */
  exportHandoffs?(workspace: string | null, format: "csv" | "jsonl"): Promise<string>;
  /** A stored notification's original, as text. Optional: fakes may omit the teaching calls. */
  original?(id: number): Promise<OriginalView>;
  /** What a template made of these selections reads on the original (nothing saved). */
  templatePreview?(id: number, selections: TeachSelection[]): Promise<TeachPreview>;
  /** Save the template and read every raw or partial record again; a sentence saying what changed. */
  templateSave?(id: number, selections: TeachSelection[]): Promise<string>;
  /** Every taught format, with the notifications that no longer match it. */
  templates?(): Promise<TemplateView[]>;
  templateRemove?(id: number): Promise<TemplateView[]>;
  /** A template as shareable JSON. */
  templateExport?(id: number): Promise<string>;
  /** Add a template from its JSON and read every raw or partial record again; a sentence. */
  templateImport?(json: string): Promise<string>;
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
  unsnooze: (id) => call<HandoffView>("unsnooze", { id }),
  undoContacted: (id) => call<HandoffView>("undo_contacted", { id }),
  reopen: (id) => call<HandoffView>("reopen", { id }),
  openLink: (url) => call<void>("plugin:opener|open_url", { url }),
  loadDemo: () => call<string>("load_demo"),
  replyDraft: (id) => call<ReplyDraft>("reply_draft", { id }),
  sendReply: (id, subject, body) => call<HandoffView>("send_reply", { id, subject, body }),
  gapChecklist: (workspace, month) => call<GapChecklist>("gap_checklist", { workspace, month }),
  gapCheck: (workspace, month, rank, note) => call<GapChecklist>("gap_check", { workspace, month, rank, note }),
  gapUncheck: (workspace, month, rank) => call<GapChecklist>("gap_uncheck", { workspace, month, rank }),
  gapMarkdown: (workspace, month) => call<string>("gap_markdown", { workspace, month }),
  insights: (workspace, month) => call<Insights>("insights", { workspace, month }),
  briefing: (id) => call<BriefingView>("briefing", { id }),
  monthReport: (workspace, month) => call<MonthReportView>("month_report", { workspace, month }),
  saveReportPdf: (workspace, month) => call<string>("save_report_pdf", { workspace, month }),
  setConversations: (workspace, month, total) => call<void>("set_conversations", { workspace, month, total }),
  readChatwootConversations: (workspace, month, address, token) =>
    call<number>("read_chatwoot_conversations", { workspace, month, address, token }),
  readIntercomConversations: (workspace, month, region, everyConversation, token) =>
    call<number>("read_intercom_conversations", { workspace, month, region, everyConversation, token }),
  uiReady: (marks) => call<void>("ui_ready", { marks: marks ?? null }),
  pushToHubspot: (id) => call<HandoffView>("push_to_hubspot", { id }),
  settings: (workspace) => call<SettingsView>("settings", { workspace }),
  saveWorkspace: (form) => call<SettingsView>("save_workspace", { form }),
  tryPromise: (form, attempt) => call<PromiseAnswer>("try_promise", { form, attempt }),
  createWorkspace: (slug, name, timeZone) => call<WorkspaceSummary>("create_workspace", { slug, name, timeZone }),
  addSource: (workspace, form, secret) => call<SettingsView>("add_source", { workspace, form, secret }),
  testSource: (id) => call<string>("test_source", { id }),
  setSourceSecret: (id, secret) => call<SettingsView>("set_source_secret", { id, secret }),
  setSourceEnabled: (id, enabled) => call<SettingsView>("set_source_enabled", { id, enabled }),
  removeSource: (id) => call<SettingsView>("remove_source", { id }),
  acknowledgeSourceGaps: (id) => call<SettingsView>("acknowledge_source_gaps", { id }),
  saveSmtp: (workspace, form, password) => call<SettingsView>("save_smtp", { workspace, form, password }),
  testSmtp: (workspace) => call<string>("test_smtp", { workspace }),
  discoverMailbox: (address) => call<MailboxFound>("discover_mailbox", { address }),
  beginSignIn: (provider, address) => call<SignInStarted>("begin_sign_in", { providerName: provider, address }),
  cancelSignIn: (id) => call<void>("cancel_sign_in", { id }),
  finishSignIn: (id, target) => call<SettingsView>("finish_sign_in", { id, target }),
  connectHubspot: (workspace, form, token) => call<SettingsView>("connect_hubspot", { workspace, form, token }),
  disconnectHubspot: (workspace) => call<SettingsView>("disconnect_hubspot", { workspace }),
  pushAllPending: (workspace) => call<SettingsView>("push_all_pending", { workspace }),
  claimHandoff: (id) => call<HandoffView>("claim_handoff", { id }),
  releaseHandoff: (id) => call<HandoffView>("release_handoff", { id }),
  saveTeam: (workspace, form) => call<SettingsView>("save_team", { workspace, form }),
  reparseOffer: () => call<ReparseOffer>("reparse_offer"),
  reparse: () => call<ReparseDone>("reparse"),
  erasePlan: (id) => call<ErasePlanView>("erase_plan", { id }),
  forgetVisitor: (id) => call<string>("forget_visitor", { id }),
  privacy: (workspace) => call<PrivacyView>("privacy", { workspace }),
  savePrivacy: (workspace, form, backup) => call<PrivacyView>("save_privacy", { workspace, form, backup }),
  applyRetention: () => call<string>("apply_retention"),
  backupNow: () => call<string>("backup_now"),
  exportHandoffs: (workspace, format) => call<string>("export_handoffs", { workspace, format }),
  original: (id) => call<OriginalView>("original", { id }),
  templatePreview: (id, selections) => call<TeachPreview>("template_preview", { id, selections }),
  templateSave: (id, selections) => call<string>("template_save", { id, selections }),
  templates: () => call<TemplateView[]>("templates"),
  templateRemove: (id) => call<TemplateView[]>("template_remove", { id }),
  templateExport: (id) => call<string>("template_export", { id }),
  templateImport: (json) => call<string>("template_import", { json }),
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
