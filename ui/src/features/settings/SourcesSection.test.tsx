import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SourceView } from "../../bindings";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { deferred, input, ready, renderSettings } from "./testing";

const WRONG_PASSWORD = {
  code: "connection",
  message: "cannot log in to the IMAP server imap.acme.test:993 as help@acme.test: wrong password; check it and try again",
};

function source(id: number, over: Partial<SourceView> = {}): SourceView {
  return {
    id,
    name: `inbox-${id}`,
    kind: "imap",
    describe: `help@acme.test at imap.acme.test:993 (INBOX)`,
    enabled: true,
    lastSuccessAt: "2025-03-10T11:00:00Z",
    lastErrorAt: null,
    lastError: null,
    gapNotices: [],
    signIn: null,
    account: "",
    ...over,
  };
}

function withSources(backend: FakeBackend, sources: SourceView[]) {
  backend.settingsBySlug.set("acme", makeSettings("acme", { sources }));
}

const items = () => screen.queryAllByTestId("source-item");

describe("adding a source", () => {
  it("explains where handoffs come from when there is none", async () => {
    renderSettings(new FakeBackend());
    await ready();
    const empty = screen.getByTestId("sources-empty");
    expect(empty.textContent).toContain("IMAP mailbox");
    expect(empty.textContent).toContain("webhook relay");
    expect(items()).toHaveLength(0);
  });

  it("shows a failed login next to the form, keeps the values, then adds on a second try", async () => {
    const backend = new FakeBackend();
    backend.addSource.mockRejectedValueOnce(WRONG_PASSWORD);
    renderSettings(backend);
    await ready();
    fireEvent.click(screen.getByTestId("source-add"));
    expect(input("source-name").value).toBe("support-inbox");
    expect(screen.getByLabelText("IMAP password")).toBe(input("source-secret"));
    expect(input("source-secret").type).toBe("password");
    expect(input("source-secret").getAttribute("autocomplete")).toBe("off");
    fireEvent.change(input("source-host"), { target: { value: "imap.acme.test" } });
    fireEvent.change(input("source-user"), { target: { value: "help@acme.test" } });
    fireEvent.change(input("source-from-filter"), { target: { value: "bot@chat.test" } });
    fireEvent.change(input("source-secret"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByTestId("source-submit"));

    const error = await screen.findByTestId("source-form-error");
    expect(error.textContent).toBe(WRONG_PASSWORD.message);
    expect(backend.addSource).toHaveBeenCalledWith(
      "acme",
      {
        name: "support-inbox",
        kind: "imap",
        host: "imap.acme.test",
        port: 0,
        tls: "implicit",
        user: "help@acme.test",
        folder: "INBOX",
        fromFilter: "bot@chat.test",
        subjectFilter: "",
        url: "",
      },
      "wrong",
    );
    // Everything stays, the password too (masked), so only the wrong field needs retyping.
    expect(input("source-host").value).toBe("imap.acme.test");
    expect(input("source-user").value).toBe("help@acme.test");
    expect(input("source-secret").value).toBe("wrong");
    expect(items()).toHaveLength(0);

    const gate = deferred();
    const real = backend.addSource.getMockImplementation()!;
    backend.addSource.mockImplementationOnce(async (...args) => {
      await gate.promise;
      return real(...args);
    });
    fireEvent.change(input("source-secret"), { target: { value: "right" } });
    fireEvent.click(screen.getByTestId("source-submit"));
    await waitFor(() => expect(screen.getByTestId("source-submit").textContent).toBe("Checking the login…"));
    expect((screen.getByTestId("source-submit") as HTMLButtonElement).disabled).toBe(true);
    gate.resolve();

    await waitFor(() => expect(items()).toHaveLength(1));
    expect(backend.addSource.mock.calls[1]![2]).toBe("right");
    expect(items()[0]!.textContent).toContain("support-inbox");
    expect(items()[0]!.getAttribute("data-enabled")).toBe("true");
    expect(screen.queryByTestId("source-form")).toBeNull();
    expect(screen.queryByTestId("sources-empty")).toBeNull();
    expect(screen.getByTestId("source-added").textContent).toContain("keychain");
    // Opened again, the form starts empty: the secret is gone.
    fireEvent.click(screen.getByTestId("source-add"));
    expect(input("source-secret").value).toBe("");
  });

  it("adds a relay with its URL and token, the IMAP fields sent empty", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    fireEvent.click(screen.getByTestId("source-add"));
    fireEvent.change(screen.getByTestId("source-kind"), { target: { value: "relay" } });
    expect(screen.queryByTestId("source-host")).toBeNull();
    expect(screen.getByLabelText("Relay read token")).toBe(input("source-secret"));
    fireEvent.change(input("source-name"), { target: { value: "chat-relay" } });
    fireEvent.change(input("source-url"), { target: { value: " https://relay.acme.test/c/1 " } });
    fireEvent.change(input("source-secret"), { target: { value: "tok" } });
    fireEvent.click(screen.getByTestId("source-submit"));
    await waitFor(() => expect(items()).toHaveLength(1));
    const [, form, secret] = backend.addSource.mock.calls[0]!;
    expect(form).toMatchObject({ kind: "relay", name: "chat-relay", url: "https://relay.acme.test/c/1", host: "", port: 0, user: "" });
    expect(secret).toBe("tok");
  });

  it("refuses a name the server would refuse, without calling it", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    fireEvent.click(screen.getByTestId("source-add"));
    fireEvent.change(input("source-name"), { target: { value: "Support Inbox" } });
    fireEvent.change(input("source-secret"), { target: { value: "pw" } });
    fireEvent.click(screen.getByTestId("source-submit"));
    expect(screen.getByTestId("source-form-error").textContent).toContain("lower-case letters, digits and dashes");
    expect(backend.addSource).not.toHaveBeenCalled();
  });
});

describe("a saved source", () => {
  it("tests its connection and shows the sentence, or what is wrong", async () => {
    const backend = new FakeBackend();
    withSources(backend, [source(4, { lastErrorAt: "2025-03-10T11:30:00Z", lastError: "the IMAP server did not answer" })]);
    backend.testSource.mockRejectedValueOnce(WRONG_PASSWORD);
    renderSettings(backend);
    await ready();
    const item = items()[0]!;
    expect(item.getAttribute("data-id")).toBe("4");
    expect(within(item).getByTestId("source-last-error").textContent).toContain("the IMAP server did not answer");

    fireEvent.click(within(item).getByTestId("source-test"));
    const failed = await within(item).findByTestId("source-result");
    expect(failed.getAttribute("data-state")).toBe("error");
    expect(failed.textContent).toBe(WRONG_PASSWORD.message);

    fireEvent.click(within(item).getByTestId("source-test"));
    await waitFor(() => expect(within(item).getByTestId("source-result").getAttribute("data-state")).toBe("ok"));
    expect(within(item).getByTestId("source-result").textContent).toBe("source #4 answered: the login works.");
    expect(backend.testSource).toHaveBeenLastCalledWith(4);
  });

  it("is disabled, enabled and removed (after a confirmation)", async () => {
    const backend = new FakeBackend();
    withSources(backend, [source(1), source(2)]);
    renderSettings(backend);
    await ready();
    const second = () => items().find((i) => i.getAttribute("data-id") === "2")!;

    fireEvent.click(within(second()).getByTestId("source-toggle"));
    await waitFor(() => expect(second().getAttribute("data-enabled")).toBe("false"));
    expect(backend.setSourceEnabled).toHaveBeenCalledWith(2, false);
    expect(within(second()).getByTestId("source-toggle").textContent).toBe("Enable");
    fireEvent.click(within(second()).getByTestId("source-toggle"));
    await waitFor(() => expect(second().getAttribute("data-enabled")).toBe("true"));

    fireEvent.click(within(second()).getByTestId("source-remove"));
    expect(backend.removeSource).not.toHaveBeenCalled();
    fireEvent.click(within(second()).getByTestId("source-remove-confirm"));
    await waitFor(() => expect(items().map((i) => i.getAttribute("data-id"))).toEqual(["1"]));
    expect(backend.removeSource).toHaveBeenCalledWith(2);

    fireEvent.click(within(items()[0]!).getByTestId("source-remove"));
    fireEvent.click(within(items()[0]!).getByTestId("source-remove-confirm"));
    await screen.findByTestId("sources-empty");
  });

  it("shows a relay's retention gap until it is acknowledged", async () => {
    const backend = new FakeBackend();
    const notice = "up to 3 events that reached the relay on 2026-11-22 (08:05–09:05 UTC) expired on the relay";
    withSources(backend, [
      source(5, { kind: "relay", describe: "relay https://relay.acme.test", gapNotices: [notice] }),
      source(6),
    ]);
    renderSettings(backend);
    await ready();
    const gap = screen.getByTestId("source-gap");
    expect(gap.textContent).toContain(notice);
    expect(screen.getAllByTestId("source-gap")).toHaveLength(1);
    fireEvent.click(within(gap).getByTestId("source-gap-ack"));
    await waitFor(() => expect(screen.queryByTestId("source-gap")).toBeNull());
    expect(backend.acknowledgeSourceGaps).toHaveBeenCalledWith(5);
  });

  it("shows a failed toggle next to the source", async () => {
    const backend = new FakeBackend();
    withSources(backend, [source(1)]);
    backend.setSourceEnabled.mockRejectedValueOnce({ code: "database", message: "The database is busy; try again." });
    renderSettings(backend);
    await ready();
    fireEvent.click(screen.getByTestId("source-toggle"));
    expect((await screen.findByTestId("source-error")).textContent).toBe("The database is busy; try again.");
    expect(items()[0]!.getAttribute("data-enabled")).toBe("true");
  });

  it("replaces its secret through a password field that empties after a save", async () => {
    const backend = new FakeBackend();
    withSources(backend, [source(3, { kind: "relay", describe: "https://relay.acme.test/c/1" })]);
    backend.setSourceSecret.mockRejectedValueOnce({ code: "connection", message: "the relay refused the token" });
    renderSettings(backend);
    await ready();
    const field = input("source-secret-new");
    expect(field.type).toBe("password");
    expect(field.getAttribute("autocomplete")).toBe("off");
    expect(screen.getByLabelText("New relay read token")).toBe(field);
    expect((screen.getByTestId("source-secret-save") as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(field, { target: { value: "bad-token" } });
    fireEvent.click(screen.getByTestId("source-secret-save"));
    const failed = await screen.findByTestId("source-secret-status");
    expect(failed.getAttribute("data-state")).toBe("error");
    expect(failed.textContent).toBe("the relay refused the token");
    expect(field.value).toBe("bad-token");

    fireEvent.change(field, { target: { value: "good-token" } });
    fireEvent.click(screen.getByTestId("source-secret-save"));
    await waitFor(() => expect(screen.getByTestId("source-secret-status").getAttribute("data-state")).toBe("ok"));
    expect(backend.setSourceSecret).toHaveBeenLastCalledWith(3, "good-token");
    expect(input("source-secret-new").value).toBe("");
  });
});
