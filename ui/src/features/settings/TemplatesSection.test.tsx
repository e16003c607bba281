import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { TemplateView } from "../../bindings/TemplateView";
import { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { TemplateMissNotices, TemplatesSection } from "./TemplatesSection";

const MISSING =
  "3 notifications from bot@acme.test no longer match the template taught on 2 Dec 2026: open one and teach the format again";

const ACME: TemplateView = {
  id: 4,
  sender: "bot@acme.test",
  name: "AcmeBot notification",
  taughtAt: "2026-12-02T10:00:00Z",
  fields: ["visitor name", "visitor email", "transcript"],
  misses: 3,
  missReport: MISSING,
};

class TemplatesBackend extends FakeBackend {
  templates = vi.fn(async () => [ACME]);
  templateRemove = vi.fn(async (_id: number) => [] as TemplateView[]);
  templateExport = vi.fn(async (_id: number) => '{"handoff_desk_template": 1, "sender": "bot@acme.test"}');
  templateImport = vi.fn(async (_json: string) => "Imported the format of bot@acme.test. 2 re-read: 2 now ok");
}

describe("Settings → Templates", () => {
  it("lists each format with what stopped matching, exports, imports and removes", async () => {
    const backend = new TemplatesBackend();
    renderWith(backend, <TemplatesSection />);
    expect((await screen.findByTestId("template-misses")).textContent).toBe(MISSING);
    fireEvent.click(screen.getByRole("button", { name: "Export" }));
    expect(((await screen.findByTestId("template-json")) as HTMLTextAreaElement).value).toContain("bot@acme.test");
    fireEvent.change(screen.getByTestId("template-import-json"), { target: { value: '{"x": 1}' } });
    fireEvent.click(screen.getByTestId("template-import"));
    expect((await screen.findByTestId("templates-status")).textContent).toContain("2 now ok");
    expect(backend.templateImport).toHaveBeenCalledWith('{"x": 1}');
    fireEvent.click(screen.getByTestId("template-remove"));
    await waitFor(() => expect(screen.queryByTestId("template-row")).toBeNull());
    expect(backend.templateRemove).toHaveBeenCalledWith(4);
  });

  it("reports a format that stopped matching under Sources too", async () => {
    renderWith(new TemplatesBackend(), <TemplateMissNotices />);
    expect((await screen.findByTestId("source-template-misses")).textContent).toContain(MISSING);
  });
});
