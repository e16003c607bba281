import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../../app/App";
import { AppError } from "../../ipc";
import { FakeBackend, makeRow, NOW } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { ROW_HEIGHT } from "./Inbox";
import { INBOX_PAGE } from "./useInboxFilters";

const inbox = () => screen.getByTestId("inbox");
const rowIds = () => screen.queryAllByTestId("inbox-row").map((r) => Number(r.getAttribute("data-id")));
const lastQuery = (b: FakeBackend) => b.inbox.mock.lastCall?.[0];

async function ready() {
  await waitFor(() => expect(inbox().getAttribute("data-state")).toBe("ready"));
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Inbox", () => {
  it("asks for the default query and renders rows", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    expect(inbox().getAttribute("data-state")).toBe("loading");
    await ready();

    expect(backend.inbox).toHaveBeenCalledWith({
      workspace: null,
      reason: null,
      status: null,
      overdueOnly: false,
      search: null,
      limit: INBOX_PAGE,
      offset: 0,
    });
    expect(rowIds()).toEqual([1, 2, 3]);
    const first = screen.getAllByTestId("inbox-row")[0]!;
    expect(within(first).getByTestId("row-visitor").textContent).toBe("Visitor 1");
    expect(within(first).getByTestId("row-reason").textContent).toBe("Knowledge gap");
    expect(first.getAttribute("aria-selected")).toBe("false");
  });

  it("shows row details: fallback names, countdown, after-hours, status", async () => {
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    const backend = new FakeBackend([
      makeRow(1, {
        visitorName: null,
        visitorEmail: "only@example.com",
        afterHours: true,
        dueAt: new Date(NOW + 80 * 60_000).toISOString(),
        promiseState: "running",
      }),
      makeRow(2, {
        visitorName: null,
        visitorEmail: null,
        reason: "high_intent",
        dueAt: new Date(NOW - 35 * 60_000).toISOString(),
        promiseState: "breached",
        status: "awaiting_reply",
      }),
      makeRow(3, { dueAt: new Date(NOW + 60_000).toISOString(), promiseState: "met" }),
      makeRow(4, { status: "mystery_state" as never, reason: "new_reason" as never }),
    ]);
    renderWith(backend, <App />);
    await ready();

    const [r1, r2, r3, r4] = screen.getAllByTestId("inbox-row") as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(within(r1).getByTestId("row-visitor").textContent).toBe("only@example.com");
    expect(within(r1).getByTestId("row-after-hours").textContent).toContain("After hours");
    const c1 = within(r1).getByTestId("row-countdown");
    expect(c1.textContent).toBe("due in 1 h 20 min");
    expect(c1.className).toContain("tone-calm");
    expect(within(r1).getByText("1 min ago").getAttribute("title")).toMatch(/2025/);

    expect(within(r2).getByTestId("row-visitor").textContent).toBe("Unknown visitor");
    expect(within(r2).getByTestId("row-reason").textContent).toBe("Ready to buy");
    expect(within(r2).getByTestId("row-countdown").textContent).toBe("overdue 35 min");
    expect(within(r2).getByTestId("row-countdown").className).toContain("tone-red");
    expect(within(r2).getByText("Awaiting reply")).toBeTruthy();
    expect(within(r2).queryByTestId("row-after-hours")).toBeNull();

    expect(within(r3).queryByTestId("row-countdown")).toBeNull();
    expect(within(r4).getByText("Mystery state")).toBeTruthy();
    expect(within(r4).getByTestId("row-reason").textContent).toBe("New reason");
  });

  it("shows who claimed a row (You for ours), else who answered it", async () => {
    const backend = new FakeBackend([
      makeRow(1, { claimedBy: "Dana", claimedByMe: false, answeredBy: "Sam" }),
      makeRow(2, { claimedBy: "Pat", claimedByMe: true }),
      makeRow(3, { answeredBy: "Sam" }),
      makeRow(4),
    ]);
    renderWith(backend, <App />);
    await ready();
    const [r1, r2, r3, r4] = screen.getAllByTestId("inbox-row") as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];

    const dana = within(r1).getByTestId("row-claim");
    expect(dana.getAttribute("title")).toBe("Claimed by Dana");
    // Screen readers hear the whole phrase; the chip shows the name.
    expect(dana.textContent).toBe("Claimed by Dana");
    expect(dana.querySelector(".visually-hidden")?.textContent).toBe("Claimed by ");
    expect(dana.getAttribute("data-mine")).toBe("false");
    expect(within(r1).queryByTestId("row-answered")).toBeNull();

    const mine = within(r2).getByTestId("row-claim");
    expect(mine.textContent).toBe("Claimed by You");
    expect(mine.getAttribute("title")).toBe("Claimed by you");
    expect(mine.getAttribute("data-mine")).toBe("true");

    expect(within(r3).queryByTestId("row-claim")).toBeNull();
    const answered = within(r3).getByTestId("row-answered");
    expect(answered.textContent).toBe("answered by Sam");
    expect(answered.getAttribute("title")).toBe("Answered by Sam");

    expect(within(r4).queryByTestId("row-claim")).toBeNull();
    expect(within(r4).queryByTestId("row-answered")).toBeNull();
  });

  it("virtualises a very long list", async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => makeRow(i + 1));
    const backend = new FakeBackend(rows);
    renderWith(backend, <App />);
    await ready();
    const rendered = screen.getAllByTestId("inbox-row").length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
  });

  it("loads a long inbox a page at a time, the next page as the list nears its end", async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => makeRow(i + 1));
    const backend = new FakeBackend(rows);
    renderWith(backend, <App />);
    await ready();
    expect(backend.inbox).toHaveBeenCalledTimes(1);
    expect(backend.inbox.mock.calls[0]![0]).toMatchObject({ offset: 0, limit: INBOX_PAGE });
    expect(screen.getByText(/1,200 handoffs/)).toBeTruthy();
    expect(screen.getByText(/first 500 loaded/)).toBeTruthy();

    const list = screen.getByRole("listbox");
    list.scrollTop = (INBOX_PAGE - 10) * ROW_HEIGHT;
    fireEvent.scroll(list);
    await waitFor(() => expect(backend.inbox).toHaveBeenCalledTimes(2));
    expect(backend.inbox.mock.calls[1]![0]).toMatchObject({ offset: INBOX_PAGE, limit: INBOX_PAGE });
    await waitFor(() => expect(screen.getByText(/first 1,000 loaded/)).toBeTruthy());
    // The rows of the second page are there, in order, after the first's.
    list.scrollTop = 600 * ROW_HEIGHT;
    fireEvent.scroll(list);
    await waitFor(() =>
      expect(screen.getAllByTestId("inbox-row").some((r) => r.getAttribute("data-id") === "601")).toBe(true),
    );
  });

  it("sends filter changes to the backend", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    await waitFor(() => expect(screen.getByRole("option", { name: "Globex (2 open)" })).toBeTruthy());

    fireEvent.change(screen.getByTestId("workspace-filter"), { target: { value: "globex" } });
    await waitFor(() => expect(lastQuery(backend)?.workspace).toBe("globex"));

    fireEvent.change(screen.getByTestId("reason-filter"), { target: { value: "frustration" } });
    await waitFor(() => expect(lastQuery(backend)?.reason).toBe("frustration"));

    fireEvent.change(screen.getByTestId("status-filter"), { target: { value: "waiting_on_visitor" } });
    await waitFor(() => expect(lastQuery(backend)?.status).toBe("waiting_on_visitor"));

    fireEvent.click(screen.getByTestId("overdue-filter"));
    await waitFor(() => expect(lastQuery(backend)?.overdueOnly).toBe(true));

    expect(lastQuery(backend)).toEqual({
      workspace: "globex",
      reason: "frustration",
      status: "waiting_on_visitor",
      overdueOnly: true,
      search: null,
      limit: INBOX_PAGE,
      offset: 0,
    });

    fireEvent.change(screen.getByTestId("workspace-filter"), { target: { value: "" } });
    await waitFor(() => expect(lastQuery(backend)?.workspace).toBeNull());
  });

  it("sends the search (trimmed) once typing settles, and at once on Enter", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    const search = screen.getByTestId("search");
    expect(search.getAttribute("placeholder")).toBe("Search handoffs  /");

    fireEvent.change(search, { target: { value: "ref" } });
    fireEvent.change(search, { target: { value: "refund " } });
    await waitFor(() => expect(lastQuery(backend)?.search).toBe("refund"));
    expect(backend.inbox.mock.calls.filter(([q]) => q.search === "ref")).toHaveLength(0);

    fireEvent.change(search, { target: { value: "  invoice " } });
    fireEvent.keyDown(search, { key: "Enter" });
    await waitFor(() => expect(lastQuery(backend)?.search).toBe("invoice"));
  });

  it("shows the empty state and clears filters", async () => {
    const backend = new FakeBackend([]);
    renderWith(backend, <App />);
    await waitFor(() => expect(inbox().getAttribute("data-state")).toBe("empty"));
    expect(screen.getByText("No handoffs match")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Clear filters" })).toBeNull();

    fireEvent.change(screen.getByTestId("reason-filter"), { target: { value: "other" } });
    await waitFor(() => expect(lastQuery(backend)?.reason).toBe("other"));
    await waitFor(() => expect(inbox().getAttribute("data-state")).toBe("empty"));
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect((screen.getByTestId("reason-filter") as HTMLSelectElement).value).toBe("");
    await waitFor(() => expect(inbox().getAttribute("data-state")).toBe("empty"));
    expect(screen.queryByRole("button", { name: "Clear filters" })).toBeNull();
  });

  it("shows a first-run panel when there are no workspaces", async () => {
    const backend = new FakeBackend([], []);
    renderWith(backend, <App />);
    await waitFor(() => expect(inbox().getAttribute("data-state")).toBe("empty"));
    // Offers both ways in, in the window (no terminal command to copy).
    expect(await screen.findByTestId("first-run-new-workspace")).toBeTruthy();
    expect(screen.getByTestId("first-run-demo").textContent).toBe("Open the demo");
    expect(inbox().textContent).not.toContain("handoff ");
  });

  it("shows the error message and retries", async () => {
    const backend = new FakeBackend();
    backend.inbox.mockRejectedValueOnce(new AppError("busy", "The database is busy; try again."));
    renderWith(backend, <App />);
    await waitFor(() => expect(inbox().getAttribute("data-state")).toBe("error"));
    expect(inbox().textContent).toContain("The database is busy; try again.");

    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await ready();
    expect(rowIds()).toEqual([1, 2, 3]);
  });

  it("moves the selection with j / k and opens it with Enter", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    const selected = () =>
      screen
        .getAllByTestId("inbox-row")
        .filter((r) => r.getAttribute("aria-selected") === "true")
        .map((r) => Number(r.getAttribute("data-id")));

    fireEvent.keyDown(document.body, { key: "j" });
    expect(selected()).toEqual([1]);
    fireEvent.keyDown(document.body, { key: "j" });
    fireEvent.keyDown(document.body, { key: "j" });
    fireEvent.keyDown(document.body, { key: "j" });
    expect(selected()).toEqual([3]);
    fireEvent.keyDown(document.body, { key: "k" });
    expect(selected()).toEqual([2]);

    // Typing in the search box is not a shortcut.
    fireEvent.keyDown(screen.getByTestId("search"), { key: "j" });
    expect(selected()).toEqual([2]);

    fireEvent.keyDown(document.body, { key: "Enter" });
    const view = await screen.findByTestId("handoff-view");
    expect(view.getAttribute("data-id")).toBe("2");
    expect(backend.handoff).toHaveBeenCalledWith(2);

    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(screen.queryByTestId("handoff-view")).toBeNull();

    fireEvent.keyDown(document.body, { key: "/" });
    expect(document.activeElement).toBe(screen.getByTestId("search"));
  });

  it("handles several keys pressed before React re-renders", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    act(() => {
      for (const key of ["j", "j", "j", "k", "Enter"]) {
        window.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
      }
    });
    expect((await screen.findByTestId("handoff-view")).getAttribute("data-id")).toBe("2");
  });

  it("scrolls the selection into view in a long list", async () => {
    const rows = Array.from({ length: 500 }, (_, i) => makeRow(i + 1));
    const backend = new FakeBackend(rows);
    renderWith(backend, <App />);
    await ready();
    for (let i = 0; i < 40; i++) fireEvent.keyDown(document.body, { key: "j" });
    await waitFor(() => {
      const row = screen.getAllByTestId("inbox-row").find((r) => r.getAttribute("data-id") === "40");
      expect(row?.getAttribute("aria-selected")).toBe("true");
    });
  });

  it("opens a row on click", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    fireEvent.click(screen.getAllByTestId("inbox-row")[2]!);
    expect((await screen.findByTestId("handoff-view")).getAttribute("data-id")).toBe("3");
    expect(screen.getAllByTestId("inbox-row")[2]!.getAttribute("aria-selected")).toBe("true");
  });
});
