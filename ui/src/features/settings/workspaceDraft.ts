// The workspace form as the inputs hold it (text for numbers and dates) and
// the conversions to and from the backend's WorkspaceForm. The server checks
// every value and says which one is wrong; this only reshapes.
import type { TemplateForm, WorkspaceForm } from "../../bindings";
import { toCount } from "./Field";

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export type WorkspaceDraft = {
  name: string;
  timeZone: string;
  /** Monday first, always seven. */
  hours: string[];
  /** One date per line (commas work too). */
  holidays: string;
  defaultPromise: string;
  backupContact: string;
  client: string;
  reminderMinutes: string;
  backupMinutes: string;
  backupEmail: boolean;
  secondDays: string;
  reply: TemplateForm;
  second: TemplateForm;
};

export function toDraft(w: WorkspaceForm): WorkspaceDraft {
  return {
    name: w.name,
    timeZone: w.timeZone,
    hours: WEEKDAYS.map((_, i) => w.hours[i] ?? ""),
    holidays: w.holidays.join("\n"),
    defaultPromise: w.defaultPromise,
    backupContact: w.backupContact,
    client: w.client,
    reminderMinutes: String(w.reminderBeforeMinutes),
    backupMinutes: String(w.backupBeforeMinutes),
    backupEmail: w.backupEmail,
    secondDays: String(w.secondAttemptAfterDays),
    reply: w.replyTemplate,
    second: w.secondTemplate,
  };
}

/** "2025-12-24\n2025-12-25, 2026-01-01" → three dates; blanks dropped. */
export function parseHolidays(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter((d) => d !== "");
}

export function toForm(slug: string, d: WorkspaceDraft): WorkspaceForm {
  return {
    slug,
    name: d.name.trim(),
    timeZone: d.timeZone.trim(),
    hours: d.hours.map((h) => h.trim()),
    holidays: parseHolidays(d.holidays),
    defaultPromise: d.defaultPromise.trim(),
    backupContact: d.backupContact.trim(),
    client: d.client.trim(),
    reminderBeforeMinutes: toCount(d.reminderMinutes),
    backupBeforeMinutes: toCount(d.backupMinutes),
    backupEmail: d.backupEmail,
    secondAttemptAfterDays: toCount(d.secondDays),
    replyTemplate: d.reply,
    secondTemplate: d.second,
  };
}
