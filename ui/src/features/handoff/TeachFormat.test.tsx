import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { OriginalView } from "../../bindings/OriginalView";
import type { TeachPreview } from "../../bindings/TeachPreview";
import type { TeachSelection } from "../../bindings/TeachSelection";
import { FakeBackend, makeRow } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { HandoffPane } from "./HandoffPane";

const ORIGINAL: OriginalView = {
  id: 1,
  from: "bot@acme.test",
  subject: "AcmeBot flagged a conversation",
  text: 'Who: Dana Reyes\nReach at: dana@example.com\n<img src=x onerror="window.__pwned=1">\n~~ chat log ~~\nDana » Hi',
  notTeachable: null,
};

const PREVIEW: TeachPreview = {
  parseStatus: "ok",
  fields: [
    ["visitor name", "Dana Reyes"],
    ["visitor email", "dana@example.com"],
    ["visitor phone", null],
  ],
  transcriptMessages: 1,
  transcriptEnds: ["Dana: Hi"],
};

class TeachingBackend extends FakeBackend {
  original = vi.fn(async (_id: number) => ORIGINAL);
  templatePreview = vi.fn(async (_id: number, _s: TeachSelection[]) => PREVIEW);
  templateSave = vi.fn(async (_id: number, _s: TeachSelection[]) => "Saved the format of bot@acme.test. 1 re-read: 1 now ok");
}

function renderPane(backend: FakeBackend) {
  renderWith(backend, <HandoffPane id={1} onClose={vi.fn()} resolveOpen={false} onResolveOpenChange={() => {}} />);
}

describe("teaching a format from the handoff pane", () => {
  it("is offered only for a record not fully read", async () => {
    const backend = new TeachingBackend([makeRow(1, { flagged: false })]);
    renderPane(backend);
    await screen.findByTestId("handoff-view");
    expect(screen.queryByTestId("teach-open")).toBeNull();
  });

  it("shows the original as text and teaches with the keyboard alone", async () => {
    const backend = new TeachingBackend([makeRow(1, { flagged: true })]);
    renderPane(backend);
    fireEvent.click(await screen.findByTestId("teach-open"));
    const original = await screen.findByTestId("teach-original");
    // Markup in the original is text: no element is made from it.
    expect(original.textContent).toContain('<img src=x onerror="window.__pwned=1">');
    expect(original.querySelector("img")).toBeNull();
    // The field picker has the focus; type a value, Enter adds it and moves to the next field.
    const field = screen.getByTestId("teach-field") as HTMLSelectElement;
    await waitFor(() => expect(document.activeElement).toBe(field));
    const value = screen.getByTestId("teach-value");
    fireEvent.change(value, { target: { value: "Dana Reyes" } });
    fireEvent.keyDown(value, { key: "Enter" });
    expect(field.value).toBe("visitor_email");
    fireEvent.change(value, { target: { value: "dana@example.com" } });
    fireEvent.keyDown(value, { key: "Enter" });
    expect(screen.getAllByTestId("teach-chosen").map((li) => li.dataset.field)).toEqual(["visitor_name", "visitor_email"]);
    // Nothing is saved before the preview shows what the template reads.
    expect((screen.getByTestId("teach-save") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("teach-preview"));
    const result = await screen.findByTestId("teach-preview-result");
    expect(within(result).getByTestId("teach-read-visitor-email").textContent).toBe("dana@example.com");
    expect(backend.templatePreview).toHaveBeenCalledWith(1, [
      { field: "visitor_name", text: "Dana Reyes" },
      { field: "visitor_email", text: "dana@example.com" },
    ]);
    fireEvent.click(screen.getByTestId("teach-save"));
    expect((await screen.findByTestId("teach-done")).textContent).toContain("1 now ok");
    expect(backend.templateSave).toHaveBeenCalledTimes(1);
  });

  it("says why a preview failed", async () => {
    const backend = new TeachingBackend([makeRow(1, { flagged: true })]);
    backend.templatePreview.mockRejectedValueOnce({
      code: "invalid_input",
      message: "\"x\" (the visitor email) is not in this email's text as shown; select it again in the original",
    });
    renderPane(backend);
    fireEvent.click(await screen.findByTestId("teach-open"));
    await screen.findByTestId("teach-original");
    fireEvent.change(screen.getByTestId("teach-value"), { target: { value: "x" } });
    fireEvent.click(screen.getByTestId("teach-add"));
    fireEvent.click(screen.getByTestId("teach-preview"));
    expect((await screen.findByRole("alert")).textContent).toContain("select it again in the original");
  });
});
