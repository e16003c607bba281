import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ClaimView } from "../../bindings/ClaimView";
import type { TeamView } from "../../bindings/TeamView";
import { queryKeys } from "../../lib/queryKeys";
import { FakeBackend, makeRow, makeView } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { HandoffPane } from "./HandoffPane";

// 09:42 UTC is 10:42 in Berlin (the fake workspace's zone) in March.
const AT = "2025-03-10T09:42:00Z";

const TEAM_ON: TeamView = { enabled: true, me: "Pat", claim: null, answers: [], warning: null };

function claim(over: Partial<ClaimView> = {}): ClaimView {
  return { by: "Dana", email: "dana@acme.test", at: AT, mine: false, pending: false, note: null, stale: false, ...over };
}

function withTeam(team: Partial<TeamView>, id = 1): FakeBackend {
  const backend = new FakeBackend();
  backend.views.set(id, makeView(makeRow(id), { team: { ...TEAM_ON, ...team } }));
  return backend;
}

function renderPane(backend: FakeBackend, id = 1) {
  return renderWith(backend, <HandoffPane id={id} onClose={vi.fn()} resolveOpen={false} onResolveOpenChange={() => {}} />);
}

const card = () => screen.findByTestId("team-card");

describe("the team card", () => {
  it("is not shown when team mode is off and nobody claimed or answered", async () => {
    renderPane(new FakeBackend());
    await screen.findByTestId("handoff-view");
    expect(screen.queryByTestId("team-card")).toBeNull();
  });

  it("offers Claim on a free handoff and shows the claim the shell returns", async () => {
    const backend = withTeam({});
    const { client } = renderPane(backend);
    const c = await card();
    expect(c.getAttribute("data-claim")).toBe("none");
    expect(within(c).getByTestId("team-holder").textContent).toBe("Nobody has claimed this yet.");
    expect(c.textContent).toContain("Teammates see you as Pat.");
    fireEvent.click(within(c).getByTestId("team-claim"));
    await waitFor(() => expect(screen.getByTestId("team-card").getAttribute("data-claim")).toBe("mine"));
    expect(backend.claimHandoff).toHaveBeenCalledWith(1);
    expect(screen.getByTestId("team-holder").textContent).toContain("Claimed by you");
    expect(screen.queryByTestId("team-claim")).toBeNull();
    expect(screen.getByRole("button", { name: "Release" })).toBeTruthy();
    expect(client.getQueryData(queryKeys.handoff(1))).toMatchObject({ team: { claim: { mine: true } } });
  });

  it("shows our claim with Release, and a pending one as not shared yet with its note", async () => {
    const note = "not shared with the team yet (connection refused); it will be sent when the server is reachable";
    const backend = withTeam({ claim: claim({ by: "Pat", mine: true, pending: true, note }) });
    renderPane(backend);
    const c = await card();
    expect(c.getAttribute("data-claim")).toBe("mine");
    expect(within(c).getByTestId("team-holder").textContent).toMatch(/^Claimed by you·.*10:42/);
    expect(within(c).getByTestId("team-pending").textContent).toBe("not shared yet");
    expect(within(c).getByTestId("team-note").textContent).toBe(note);
    expect(within(c).queryByTestId("team-stale")).toBeNull();
    expect(within(c).queryByRole("button", { name: "Claim" })).toBeNull();

    fireEvent.click(within(c).getByRole("button", { name: "Release" }));
    await waitFor(() => expect(screen.getByTestId("team-card").getAttribute("data-claim")).toBe("none"));
    expect(backend.releaseHandoff).toHaveBeenCalledWith(1);
    expect(screen.getByRole("button", { name: "Claim" })).toBeTruthy();
  });

  it("shows a teammate's claim with its time in the workspace's zone, and no buttons", async () => {
    renderPane(withTeam({ claim: claim() }));
    const c = await card();
    expect(c.getAttribute("data-claim")).toBe("other");
    const line = within(c).getByTestId("team-holder");
    expect(line.textContent).toMatch(/^Claimed by Dana·.*10:42/);
    expect(line.getAttribute("title")).toBe("Claimed by Dana <dana@acme.test>");
    expect(within(c).queryByTestId("team-stale")).toBeNull();
    expect(within(c).queryByTestId("team-pending")).toBeNull();
    expect(within(c).queryByRole("button")).toBeNull();
  });

  it("marks a stale claim and says who won a lost race", async () => {
    renderPane(withTeam({ claim: claim({ stale: true, note: "Dana claimed it first; it is theirs." }) }));
    const c = await card();
    expect(within(c).getByTestId("team-stale").textContent).toBe("stale");
    expect(within(c).getByTestId("team-note").textContent).toBe("Dana claimed it first; it is theirs.");
  });

  it("lists who answered, ours as you, even with team mode off", async () => {
    const backend = new FakeBackend();
    backend.views.set(
      1,
      makeView(makeRow(1), {
        team: {
          enabled: false,
          me: null,
          claim: null,
          answers: [
            { by: "Dana", at: "2025-03-10T09:50:00Z", mine: false },
            { by: "Pat", at: "2025-03-10T10:05:00Z", mine: true },
          ],
          warning: null,
        },
      }),
    );
    renderPane(backend);
    const c = await card();
    const answers = within(c).getAllByTestId("team-answer");
    expect(answers.map((a) => a.textContent)).toEqual([
      expect.stringMatching(/^Answered by Dana · .*10:50/),
      expect.stringMatching(/^Answered by you · .*11:05/),
    ]);
    expect(within(c).getByTestId("team-holder").textContent).toBe("Not claimed.");
    // Team mode is off here: nothing to claim with.
    expect(within(c).queryByRole("button")).toBeNull();
  });

  it("claims and releases with c, but not while typing", async () => {
    const backend = withTeam({});
    renderPane(backend);
    await card();
    const search = document.createElement("input");
    document.body.appendChild(search);
    fireEvent.keyDown(search, { key: "c" });
    expect(backend.claimHandoff).not.toHaveBeenCalled();
    search.remove();

    fireEvent.keyDown(document.body, { key: "c" });
    await waitFor(() => expect(screen.getByTestId("team-card").getAttribute("data-claim")).toBe("mine"));
    expect(backend.claimHandoff).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(document.body, { key: "c" });
    await waitFor(() => expect(screen.getByTestId("team-card").getAttribute("data-claim")).toBe("none"));
    expect(backend.releaseHandoff).toHaveBeenCalledTimes(1);
  });

  it("shows a refused claim and then the teammate who has it", async () => {
    const backend = withTeam({});
    const held = makeView(makeRow(1), { team: { ...TEAM_ON, claim: claim(), warning: "Dana claimed this at Mar 10, 10:42." } });
    backend.claimHandoff.mockImplementationOnce(async () => {
      backend.views.set(1, held);
      throw { code: "invalid_input", message: "Dana <dana@acme.test> has claimed this handoff (since Mar 10, 10:42)." };
    });
    renderPane(backend);
    fireEvent.click(within(await card()).getByRole("button", { name: "Claim" }));
    expect((await screen.findByTestId("team-error")).textContent).toContain("has claimed this handoff");
    await waitFor(() => expect(screen.getByTestId("team-card").getAttribute("data-claim")).toBe("other"));
    expect(screen.getByTestId("team-holder").textContent).toContain("Claimed by Dana");
  });

  it("says a claim in a toast whose Undo releases it", async () => {
    const backend = withTeam({});
    const toasts: { text: string; run?: () => void }[] = [];
    renderWith(
      backend,
      <HandoffPane
        id={1}
        onClose={vi.fn()}
        resolveOpen={false}
        onResolveOpenChange={() => {}}
        onToast={(text, action) => toasts.push({ text, run: action?.run })}
      />,
    );
    fireEvent.click(within(await card()).getByTestId("team-claim"));
    await waitFor(() => expect(toasts.map((t) => t.text)).toContain("Claimed: teammates see you have it."));
    toasts.find((t) => t.text.startsWith("Claimed"))?.run?.();
    await waitFor(() => expect(backend.releaseHandoff).toHaveBeenCalledWith(1));
  });
});
