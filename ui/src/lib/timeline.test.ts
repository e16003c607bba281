import { describe, expect, it } from "vitest";
import { timelineText } from "./timeline";

describe("timelineText", () => {
  it("says a snooze in the workspace's time, not UTC", () => {
    const text = timelineText("status", "snoozed until 2026-12-03 14:00 UTC", "Europe/Berlin");
    expect(text).toMatch(/^Snoozed until /);
    expect(text).toMatch(/15:00|03:00\sPM/);
    expect(text).not.toContain("UTC");
  });

  it("reads statuses and resolutions as words", () => {
    expect(timelineText("status", "awaiting_reply", "UTC")).toBe("Status: Awaiting reply");
    expect(timelineText("status", "reopened", "UTC")).toBe("Reopened");
    expect(timelineText("resolution", "content_gap", "UTC")).toBe("Resolved as Content gap");
  });

  it("does not repeat the kind when the detail starts with it", () => {
    expect(timelineText("received", "received via demo data", "UTC")).toBe("Received via demo data");
    expect(timelineText("contacted", "visitor contacted by phone", "UTC")).toBe("Contacted: visitor contacted by phone");
  });
});
