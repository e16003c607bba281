import { describe, expect, it } from "vitest";
import { countdown, formatSpan, showsCountdown, toneFor } from "./countdown";

const NOW = Date.parse("2025-03-10T12:00:00Z");
const MIN = 60_000;
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe("formatSpan", () => {
  it("formats minutes, hours and days", () => {
    expect(formatSpan(30_000)).toBe("<1 min");
    expect(formatSpan(35 * MIN)).toBe("35 min");
    expect(formatSpan(60 * MIN)).toBe("1 h");
    expect(formatSpan(80 * MIN)).toBe("1 h 20 min");
    expect(formatSpan(-80 * MIN)).toBe("1 h 20 min");
    expect(formatSpan(26 * 60 * MIN)).toBe("1 d 2 h");
    expect(formatSpan(48 * 60 * MIN)).toBe("2 d");
  });
});

describe("countdown", () => {
  it("says how long is left before the due time", () => {
    expect(countdown(at(80 * MIN), NOW)).toEqual({ text: "due in 1 h 20 min", tone: "calm", overdue: false });
  });

  it("says how long it is overdue", () => {
    expect(countdown(at(-35 * MIN), NOW)).toEqual({ text: "overdue 35 min", tone: "red", overdue: true });
  });

  it("turns amber within the last hour and red once overdue", () => {
    expect(toneFor(60 * MIN + 1)).toBe("calm");
    expect(toneFor(60 * MIN)).toBe("amber");
    expect(toneFor(1)).toBe("amber");
    expect(toneFor(0)).toBe("amber");
    expect(toneFor(-1)).toBe("red");
    expect(countdown(at(45 * MIN), NOW)?.tone).toBe("amber");
    expect(countdown(at(3 * 60 * MIN), NOW)?.tone).toBe("calm");
  });

  it("keeps a breached promise red", () => {
    expect(countdown(at(2 * 60 * MIN), NOW, "breached")?.tone).toBe("red");
  });

  it("returns null for a date it cannot read", () => {
    expect(countdown("not a date", NOW)).toBeNull();
  });
});

describe("showsCountdown", () => {
  it("shows only for running or breached promises with a due time", () => {
    expect(showsCountdown(at(MIN), "running")).toBe(true);
    expect(showsCountdown(at(MIN), "breached")).toBe(true);
    expect(showsCountdown(at(MIN), "met")).toBe(false);
    expect(showsCountdown(at(MIN), "dropped")).toBe(false);
    expect(showsCountdown(at(MIN), null)).toBe(false);
    expect(showsCountdown(null, "running")).toBe(false);
    expect(showsCountdown("garbage", "running")).toBe(false);
  });
});
