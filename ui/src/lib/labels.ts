// Human wording for the backend's enum values. Unknown strings (a newer
// backend) fall back to a readable form of the raw value instead of failing.
import type { PromiseState, Reason, Resolution, Status } from "../bindings";

export const REASONS: readonly Reason[] = [
  "knowledge_gap",
  "low_confidence",
  "human_request",
  "frustration",
  "policy_topic",
  "high_intent",
  "other",
];

export const STATUSES: readonly Status[] = ["new", "awaiting_reply", "replied", "waiting_on_visitor", "resolved", "lost"];

export const RESOLUTIONS: readonly Resolution[] = ["answered", "content_gap", "policy", "not_a_lead"];

const REASON_LABELS: Record<Reason, string> = {
  knowledge_gap: "Knowledge gap",
  low_confidence: "Low confidence",
  human_request: "Asked for a person",
  frustration: "Frustrated",
  policy_topic: "Policy topic",
  high_intent: "Ready to buy",
  other: "Other",
};

const STATUS_LABELS: Record<Status, string> = {
  new: "New",
  awaiting_reply: "Awaiting reply",
  replied: "Replied",
  waiting_on_visitor: "Waiting on visitor",
  resolved: "Resolved",
  lost: "Lost",
};

const RESOLUTION_LABELS: Record<Resolution, string> = {
  answered: "Answered",
  content_gap: "Content gap",
  policy: "Needed a human by policy",
  not_a_lead: "Not a lead",
};

const PROMISE_LABELS: Record<PromiseState, string> = {
  running: "Running",
  met: "Met",
  breached: "Breached",
  dropped: "Dropped",
};

function humanize(raw: string): string {
  const text = raw.replace(/[_-]+/g, " ").trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "Unknown";
}

function lookup<K extends string>(table: Record<K, string>, value: string): string {
  return Object.prototype.hasOwnProperty.call(table, value) ? table[value as K] : humanize(value);
}

export const reasonLabel = (r: string): string => lookup(REASON_LABELS, r);
export const statusLabel = (s: string): string => lookup(STATUS_LABELS, s);
export const resolutionLabel = (r: string): string => lookup(RESOLUTION_LABELS, r);
export const promiseLabel = (p: string): string => lookup(PROMISE_LABELS, p);
export const kindLabel = (k: string): string => humanize(k);

export function isReason(value: string): value is Reason {
  return (REASONS as readonly string[]).includes(value);
}

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

/** A CSS-class-safe token for a value, "unknown" when it is not one we know. */
export function reasonClass(r: string): string {
  return isReason(r) ? r : "unknown";
}

export function statusClass(s: string): string {
  return isStatus(s) ? s : "unknown";
}
