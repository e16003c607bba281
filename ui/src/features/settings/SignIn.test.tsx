import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { input, ready, renderSettings } from "./testing";

describe("signing a mailbox in with Google or Microsoft", () => {
  it("fills the server from the address, waits for the browser, then lists the signed-in source", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    fireEvent.click(screen.getByTestId("source-add"));
    fireEvent.change(input("source-address"), { target: { value: "desk@gmail.com" } });
    fireEvent.click(screen.getByTestId("source-find"));
    const found = await screen.findByTestId("source-found");
    expect(found.textContent).toContain("imap.gmail.com");
    expect(found.textContent).toContain("signs in with Google");
    expect(input("source-host").value).toBe("imap.gmail.com");
    expect(input("source-port").value).toBe("993");
    expect(screen.getByTestId("source-signin-google").className).toContain("primary");

    fireEvent.click(screen.getByTestId("source-signin-google"));
    await waitFor(() => expect(screen.getByTestId("signin-status").getAttribute("data-state")).toBe("waiting"));
    expect(screen.getByTestId("signin-url").textContent).toBe("https://accounts.example.test/authorize?client_id=x");
    expect(backend.beginSignIn).toHaveBeenCalledWith("google", "desk@gmail.com");
    const target = backend.finishSignIn.mock.calls[0]?.[1];
    expect(target).toMatchObject({
      kind: "newSource",
      workspace: "acme",
      form: { kind: "imap", host: "imap.gmail.com", port: 993, tls: "implicit", user: "desk@gmail.com" },
    });

    act(() => backend.signInAnswer(true));
    await screen.findByTestId("source-item");
    expect(screen.getByTestId("source-signin-again")).toBeTruthy();
    expect(screen.queryByTestId("source-secret-new")).toBeNull();
  });

  it("says why a sign-in failed, and Cancel stops waiting without saving", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    fireEvent.click(screen.getByTestId("source-add"));
    fireEvent.change(input("source-address"), { target: { value: "desk@acme.test" } });
    fireEvent.change(input("source-host"), { target: { value: "imap.acme.test" } });
    fireEvent.click(screen.getByTestId("source-signin-microsoft"));
    await waitFor(() => expect(screen.getByTestId("signin-status").getAttribute("data-state")).toBe("waiting"));
    expect(backend.discoverMailbox).not.toHaveBeenCalled();
    act(() => backend.signInAnswer(false));
    await waitFor(() => expect(screen.getByTestId("signin-status").getAttribute("data-state")).toBe("error"));
    expect(screen.getByTestId("signin-status").textContent).toContain("did not allow");

    fireEvent.click(screen.getByTestId("source-signin-microsoft"));
    await waitFor(() => expect(screen.getByTestId("signin-status").getAttribute("data-state")).toBe("waiting"));
    fireEvent.click(screen.getByTestId("signin-cancel"));
    expect(backend.cancelSignIn).toHaveBeenCalledWith(1);
    act(() => backend.signInAnswer(true));
    await waitFor(() => expect(screen.queryByTestId("signin-status")).toBeNull());
  });

  it("signs the reply identity in as its From address, with no password field afterwards", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme"));
    renderSettings(backend);
    await ready();
    fireEvent.change(input("smtp-from"), { target: { value: "desk@gmail.com" } });
    fireEvent.click(screen.getByTestId("smtp-signin-google"));
    await waitFor(() => expect(backend.finishSignIn).toHaveBeenCalled());
    const target = backend.finishSignIn.mock.calls[0]?.[1];
    expect(target).toMatchObject({
      kind: "smtp",
      workspace: "acme",
      form: { host: "smtp.gmail.com", port: 465, tls: "implicit", user: "desk@gmail.com", oauth: "google" },
    });
    act(() => backend.signInAnswer(true));
    const status = await screen.findByTestId("smtp-status");
    expect(status.textContent).toContain("Signed in with Google");
    expect(screen.queryByTestId("smtp-password")).toBeNull();
    expect(screen.getByTestId("smtp-signin").textContent).toContain("Signed in with Google as desk@gmail.com");
  });

  it("offers a failing signed-in source its own provider's sign-in again, first", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set(
      "acme",
      makeSettings("acme", {
        sources: [
          {
            id: 4,
            name: "inbox",
            kind: "imap",
            describe: "imap://desk@acme.test@outlook.office365.com:993/INBOX",
            enabled: true,
            lastSuccessAt: "2026-12-01T09:00:00Z",
            lastErrorAt: "2026-12-02T09:00:00Z",
            lastError: "the Microsoft sign-in for desk@acme.test has expired or was revoked. Sign in again.",
            gapNotices: [],
            signIn: "microsoft",
            account: "desk@acme.test",
          },
        ],
      }),
    );
    renderSettings(backend);
    await ready();
    expect(screen.queryByTestId("source-secret-new")).toBeNull();
    expect(screen.queryByTestId("source-signin-again-google")).toBeNull();
    const again = screen.getByTestId("source-signin-again-microsoft");
    expect(again.className).toContain("primary");
    fireEvent.click(again);
    await waitFor(() => expect(backend.finishSignIn).toHaveBeenCalled());
    expect(backend.beginSignIn).toHaveBeenCalledWith("microsoft", "desk@acme.test");
    expect(backend.finishSignIn.mock.calls[0]?.[1]).toEqual({ kind: "source", id: 4 });
    act(() => backend.signInAnswer(true));
    expect((await screen.findByTestId("source-secret-status")).textContent).toContain("Signed in again");
  });
});
