import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AppError } from "../../ipc";
import { FakeBackend, makeSettings } from "../../test/fakeBackend";
import { input, ready, renderSettings } from "./testing";

describe("business hours in the window", () => {
  it("draws the week with a night shift spilling into the next day, and the open line", async () => {
    const backend = new FakeBackend();
    const base = makeSettings("acme");
    const stretch = (from: number, to: number, spill = false) => ({ from, to, spill });
    base.week = {
      ...base.week,
      days: base.week.days.map((d, i) =>
        i === 4 ? { ...d, stretches: [stretch(540, 1020), stretch(1320, 1440)] } : i === 5 ? { ...d, stretches: [stretch(0, 360, true)] } : d,
      ),
      state: "open until 06:00",
    };
    backend.settingsBySlug.set("acme", base);
    renderSettings(backend);
    await ready();
    expect(screen.getByTestId("week-state").textContent).toBe("Now: open until 06:00");
    const bars = within(screen.getByTestId("week-strip")).getAllByTestId("week-stretch");
    expect(bars.map((b) => b.getAttribute("aria-label"))).toContain("Friday 22:00–24:00");
    const spill = bars.find((b) => b.getAttribute("aria-label")?.startsWith("Saturday"));
    expect(spill?.getAttribute("aria-label")).toBe("Saturday 00:00–06:00 (night shift from the day before)");
    expect(spill?.className).toContain("week-spill");
    expect(spill?.style.width).toBe("25%");
  });

  it("tries a promise on the hours as edited and shows due, reminder and reading", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    fireEvent.change(input("ws-hours-4"), { target: { value: "09:00-17:00, 22:00-06:00" } });
    fireEvent.change(input("try-text"), { target: { value: "within one business day" } });
    fireEvent.change(input("try-received"), { target: { value: "2026-11-20T17:00" } });
    fireEvent.click(screen.getByTestId("try-run"));
    await waitFor(() => expect(screen.getByTestId("try-due").textContent).toBe("Mon 23 Nov 17:00 CET"));
    expect(screen.getByTestId("try-reminder").textContent).toBe("Mon 23 Nov 16:30 CET");
    expect(screen.getByTestId("try-understood").textContent).toBe("1 business day");
    expect(screen.getByTestId("try-answer").textContent).toContain("(after hours)");
    const call = backend.tryPromise.mock.calls[0];
    expect(call?.[0].hours[4]).toBe("09:00-17:00, 22:00-06:00");
    expect(call?.[1]).toEqual({ text: "within one business day", received: "2026-11-20T17:00" });
    expect(backend.saveWorkspace).not.toHaveBeenCalled();
  });

  it("says when nothing is due, and shows the server's word on bad hours", async () => {
    const backend = new FakeBackend();
    renderSettings(backend);
    await ready();
    fireEvent.change(input("try-text"), { target: { value: "soon" } });
    fireEvent.click(screen.getByTestId("try-run"));
    await waitFor(() => expect(screen.getByTestId("try-due").textContent).toBe("never: no time named"));
    expect(screen.getByTestId("try-reminder").textContent).toBe("none");

    backend.tryPromise.mockRejectedValueOnce(
      new AppError("invalid_input", "Friday's night shift 22:00-06:00 runs into Saturday's shift 05:00-12:00."),
    );
    fireEvent.click(screen.getByTestId("try-run"));
    await waitFor(() => expect(screen.getByTestId("try-status").textContent).toContain("runs into Saturday"));
  });
});
