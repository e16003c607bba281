import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Backend } from "../../ipc";
import { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { ReparseBanner } from "./ReparseBanner";

const offer = (older: number) => ({ flagged: older + 1, older, storedBy: null, current: "0.2.0" });

describe("ReparseBanner", () => {
  it("offers a re-read when an older version left records unread, and runs it", async () => {
    const backend: Backend = new FakeBackend();
    const reparse = vi.fn(async () => ({
      seen: 4,
      ok: 2,
      partial: 1,
      raw: 1,
      improved: 3,
      summary: "4 re-read: 2 now ok, 1 partial, 1 still raw (3 improved)",
    }));
    backend.reparseOffer = vi.fn(async () => offer(3));
    backend.reparse = reparse;
    const onDone = vi.fn();
    renderWith(backend, <ReparseBanner onDone={onDone} />);

    const banner = await screen.findByTestId("reparse-banner");
    expect(banner.textContent).toContain("3 handoffs stored by an earlier version were not fully read");
    expect(banner.textContent).toContain("Version 0.2.0");
    fireEvent.click(screen.getByRole("button", { name: "Read again" }));

    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(reparse).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("reparse-banner").textContent).toContain("2 now ok, 1 partial, 1 still raw");
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("reparse-banner")).toBeNull();
  });

  it("shows nothing when this version stored every flagged record", async () => {
    const backend: Backend = new FakeBackend();
    const reparseOffer = vi.fn(async () => offer(0));
    backend.reparseOffer = reparseOffer;
    backend.reparse = vi.fn();
    renderWith(backend, <ReparseBanner onDone={() => {}} />);
    await waitFor(() => expect(reparseOffer).toHaveBeenCalled());
    expect(screen.queryByTestId("reparse-banner")).toBeNull();
  });

  it("says why a re-read failed and keeps the button", async () => {
    const backend: Backend = new FakeBackend();
    backend.reparseOffer = vi.fn(async () => offer(1));
    backend.reparse = vi.fn(async () => {
      throw { code: "database", message: "The database is busy; try again." };
    });
    renderWith(backend, <ReparseBanner onDone={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "Read again" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The database is busy; try again.");
    expect(screen.getByRole("button", { name: "Read again" })).toBeTruthy();
  });
});
