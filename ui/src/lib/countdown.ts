// The live promise countdown shown in the inbox and the handoff view.
import type { PromiseState } from "../bindings";
import { parseTime } from "./time";

export type CountdownTone = "calm" | "amber" | "red";

export type Countdown = { text: string; tone: CountdownTone; overdue: boolean };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span in words: "<1 min", "35 min", "1 h 20 min", "2 h", "3 d 4 h". */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return "<1 min";
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return m > 0 ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  return h > 0 ? `${d} d ${h} h` : `${d} d`;
}

/** Colour thresholds: calm above an hour left, amber within the hour, red once overdue. */
export function toneFor(msLeft: number): CountdownTone {
  if (msLeft < 0) return "red";
  if (msLeft <= HOUR) return "amber";
  return "calm";
}

/** Whether a countdown is shown at all: a due time and a promise still in play. */
export function showsCountdown(dueAt: string | null, state: PromiseState | string | null): boolean {
  return dueAt !== null && parseTime(dueAt) !== null && (state === "running" || state === "breached");
}

/** "due in 1 h 20 min" / "overdue 35 min", with its tone. */
export function countdown(dueAt: string, now: number, state?: PromiseState | string | null): Countdown | null {
  const due = parseTime(dueAt);
  if (due === null) return null;
  const left = due - now;
  if (left < 0) return { text: `overdue ${formatSpan(left)}`, tone: "red", overdue: true };
  // A breached promise stays red even if the clock says otherwise (e.g. clock skew).
  const tone = state === "breached" ? "red" : toneFor(left);
  return { text: `due in ${formatSpan(left)}`, tone, overdue: false };
}
