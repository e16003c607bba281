// Re-exports of the types generated from Rust by ts-rs.
export type { AppError } from "./AppError";
export type { FollowUpView } from "./FollowUpView";
export type { HandoffView } from "./HandoffView";
export type { Inbox } from "./Inbox";
export type { InboxQuery } from "./InboxQuery";
export type { InboxRow } from "./InboxRow";
export type { PromiseState } from "./PromiseState";
export type { ReplyDraft } from "./ReplyDraft";
export type { ReplyView } from "./ReplyView";
export type { Reason } from "./Reason";
export type { Resolution } from "./Resolution";
export type { Status } from "./Status";
export type { TimelineEntry } from "./TimelineEntry";
export type { TranscriptLine } from "./TranscriptLine";
export type { WorkspaceSummary } from "./WorkspaceSummary";
