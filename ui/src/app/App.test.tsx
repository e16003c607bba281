import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AppError } from "../ipc";
import { FakeBackend, makeRow } from "../test/fakeBackend";
import { renderWith } from "../test/render";
import { App } from "./App";

async function ready() {
  await waitFor(() => expect(screen.getByTestId("inbox").getAttribute("data-state")).toBe("ready"));
}

describe("backend events", () => {
  it("refreshes the inbox and the open handoff on handoffs-changed", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    fireEvent.click(screen.getAllByTestId("inbox-row")[0]!);
    await screen.findByTestId("handoff-view");
    await waitFor(() => expect(backend.onHandoffsChanged).toHaveBeenCalled());

    backend.rows = [makeRow(7), ...backend.rows];
    const handoffCalls = backend.handoff.mock.calls.length;
    backend.emitChanged([1]);

    await waitFor(() => expect(screen.getAllByTestId("inbox-row")[0]!.getAttribute("data-id")).toBe("7"));
    await waitFor(() => expect(backend.handoff.mock.calls.length).toBeGreaterThan(handoffCalls));
  });

  it("shows a notice as a dismissible toast", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    await waitFor(() => expect(backend.onNotice).toHaveBeenCalled());

    backend.emitNotice("Synced 3 new handoffs <b>now</b>");
    const toast = await screen.findByTestId("toast");
    expect(toast.textContent).toContain("Synced 3 new handoffs <b>now</b>");
    expect(toast.querySelector("b")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("toast")).toBeNull();
  });
});

describe("AppError", () => {
  it("wraps backend error objects and other throwables", () => {
    const e = AppError.from({ code: "db", message: "Database is locked" });
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe("db");
    expect(e.message).toBe("Database is locked");
    expect(AppError.from("plain").message).toBe("plain");
    expect(AppError.from(new Error("boom")).message).toBe("boom");
    expect(AppError.from(42).code).toBe("unknown");
    expect(AppError.from(e)).toBe(e);
  });
});

describe("first paint", () => {
  it("tells the shell once, after the first inbox is on screen, not again on refresh", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await ready();
    await waitFor(() => expect(backend.uiReady).toHaveBeenCalledTimes(1));
    backend.emitChanged([1]);
    await waitFor(() => expect(backend.inbox.mock.calls.length).toBeGreaterThan(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(backend.uiReady).toHaveBeenCalledTimes(1);
  });

  it("counts an empty inbox as painted too", async () => {
    const backend = new FakeBackend([]);
    renderWith(backend, <App />);
    await waitFor(() => expect(screen.getByTestId("inbox").getAttribute("data-state")).toBe("empty"));
    await waitFor(() => expect(backend.uiReady).toHaveBeenCalledTimes(1));
  });
});
