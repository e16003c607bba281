//! The command line's shape: every command, subcommand and option (clap).

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub(crate) use crate::args_connect::*;

#[derive(Parser)]
#[command(name = "handoff", version, about = "Handoff Desk: the inbox for your chatbot's handoffs to humans")]
pub(crate) struct Cli {
    /// The database file (default: the app's data directory).
    #[arg(long, global = true, env = "HANDOFF_DB")]
    pub(crate) db: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create the database and a first workspace.
    Init {
        /// Workspace short name.
        #[arg(long, default_value = "default")]
        workspace: String,
        /// Workspace display name.
        #[arg(long)]
        name: Option<String>,
        /// IANA time zone, e.g. Europe/Berlin.
        #[arg(long, default_value = "UTC")]
        tz: String,
    },
    /// Workspaces: one per client chatbot.
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Fill the database with three demo client workspaces and realistic handoffs.
    Demo {
        /// Handoffs per demo client.
        #[arg(long, default_value_t = 120)]
        per_client: usize,
        /// Months of history.
        #[arg(long, default_value_t = 5)]
        months: u32,
    },
    /// Import handoffs from files or folders (.eml, .mbox, .json, .ndjson).
    Import {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Workspace for handoffs that do not name one.
        #[arg(long, short)]
        workspace: Option<String>,
        /// Handoffs per transaction.
        #[arg(long, default_value_t = 500, hide = true)]
        batch: usize,
    },
    /// Read stored raw and partial records again with this version's readers (after an upgrade).
    /// The raw source is kept byte for byte; records already read as well or better are left alone.
    Reparse {
        /// Only records kept raw (not the partly read ones).
        #[arg(long)]
        flagged: bool,
        /// Only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
        /// Say what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List handoffs, newest first.
    List {
        #[command(flatten)]
        filter: ListArgs,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Show one handoff: visitor, page, reason, transcript, timeline.
    Show {
        /// Handoff id (from `handoff list`).
        id: i64,
        /// As JSON.
        #[arg(long)]
        json: bool,
        /// Print the raw source exactly as received.
        #[arg(long, conflicts_with = "json")]
        raw: bool,
    },
    /// Full-text search over visitors, pages, questions and transcripts.
    Search {
        /// Words or "a phrase"; all must match; end a word with * for prefix search.
        query: String,
        /// Only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
        /// Newest first instead of best match first.
        #[arg(long)]
        recent: bool,
        /// How many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Live sources: IMAP mailboxes and webhook relay channels.
    #[command(subcommand)]
    Source(SourceCmd),
    /// Fetch from every enabled source once, then exit.
    Sync {
        /// One JSON object per source.
        #[arg(long)]
        json: bool,
    },
    /// Keep every enabled source running and print handoffs as they arrive (Ctrl-C stops).
    Watch {
        /// One JSON object per event.
        #[arg(long)]
        json: bool,
    },
    /// The always-on companion: `watch` headless on a server, sending the alerts and backup
    /// emails of workspaces whose sender is `companion`. Secrets: HANDOFF_SECRETS=dir:PATH or systemd.
    Serve {
        /// One JSON object per event (for a log collector).
        #[arg(long)]
        json: bool,
    },
    /// Reply to the visitor by email: a draft with their question quoted, sent through the outbox.
    Reply {
        /// Handoff id.
        id: i64,
        /// The answer; it replaces the draft's "[Write your answer here]" line.
        #[arg(long, short)]
        message: Option<String>,
        /// The whole body from a file (- for standard input).
        #[arg(long, conflicts_with = "message")]
        message_file: Option<PathBuf>,
        /// Replace the subject line.
        #[arg(long)]
        subject: Option<String>,
        /// A second attempt after no answer (its own template).
        #[arg(long)]
        second: bool,
        /// Print the pre-filled draft and stop.
        #[arg(long)]
        draft: bool,
        /// Queue it without trying to send now.
        #[arg(long)]
        queue_only: bool,
        /// Send even though a teammate has claimed or answered it.
        #[arg(long)]
        anyway: bool,
    },
    /// What is due and overdue, across workspaces, earliest first, with countdowns.
    Due {
        /// Only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
        /// Include snoozed handoffs.
        #[arg(long)]
        all: bool,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Close a handoff and say why (feeds the gap checklist).
    Resolve {
        /// Handoff id.
        id: i64,
        /// answered, content_gap, policy or not_a_lead.
        #[arg(long, default_value = "answered")]
        why: String,
        /// The visitor could not be reached: close it as lost instead.
        #[arg(long, conflicts_with = "why")]
        lost: bool,
    },
    /// Record that you reached the visitor another way (phone, chat): meets the promise.
    Contacted {
        /// Handoff id.
        id: i64,
        /// How: phone, chat, email, in person…
        #[arg(long, default_value = "phone")]
        by: String,
    },
    /// Schedule a callback reminder ("2026-11-24 10:00", "tomorrow 10:00", "+2h"; workspace time).
    Callback {
        /// Handoff id.
        id: i64,
        /// When.
        #[arg(long)]
        at: String,
        /// What it is about.
        #[arg(long)]
        note: Option<String>,
    },
    /// Hide a handoff from the inbox and `due` until a time; --wake brings it back.
    Snooze {
        /// Handoff id.
        id: i64,
        /// Until when ("tomorrow 09:00", "+3h", …).
        #[arg(long, required_unless_present = "wake")]
        until: Option<String>,
        /// End the snooze now.
        #[arg(long)]
        wake: bool,
    },
    /// Set a handoff's status (new, awaiting_reply, replied, waiting_on_visitor, resolved, lost).
    Status {
        /// Handoff id.
        id: i64,
        /// The new status; awaiting_reply after the visitor answered cancels the second attempt.
        status: String,
    },
    /// The reply identity (SMTP) of a workspace.
    #[command(subcommand)]
    Smtp(SmtpCmd),
    /// Team mode: who you are to teammates sharing the mailbox or relay.
    #[command(subcommand)]
    Team(TeamCmd),
    /// Claim a handoff so teammates see you have it (team mode; shared through the mailbox or relay).
    Claim {
        /// Handoff id.
        id: i64,
    },
    /// Give back your claim on a handoff.
    Release {
        /// Handoff id.
        id: i64,
    },
    /// Emails and HubSpot pushes waiting to go out, sent, failed, or of unknown outcome.
    Outbox {
        #[command(subcommand)]
        cmd: Option<OutboxCmd>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// HubSpot: connect a workspace's portal, see what was pushed.
    #[command(subcommand)]
    Hubspot(HubspotCmd),
    /// Slack and Microsoft Teams alerts: connect a webhook, pick events, pick which machine sends.
    #[command(subcommand)]
    Alerts(crate::alerts::AlertsCmd),
    /// Push handoffs to HubSpot now: contact upserted by email, tagged as an escalation, transcript as a note.
    Push {
        /// Handoff ids.
        ids: Vec<i64>,
        /// Every handoff not yet in HubSpot (of --workspace, or of every connected workspace).
        #[arg(long, conflicts_with = "ids")]
        all_pending: bool,
        /// With --all-pending: only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
    },
    /// Monthly figures per workspace: handoffs by reason, after hours, time to first reply, promises kept.
    Metrics {
        /// Only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
        /// The month, YYYY-MM (default: this month).
        #[arg(long)]
        month: Option<String>,
        /// One JSON object per workspace.
        #[arg(long)]
        json: bool,
    },
    /// The month's gap-to-content checklist: the questions the bot could not
    /// answer, grouped by meaning and ranked by how many visitors asked.
    Gaps {
        #[command(subcommand)]
        cmd: Option<GapsCmd>,
        /// The workspace (needed when there are several; all are printed otherwise).
        #[arg(long, short, global = true)]
        workspace: Option<String>,
        /// The month, YYYY-MM (default: this month in the workspace's time zone).
        #[arg(long, global = true)]
        month: Option<String>,
        /// md (Markdown, ready to email), csv, or json (one object per workspace).
        #[arg(long, default_value = "md")]
        format: String,
        /// Write to this file instead of printing.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The client's monthly report (figures beside the month before, the gap
    /// checklist, honest-promise advice), as HTML with print CSS and/or PDF.
    Report {
        /// The workspace (the client).
        #[arg(long, short)]
        workspace: String,
        /// The month, YYYY-MM (default: this month in the workspace's time zone).
        #[arg(long)]
        month: Option<String>,
        /// Write the PDF here.
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// Write the HTML here (printed when neither --pdf nor --html is given).
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// Record how many conversations the bot had in a month (for escalation
    /// rate and containment), as the bot's platform reports it.
    Conversations {
        /// The workspace.
        #[arg(long, short)]
        workspace: String,
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// The bot's total conversations that month (or read them with --from-chatwoot or
        /// --from-intercom).
        #[arg(
            required_unless_present_any = ["from_chatwoot", "from_intercom"],
            conflicts_with_all = ["from_chatwoot", "from_intercom"]
        )]
        total: Option<i64>,
        /// Read the count from Chatwoot's reports: the address of the bot's inbox as the
        /// browser shows it (https://app.chatwoot.com/app/accounts/3/inbox/7); kept for next
        /// time, so later months need only --from-chatwoot.
        #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "ADDRESS")]
        from_chatwoot: Option<String>,
        /// Read the count from Intercom, where the bot is Fin: the conversations Fin took
        /// part in that month. REGION is where the Intercom workspace is hosted: us (the
        /// default), eu or au; kept for next time.
        #[arg(
            long,
            num_args = 0..=1,
            default_missing_value = "",
            value_name = "REGION",
            conflicts_with = "from_chatwoot"
        )]
        from_intercom: Option<String>,
        /// With --from-intercom: count every conversation started that month, not only
        /// Fin's (for a bot other than Fin); kept for next time.
        #[arg(long, requires = "from_intercom")]
        every_conversation: bool,
        /// With --from-intercom: count only Fin's conversations again, after
        /// --every-conversation was kept.
        #[arg(long, requires = "from_intercom", conflicts_with = "every_conversation")]
        fin_only: bool,
        /// Read the platform's access token from standard input and keep it in the OS
        /// keychain (once; later reads use the kept one): a Chatwoot administrator's, or
        /// an Intercom app's with the "Read conversations" permission.
        #[arg(long, conflicts_with = "total")]
        token_stdin: bool,
    },
    /// Check the database file and print what it holds.
    Doctor,
    /// The promise calculator: when a promise is due on given hours (no data file needed).
    #[command(subcommand)]
    Promise(crate::promise::PromiseCmd),
    /// Formats taught by the user: list, show, teach, export, import, remove.
    #[command(subcommand)]
    Template(crate::template::TemplateCmd),
    /// Erase, retention, backup, restore, export, encryption.
    #[command(flatten)]
    Privacy(crate::args_privacy::PrivacyCmd),
}

#[derive(Subcommand)]
pub(crate) enum GapsCmd {
    /// Check item N off (the content is written), with a note such as "added /faq#refunds".
    Check {
        /// The item's number in the checklist.
        item: usize,
        /// What was done.
        #[arg(long)]
        note: Option<String>,
    },
    /// Reopen a checked-off item.
    Uncheck {
        /// The item's number in the checklist.
        item: usize,
    },
    /// Group arbitrary questions (a UTF-8 file, one per line) with the shipped
    /// method; prints one JSON object per input line: {"line", "group", "label"}.
    Cluster {
        /// The file ("-" for standard input).
        file: PathBuf,
        /// Use the lexical fallback instead of the embedding model.
        #[arg(long)]
        lexical: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum TeamCmd {
    /// Turn team mode on (or change your name, address, stale limit).
    Set {
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
        /// Your name as teammates see it (default: the reply identity's name).
        #[arg(long)]
        name: Option<String>,
        /// Your address, your identity on the team (default: the reply identity's From).
        #[arg(long)]
        email: Option<String>,
        /// A claim older than this many minutes without a reply shows as stale.
        #[arg(long)]
        stale_minutes: Option<u32>,
        /// Also read teammates' replies from this folder of the shared mailbox ("Sent"; "" for Bcc only).
        #[arg(long)]
        sent_folder: Option<String>,
        /// Look at the Sent folder at least this often, in seconds (default 30).
        #[arg(long)]
        sent_poll_seconds: Option<u32>,
    },
    /// Work alone again: claims and answers are no longer shared.
    Off {
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum OutboxCmd {
    /// Send what is due now.
    Run,
    /// Send a failed or unsure job again (your decision: it may reach the visitor twice if it did go out).
    Resend {
        /// Outbox job id.
        id: i64,
    },
}

#[derive(Subcommand)]
pub(crate) enum WorkspaceCmd {
    /// List workspaces.
    List,
    /// Add a workspace.
    Add {
        /// Short name: lower-case letters, digits, dashes.
        slug: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// IANA time zone.
        #[arg(long, default_value = "UTC")]
        tz: String,
        /// The promise used when a handoff states none.
        #[arg(long)]
        promise: Option<String>,
    },
    /// Change a workspace's zone, hours, holidays, promise, backup contact or follow-up timing.
    Set {
        /// Workspace.
        slug: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// IANA time zone.
        #[arg(long)]
        tz: Option<String>,
        /// Opening hours, e.g. "mon-fri 09:00-17:00, sat 10:00-14:00" (split shifts: "mon 09:00-12:00 14:00-18:00";
        /// night shifts: "fri 22:00-06:00"; "24:00" for midnight).
        #[arg(long)]
        hours: Option<String>,
        /// Closed on these dates (YYYY-MM-DD, comma-separated); replaces the list.
        #[arg(long, value_delimiter = ',')]
        holidays: Option<Vec<NaiveDate>>,
        /// The promise used when a handoff states none ("within 4 business hours").
        #[arg(long)]
        promise: Option<String>,
        /// Who to alert when a promise is about to break (an email address).
        #[arg(long)]
        backup: Option<String>,
        /// The client this chatbot belongs to: a visitor's history spans the workspaces with
        /// the same client ("" for this workspace alone).
        #[arg(long)]
        client: Option<String>,
        /// Remind this many minutes before a promise is due (0: off).
        #[arg(long)]
        reminder_minutes: Option<u32>,
        /// Alert the backup contact this many minutes before due.
        #[arg(long)]
        backup_minutes: Option<u32>,
        /// Email the backup contact (on) or only notify here (off).
        #[arg(long)]
        backup_email: Option<bool>,
        /// Suggest a second attempt this many business days after an unanswered reply (0: off).
        #[arg(long)]
        second_attempt_days: Option<u32>,
        /// Reply template from a file: a "Subject: …" line, a blank line, then the body
        /// ({first_name}, {visitor_name}, {question}, {quoted_question}, {page}, {page_url}, {bot},
        /// {promise}, {workspace}, {sender}). An empty file restores the built-in one.
        #[arg(long)]
        reply_template: Option<PathBuf>,
        /// The second-attempt template, same format.
        #[arg(long)]
        second_template: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
pub(crate) struct ListArgs {
    /// Only this workspace.
    #[arg(long, short)]
    pub(crate) workspace: Option<String>,
    /// Only these reasons (knowledge_gap, low_confidence, human_request, frustration, policy_topic, high_intent, other).
    #[arg(long, value_delimiter = ',')]
    pub(crate) reason: Vec<String>,
    /// Only these statuses (new, awaiting_reply, replied, waiting_on_visitor, resolved, lost).
    #[arg(long, value_delimiter = ',')]
    pub(crate) status: Vec<String>,
    /// Received on or after (YYYY-MM-DD, RFC 3339, or 7d / 12h back).
    #[arg(long)]
    pub(crate) since: Option<String>,
    /// Only handoffs that were not fully understood.
    #[arg(long)]
    pub(crate) flagged: bool,
    /// Only after-hours handoffs.
    #[arg(long)]
    pub(crate) after_hours: bool,
    /// How many.
    #[arg(long, default_value_t = 50)]
    pub(crate) limit: usize,
}
