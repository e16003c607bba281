import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBackend } from "../test/fakeBackend";
import { renderWith } from "../test/render";
import { App } from "./App";

const inboxState = () => screen.getByTestId("inbox").getAttribute("data-state");
const settingsState = () => screen.getByTestId("settings-screen").getAttribute("data-state");

describe("getting to Settings", () => {
  it("opens from the rail and comes back with the rail's Inbox or Escape", async () => {
    const backend = new FakeBackend();
    renderWith(backend, <App />);
    await waitFor(() => expect(inboxState()).toBe("ready"));

    fireEvent.click(screen.getByRole("button", { name: /^Settings/ }));
    // Settings is its own chunk, loaded on first use (the first time, here, it is compiled too).
    await waitFor(() => expect(settingsState()).toBe("ready"), { timeout: 10_000 });
    expect(backend.settings).toHaveBeenCalledWith("acme");
    expect(screen.queryByTestId("new-ws-create")).toBeNull();
    fireEvent.click(screen.getByTestId("nav-inbox"));
    await waitFor(() => expect(inboxState()).toBe("ready"));

    fireEvent.click(screen.getByTestId("open-settings"));
    await waitFor(() => expect(settingsState()).toBe("ready"));
    fireEvent.keyDown(document.body, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("settings-screen")).toBeNull());
    expect(screen.getByTestId("inbox")).toBeTruthy();
  });

  it("opens from the first-run panel with the new-workspace form, and the new workspace is there after", async () => {
    const backend = new FakeBackend([], []);
    renderWith(backend, <App />);
    await waitFor(() => expect(inboxState()).toBe("empty"));

    fireEvent.click(screen.getByTestId("first-run-new-workspace"));
    await waitFor(() => expect(settingsState()).toBe("ready"), { timeout: 10_000 });
    const name = screen.getByTestId("new-ws-name");
    expect(document.activeElement).toBe(name);
    fireEvent.change(name, { target: { value: "Acme" } });
    fireEvent.click(screen.getByTestId("new-ws-create"));

    await waitFor(() => expect(backend.createWorkspace).toHaveBeenCalledWith("acme", "Acme", expect.any(String)));
    await waitFor(() => expect(screen.getByTestId("settings-section-workspace")).toBeTruthy());
    expect((screen.getByTestId("settings-workspace") as HTMLSelectElement).value).toBe("acme");

    fireEvent.click(screen.getByTestId("nav-inbox"));
    await waitFor(() => expect(inboxState()).toBe("empty"));
    await waitFor(() => expect(screen.queryByTestId("first-run-new-workspace")).toBeNull());
  });
});
