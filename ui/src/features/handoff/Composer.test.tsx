import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { TeamView } from "../../bindings/TeamView";
import { FakeBackend, makeRow, makeView } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { HandoffPane } from "./HandoffPane";

const TEAM_ON: TeamView = { enabled: true, me: "Pat", claim: null, answers: [], warning: null };
const DANA = { by: "Dana", email: "dana@acme.test", at: "2025-03-10T09:42:00Z", mine: false, pending: false, note: null, stale: false };
const WARNING = "Dana claimed this at Mar 10, 10:42. Ask them before you answer.";
const ANSWER = "Hi,\n\nYes, from 20 euros a month.\n\nAcme";

function renderPane(backend: FakeBackend, id = 1) {
  return renderWith(backend, <HandoffPane id={id} onClose={vi.fn()} resolveOpen={false} onResolveOpenChange={() => {}} />);
}

async function openComposer() {
  fireEvent.click(await screen.findByTestId("action-reply"));
  const body = (await screen.findByTestId("reply-body")) as HTMLTextAreaElement;
  await waitFor(() => expect(body.value).toContain("[Write your answer here]"));
  return body;
}

const sendButton = () => screen.getByTestId("reply-send") as HTMLButtonElement;

describe("the composer in team mode", () => {
  it("claims a free handoff once when a reply is started, and sends plainly", async () => {
    const backend = new FakeBackend([makeRow(1)]);
    backend.views.set(1, makeView(makeRow(1), { team: TEAM_ON }));
    renderPane(backend);
    const body = await openComposer();
    await waitFor(() => expect(screen.getByTestId("team-card").getAttribute("data-claim")).toBe("mine"));
    expect(backend.claimHandoff).toHaveBeenCalledTimes(1);
    expect(backend.claimHandoff).toHaveBeenCalledWith(1);
    expect(screen.queryByTestId("reply-warning")).toBeNull();

    fireEvent.change(body, { target: { value: ANSWER } });
    expect(sendButton().textContent).toBe("Send");
    fireEvent.click(sendButton());
    await waitFor(() => expect(backend.sendReply).toHaveBeenCalledWith(1, "Re: your question", ANSWER));
    expect(backend.claimHandoff).toHaveBeenCalledTimes(1);
  });

  it("does not claim outside team mode, or a handoff that is already ours", async () => {
    const backend = new FakeBackend([makeRow(1), makeRow(2)]);
    backend.views.set(2, makeView(makeRow(2), { team: { ...TEAM_ON, claim: { ...DANA, by: "Pat", mine: true } } }));
    renderPane(backend, 1);
    await openComposer();
    renderPane(backend, 2);
    fireEvent.click((await screen.findAllByTestId("action-reply"))[0]!);
    await waitFor(() => expect(screen.getAllByTestId("reply-body")).toHaveLength(2));
    expect(backend.claimHandoff).not.toHaveBeenCalled();
  });

  it("shows the warning above the send button, which then reads Send anyway, and does not claim", async () => {
    const backend = new FakeBackend([makeRow(1)]);
    backend.views.set(1, makeView(makeRow(1), { team: { ...TEAM_ON, claim: DANA, warning: WARNING } }));
    renderPane(backend);
    const body = await openComposer();
    const warning = screen.getByTestId("reply-warning");
    expect(warning.getAttribute("role")).toBe("alert");
    expect(warning.textContent).toBe(WARNING);
    expect(warning.compareDocumentPosition(sendButton()) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(sendButton().textContent).toBe("Send anyway");

    fireEvent.change(body, { target: { value: ANSWER } });
    fireEvent.click(sendButton());
    await waitFor(() => expect(backend.sendReply).toHaveBeenCalledWith(1, "Re: your question", ANSWER));
    expect(backend.claimHandoff).not.toHaveBeenCalled();
  });

  it("shows a refused claim inline, then the warning from the refreshed handoff", async () => {
    const backend = new FakeBackend([makeRow(1)]);
    backend.views.set(1, makeView(makeRow(1), { team: TEAM_ON }));
    backend.claimHandoff.mockImplementationOnce(async () => {
      // A teammate's claim arrived meanwhile: the shell refuses and now knows it.
      backend.views.set(1, makeView(makeRow(1), { team: { ...TEAM_ON, claim: DANA, warning: WARNING } }));
      throw { code: "invalid_input", message: "Dana <dana@acme.test> has claimed this handoff (since Mar 10, 10:42)." };
    });
    renderPane(backend);
    await openComposer();
    const refused = await screen.findByTestId("reply-claim-error");
    expect(refused.getAttribute("role")).toBe("alert");
    expect(refused.textContent).toContain("has claimed this handoff");
    expect((await screen.findByTestId("reply-warning")).textContent).toBe(WARNING);
    expect(sendButton().textContent).toBe("Send anyway");
    expect(backend.claimHandoff).toHaveBeenCalledTimes(1);
  });
});
