import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { deferred, input, ready, renderSettings, screenState } from "./testing";

describe("SettingsScreen", () => {
  it("shows loading, then the first workspace, and switches workspace", async () => {
    const backend = new FakeBackend();
    const gate = deferred();
    const real = backend.settings.getMockImplementation()!;
    backend.settings.mockImplementationOnce(async (slug) => {
      await gate.promise;
      return real(slug);
    });
    renderSettings(backend);
    await waitFor(() => expect(backend.settings).toHaveBeenCalledWith("acme"));
    expect(screenState()).toBe("loading");
    expect(screen.getByText("Loading the settings…")).toBeTruthy();
    gate.resolve();
    await ready();
    expect(input("ws-name").value).toBe("Acme");
    for (const s of ["workspace", "sources", "smtp", "hubspot"]) {
      expect(screen.getByTestId(`settings-section-${s}`)).toBeTruthy();
    }
    const picker = screen.getByTestId("settings-workspace") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toEqual(["acme", "globex"]);

    fireEvent.change(picker, { target: { value: "globex" } });
    await waitFor(() => expect(backend.settings).toHaveBeenCalledWith("globex"));
    await waitFor(() => expect(input("ws-name").value).toBe("globex"));
  });

  it("shows the error with a retry", async () => {
    const backend = new FakeBackend();
    backend.settings.mockRejectedValueOnce({ code: "database", message: "The database is busy; try again." });
    renderSettings(backend);
    await waitFor(() => expect(screenState()).toBe("error"));
    expect(screen.getByTestId("settings-error").textContent).toContain("The database is busy; try again.");
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await ready();
    expect(input("ws-name").value).toBe("Acme");
  });

  it("shows the keychain problem", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { keychainProblem: "no Secret Service is running" }));
    renderSettings(backend);
    await ready();
    expect(screen.getByTestId("keychain-problem").textContent).toContain("no Secret Service is running");
  });

  it("goes back on Escape unless typing in a field", async () => {
    const backend = new FakeBackend();
    const { onBack } = renderSettings(backend);
    await ready();
    fireEvent.keyDown(input("ws-name"), { key: "Escape" });
    expect(onBack).not.toHaveBeenCalled();
    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(onBack).toHaveBeenCalledTimes(1);
  });
});

describe("workspace form", () => {
  it("sends the edited values: seven days of hours, holidays from lines and commas, numbers", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    const listCalls = backend.listWorkspaces.mock.calls.length;

    expect(screen.getByLabelText("Monday")).toBe(input("ws-hours-0"));
    fireEvent.change(input("ws-name"), { target: { value: "  Acme Plumbing " } });
    fireEvent.change(input("ws-timezone"), { target: { value: "America/New_York" } });
    fireEvent.change(input("ws-hours-0"), { target: { value: "" } });
    fireEvent.change(input("ws-hours-5"), { target: { value: "10:00-12:00, 13:00-15:00" } });
    fireEvent.change(input("ws-holidays"), { target: { value: "2025-12-24\n2025-12-25, 2026-01-01\n\n" } });
    fireEvent.change(input("ws-promise"), { target: { value: "by the next business day" } });
    fireEvent.change(input("ws-backup"), { target: { value: "boss@acme.test" } });
    fireEvent.change(input("ws-client"), { target: { value: " Acme Group " } });
    fireEvent.change(input("ws-reminder"), { target: { value: "45" } });
    fireEvent.change(input("ws-backup-minutes"), { target: { value: "" } });
    fireEvent.click(input("ws-backup-email"));
    fireEvent.change(input("ws-second-days"), { target: { value: "3" } });
    fireEvent.change(input("ws-reply-subject"), { target: { value: "About {page}" } });
    fireEvent.click(screen.getByTestId("ws-save"));

    await waitFor(() => expect(backend.saveWorkspace).toHaveBeenCalledTimes(1));
    const form = backend.saveWorkspace.mock.calls[0]![0];
    expect(form.slug).toBe("acme");
    expect(form.name).toBe("Acme Plumbing");
    expect(form.timeZone).toBe("America/New_York");
    expect(form.hours).toEqual(["", "09:00-17:00", "09:00-17:00", "09:00-17:00", "09:00-17:00", "10:00-12:00, 13:00-15:00", ""]);
    expect(form.holidays).toEqual(["2025-12-24", "2025-12-25", "2026-01-01"]);
    expect(form.defaultPromise).toBe("by the next business day");
    expect(form.backupContact).toBe("boss@acme.test");
    expect(form.client).toBe("Acme Group");
    expect(form.reminderBeforeMinutes).toBe(45);
    expect(form.backupBeforeMinutes).toBe(0);
    expect(form.backupEmail).toBe(false);
    expect(form.secondAttemptAfterDays).toBe(3);
    expect(form.replyTemplate.subject).toBe("About {page}");
    expect(form.secondTemplate).toEqual(makeSettings().workspace.secondTemplate);

    const status = await screen.findByTestId("ws-status");
    expect(status.getAttribute("data-state")).toBe("saved");
    // The name shows in the switchers: the list is fetched again.
    await waitFor(() => expect(backend.listWorkspaces.mock.calls.length).toBeGreaterThan(listCalls));
    // Editing again clears the stale "Saved."
    fireEvent.change(input("ws-name"), { target: { value: "Acme" } });
    expect(screen.queryByTestId("ws-status")).toBeNull();
  });

  it("shows the server's complaint next to Save, keeps the edits, and is busy meanwhile", async () => {
    const backend = new FakeBackend();
    const gate = deferred();
    backend.saveWorkspace.mockImplementationOnce(async () => {
      await gate.promise;
      throw { code: "invalid_input", message: "Wednesday's hours: cannot read \"9 to 5\"" };
    });
    renderSettings(backend);
    await ready();
    fireEvent.change(input("ws-hours-2"), { target: { value: "9 to 5" } });
    fireEvent.click(screen.getByTestId("ws-save"));
    await waitFor(() => expect((screen.getByTestId("ws-save") as HTMLButtonElement).disabled).toBe(true));
    expect(screen.getByTestId("ws-save").textContent).toBe("Saving…");
    gate.resolve();
    const status = await screen.findByTestId("ws-status");
    expect(status.getAttribute("data-state")).toBe("error");
    expect(status.textContent).toContain("Wednesday's hours");
    expect(input("ws-hours-2").value).toBe("9 to 5");
    expect((screen.getByTestId("ws-save") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says which templates are built in, and resets a custom one to built-in", async () => {
    const backend = new FakeBackend();
    const base = makeSettings("acme");
    backend.settingsBySlug.set("acme", {
      ...base,
      workspace: { ...base.workspace, replyTemplate: { subject: "Mine", body: "My body", custom: true } },
    });
    renderSettings(backend);
    await ready();
    expect(screen.getByTestId("ws-second-kind").textContent).toContain("Built-in");
    expect(screen.getByTestId("ws-reply-kind").textContent).toContain("own template");
    expect(screen.queryByTestId("ws-second-reset")).toBeNull();
    expect(screen.getByTestId("ws-placeholders").textContent).toContain("{quoted_question}");

    fireEvent.click(screen.getByTestId("ws-reply-reset"));
    expect(input("ws-reply-subject").value).toBe("");
    expect(input("ws-reply-body").value).toBe("");
    fireEvent.click(screen.getByTestId("ws-save"));
    await waitFor(() => expect(backend.saveWorkspace).toHaveBeenCalled());
    expect(backend.saveWorkspace.mock.calls[0]![0].replyTemplate).toEqual({ subject: "", body: "", custom: false });
  });
});

describe("new workspace", () => {
  it("creates one and switches to it", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    fireEvent.click(screen.getByTestId("new-workspace"));
    expect(input("new-ws-timezone").value).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    fireEvent.change(input("new-ws-name"), { target: { value: "Initech Ltd." } });
    expect(input("new-ws-slug").value).toBe("initech-ltd");
    fireEvent.change(input("new-ws-slug"), { target: { value: "initech" } });
    fireEvent.change(input("new-ws-timezone"), { target: { value: "Europe/London" } });
    fireEvent.click(screen.getByTestId("new-ws-create"));

    await waitFor(() => expect(backend.createWorkspace).toHaveBeenCalledWith("initech", "Initech Ltd.", "Europe/London"));
    await waitFor(() => expect((screen.getByTestId("settings-workspace") as HTMLSelectElement).value).toBe("initech"));
    await waitFor(() => expect(backend.settings).toHaveBeenCalledWith("initech"));
    await ready();
    expect(input("ws-name").value).toBe("initech");
    expect(screen.queryByTestId("new-ws-create")).toBeNull();
  });

  it("shows why a workspace cannot be created", async () => {
    const backend = new FakeBackend();
    backend.createWorkspace.mockRejectedValueOnce({ code: "invalid_input", message: "a workspace named \"acme\" already exists" });
    renderSettings(backend, { startWithNewWorkspace: true });
    await ready();
    fireEvent.change(input("new-ws-slug"), { target: { value: "acme" } });
    fireEvent.click(screen.getByTestId("new-ws-create"));
    expect((await screen.findByTestId("new-ws-error")).textContent).toContain("already exists");
    expect(input("new-ws-slug").value).toBe("acme");
  });

  it("with no workspace at all, offers only the new-workspace form", async () => {
    const backend = new FakeBackend([], []);
    renderSettings(backend);
    await ready();
    expect(screen.getByTestId("settings-no-workspace")).toBeTruthy();
    expect(screen.queryByTestId("settings-section-workspace")).toBeNull();
    const form = screen.getByTestId("new-workspace-form");
    expect(within(form).queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(backend.settings).not.toHaveBeenCalled();
  });
});
