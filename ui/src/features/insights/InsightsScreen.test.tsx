import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { MonthFigures } from "../../bindings";
import { FakeBackend, WORKSPACES } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { InsightsScreen, minutes, percent, resolutionBars } from "./InsightsScreen";

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
    byResolution: [
      { resolution: "answered", count: 5, share: 0.5 },
      { resolution: "content_gap", count: 3, share: 0.3 },
    ],
    unresolved: 2,
    contentGapsFoundByPeople: 1,
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
    renderWith(backend, <InsightsScreen workspaces={WORKSPACES} onOpenInbox={() => {}} />);
    await waitFor(() => expect(screen.getByTestId("insights").getAttribute("data-state")).toBe("ready"));
    expect(screen.getByTestId("figure-handoffs-value").textContent).toBe("10");
    expect(screen.getByTestId("figure-promises-kept-value").textContent).toBe("88 %");
    expect(screen.getByTestId("figure-first-reply-value").textContent).toBe("1 h 35 min");
    const perMonth = screen.getByTestId("chart-handoffs").querySelectorAll("[data-testid=bar]");
    expect(Array.from(perMonth).map((b) => b.getAttribute("data-value"))).toEqual(["3", "3", "3", "3", "3", "10"]);
    const reasons = screen.getByTestId("chart-reasons").querySelectorAll("[data-testid=bar]");
    expect(Array.from(reasons).map((b) => b.getAttribute("data-label"))).toEqual(["Knowledge gap", "Asked for a person"]);
  });

  it("shows how the month's handoffs were resolved, the unresolved ones, and the gaps people found", async () => {
    const backend = new FakeBackend();
    backend.insights.mockResolvedValue({
      workspace: "acme",
      workspaceName: "Acme",
      months: [
        month("2025-02", { contentGapsFoundByPeople: 7 }),
        month("2025-03", {
          handoffs: 8,
          byResolution: [
            { resolution: "content_gap", count: 3, share: 0.375 },
            { resolution: "answered", count: 2, share: 0.25 },
            { resolution: "not_a_lead", count: 1, share: 0.125 },
          ],
          unresolved: 2,
          contentGapsFoundByPeople: 2,
        }),
      ],
    });
    renderWith(backend, <InsightsScreen workspaces={WORKSPACES} onOpenInbox={() => {}} />);
    await waitFor(() => expect(screen.getByTestId("insights").getAttribute("data-state")).toBe("ready"));
    const bars = Array.from(screen.getByTestId("chart-resolutions").querySelectorAll("[data-testid=bar]"));
    expect(bars.map((b) => [b.getAttribute("data-label"), b.getAttribute("data-value")])).toEqual([
      ["Content gap", "3"],
      ["Answered", "2"],
      ["Not a lead", "1"],
      ["Not resolved yet", "2"],
    ]);
    expect(bars[3]?.textContent).toContain("25 %");
    expect(screen.getByTestId("figure-found-by-people-value").textContent).toBe("2");
  });

  it("leaves out the unresolved bar when every handoff was resolved", () => {
    const bars = resolutionBars(month("2025-03", { unresolved: 0 }));
    expect(bars.map((b) => b.label)).toEqual(["Answered", "Content gap"]);
    expect(resolutionBars(month("2025-03", { handoffs: 0, byResolution: [], unresolved: 0 }))).toEqual([]);
  });

  it("shows an empty state, not a spinner, when there is no workspace yet", async () => {
    const backend = new FakeBackend([], []);
    renderWith(backend, <InsightsScreen workspaces={[]} onOpenInbox={() => {}} />);
    expect(await screen.findByTestId("no-workspace-yet")).toBeTruthy();
    expect(screen.getByTestId("insights").getAttribute("data-state")).toBe("empty");
    expect(backend.insights).not.toHaveBeenCalled();
  });
});
