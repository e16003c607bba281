// Time formatting. All inputs are RFC 3339 strings (UTC) from the backend.
import { startupMark } from "./startup";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds since the epoch, or null when the string is not a date. */
export function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** "just now", "12 min ago", "3 h ago", "2 d ago", then a short date. */
export function formatRelative(value: string, now: number): string {
  const at = parseTime(value);
  if (at === null) return value;
  const diff = now - at;
  if (diff < MINUTE) return "just now"; // includes small clock skew into the future
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)} h ago`;
  if (diff < 7 * DAY) return `${Math.floor(diff / DAY)} d ago`;
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return shortDate(sameYear).format(at);
}

// Made once each: an Intl.DateTimeFormat costs milliseconds to build (ICU's
// pattern generator), and the inbox's first paint formats a row's date for
// every visible row older than a week.
let shortDateThisYear: Intl.DateTimeFormat | undefined;
let shortDateWithYear: Intl.DateTimeFormat | undefined;

function shortDate(sameYear: boolean): Intl.DateTimeFormat {
  if (sameYear) return (shortDateThisYear ??= new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" }));
  return (shortDateWithYear ??= new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" }));
}

let localFormatter: Intl.DateTimeFormat | undefined;

/** The absolute time in the user's own time zone, e.g. for a title attribute. */
export function formatLocal(value: string): string {
  const at = parseTime(value);
  if (at === null) return value;
  if (!localFormatter) {
    startupMark("intl-first");
    localFormatter = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
    startupMark("intl-made");
  }
  return localFormatter.format(at);
}

const LONG: Intl.DateTimeFormatOptions = {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
};

const SHORT: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string, options: Intl.DateTimeFormatOptions = LONG): Intl.DateTimeFormat {
  const key = `${options === LONG ? "long" : "short"}|${timeZone}`;
  const cached = formatters.get(key);
  if (cached) return cached;
  const made = makeZoneFormatter(timeZone, options);
  formatters.set(key, made);
  return made;
}

function makeZoneFormatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone });
  } catch {
    // Unknown IANA name: fall back to UTC rather than failing the whole view.
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: "UTC" });
  }
}

/** The absolute time in a workspace's time zone, with the zone's abbreviation. */
export function formatInZone(value: string, timeZone: string): string {
  const at = parseTime(value);
  if (at === null) return value;
  return zoneFormatter(timeZone).format(at);
}

/** A compact time in a workspace's time zone, e.g. for transcript lines. */
export function formatShortInZone(value: string, timeZone: string): string {
  const at = parseTime(value);
  if (at === null) return value;
  return zoneFormatter(timeZone, SHORT).format(at);
}
