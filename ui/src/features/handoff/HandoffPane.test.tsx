import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../../app/App";
import { AppError } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";
import { FakeBackend, makeRow, makeView, NOW } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { HandoffPane } from "./HandoffPane";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>alert(1)</script>";

function renderPane(backend: FakeBackend, extra: { onOpenSettings?: () => void; id?: number } = {}) {
  const onClose = vi.fn();
  const utils = renderWith(
    backend,
    <HandoffPane
      id={extra.id ?? 1}
      onClose={onClose}
      resolveOpen={false}
      onResolveOpenChange={() => {}}
      onOpenSettings={extra.onOpenSettings}
    />,
  );
  return { ...utils, onClose };
}

describe("HandoffView", () => {
  it("renders the visitor, page, reason, status and transcript by author", async () => {
    const backend = new FakeBackend();
    backend.views.set(
      1,
      makeView(makeRow(1, { afterHours: true }), {
        reasonInferred: true,
        timeline: [
          { at: "2025-03-10T11:30:00Z", kind: "contacted", detail: "by phone" },
          { at: "2025-03-10T11:00:00Z", kind: "received", detail: null },
        ],
        followUps: [{ kind: "callback", dueAt: "2025-03-11T09:00:00Z", doneAt: null, note: "Call after lunch" }],
      }),
    );
    renderPane(backend);
    const view = await screen.findByTestId("handoff-view");
    expect(view.getAttribute("data-id")).toBe("1");
    expect(screen.getByTestId("visitor-name").textContent).toBe("Visitor 1");
    const email = screen.getByTestId("visitor-email");
    expect(email.tagName).toBe("A");
    expect(email.getAttribute("href")).toBe("mailto:v1@example.com");
    expect(screen.getByTestId("visitor-phone").textContent).toBe("+49 30 1234567");
    expect(screen.getByTestId("page-title").textContent).toBe("Pricing");
    const link = screen.getByTestId("page-link");
    expect(link.getAttribute("href")).toBe("https://acme.test/pricing");
    // A click goes to the system's browser through the shell, never the webview.
    fireEvent.click(link);
    await waitFor(() => expect(backend.openLink).toHaveBeenCalledWith(link.getAttribute("href")));
    expect(link.getAttribute("rel")).toBe("noreferrer noopener");
    expect(screen.getByTestId("reason-detail").textContent).toBe("I don't know the answer to that");
    expect(view.textContent).toContain("(inferred)");
    expect(screen.getByTestId("status").textContent).toBe("New");
    expect(screen.getByTestId("after-hours")).toBeTruthy();
    // Received time is shown in the workspace's zone (Berlin is UTC+1 in March).
    expect(screen.getByTestId("received-at").textContent).toMatch(/12:59|GMT\+1|CET/);

    const lines = screen.getAllByTestId("transcript-line");
    expect(lines.map((l) => l.getAttribute("data-author"))).toEqual(["visitor", "bot", "system", "agent"]);
    expect(lines[0]!.className).toContain("msg-left");
    expect(lines[1]!.className).toContain("msg-right");
    expect(lines[2]!.className).toContain("msg-center");
    expect(lines[3]!.className).toContain("msg-right");
    expect(lines[3]!.textContent).toContain("Sam");

    // Timeline oldest first.
    const timeline = view.querySelector(".timeline")!;
    expect(timeline.textContent!.indexOf("Received")).toBeLessThan(timeline.textContent!.indexOf("Contacted"));
    expect(view.textContent).toContain("Call after lunch");
  });

  it("renders hostile text as text and never creates elements from it", async () => {
    const backend = new FakeBackend();
    const row = makeRow(1, {
      visitorName: IMG,
      visitorEmail: SCRIPT,
      pageTitle: SCRIPT,
      pageUrl: "javascript:alert(1)",
      question: IMG + SCRIPT,
      reasonDetail: IMG,
      flagged: true,
    });
    backend.views.set(
      1,
      makeView(row, {
        transcript: [
          { author: "visitor", name: SCRIPT, text: IMG, at: null },
          { author: "bot", name: null, text: SCRIPT, at: null },
          { author: "<b>x</b>" as never, name: null, text: "odd author", at: null },
        ],
        promiseText: IMG,
        parseNotes: [`kept raw: ${SCRIPT}`],
      }),
    );
    const { container } = renderPane(backend);
    const view = await screen.findByTestId("handoff-view");

    expect(screen.getByTestId("visitor-name").textContent).toBe(IMG);
    expect(screen.getByTestId("page-title").textContent).toBe(SCRIPT);
    expect(screen.getByTestId("reason-detail").textContent).toBe(IMG);
    const lines = screen.getAllByTestId("transcript-line");
    expect(lines[0]!.textContent).toContain(IMG);
    expect(lines[0]!.textContent).toContain(SCRIPT);
    expect(lines[1]!.textContent).toContain(SCRIPT);
    expect(lines[2]!.className).toContain("msg-center");
    expect(view.textContent).toContain(`kept raw: ${SCRIPT}`);

    // The javascript: URL is plain text, not a link.
    expect(screen.queryByTestId("page-link")).toBeNull();
    expect(screen.getByTestId("page-text").textContent).toBe("javascript:alert(1)");
    expect(screen.getByTestId("page-text").tagName).toBe("BDI");
    // An email that does not look like one gets no mailto.
    expect(screen.getByTestId("visitor-email").tagName).toBe("BDI");

    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(document.querySelector("img, script")).toBeNull();
    for (const a of container.querySelectorAll("a")) {
      expect(a.getAttribute("href") ?? "").not.toMatch(/^javascript:/i);
    }
  });

  it("shows the promise with its countdown, and who met it", async () => {
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    try {
      const backend = new FakeBackend();
      backend.views.set(
        1,
        makeView(makeRow(1, { dueAt: new Date(NOW + 45 * 60_000).toISOString(), promiseState: "running" }), {
          promiseText: "We'll reply within 2 hours",
        }),
      );
      backend.views.set(
        2,
        makeView(makeRow(2, { dueAt: "2025-03-10T13:00:00Z", promiseState: "met" }), {
          metAt: "2025-03-10T11:40:00Z",
          metBy: "Sam",
        }),
      );
      renderPane(backend, { id: 1 });
      const promise = await screen.findByTestId("promise");
      expect(promise.textContent).toContain("We'll reply within 2 hours");
      expect(promise.textContent).toContain("Running");
      expect(within(promise).getByTestId("promise-countdown").textContent).toBe("due in 45 min");
      expect(within(promise).getByTestId("promise-countdown").className).toContain("tone-amber");

      renderPane(backend, { id: 2 });
      await waitFor(() => expect(screen.getAllByTestId("promise")).toHaveLength(2));
      const met = screen.getAllByTestId("promise")[1]!;
      expect(met.textContent).toContain("Met");
      expect(met.textContent).toContain("by Sam");
      expect(within(met).queryByTestId("promise-countdown")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows a load error with a retry", async () => {
    const backend = new FakeBackend();
    backend.handoff.mockRejectedValueOnce(new AppError("not_found", "No handoff #1."));
    renderPane(backend);
    expect(await screen.findByText("No handoff #1.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("handoff-view")).toBeTruthy();
  });
});

describe("actions", () => {
  async function openFirst(backend: FakeBackend) {
    const utils = renderWith(backend, <App />);
    await waitFor(() => expect(screen.getByTestId("inbox").getAttribute("data-state")).toBe("ready"));
    fireEvent.click(screen.getAllByTestId("inbox-row")[0]!);
    await screen.findByTestId("handoff-view");
    return utils;
  }

  it("resolves with the chosen reason and shows the returned view", async () => {
    const backend = new FakeBackend();
    const { client } = await openFirst(backend);
    const inboxCalls = backend.inbox.mock.calls.length;

    expect(screen.queryByTestId("resolve-answered")).toBeNull();
    fireEvent.click(screen.getByTestId("action-resolve"));
    expect(screen.getByTestId("resolve-answered").textContent).toBe("Answered");
    expect(screen.getByTestId("resolve-content_gap").textContent).toBe("Content gap");
    expect(screen.getByTestId("resolve-policy").textContent).toBe("Needed a human by policy");
    expect(screen.getByTestId("resolve-not_a_lead").textContent).toBe("Not a lead");

    fireEvent.click(screen.getByTestId("resolve-content_gap"));
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("Resolved"));
    expect(backend.resolve).toHaveBeenCalledWith(1, "content_gap");
    expect(screen.queryByTestId("resolve-answered")).toBeNull();
    expect(client.getQueryData(queryKeys.handoff(1))).toMatchObject({ resolution: "content_gap" });
    await waitFor(() => expect(backend.inbox.mock.calls.length).toBeGreaterThan(inboxCalls));
  });

  it("opens the resolve choices with e", async () => {
    const backend = new FakeBackend();
    await openFirst(backend);
    fireEvent.keyDown(document.body, { key: "e" });
    fireEvent.click(await screen.findByTestId("resolve-not_a_lead"));
    await waitFor(() => expect(backend.resolve).toHaveBeenCalledWith(1, "not_a_lead"));
  });

  it("marks contacted by phone and snoozes 3 h", async () => {
    const backend = new FakeBackend();
    await openFirst(backend);
    fireEvent.click(screen.getByTestId("action-contacted"));
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("Replied"));
    expect(backend.contacted).toHaveBeenCalledWith(1, "phone");

    fireEvent.click(screen.getByTestId("action-snooze"));
    await waitFor(() => expect(backend.snooze).toHaveBeenCalledWith(1, 3));
  });

  it("shows an action's error message", async () => {
    const backend = new FakeBackend();
    backend.snooze.mockRejectedValueOnce({ code: "invalid_input", message: "Already resolved." });
    await openFirst(backend);
    fireEvent.click(screen.getByTestId("action-snooze"));
    expect(await screen.findByText("Already resolved.")).toBeTruthy();
  });
});

describe("the reply composer", () => {
  it("opens on the pre-filled draft, refuses to send while the marker is there, then sends and lists the reply", async () => {
    const backend = new FakeBackend([makeRow(1)]);
    renderPane(backend);
    fireEvent.click(await screen.findByTestId("action-reply"));
    const body = (await screen.findByTestId("reply-body")) as HTMLTextAreaElement;
    await waitFor(() => expect(body.value).toContain("[Write your answer here]"));
    expect((screen.getByTestId("reply-send") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(body, { target: { value: "Hi,\n\nYes, from 20 euros a month.\n\nAcme" } });
    expect((screen.getByTestId("reply-send") as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByTestId("reply-send"));
    await waitFor(() =>
      expect(backend.sendReply).toHaveBeenCalledWith(1, "Re: your question", "Hi,\n\nYes, from 20 euros a month.\n\nAcme"),
    );
    const item = await screen.findByTestId("reply-item");
    expect(item.getAttribute("data-state")).toBe("queued");
    expect(screen.queryByTestId("composer")).toBeNull();
  });

  it("shows why a reply cannot be sent yet", async () => {
    const backend = new FakeBackend([makeRow(1)]);
    backend.replyDraft.mockResolvedValueOnce({
      to: null,
      from: null,
      subject: "Re: x",
      body: "[Write your answer here]",
      marker: "[Write your answer here]",
      problem: "handoff #1 has no visitor email to reply to",
      problemFix: "contacted",
    });
    renderPane(backend);
    fireEvent.click(await screen.findByTestId("action-reply"));
    expect((await screen.findByTestId("reply-problem")).textContent).toContain("no visitor email");
    expect((screen.getByTestId("reply-send") as HTMLButtonElement).disabled).toBe(true);
  });

  it("takes the owner to Settings when the workspace has no reply identity", async () => {
    const backend = new FakeBackend([makeRow(1)]);
    backend.replyDraft.mockResolvedValueOnce({
      to: "dana@example.com",
      from: null,
      subject: "Re: x",
      body: "[Write your answer here]",
      marker: "[Write your answer here]",
      problem: "Acme has no reply identity yet.",
      problemFix: "reply_identity",
    });
    const onOpenSettings = vi.fn();
    renderPane(backend, { onOpenSettings });
    fireEvent.click(await screen.findByTestId("action-reply"));
    const fix = await screen.findByTestId("reply-fix-identity");
    expect(fix.textContent).toBe("Set up a reply identity");
    expect(screen.getByTestId("reply-problem").textContent).not.toMatch(/handoff |`/);
    fireEvent.click(fix);
    expect(onOpenSettings).toHaveBeenCalled();
  });
});

describe("undo from the toast", () => {
  it("offers Undo after Snooze, Resolve and Contacted, each calling its inverse", async () => {
    const backend = new FakeBackend([makeRow(1)]);
    const toasts: { text: string; run?: () => void }[] = [];
    renderWith(
      backend,
      <HandoffPane
        id={1}
        onClose={vi.fn()}
        resolveOpen={true}
        onResolveOpenChange={() => {}}
        onToast={(text, action) => toasts.push({ text, run: action?.run })}
      />,
    );
    const undoOf = async (prefix: string) => {
      await waitFor(() => expect(toasts.some((t) => t.text.startsWith(prefix))).toBe(true));
      toasts.find((t) => t.text.startsWith(prefix))?.run?.();
    };
    fireEvent.click(await screen.findByTestId("action-snooze"));
    await undoOf("Snoozed");
    await waitFor(() => expect(backend.unsnooze).toHaveBeenCalledWith(1));
    fireEvent.click(await screen.findByTestId("action-contacted"));
    await undoOf("Marked as contacted");
    await waitFor(() => expect(backend.undoContacted).toHaveBeenCalledWith(1));
    fireEvent.click(await screen.findByTestId("resolve-content_gap"));
    await undoOf("Resolved as");
    await waitFor(() => expect(backend.reopen).toHaveBeenCalledWith(1));
  });
});

describe("HubSpot card", () => {
  it("says how to connect when the workspace has no portal, with no push button", async () => {
    const backend = new FakeBackend();
    renderPane(backend);
    const card = await screen.findByTestId("hubspot-card");
    expect(card.getAttribute("data-state")).toBe("off");
    expect(card.textContent).toContain("Settings");
    expect(screen.queryByTestId("hubspot-push")).toBeNull();
  });

  it("pushes on a click and shows the queued state the shell returns", async () => {
    const backend = new FakeBackend();
    backend.views.set(
      1,
      makeView(makeRow(1), { hubspot: { state: "not_pushed", message: null, contactId: null, pushedAt: null } }),
    );
    renderPane(backend);
    fireEvent.click(await screen.findByTestId("hubspot-push"));
    await waitFor(() => expect(screen.getByTestId("hubspot-card").getAttribute("data-state")).toBe("queued"));
    expect(backend.pushToHubspot).toHaveBeenCalledWith(1);
    expect(screen.queryByTestId("hubspot-push")).toBeNull();
  });

  it("says until when a queued push waits when HubSpot asked the portal to slow down", async () => {
    const backend = new FakeBackend();
    const why = "HubSpot asked to slow down (You have reached your secondly limit.); every push to this portal waits until 14:05:10 (5 s)";
    backend.views.set(1, makeView(makeRow(1), { hubspot: { state: "queued", message: why, contactId: null, pushedAt: null } }));
    renderPane(backend);
    const text = await screen.findByTestId("hubspot-text");
    expect(text.textContent).toBe(`Queued: ${why}.`);
    expect(screen.queryByTestId("hubspot-push")).toBeNull();
  });

  it("shows why a push failed, offers to try again, and shows a refused push's message", async () => {
    const backend = new FakeBackend();
    backend.views.set(
      1,
      makeView(makeRow(1), {
        hubspot: {
          state: "stopped",
          message: "HubSpot refused the token: reconnect in Settings",
          contactId: null,
          pushedAt: null,
        },
      }),
    );
    backend.pushToHubspot.mockRejectedValueOnce({ code: "invalid_input", message: "Acme is not connected to HubSpot." });
    renderPane(backend);
    const card = await screen.findByTestId("hubspot-card");
    expect(card.textContent).toContain("HubSpot refused the token");
    fireEvent.click(screen.getByTestId("hubspot-push"));
    expect((await screen.findByTestId("hubspot-push-error")).textContent).toBe("Acme is not connected to HubSpot.");
  });

  it("shows when and to which contact a pushed handoff went", async () => {
    const backend = new FakeBackend();
    backend.views.set(
      1,
      makeView(makeRow(1), {
        hubspot: { state: "pushed", message: null, contactId: "901", pushedAt: "2025-03-10T11:00:00Z" },
      }),
    );
    renderPane(backend);
    const card = await screen.findByTestId("hubspot-card");
    expect(card.textContent).toContain("contact 901");
    expect(screen.getByTestId("hubspot-push").textContent).toBe("Push again");
  });
});
