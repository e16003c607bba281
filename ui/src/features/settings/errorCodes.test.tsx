// The settings screen acts on an error's code, not its words: a source whose
// sign-in expired makes "Sign in again" the suggested action, and a command
// refused for want of a keychain raises the keychain banner.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SourceView } from "../../bindings";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { input, ready, renderSettings } from "./testing";

function oauthSource(): SourceView {
  return {
    id: 7,
    name: "gmail",
    kind: "imap",
    describe: "help@acme.test at imap.gmail.com:993 (INBOX)",
    enabled: true,
    lastSuccessAt: "2025-03-10T11:00:00Z",
    lastErrorAt: null,
    lastError: null,
    gapNotices: [],
    signIn: "google",
    account: "help@acme.test",
  };
}

describe("settings switch on error codes", () => {
  it("suggests signing in again when a test says sign_in_again", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { sources: [oauthSource()] }));
    backend.testSource.mockRejectedValueOnce({ code: "sign_in_again", message: "the Google sign-in expired." });
    renderSettings(backend);
    await ready();
    const item = screen.getAllByTestId("source-item")[0]!;
    const again = within(item).getByTestId("source-signin-again-google");
    expect(again.getAttribute("data-suggested")).toBe("false");
    fireEvent.click(within(item).getByTestId("source-test"));
    await waitFor(() => expect(again.getAttribute("data-suggested")).toBe("true"));
    expect(again.className).toContain("primary");
  });

  it("does not suggest it for a connection failure", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { sources: [oauthSource()] }));
    backend.testSource.mockRejectedValueOnce({ code: "connection", message: "the Google sign-in expired." });
    renderSettings(backend);
    await ready();
    const item = screen.getAllByTestId("source-item")[0]!;
    fireEvent.click(within(item).getByTestId("source-test"));
    await within(item).findByTestId("source-result");
    expect(within(item).getByTestId("source-signin-again-google").getAttribute("data-suggested")).toBe("false");
  });

  it("raises the keychain banner when a save fails with keychain_missing", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { sources: [{ ...oauthSource(), signIn: null }] }));
    backend.setSourceSecret.mockRejectedValueOnce({ code: "keychain_missing", message: "no OS keychain is available." });
    renderSettings(backend);
    await ready();
    expect(screen.queryByTestId("keychain-problem")).toBeNull();
    fireEvent.change(input("source-secret-new"), { target: { value: "new-pass" } });
    fireEvent.click(screen.getByTestId("source-secret-save"));
    const banner = await screen.findByTestId("keychain-problem");
    expect(banner.textContent).toContain("no OS keychain is available.");
  });

  it("keeps the banner down for other failures of the same save", async () => {
    const backend = new FakeBackend();
    backend.settingsBySlug.set("acme", makeSettings("acme", { sources: [{ ...oauthSource(), signIn: null }] }));
    backend.setSourceSecret.mockRejectedValueOnce({ code: "connection", message: "no OS keychain is available." });
    renderSettings(backend);
    await ready();
    fireEvent.change(input("source-secret-new"), { target: { value: "new-pass" } });
    fireEvent.click(screen.getByTestId("source-secret-save"));
    await waitFor(() =>
      expect(screen.getByTestId("source-secret-status").getAttribute("data-state")).toBe("error"),
    );
    expect(screen.queryByTestId("keychain-problem")).toBeNull();
  });
});
