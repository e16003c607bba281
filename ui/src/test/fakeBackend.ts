import { vi } from "vitest";
import type { GapChecklist, HandoffView, Insights, Inbox, InboxQuery, InboxRow, ReplyDraft, WorkspaceSummary } from "../bindings";
import type { Backend, HandoffsChanged, Notice } from "../ipc";

export const NOW = Date.parse("2025-03-10T12:00:00Z");

export function makeRow(id: number, over: Partial<InboxRow> = {}): InboxRow {
  return {
    id,
    workspace: "acme",
    workspaceName: "Acme",
    visitorName: `Visitor ${id}`,
    visitorEmail: `v${id}@example.com`,
    reason: "knowledge_gap",
    reasonDetail: "I don't know the answer to that",
    pageUrl: "https://acme.test/pricing",
    pageTitle: "Pricing",
    question: `Question ${id}?`,
    receivedAt: new Date(NOW - id * 60_000).toISOString(),
    afterHours: false,
    status: "new",
    dueAt: null,
    promiseState: null,
    flagged: false,
    ...over,
  };
}

export function makeView(row: InboxRow, over: Partial<HandoffView> = {}): HandoffView {
  return {
    row,
    timeZone: "Europe/Berlin",
    visitorPhone: "+49 30 1234567",
    bot: "Acme helper",
    reasonInferred: false,
    confidence: null,
    promiseText: null,
    clockFrom: null,
    metAt: null,
    metBy: null,
    transcript: [
      { author: "visitor", name: null, text: "Hi, how much is the pro plan?", at: row.receivedAt },
      { author: "bot", name: "Acme helper", text: "Let me get a person for you.", at: row.receivedAt },
      { author: "system", name: null, text: "Handed off", at: null },
      { author: "agent", name: "Sam", text: "Hello!", at: null },
    ],
    timeline: [],
    followUps: [],
    resolution: null,
    replies: [],
    parseNotes: [],
    ...over,
  };
}

export const WORKSPACES: WorkspaceSummary[] = [
  { slug: "acme", name: "Acme", timeZone: "Europe/Berlin", handoffs: 10, open: 3, overdue: 1 },
  { slug: "globex", name: "Globex", timeZone: "America/New_York", handoffs: 4, open: 2, overdue: 0 },
];

/** An in-memory Backend whose methods are spies; events can be fired by the test. */
export class FakeBackend implements Backend {
  rows: InboxRow[];
  workspaces: WorkspaceSummary[];
  views = new Map<number, HandoffView>();
  private changed = new Set<(p: HandoffsChanged) => void>();
  private notices = new Set<(p: Notice) => void>();

  constructor(rows: InboxRow[] = [makeRow(1), makeRow(2), makeRow(3)], workspaces: WorkspaceSummary[] = WORKSPACES) {
    this.rows = rows;
    this.workspaces = workspaces;
  }

  viewOf(id: number): HandoffView {
    const known = this.views.get(id);
    if (known) return known;
    const row = this.rows.find((r) => r.id === id) ?? makeRow(id);
    return makeView(row);
  }

  listWorkspaces = vi.fn(async (): Promise<WorkspaceSummary[]> => this.workspaces);
  inbox = vi.fn(async (_query: InboxQuery): Promise<Inbox> => ({ rows: this.rows, total: this.rows.length }));
  handoff = vi.fn(async (id: number): Promise<HandoffView> => this.viewOf(id));
  resolve = vi.fn(async (id: number, why: HandoffView["resolution"] & string): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const next = { ...view, row: { ...view.row, status: "resolved" as const }, resolution: why };
    this.views.set(id, next);
    return next;
  });
  contacted = vi.fn(async (id: number, _by: "phone" | "email" | "other"): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const next = { ...view, row: { ...view.row, status: "replied" as const } };
    this.views.set(id, next);
    return next;
  });
  snooze = vi.fn(async (id: number, _hours: number): Promise<HandoffView> => this.viewOf(id));
  replyDraft = vi.fn(
    async (id: number): Promise<ReplyDraft> => ({
      to: this.viewOf(id).row.visitorEmail,
      from: "help@acme.test",
      subject: "Re: your question",
      body: "Hi,\n\n> Question?\n\n[Write your answer here]\n\nAcme",
      marker: "[Write your answer here]",
      problem: null,
    }),
  );
  sendReply = vi.fn(async (id: number, subject: string, _body: string): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const to = view.row.visitorEmail ?? "";
    const reply = { to, subject, kind: "reply", state: "queued", queuedAt: new Date(NOW).toISOString(), sentAt: null, error: null };
    const next = { ...view, replies: [...view.replies, reply] };
    this.views.set(id, next);
    return next;
  });

  gapChecklist = vi.fn(
    async (workspace: string, month: string): Promise<GapChecklist> => ({
      workspace,
      workspaceName: workspace,
      month,
      method: "embeddings",
      fallbackReason: null,
      questions: 0,
      items: [],
    }),
  );
  gapCheck = vi.fn(async (workspace: string, month: string, _rank: number, _note: string | null) =>
    this.gapChecklist(workspace, month),
  );
  gapUncheck = vi.fn(async (workspace: string, month: string, _rank: number) => this.gapChecklist(workspace, month));
  gapMarkdown = vi.fn(async (_workspace: string, _month: string): Promise<string> => "# Content gaps\n");

  insights = vi.fn(
    async (workspace: string, _month: string): Promise<Insights> => ({ workspace, workspaceName: workspace, months: [] }),
  );

  uiReady = vi.fn(async (): Promise<void> => {});

  onHandoffsChanged = vi.fn(async (handler: (p: HandoffsChanged) => void) => {
    this.changed.add(handler);
    return () => void this.changed.delete(handler);
  });
  onNotice = vi.fn(async (handler: (p: Notice) => void) => {
    this.notices.add(handler);
    return () => void this.notices.delete(handler);
  });

  emitChanged(ids: number[]) {
    this.changed.forEach((h) => h({ ids }));
  }

  emitNotice(text: string) {
    this.notices.forEach((h) => h({ text }));
  }
}
