import { describe, expect, it } from "vitest";
import { formatInZone, formatLocal, formatRelative, parseTime } from "./time";

const NOW = Date.parse("2025-03-10T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;

describe("formatRelative", () => {
  it("uses just now, minutes, hours and days", () => {
    expect(formatRelative(ago(10_000), NOW)).toBe("just now");
    expect(formatRelative(ago(5 * MIN), NOW)).toBe("5 min ago");
    expect(formatRelative(ago(3 * 60 * MIN + 59 * MIN), NOW)).toBe("3 h ago");
    expect(formatRelative(ago(2 * 24 * 60 * MIN), NOW)).toBe("2 d ago");
  });

  it("treats a slightly future time as just now", () => {
    expect(formatRelative(new Date(NOW + 20_000).toISOString(), NOW)).toBe("just now");
  });

  it("falls back to a date after a week", () => {
    const text = formatRelative(ago(30 * 24 * 60 * MIN), NOW);
    expect(text).not.toMatch(/ago/);
    expect(text).toMatch(/\d/);
  });

  it("passes through strings that are not dates", () => {
    expect(formatRelative("yesterday-ish", NOW)).toBe("yesterday-ish");
    expect(parseTime("nope")).toBeNull();
    expect(parseTime(null)).toBeNull();
  });
});

describe("absolute times", () => {
  it("formats in the workspace time zone", () => {
    const utc = formatInZone("2025-03-10T12:00:00Z", "UTC");
    const tokyo = formatInZone("2025-03-10T12:00:00Z", "Asia/Tokyo");
    expect(utc).toMatch(/12:00/);
    expect(tokyo).toMatch(/21:00|09:00/);
    expect(tokyo).not.toBe(utc);
  });

  it("survives an unknown time zone", () => {
    expect(formatInZone("2025-03-10T12:00:00Z", "Mars/Olympus")).toMatch(/12:00/);
  });

  it("formats local time and passes bad input through", () => {
    expect(formatLocal("2025-03-10T12:00:00Z")).toMatch(/2025/);
    expect(formatLocal("bad")).toBe("bad");
  });
});
