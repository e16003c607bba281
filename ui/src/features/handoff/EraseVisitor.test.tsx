import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ErasePlanView } from "../../bindings/ErasePlanView";
import { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { HandoffPane } from "./HandoffPane";

const PLAN: ErasePlanView = {
  who: "every handoff from dana@example.com",
  handoffs: ["#1 · acme · 2025-03-10 · Do you ship to Norway?", "#7 · acme · 2025-03-12 · And to Sweden?"],
  rows: ["9 transcript lines", "2 raw originals (the email or webhook as received)", "1 emails written to them"],
  stays: ["Backups made before now still hold them until they are rotated out."],
};

class ErasingBackend extends FakeBackend {
  erasePlan = vi.fn(async (_id: number) => PLAN);
  forgetVisitor = vi.fn(async (_id: number) => "Erased 2 handoff(s) and everything that named them.");
}

function renderPane(backend: FakeBackend, onErased = vi.fn()) {
  renderWith(
    backend,
    <HandoffPane id={1} onClose={vi.fn()} resolveOpen={false} onResolveOpenChange={() => {}} onErased={onErased} />,
  );
  return onErased;
}

describe("erasing a visitor from the visitor card", () => {
  it("lists what will go before anything goes, then erases and says so", async () => {
    const backend = new ErasingBackend();
    const onErased = renderPane(backend);
    fireEvent.click(await screen.findByRole("button", { name: "Erase visitor…" }));
    const dialog = await screen.findByTestId("erase-confirm");
    await within(dialog).findByText("This erases every handoff from dana@example.com:");
    expect(within(dialog).getByTestId("erase-handoffs").querySelectorAll("li")).toHaveLength(2);
    expect(within(dialog).getByTestId("erase-rows").textContent).toContain("9 transcript lines");
    expect(dialog.textContent).toContain("Backups made before now");
    expect(backend.forgetVisitor).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole("button", { name: "Erase for good" }));
    await waitFor(() => expect(onErased).toHaveBeenCalledWith("Erased 2 handoff(s) and everything that named them."));
    expect(backend.forgetVisitor).toHaveBeenCalledWith(1);
  });

  it("erases nothing when cancelled", async () => {
    const backend = new ErasingBackend();
    renderPane(backend);
    fireEvent.click(await screen.findByRole("button", { name: "Erase visitor…" }));
    const dialog = await screen.findByTestId("erase-confirm");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("erase-confirm")).toBeNull();
    expect(backend.forgetVisitor).not.toHaveBeenCalled();
  });

  it("shows the backend's refusal in its own words", async () => {
    const backend = new ErasingBackend();
    backend.forgetVisitor.mockRejectedValueOnce({ code: "database", message: "database is locked: try again" });
    const onErased = renderPane(backend);
    fireEvent.click(await screen.findByRole("button", { name: "Erase visitor…" }));
    const dialog = await screen.findByTestId("erase-confirm");
    await within(dialog).findByTestId("erase-rows");
    fireEvent.click(within(dialog).getByRole("button", { name: "Erase for good" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("database is locked");
    expect(onErased).not.toHaveBeenCalled();
  });

  it("is not offered by a backend without erasure", async () => {
    renderPane(new FakeBackend());
    await screen.findByTestId("handoff-view");
    expect(screen.queryByRole("button", { name: "Erase visitor…" })).toBeNull();
  });
});
