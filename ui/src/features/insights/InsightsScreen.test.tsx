import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { MonthFigures } from "../../bindings";
import { FakeBackend, WORKSPACES } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { InsightsScreen, minutes, percent } from "./InsightsScreen";

function month(m: string, over: Partial<MonthFigures> = {}): MonthFigures {
  return {
    month: m,
    handoffs: 10,
    byReason: [
      { reason: "knowledge_gap", count: 6, share: 0.6 },
      { reason: "human_request", count: 4, share: 0.4 },
    ],
    afterHoursShare: 0.25,
    replied: 8,
    firstReplyMedianMinutes: 95,
    firstReplyP90Minutes: 300,
    firstReplyMedianBusinessMinutes: 40,
    promisesMet: 7,
    promisesBreached: 1,
    promisesKept: 0.875,
    overdueNow: 2,
    repeatVisitors: 1,
    knowledgeGaps: 6,
    knowledgeGapsPrevious: 9,
    ...over,
  };
}

describe("InsightsScreen", () => {
  it("formats minutes and shares", () => {
    expect(minutes(null)).toBe("—");
    expect(minutes(45)).toBe("45 min");
    expect(minutes(120)).toBe("2 h");
    expect(minutes(95)).toBe("1 h 35 min");
    expect(percent(0.875)).toBe("88 %");
    expect(percent(null)).toBe("—");
  });

  it("shows the chosen month's figures and one bar per month and per reason", async () => {
    const backend = new FakeBackend();
    const months = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02"].map((m) => month(m, { handoffs: 3 }));
    backend.insights.mockResolvedValue({ workspace: "acme", workspaceName: "Acme", months: [...months, month("2025-03")] });
    renderWith(backend, <InsightsScreen workspaces={WORKSPACES} onBack={() => {}} />);
    await waitFor(() => expect(screen.getByTestId("insights").getAttribute("data-state")).toBe("ready"));
    expect(screen.getByTestId("figure-handoffs-value").textContent).toBe("10");
    expect(screen.getByTestId("figure-promises-kept-value").textContent).toBe("88 %");
    expect(screen.getByTestId("figure-first-reply-value").textContent).toBe("1 h 35 min");
    const perMonth = screen.getByTestId("chart-handoffs").querySelectorAll("[data-testid=bar]");
    expect(Array.from(perMonth).map((b) => b.getAttribute("data-value"))).toEqual(["3", "3", "3", "3", "3", "10"]);
    const reasons = screen.getByTestId("chart-reasons").querySelectorAll("[data-testid=bar]");
    expect(Array.from(reasons).map((b) => b.getAttribute("data-label"))).toEqual(["Knowledge gap", "Asked for a person"]);
  });
});
