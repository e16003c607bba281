import { describe, expect, it } from "vitest";
import { currentMonth, lastMonth, monthLabel } from "./useWorkspaceMonth";

describe("months", () => {
  it("starts on the last complete month, across a year's turn", () => {
    expect(lastMonth(new Date(2026, 11, 3))).toBe("2026-11");
    expect(lastMonth(new Date(2027, 0, 2))).toBe("2026-12");
  });

  it("names a month in words and marks the current one as partial", () => {
    const now = new Date(2026, 11, 3);
    expect(currentMonth(now)).toBe("2026-12");
    expect(monthLabel("2026-11", now)).toBe("November 2026");
    expect(monthLabel("2026-12", now)).toBe("December 2026 so far");
  });
});
