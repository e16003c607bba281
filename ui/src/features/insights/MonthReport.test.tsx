import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { MonthReportView } from "../../bindings";
import { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { MonthReportPage, Progress } from "./MonthReport";

const REPORT: MonthReportView = {
  workspace: "acme",
  workspaceName: "Acme & Sons",
  month: "2025-02",
  previousMonth: "2025-01",
  conversations: null,
  figures: [
    { label: "Escalation rate", this: "—", before: "—" },
    { label: "Fixable (content gaps, low confidence)", this: "3", before: "1" },
  ],
  reasons: [{ label: "Knowledge gap", count: 3, share: 0.75 }],
  gaps: [{ label: "Do you ship to Norway?", visitors: 2, state: "done", note: "added /shipping" }],
  advice: ["Your bot promises “within 4 business hours”."],
  suggestedWording: "Thanks! A person from our team will get back to you next business day.",
};

describe("the month beside the month before", () => {
  it("shows the figures and advice, and saves the bot's conversations typed in", async () => {
    const backend = new FakeBackend();
    const setConversations = vi.fn(async () => {});
    Object.assign(backend, { setConversations });
    renderWith(backend, <Progress report={REPORT} />);
    expect(screen.getByTestId("figure-row-escalation").textContent).toContain("—");
    expect(screen.getByTestId("promise-advice").textContent).toContain("within 4 business hours");
    fireEvent.change(screen.getByTestId("conversations-input"), { target: { value: "300" } });
    fireEvent.click(screen.getByTestId("conversations-save"));
    await waitFor(() => expect(setConversations).toHaveBeenCalledWith("acme", "2025-02", 300));
  });
});

describe("the report page", () => {
  it("prints the checklist with what was done and saves a PDF", async () => {
    const backend = new FakeBackend();
    const saveReportPdf = vi.fn(async () => "Saved the report as /home/u/Downloads/handoff-report-acme-2025-02.pdf");
    Object.assign(backend, { saveReportPdf });
    renderWith(backend, <MonthReportPage report={REPORT} />);
    expect(screen.getByTestId("month-report").textContent).toContain("Acme & Sons");
    expect(screen.getByTestId("report-gaps").textContent).toContain("Done: added /shipping");
    fireEvent.click(screen.getByTestId("report-save-pdf"));
    expect((await screen.findByTestId("report-saved")).textContent).toContain("handoff-report-acme-2025-02.pdf");
    expect(saveReportPdf).toHaveBeenCalledWith("acme", "2025-02");
  });
});
