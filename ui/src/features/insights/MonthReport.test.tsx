import { QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { MonthReportView } from "../../bindings";
import { BackendProvider } from "../../ipc";
import { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { MonthReportPage, Progress } from "./MonthReport";

const REPORT: MonthReportView = {
  workspace: "acme",
  workspaceName: "Acme & Sons",
  month: "2025-02",
  previousMonth: "2025-01",
  conversations: null,
  conversationsSource: null,
  chatwootAddress: null,
  intercomRegion: null,
  intercomEveryConversation: false,
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

describe("the count read from Chatwoot", () => {
  it("sends the inbox's address and token once, then reads with the kept ones", async () => {
    const backend = new FakeBackend();
    const readChatwootConversations = vi.fn(async () => 412);
    Object.assign(backend, { readChatwootConversations });
    const view = renderWith(backend, <Progress report={REPORT} />);
    fireEvent.click(screen.getByTestId("chatwoot-open"));
    fireEvent.change(screen.getByTestId("chatwoot-address"), {
      target: { value: " https://app.chatwoot.com/app/accounts/3/inbox/7 " },
    });
    fireEvent.change(screen.getByTestId("chatwoot-token"), { target: { value: "tok-1" } });
    fireEvent.click(screen.getByTestId("chatwoot-read"));
    await waitFor(() =>
      expect(readChatwootConversations).toHaveBeenCalledWith(
        "acme",
        "2025-02",
        "https://app.chatwoot.com/app/accounts/3/inbox/7",
        "tok-1",
      ),
    );
    expect((await screen.findByTestId("chatwoot-done")).textContent).toContain("412");
    view.unmount();

    const kept = { ...REPORT, conversations: 412, conversationsSource: "chatwoot", chatwootAddress: "https://c.test/app/accounts/3/inbox/7" };
    renderWith(backend, <Progress report={kept} />);
    expect(screen.getByTestId("conversations-source").textContent).toContain("Chatwoot");
    fireEvent.click(screen.getByTestId("chatwoot-read-again"));
    await waitFor(() => expect(readChatwootConversations).toHaveBeenLastCalledWith("acme", "2025-02", null, null));
  });

  it("shows a count read from Chatwoot in the typed-in field", () => {
    const backend = new FakeBackend();
    const view = renderWith(backend, <Progress report={REPORT} />);
    expect((screen.getByTestId("conversations-input") as HTMLInputElement).value).toBe("");
    const read = { ...REPORT, conversations: 412, conversationsSource: "chatwoot" };
    view.rerender(
      <BackendProvider backend={backend}>
        <QueryClientProvider client={view.client}>
          <Progress report={read} />
        </QueryClientProvider>
      </BackendProvider>,
    );
    expect((screen.getByTestId("conversations-input") as HTMLInputElement).value).toBe("412");
  });

  it("says what Chatwoot refused", async () => {
    const backend = new FakeBackend();
    const readChatwootConversations = vi.fn(async () => {
      throw { code: "connection", message: "Chatwoot refused the access token (Invalid Access Token)." };
    });
    Object.assign(backend, { readChatwootConversations });
    renderWith(backend, <Progress report={REPORT} />);
    fireEvent.click(screen.getByTestId("chatwoot-open"));
    fireEvent.change(screen.getByTestId("chatwoot-address"), { target: { value: "https://c.test/app/accounts/3" } });
    fireEvent.click(screen.getByTestId("chatwoot-read"));
    expect((await screen.findByRole("alert")).textContent).toContain("Invalid Access Token");
  });
});

describe("the count read from Intercom", () => {
  it("asks in the chosen region for every conversation, then reads with the kept choices", async () => {
    const backend = new FakeBackend();
    const readIntercomConversations = vi.fn(async () => 1204);
    Object.assign(backend, { readIntercomConversations });
    const view = renderWith(backend, <Progress report={REPORT} />);
    fireEvent.click(screen.getByTestId("intercom-open"));
    fireEvent.change(screen.getByTestId("intercom-region"), { target: { value: "eu" } });
    fireEvent.click(screen.getByTestId("intercom-every"));
    fireEvent.change(screen.getByTestId("intercom-token"), { target: { value: " ic-tok " } });
    fireEvent.click(screen.getByTestId("intercom-read"));
    await waitFor(() => expect(readIntercomConversations).toHaveBeenCalledWith("acme", "2025-02", "eu", true, "ic-tok"));
    expect((await screen.findByTestId("intercom-done")).textContent).toBe("Intercom counts 1204 conversations in 2025-02.");
    expect(screen.queryByTestId("intercom-token")).toBeNull();
    view.unmount();

    const kept = { ...REPORT, conversations: 287, conversationsSource: "intercom", intercomRegion: "https://proxy.acme.test" };
    renderWith(backend, <Progress report={kept} />);
    expect(screen.getByTestId("conversations-source").textContent).toBe("This month's count was read from Intercom.");
    fireEvent.click(screen.getByTestId("intercom-read-again"));
    await waitFor(() => expect(readIntercomConversations).toHaveBeenLastCalledWith("acme", "2025-02", null, null, null));
    expect((await screen.findByTestId("intercom-done")).textContent).toContain("conversations Fin took part in");
  });

  it("keeps a region given as an address among the choices, and says what Intercom refused", async () => {
    const backend = new FakeBackend();
    const readIntercomConversations = vi.fn(async () => {
      throw { code: "connection", message: "Intercom refused the access token (Access Token Invalid, unauthorized)." };
    });
    Object.assign(backend, { readIntercomConversations });
    const kept = { ...REPORT, intercomRegion: "https://proxy.acme.test" };
    renderWith(backend, <Progress report={kept} />);
    fireEvent.click(screen.getByText("Change the region, count or token"));
    const region = screen.getByTestId("intercom-region") as HTMLSelectElement;
    expect(region.value).toBe("https://proxy.acme.test");
    expect(Array.from(region.options).map((o) => o.value)).toEqual(["us", "eu", "au", "https://proxy.acme.test"]);
    fireEvent.click(screen.getByTestId("intercom-read"));
    expect((await screen.findByRole("alert")).textContent).toContain("Access Token Invalid");
    expect(readIntercomConversations).toHaveBeenCalledWith("acme", "2025-02", "https://proxy.acme.test", false, null);
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
