import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { HubspotView } from "../../bindings";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { input, ready, renderSettings } from "./testing";

function hub(over: Partial<HubspotView> = {}): HubspotView {
  return {
    form: { baseUrl: "https://api.hubapi.com", autoPush: true, leadStatus: false, ratePer10s: 190 },
    stopped: null,
    connectedAt: "2025-03-01T09:00:00Z",
    counts: [
      { state: "pushed", count: 12 },
      { state: "failed", count: 1 },
    ],
    unpushed: 3,
    ...over,
  };
}

const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

describe("HubSpot", () => {
  it("connects with a token, then offers Save and Disconnect", async () => {
    const backend = new FakeBackend();
    backend.connectHubspot.mockRejectedValueOnce({
      code: "connection",
      message: "HubSpot refused the token (401): paste a private app token",
    });
    renderSettings(backend);
    await ready();
    expect(screen.getByTestId("hubspot-empty")).toBeTruthy();
    expect(input("hubspot-base-url").value).toBe("https://api.hubapi.com");
    expect(input("hubspot-token").type).toBe("password");
    expect(input("hubspot-token").getAttribute("autocomplete")).toBe("off");
    expect(button("hubspot-connect").textContent).toBe("Check and connect");
    expect(screen.queryByTestId("hubspot-disconnect")).toBeNull();

    fireEvent.change(input("hubspot-token"), { target: { value: "pat-bad" } });
    fireEvent.click(button("hubspot-connect"));
    expect((await screen.findByTestId("hubspot-error")).textContent).toContain("refused the token");
    expect(input("hubspot-token").value).toBe("pat-bad");

    fireEvent.change(input("hubspot-token"), { target: { value: " pat-good " } });
    fireEvent.click(input("hubspot-lead-status"));
    fireEvent.click(input("hubspot-auto"));
    fireEvent.change(screen.getByTestId("hubspot-rate"), { target: { value: "250" } });
    fireEvent.change(input("hubspot-base-url"), { target: { value: "http://127.0.0.1:9000" } });
    fireEvent.click(button("hubspot-connect"));

    await waitFor(() => expect(screen.getByTestId("hubspot-status").getAttribute("data-state")).toBe("connected"));
    expect(backend.connectHubspot).toHaveBeenLastCalledWith(
      "acme",
      { baseUrl: "http://127.0.0.1:9000", autoPush: false, leadStatus: true, ratePer10s: 250 },
      "pat-good",
    );
    expect(screen.queryByTestId("hubspot-error")).toBeNull();
    expect(input("hubspot-token").value).toBe("");
    expect(input("hubspot-token").placeholder).toBe("unchanged");
    expect(button("hubspot-connect").textContent).toBe("Save");
    expect(screen.getByTestId("hubspot-disconnect")).toBeTruthy();
  });

  it("shows a stopped portal prominently, pushes earlier handoffs, saves without a new token", async () => {
    const backend = new FakeBackend();
    const stopped = "HubSpot refused the token: it was revoked";
    backend.settingsBySlug.set("acme", makeSettings("acme", { hubspot: hub({ stopped }) }));
    backend.pushAllPending.mockImplementationOnce(async (slug) => {
      const s = backend.settingsOf(slug);
      return { ...s, hubspot: hub({ stopped, unpushed: 0 }) };
    });
    renderSettings(backend);
    await ready();
    const status = screen.getByTestId("hubspot-status");
    expect(status.getAttribute("data-state")).toBe("stopped");
    expect(status.textContent).toContain(stopped);
    expect(status.textContent).toContain("Reconnect with a new token");
    expect(screen.getByTestId("hubspot-counts").textContent).toBe("12 pushed · 1 failed");
    expect((screen.getByTestId("hubspot-rate") as HTMLSelectElement).value).toBe("190");

    expect(button("hubspot-push-pending").textContent).toBe("Push 3 earlier handoffs");
    fireEvent.click(button("hubspot-push-pending"));
    await waitFor(() => expect(screen.queryByTestId("hubspot-push-pending")).toBeNull());
    expect(backend.pushAllPending).toHaveBeenCalledWith("acme");

    fireEvent.click(input("hubspot-lead-status"));
    fireEvent.click(button("hubspot-connect"));
    await waitFor(() => expect(backend.connectHubspot).toHaveBeenCalledTimes(1));
    expect(backend.connectHubspot.mock.calls[0]![2]).toBeNull();
    expect(backend.connectHubspot.mock.calls[0]![1].leadStatus).toBe(true);
  });

  it("disconnects only after the confirmation", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { hubspot: hub() }));
    renderSettings(backend);
    await ready();
    fireEvent.click(button("hubspot-disconnect"));
    expect(backend.disconnectHubspot).not.toHaveBeenCalled();
    fireEvent.click(button("hubspot-disconnect-confirm"));
    await screen.findByTestId("hubspot-empty");
    expect(backend.disconnectHubspot).toHaveBeenCalledWith("acme");
    expect(screen.queryByTestId("hubspot-status")).toBeNull();
    expect(button("hubspot-connect").textContent).toBe("Check and connect");
  });

  it("shows a failed push next to the portal", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { hubspot: hub() }));
    backend.pushAllPending.mockRejectedValueOnce({ code: "invalid_input", message: "Acme is not connected to HubSpot: connect it first." });
    renderSettings(backend);
    await ready();
    fireEvent.click(button("hubspot-push-pending"));
    expect((await screen.findByTestId("hubspot-error")).textContent).toContain("connect it first");
  });
});
