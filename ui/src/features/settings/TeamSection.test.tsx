import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { input, ready, renderSettings } from "./testing";

const IDENTITY = {
  host: "smtp.acme.test",
  port: 587,
  tls: "starttls",
  user: "help@acme.test",
  fromAddress: "help@acme.test",
  fromName: "Acme help",
  bcc: "leads@acme.test",
  oauth: "",
};

const status = () => screen.getByTestId("team-status");

describe("team mode", () => {
  it("turns team mode on with a name, an address and a stale limit", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { smtp: IDENTITY }));
    renderSettings(backend);
    await ready();
    expect(screen.getByTestId("team-how").textContent).toContain("Claims are keywords on the shared mailbox");
    const enabled = input("team-enabled");
    expect(enabled.checked).toBe(false);
    // Blank fields fall back to the reply identity, and say so.
    expect(input("team-name").placeholder).toBe("Acme help (from the reply identity)");
    expect(input("team-email").placeholder).toBe("help@acme.test (from the reply identity)");
    expect(input("team-stale").value).toBe("120");

    fireEvent.click(screen.getByLabelText("Share claims and answers with teammates"));
    fireEvent.change(input("team-name"), { target: { value: " Dana " } });
    fireEvent.change(input("team-email"), { target: { value: "dana@acme.test" } });
    fireEvent.change(input("team-stale"), { target: { value: "45" } });
    fireEvent.click(screen.getByTestId("team-save"));

    await waitFor(() => expect(status().getAttribute("data-state")).toBe("ok"));
    expect(backend.saveTeam).toHaveBeenCalledWith("acme", {
      enabled: true,
      name: "Dana",
      email: "dana@acme.test",
      staleAfterMinutes: 45,
      sentFolder: "",
    });
    expect(status().textContent).toContain("shared with the team");
    expect(input("team-enabled").checked).toBe(true);
    expect(input("team-name").value).toBe("Dana");
  });

  it("keeps the saved limit when the field is emptied, and says where the defaults come from without an identity", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set(
      "acme",
      makeSettings("acme", { team: { enabled: true, name: "", email: "", staleAfterMinutes: 30, sentFolder: "Sent" } }),
    );
    renderSettings(backend);
    await ready();
    expect(input("team-name").placeholder).toBe("From the reply identity");
    expect(input("team-sent-folder").value).toBe("Sent");
    fireEvent.change(input("team-stale"), { target: { value: "" } });
    fireEvent.click(input("team-enabled"));
    fireEvent.click(screen.getByTestId("team-save"));
    await waitFor(() =>
      expect(backend.saveTeam).toHaveBeenCalledWith("acme", {
        enabled: false,
        name: "",
        email: "",
        staleAfterMinutes: 30,
        sentFolder: "Sent",
      }),
    );
    await waitFor(() => expect(status().textContent).toBe("Saved: team mode is off."));
  });

  it("shows why the shell refused the form and keeps it", async () => {
    const backend = new FakeBackend();
    backend.saveTeam.mockRejectedValueOnce({
      code: "invalid_input",
      message: "Team address: say who you are to teammates (or set a reply identity first)",
    });
    renderSettings(backend);
    await ready();
    fireEvent.click(input("team-enabled"));
    fireEvent.change(input("team-name"), { target: { value: "Dana" } });
    fireEvent.click(screen.getByTestId("team-save"));
    await waitFor(() => expect(status().getAttribute("data-state")).toBe("error"));
    expect(status().getAttribute("role")).toBe("alert");
    expect(status().textContent).toContain("say who you are to teammates");
    expect(input("team-name").value).toBe("Dana");
    expect(input("team-enabled").checked).toBe(true);
  });
});
