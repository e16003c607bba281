import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SmtpForm } from "../../bindings";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { input, ready, renderSettings } from "./testing";

const IDENTITY: SmtpForm = {
  host: "smtp.acme.test",
  port: 587,
  tls: "starttls",
  user: "help@acme.test",
  fromAddress: "help@acme.test",
  fromName: "Acme help",
  bcc: "",
  oauth: "",
};

const status = () => screen.getByTestId("smtp-status");

describe("reply identity", () => {
  it("says replies cannot be sent until one is set, then saves one with its password", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    expect(screen.getByTestId("smtp-empty").textContent).toContain("replies can't be sent");
    expect(screen.queryByTestId("smtp-test")).toBeNull();
    const password = input("smtp-password");
    expect(password.type).toBe("password");
    expect(password.getAttribute("autocomplete")).toBe("off");
    expect(password.placeholder).toBe("");

    fireEvent.change(input("smtp-host"), { target: { value: "smtp.acme.test " } });
    fireEvent.change(screen.getByTestId("smtp-tls"), { target: { value: "implicit" } });
    fireEvent.change(input("smtp-user"), { target: { value: "help@acme.test" } });
    fireEvent.change(password, { target: { value: "s3cret" } });
    fireEvent.change(input("smtp-from"), { target: { value: "help@acme.test" } });
    fireEvent.change(input("smtp-name"), { target: { value: "Acme help" } });
    fireEvent.change(input("smtp-bcc"), { target: { value: "team@acme.test" } });
    expect(screen.getByTestId("smtp-save").textContent).toBe("Check and save");
    fireEvent.click(screen.getByTestId("smtp-save"));

    await waitFor(() => expect(status().getAttribute("data-state")).toBe("ok"));
    expect(backend.saveSmtp).toHaveBeenCalledWith(
      "acme",
      { ...IDENTITY, port: 0, tls: "implicit", bcc: "team@acme.test" },
      "s3cret",
    );
    expect(input("smtp-password").value).toBe("");
    expect(input("smtp-password").placeholder).toBe("unchanged");
    expect(screen.queryByTestId("smtp-empty")).toBeNull();
    expect(screen.getByTestId("smtp-test")).toBeTruthy();
  });

  it("keeps the saved password when the field is left empty, and tests the saved login", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { smtp: IDENTITY }));
    renderSettings(backend);
    await ready();
    expect(input("smtp-host").value).toBe("smtp.acme.test");
    expect(input("smtp-port").value).toBe("587");
    expect(input("smtp-password").value).toBe("");

    fireEvent.change(input("smtp-name"), { target: { value: "Acme support" } });
    fireEvent.click(screen.getByTestId("smtp-save"));
    await waitFor(() => expect(backend.saveSmtp).toHaveBeenCalledWith("acme", { ...IDENTITY, fromName: "Acme support" }, null));

    fireEvent.click(screen.getByTestId("smtp-test"));
    await waitFor(() => expect(status().textContent).toBe("smtp.acme.test:587 accepts the login."));
    expect(status().getAttribute("data-state")).toBe("ok");
    expect(backend.testSmtp).toHaveBeenCalledWith("acme");
  });

  it("shows a refused login next to the buttons and keeps the form", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { smtp: IDENTITY }));
    backend.saveSmtp.mockRejectedValueOnce({ code: "connection", message: "smtp.acme.test refused the login: wrong password" });
    renderSettings(backend);
    await ready();
    fireEvent.change(input("smtp-password"), { target: { value: "typo" } });
    fireEvent.click(screen.getByTestId("smtp-save"));
    await waitFor(() => expect(status().getAttribute("data-state")).toBe("error"));
    expect(status().textContent).toBe("smtp.acme.test refused the login: wrong password");
    expect(input("smtp-host").value).toBe("smtp.acme.test");
  });
});
