import { vi } from "vitest";
import type {
  GapChecklist,
  HandoffView,
  HubspotForm,
  Insights,
  Inbox,
  InboxQuery,
  InboxRow,
  PromiseAnswer,
  PromiseTry,
  ReplyDraft,
  SettingsView,
  SmtpForm,
  SourceForm,
  WorkspaceForm,
  WeekView,
  WorkspaceSummary,
} from "../bindings";
import type { TeamForm } from "../bindings/TeamForm";
import type { MailboxFound } from "../bindings/MailboxFound";
import type { SignInFor } from "../bindings/SignInFor";
import type { SignInStarted } from "../bindings/SignInStarted";
import type { TeamView } from "../bindings/TeamView";
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
    claimedBy: null,
    claimedByMe: false,
    answeredBy: null,
    ...over,
  };
}

/** Team mode off, nobody has it: what a handoff's team view says by default. */
export const TEAM_OFF: TeamView = { enabled: false, me: null, claim: null, answers: [], warning: null };

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
    hubspot: { state: "off", message: null, contactId: null, pushedAt: null },
    team: TEAM_OFF,
    snoozedUntil: null,
    ...over,
  };
}

const DAY = "09:00-17:00";

export function makeSettings(slug = "acme", over: Partial<SettingsView> = {}): SettingsView {
  const workspace: WorkspaceForm = {
    slug,
    name: slug === "acme" ? "Acme" : slug,
    timeZone: "Europe/Berlin",
    hours: [DAY, DAY, DAY, DAY, DAY, "", ""],
    holidays: ["2025-12-25"],
    defaultPromise: "within 4 business hours",
    backupContact: "",
    client: "",
    reminderBeforeMinutes: 30,
    backupBeforeMinutes: 15,
    backupEmail: true,
    secondAttemptAfterDays: 2,
    replyTemplate: { subject: "Re: your question{on_page}", body: "Hi {first_name},\n\n[Write your answer here]\n", custom: false },
    secondTemplate: { subject: "Following up", body: "Hi {first_name},\n", custom: false },
  };
  const team: TeamForm = { enabled: false, name: "", email: "", staleAfterMinutes: 120, sentFolder: "" };
  const open = (from: number, to: number, spill = false) => ({ from, to, spill });
  const week: WeekView = {
    days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].map((day, i) => ({
      day,
      stretches: i < 5 ? [open(540, 1020)] : [],
    })),
    state: "closed, opens Mon 09:00",
    nextOpening: "2025-11-24T08:00:00Z",
  };
  return { workspace, sources: [], smtp: null, hubspot: null, keychainProblem: null, team, week, ...over };
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
  inbox = vi.fn(
    async (query: InboxQuery): Promise<Inbox> => ({
      rows: this.rows.slice(query.offset, query.offset + query.limit),
      total: this.rows.length,
    }),
  );
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
  snooze = vi.fn(async (id: number, _hours: number): Promise<HandoffView> => {
    const next = { ...this.viewOf(id), snoozedUntil: new Date(NOW + 3 * 3_600_000).toISOString() };
    this.views.set(id, next);
    return next;
  });
  unsnooze = vi.fn(async (id: number): Promise<HandoffView> => {
    const next = { ...this.viewOf(id), snoozedUntil: null };
    this.views.set(id, next);
    return next;
  });
  undoContacted = vi.fn(async (id: number): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const next = { ...view, row: { ...view.row, status: "awaiting_reply" as const } };
    this.views.set(id, next);
    return next;
  });
  reopen = vi.fn(async (id: number): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const next = { ...view, row: { ...view.row, status: "awaiting_reply" as const }, resolution: null };
    this.views.set(id, next);
    return next;
  });
  openLink = vi.fn(async (_url: string): Promise<void> => {});
  loadDemo = vi.fn(async (): Promise<string> => "Demo ready: 360 handoffs in 3 workspaces.");
  replyDraft = vi.fn(
    async (id: number): Promise<ReplyDraft> => ({
      to: this.viewOf(id).row.visitorEmail,
      from: "help@acme.test",
      subject: "Re: your question",
      body: "Hi,\n\n> Question?\n\n[Write your answer here]\n\nAcme",
      marker: "[Write your answer here]",
      problem: null,
      problemFix: null,
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

  pushToHubspot = vi.fn(async (id: number): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const next = { ...view, hubspot: { state: "queued", message: null, contactId: null, pushedAt: null } };
    this.views.set(id, next);
    return next;
  });

  /** Settings per workspace slug; the methods below update them as the real shell would. */
  settingsBySlug = new Map<string, SettingsView>();
  private nextSourceId = 1;

  settingsOf(slug: string): SettingsView {
    const known = this.settingsBySlug.get(slug);
    if (known) return known;
    const made = makeSettings(slug);
    this.settingsBySlug.set(slug, made);
    return made;
  }

  private update(slug: string, change: (s: SettingsView) => SettingsView): SettingsView {
    const next = change(this.settingsOf(slug));
    this.settingsBySlug.set(slug, next);
    return next;
  }

  private slugOfSource(id: number): string {
    for (const [slug, s] of this.settingsBySlug) if (s.sources.some((x) => x.id === id)) return slug;
    throw { code: "not_found", message: `no source #${id}` };
  }

  settings = vi.fn(async (workspace: string): Promise<SettingsView> => this.settingsOf(workspace));
  saveWorkspace = vi.fn(async (form: WorkspaceForm): Promise<SettingsView> =>
    this.update(form.slug, (s) => ({ ...s, workspace: form })),
  );
  /** Answers "Try a promise" with a fixed answer; tests override it or read its calls. */
  tryPromise = vi.fn(
    async (_form: WorkspaceForm, attempt: PromiseTry): Promise<PromiseAnswer> => ({
      understoodAs: attempt.text === "soon" ? "no time named, and no default given" : "1 business day",
      afterHours: true,
      receivedLocal: "Fri 20 Nov 17:00 CET",
      clockFromLocal: "Mon 23 Nov 09:00 CET",
      dueAt: attempt.text === "soon" ? null : "2026-11-23T16:00:00Z",
      dueLocal: attempt.text === "soon" ? null : "Mon 23 Nov 17:00 CET",
      reminderAt: attempt.text === "soon" ? null : "2026-11-23T15:30:00Z",
      reminderLocal: attempt.text === "soon" ? null : "Mon 23 Nov 16:30 CET",
    }),
  );
  createWorkspace = vi.fn(async (slug: string, name: string, timeZone: string): Promise<WorkspaceSummary> => {
    const summary = { slug, name, timeZone, handoffs: 0, open: 0, overdue: 0 };
    this.workspaces = [...this.workspaces, summary];
    return summary;
  });
  addSource = vi.fn(async (workspace: string, form: SourceForm, _secret: string): Promise<SettingsView> =>
    this.update(workspace, (s) => ({
      ...s,
      sources: [
        ...s.sources,
        {
          id: this.nextSourceId++,
          name: form.name,
          kind: form.kind,
          describe: form.kind === "imap" ? `${form.user} at ${form.host}:${form.port}` : form.url,
          enabled: true,
          lastSuccessAt: null,
          lastErrorAt: null,
          lastError: null,
          gapNotices: [],
          signIn: null,
          account: "",
        },
      ],
    })),
  );
  testSource = vi.fn(async (id: number): Promise<string> => `source #${id} answered: the login works.`);
  setSourceSecret = vi.fn(async (id: number, _secret: string): Promise<SettingsView> =>
    this.settingsOf(this.slugOfSource(id)),
  );
  setSourceEnabled = vi.fn(async (id: number, enabled: boolean): Promise<SettingsView> =>
    this.update(this.slugOfSource(id), (s) => ({
      ...s,
      sources: s.sources.map((x) => (x.id === id ? { ...x, enabled } : x)),
    })),
  );
  acknowledgeSourceGaps = vi.fn(async (id: number): Promise<SettingsView> =>
    this.update(this.slugOfSource(id), (s) => ({
      ...s,
      sources: s.sources.map((x) => (x.id === id ? { ...x, gapNotices: [] } : x)),
    })),
  );
  removeSource = vi.fn(async (id: number): Promise<SettingsView> =>
    this.update(this.slugOfSource(id), (s) => ({ ...s, sources: s.sources.filter((x) => x.id !== id) })),
  );
  saveSmtp = vi.fn(async (workspace: string, form: SmtpForm, _password: string | null): Promise<SettingsView> =>
    this.update(workspace, (s) => ({ ...s, smtp: form })),
  );
  testSmtp = vi.fn(async (_workspace: string): Promise<string> => "smtp.acme.test:587 accepts the login.");
  discoverMailbox = vi.fn(
    async (address: string): Promise<MailboxFound> => ({
      provider: "Gmail",
      host: "imap.gmail.com",
      port: 993,
      tls: "implicit",
      signIn: address.endsWith("@gmail.com") ? "google" : null,
      smtpHost: "smtp.gmail.com",
      smtpPort: 465,
      smtpTls: "implicit",
      note: null,
      source: "the app's built-in settings",
    }),
  );
  beginSignIn = vi.fn(
    async (_provider: string, _address: string): Promise<SignInStarted> => ({
      id: 1,
      url: "https://accounts.example.test/authorize?client_id=x",
      browserProblem: null,
    }),
  );
  cancelSignIn = vi.fn(async (_id: number): Promise<void> => undefined);
  /** Resolves when the test calls `signInAnswer` (the browser's step). */
  finishSignIn = vi.fn(
    (_id: number, target: SignInFor): Promise<SettingsView> =>
      new Promise((resolve, reject) => {
        this.signInAnswer = (ok: boolean) => {
          if (!ok) {
            reject({ code: "sign_in_again", message: "you did not allow Handoff Desk to use the mailbox." });
            return;
          }
          if (target.kind === "newSource") {
            resolve(
              this.update(target.workspace, (s) => ({
                ...s,
                sources: [
                  ...s.sources,
                  {
                    id: this.nextSourceId++,
                    name: target.form.name,
                    kind: "imap",
                    describe: `${target.form.user} at ${target.form.host}:${target.form.port}`,
                    enabled: true,
                    lastSuccessAt: null,
                    lastErrorAt: null,
                    lastError: null,
                    gapNotices: [],
                    signIn: "google",
                    account: target.form.user,
                  },
                ],
              })),
            );
          } else if (target.kind === "smtp") {
            resolve(this.update(target.workspace, (s) => ({ ...s, smtp: { ...target.form, oauth: "google" } })));
          } else {
            resolve(this.settingsOf(this.slugOfSource(target.id)));
          }
        };
      }),
  );
  signInAnswer: (ok: boolean) => void = () => undefined;
  connectHubspot = vi.fn(async (workspace: string, form: HubspotForm, _token: string | null): Promise<SettingsView> =>
    this.update(workspace, (s) => ({
      ...s,
      hubspot: { form, stopped: null, connectedAt: new Date(NOW).toISOString(), counts: [], unpushed: 0 },
    })),
  );
  disconnectHubspot = vi.fn(async (workspace: string): Promise<SettingsView> =>
    this.update(workspace, (s) => ({ ...s, hubspot: null })),
  );
  pushAllPending = vi.fn(async (workspace: string): Promise<SettingsView> => this.settingsOf(workspace));

  /** Claims as the real shell makes them: ours, shared at once, refused when a teammate has it. */
  claimHandoff = vi.fn(async (id: number): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const held = view.team.claim;
    if (held && !held.mine) throw { code: "invalid_input", message: `${held.by} <${held.email}> has claimed this handoff.` };
    const me = view.team.me ?? "You";
    const claim = { by: me, email: "me@acme.test", at: new Date(NOW).toISOString(), mine: true, pending: false, note: null, stale: false };
    const next = {
      ...view,
      row: { ...view.row, claimedBy: me, claimedByMe: true },
      team: { ...view.team, claim, warning: null },
    };
    this.views.set(id, next);
    return next;
  });
  releaseHandoff = vi.fn(async (id: number): Promise<HandoffView> => {
    const view = this.viewOf(id);
    const next = { ...view, row: { ...view.row, claimedBy: null, claimedByMe: false }, team: { ...view.team, claim: null } };
    this.views.set(id, next);
    return next;
  });
  saveTeam = vi.fn(async (workspace: string, form: TeamForm): Promise<SettingsView> =>
    this.update(workspace, (s) => ({ ...s, team: form })),
  );

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
