import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { BriefingView } from "../../bindings";
import { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { HandoffPane } from "./HandoffPane";

const BRIEF: BriefingView = {
  summary: "Asks: “Can I get a quote for 40 seats?” A buying question the bot passes on.",
  tone: "urgent",
  signals: ["quote"],
  hotLead: true,
  company: "northwind.test",
  intent: null,
  history: [{ id: 7, receivedAt: "2025-02-01T10:00:00Z", question: "Do you ship to Norway?", status: "resolved" }],
};

function renderPane(backend: FakeBackend) {
  return renderWith(backend, <HandoffPane id={1} onClose={vi.fn()} resolveOpen={false} onResolveOpenChange={() => {}} />);
}

describe("the briefing", () => {
  it("shows the shell's briefing at the top of the pane, as text", async () => {
    const backend = new FakeBackend();
    const seen: number[] = [];
    Object.assign(backend, {
      briefing: async (id: number) => {
        seen.push(id);
        return { ...BRIEF, summary: `${BRIEF.summary} <b>not markup</b>` };
      },
    });
    renderPane(backend);
    const summary = await screen.findByTestId("briefing-summary");
    expect(summary.textContent).toContain("Can I get a quote for 40 seats?");
    expect(summary.textContent).toContain("<b>not markup</b>");
    expect(summary.querySelector("b")).toBeNull();
    expect(screen.getByTestId("briefing-tone").textContent).toBe("Urgent");
    expect(screen.getByTestId("briefing-hot").textContent).toBe("Hot lead: quote");
    expect(screen.getByTestId("briefing-company").textContent).toBe("northwind.test");
    expect(screen.getByTestId("briefing-history").textContent).toContain("1 earlier handoff");
    expect(seen).toEqual([1]);
  });

  it("is left out when the backend has no briefings", async () => {
    const backend = new FakeBackend();
    Object.assign(backend, { briefing: undefined });
    renderPane(backend);
    await screen.findByTestId("handoff-view");
    expect(screen.queryByTestId("briefing")).toBeNull();
  });
});
