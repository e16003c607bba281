import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { GapChecklist } from "../../bindings";
import { FakeBackend, WORKSPACES } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { lastMonth } from "../../lib/useWorkspaceMonth";
import { GapsScreen } from "./GapsScreen";

function checklist(over: Partial<GapChecklist> = {}): GapChecklist {
  return {
    workspace: "acme",
    workspaceName: "Acme",
    month: "2025-03",
    method: "embeddings",
    fallbackReason: null,
    questions: 5,
    items: [
      {
        rank: 1,
        label: "Do you offer refunds after 30 days?",
        visitors: 3,
        handoffs: [1, 2, 3],
        wordings: [
          { text: "Do you offer refunds after 30 days?", count: 2 },
          { text: "<b>money back</b> after a month?", count: 1 },
        ],
        pages: [{ url: "https://acme.test/pricing", count: 3 }],
        firstSeen: "2025-03-02T10:00:00Z",
        lastSeen: "2025-03-09T10:00:00Z",
        state: "open",
        note: null,
        checkedAt: null,
        checkedMonth: null,
        draftAnswer: null,
      },
      {
        rank: 2,
        label: "Do you ship to Canada?",
        visitors: 2,
        handoffs: [4, 5],
        wordings: [{ text: "Do you ship to Canada?", count: 2 }],
        pages: [],
        firstSeen: "2025-03-03T10:00:00Z",
        lastSeen: "2025-03-04T10:00:00Z",
        state: "still_asked",
        note: "added /faq#shipping",
        checkedAt: null,
        checkedMonth: "2025-02",
        draftAnswer: null,
      },
    ],
    ...over,
  };
}

describe("GapsScreen", () => {
  it("shows the ranked topics with their wordings as text, and checks one off with a note", async () => {
    const backend = new FakeBackend();
    backend.gapChecklist.mockResolvedValue(checklist());
    backend.gapCheck.mockImplementation(async () => {
      const next = checklist();
      const top = next.items[0];
      if (top) next.items[0] = { ...top, state: "done", note: "added /faq#refunds", checkedAt: "2025-03-10T12:00:00Z" };
      return next;
    });
    renderWith(backend, <GapsScreen workspaces={WORKSPACES} onOpenInbox={() => {}} />);
    await waitFor(() => expect(screen.getByTestId("gaps").getAttribute("data-state")).toBe("ready"));
    // The last complete month first (the current one is partial).
    expect(backend.gapChecklist).toHaveBeenCalledWith("acme", lastMonth());
    const [first, second] = screen.getAllByTestId("gap-item");
    if (!first || !second) throw new Error("two items expected");
    const items = [first, second];
    expect(items.map((i) => i.getAttribute("data-rank"))).toEqual(["1", "2"]);
    expect(second.getAttribute("data-state")).toBe("still_asked");
    expect(first.textContent).toContain("<b>money back</b>");
    expect(first.querySelector("b")).toBeNull();
    expect(second.textContent).toContain("Checked off in 2025-02");

    fireEvent.click(within(first).getByTestId("gap-check"));
    fireEvent.change(screen.getByTestId("gap-note"), { target: { value: "  added /faq#refunds " } });
    fireEvent.click(screen.getByTestId("gap-confirm"));
    await waitFor(() => expect(backend.gapCheck).toHaveBeenCalledWith("acme", lastMonth(), 1, "added /faq#refunds"));
    await waitFor(() => expect(screen.getAllByTestId("gap-item")[0]?.getAttribute("data-state")).toBe("done"));
    expect(screen.getByTestId("gap-done-note").textContent).toBe("Done: added /faq#refunds");
  });

  it("says when questions are grouped by wording, and when the month has none", async () => {
    const backend = new FakeBackend();
    backend.gapChecklist.mockResolvedValue(checklist({ items: [], questions: 0, method: "lexical", fallbackReason: "the model is not installed" }));
    renderWith(backend, <GapsScreen workspaces={WORKSPACES} onOpenInbox={() => {}} />);
    await waitFor(() => expect(screen.getByTestId("gaps").getAttribute("data-state")).toBe("empty"));
    expect(screen.getByTestId("gaps-fallback").textContent).toContain("the model is not installed");
    expect(screen.getByText(/nothing to write/)).toBeTruthy();
  });

  describe("a draft answer from the owner's reply", () => {
    const original = Object.getOwnPropertyDescriptor(navigator, "clipboard");
    afterEach(() => {
      if (original) Object.defineProperty(navigator, "clipboard", original);
      else Reflect.deleteProperty(navigator, "clipboard");
    });

    it("is shown as text under its item, and copied with the button", async () => {
      const writeText = vi.fn().mockResolvedValue(undefined);
      Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
      const text = "<b>Yes</b>, within 60 days.\n\nStart one on our returns page.";
      const list = checklist();
      const top = list.items[0];
      if (!top) throw new Error("an item expected");
      list.items[0] = {
        ...top,
        draftAnswer: { text, handoffId: 2, by: "Dana at Acme", sentAt: "2025-03-10T09:00:00Z" },
      };
      const backend = new FakeBackend();
      backend.gapChecklist.mockResolvedValue(list);
      renderWith(backend, <GapsScreen workspaces={WORKSPACES} onOpenInbox={() => {}} />);
      await waitFor(() => expect(screen.getByTestId("gaps").getAttribute("data-state")).toBe("ready"));
      const [first, second] = screen.getAllByTestId("gap-item");
      if (!first || !second) throw new Error("two items expected");
      const draft = within(first).getByTestId("gap-draft");
      expect(draft.textContent).toContain("Draft answer, from Dana at Acme's reply");
      expect(within(first).getByTestId("gap-draft-text").textContent).toBe(text);
      expect(draft.querySelector("b")).toBeNull();
      expect(within(second).queryByTestId("gap-draft")).toBeNull();

      const copy = within(first).getByRole("button", { name: "Copy draft answer" });
      fireEvent.click(copy);
      await waitFor(() => expect(copy.textContent).toBe("Copied"));
      expect(writeText).toHaveBeenCalledWith(text);
    });

    it("says so when the clipboard refuses", async () => {
      const writeText = vi.fn().mockRejectedValue(new Error("denied"));
      Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
      const list = checklist();
      const top = list.items[0];
      if (!top) throw new Error("an item expected");
      list.items[0] = { ...top, draftAnswer: { text: "Yes.", handoffId: 1, by: null, sentAt: "2025-03-10T09:00:00Z" } };
      const backend = new FakeBackend();
      backend.gapChecklist.mockResolvedValue(list);
      renderWith(backend, <GapsScreen workspaces={WORKSPACES} onOpenInbox={() => {}} />);
      await waitFor(() => expect(screen.getByTestId("gaps").getAttribute("data-state")).toBe("ready"));
      expect(screen.getByTestId("gap-draft").textContent).toContain("from a sent reply");
      const copy = screen.getByRole("button", { name: "Copy draft answer" });
      fireEvent.click(copy);
      await waitFor(() => expect(copy.textContent).toBe("Copy failed"));
    });
  });

  it("shows an empty state, not a spinner, when there is no workspace yet", async () => {
    const backend = new FakeBackend([], []);
    renderWith(backend, <GapsScreen workspaces={[]} onOpenInbox={() => {}} />);
    expect(await screen.findByTestId("no-workspace-yet")).toBeTruthy();
    expect(screen.getByTestId("gaps").getAttribute("data-state")).toBe("empty");
    expect(backend.gapChecklist).not.toHaveBeenCalled();
  });
});
