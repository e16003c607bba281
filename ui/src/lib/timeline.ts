// One timeline entry as a sentence: the core records events as a kind and a
// detail written for logs ("status" / "snoozed until 2026-12-03 14:00 UTC");
// the window says them in words, with times in the workspace's zone.
import { kindLabel, resolutionLabel, statusLabel } from "./labels";
import { formatShortInZone } from "./time";

const SNOOZED = /^snoozed until (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC$/;

function sentence(text: string): string {
  const t = text.trim();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : t;
}

/** "Snoozed until Thu 14:00", "Status: Replied", "Resolved as Content gap", "Received via demo data". */
export function timelineText(kind: string, detail: string | null, timeZone: string): string {
  const d = (detail ?? "").trim();
  if (kind === "status") {
    const snoozed = SNOOZED.exec(d);
    if (snoozed) return `Snoozed until ${formatShortInZone(`${snoozed[1]}T${snoozed[2]}:00Z`, timeZone)}`;
    if (d === "reopened") return "Reopened";
    if (d === "snooze ended") return "Snooze ended";
    return d ? `Status: ${statusLabel(d)}` : "Status changed";
  }
  if (kind === "resolution") return d ? `Resolved as ${resolutionLabel(d)}` : "Resolved";
  if (!d) return kindLabel(kind);
  // "received" / "received via demo data": the detail already says it.
  const word = kind.replace(/[_-]+/g, " ").toLowerCase();
  if (d.toLowerCase().startsWith(word)) return sentence(d);
  return `${kindLabel(kind)}: ${d}`;
}
