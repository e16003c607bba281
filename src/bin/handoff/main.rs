//! `handoff`: the command-line face of Handoff Desk. A thin layer over the
//! `handoff` library: parse arguments, call the core, print for people (or
//! one JSON object per line with `--json`, for scripts).

mod import;
mod live;
mod print;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand};
use handoff::ingest::imap::{ImapConfig, TlsMode};
use handoff::ingest::relay::RelayConfig;
use handoff::store::{ListFilter, NewWorkspace, SearchOrder};
use handoff::{Reason, Status, Store};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "handoff", version, about = "Handoff Desk: the inbox for your chatbot's handoffs to humans")]
struct Cli {
    /// The database file (default: the app's data directory).
    #[arg(long, global = true, env = "HANDOFF_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// Check the database file and print what it holds.
    Doctor,
}

#[derive(Subcommand)]
enum SourceCmd {
    /// Add a source; asks for its password or token and keeps it in the OS keychain.
    #[command(subcommand)]
    Add(AddSource),
    /// List sources with their last outcome.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Replace a source's password or token in the keychain (after it changed).
    Secret {
        /// `workspace/name`.
        source: String,
        /// Read the secret from one line of standard input instead of asking.
        #[arg(long, alias = "token-stdin")]
        password_stdin: bool,
        /// Save without first checking that the server accepts it.
        #[arg(long)]
        no_check: bool,
    },
    /// Remove a source (its handoffs stay) and its keychain item.
    Remove {
        /// `workspace/name`.
        source: String,
    },
    /// Resume a disabled source.
    Enable {
        /// `workspace/name`.
        source: String,
    },
    /// Pause a source without removing it.
    Disable {
        /// `workspace/name`.
        source: String,
    },
}

#[derive(clap::Args)]
struct AddCommon {
    /// Workspace the handoffs go to.
    #[arg(long, short)]
    workspace: String,
    /// Short name for the source (lower-case letters, digits, dashes).
    #[arg(long)]
    name: String,
    /// Read the secret from one line of standard input instead of asking.
    #[arg(long, alias = "token-stdin")]
    password_stdin: bool,
    /// Save without first checking that the server accepts the secret.
    #[arg(long)]
    no_check: bool,
}

#[derive(Subcommand)]
enum AddSource {
    /// An IMAP mailbox that receives the bot's notification emails.
    Imap {
        #[command(flatten)]
        common: AddCommon,
        /// Server name.
        #[arg(long)]
        host: String,
        /// Port (default: 993 for implicit TLS, 143 otherwise).
        #[arg(long)]
        port: Option<u16>,
        /// implicit (993), starttls (143), or plain (loopback only).
        #[arg(long, default_value = "implicit")]
        tls: String,
        /// Login name.
        #[arg(long)]
        user: String,
        /// Folder to watch.
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// Only messages whose From contains this.
        #[arg(long = "from")]
        from_filter: Option<String>,
        /// Only messages whose Subject contains this.
        #[arg(long = "subject")]
        subject_filter: Option<String>,
        /// Poll instead of using IDLE.
        #[arg(long)]
        no_idle: bool,
        /// Seconds between polls when IDLE is off or not offered.
        #[arg(long, default_value_t = 60)]
        poll_seconds: u64,
    },
    /// A channel on a handoff-relay (for chatbots that send webhooks).
    Relay {
        #[command(flatten)]
        common: AddCommon,
        /// The relay's base URL, e.g. https://relay.example.com.
        #[arg(long)]
        url: String,
        /// Seconds each long-poll waits for news.
        #[arg(long, default_value_t = 50)]
        wait_seconds: u64,
    },
}

#[derive(Subcommand)]
enum WorkspaceCmd {
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
}

#[derive(clap::Args)]
struct ListArgs {
    /// Only this workspace.
    #[arg(long, short)]
    workspace: Option<String>,
    /// Only these reasons (knowledge_gap, low_confidence, human_request, frustration, policy_topic, high_intent, other).
    #[arg(long, value_delimiter = ',')]
    reason: Vec<String>,
    /// Only these statuses (new, awaiting_reply, replied, waiting_on_visitor, resolved, lost).
    #[arg(long, value_delimiter = ',')]
    status: Vec<String>,
    /// Received on or after (YYYY-MM-DD, RFC 3339, or 7d / 12h back).
    #[arg(long)]
    since: Option<String>,
    /// Only handoffs that were not fully understood.
    #[arg(long)]
    flagged: bool,
    /// Only after-hours handoffs.
    #[arg(long)]
    after_hours: bool,
    /// How many.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn open(db: Option<PathBuf>) -> Result<Store> {
    let path = match db {
        Some(p) => p,
        None => handoff::store::default_path()
            .context("cannot find a data directory for this user; pass --db PATH or set HANDOFF_DB")?,
    };
    Ok(Store::open(&path)?)
}

fn run(cli: Cli) -> Result<()> {
    let mut store = open(cli.db)?;
    match cli.command {
        Command::Init { workspace, name, tz } => {
            if store.workspace(&workspace)?.is_none() {
                let name = name.unwrap_or_else(|| workspace.clone());
                store.create_workspace(&NewWorkspace::new(&workspace, &name, &tz))?;
            }
            println!("Database ready at {}", print::path(&store));
            println!("Workspace {workspace:?} ready. Next: `handoff import FILE…` or `handoff demo`.");
        }
        Command::Workspace(WorkspaceCmd::List) => print::workspaces(&store)?,
        Command::Workspace(WorkspaceCmd::Add { slug, name, tz, promise }) => {
            let mut w = NewWorkspace::new(&slug, name.as_deref().unwrap_or(&slug), &tz);
            w.default_promise = promise;
            store.create_workspace(&w)?;
            println!("Workspace {slug:?} added ({tz}).");
        }
        Command::Demo { per_client, months } => {
            let s = handoff::demo::install(&mut store, per_client, months, Utc::now())?;
            println!(
                "Demo ready: {} handoffs in {} ({} kept raw on purpose, to show how unreadable notifications look).",
                s.handoffs,
                s.workspaces.join(", "),
                s.flagged
            );
            println!("Try: handoff list   ·   handoff search refund   ·   handoff show <id>");
        }
        Command::Import { paths, workspace, batch } => {
            import::run(&mut store, &paths, workspace.as_deref(), batch)?
        }
        Command::List { filter, json } => {
            let f = list_filter(&store, filter)?;
            let rows = store.list(&f)?;
            if json {
                print::json_lines(&rows)?;
            } else {
                print::table(&store, &rows)?;
            }
        }
        Command::Show { id, json, raw } => {
            if raw {
                use std::io::Write;
                std::io::stdout().write_all(&store.raw(id)?)?;
            } else if json {
                println!("{}", serde_json::to_string(&store.detail(id)?)?);
            } else {
                print::detail(&store.detail(id)?)?;
            }
        }
        Command::Search { query, workspace, recent, limit, json } => {
            let ws = workspace.map(|w| store.require_workspace(&w)).transpose()?;
            let order = if recent { SearchOrder::Recent } else { SearchOrder::Relevance };
            let result = store.search(&query, ws.map(|w| w.id), order, limit)?;
            let rows: Vec<_> = result.hits.into_iter().map(|h| h.handoff).collect();
            if json {
                print::json_lines(&rows)?;
            } else {
                if rows.is_empty() {
                    println!("No handoff matches {query:?}.");
                    return Ok(());
                }
                print::table(&store, &rows)?;
                if result.bounded {
                    println!(
                        "(many matches: ranked the newest {} by relevance; add words or use --recent)",
                        handoff::store::RANK_WINDOW
                    );
                }
            }
        }
        Command::Source(cmd) => source(&store, cmd)?,
        Command::Sync { json } => {
            if !live::sync(&store, json)? {
                std::process::exit(2);
            }
        }
        Command::Watch { json } => live::watch(&store, json)?,
        Command::Doctor => print::doctor(&store)?,
    }
    Ok(())
}

fn source(store: &Store, cmd: SourceCmd) -> Result<()> {
    let named = |label: &str| -> Result<handoff::store::Source> {
        let (ws, name) = label.split_once('/').with_context(|| {
            format!("name the source as workspace/name (e.g. acme/support), not {label:?}")
        })?;
        Ok(store.source_named(ws, name)?)
    };
    let input =
        |c: &AddCommon| if c.password_stdin { live::SecretInput::Stdin } else { live::SecretInput::Prompt };
    match cmd {
        SourceCmd::Add(AddSource::Imap {
            common,
            host,
            port,
            tls,
            user,
            folder,
            from_filter,
            subject_filter,
            no_idle,
            poll_seconds,
        }) => {
            let tls = match tls.as_str() {
                "implicit" => TlsMode::Implicit,
                "starttls" => TlsMode::Starttls,
                "plain" => TlsMode::Plain,
                other => bail!(
                    "unknown --tls {other:?}: use implicit (port 993), starttls (port 143) or plain (loopback only)"
                ),
            };
            let port = port.unwrap_or(if tls == TlsMode::Implicit { 993 } else { 143 });
            let mut config = ImapConfig::new(&host, port, tls, &user);
            config.folder = folder;
            config.from_filter = from_filter;
            config.subject_filter = subject_filter;
            config.idle = !no_idle;
            config.poll_seconds = poll_seconds.max(1);
            let ws = store.require_workspace(&common.workspace)?;
            live::add_imap(store, &ws, &common.name, config, input(&common), !common.no_check)
        }
        SourceCmd::Add(AddSource::Relay { common, url, wait_seconds }) => {
            let mut config = RelayConfig::new(&url);
            config.wait_seconds = wait_seconds.clamp(0, 300);
            let ws = store.require_workspace(&common.workspace)?;
            live::add_relay(store, &ws, &common.name, config, input(&common), !common.no_check)
        }
        SourceCmd::List { json } => live::list(store, json),
        SourceCmd::Secret { source, password_stdin, no_check } => {
            let input = if password_stdin { live::SecretInput::Stdin } else { live::SecretInput::Prompt };
            live::replace_secret(&named(&source)?, input, !no_check)
        }
        SourceCmd::Remove { source } => live::remove(store, &named(&source)?),
        SourceCmd::Enable { source } => Ok(store.set_source_enabled(named(&source)?.id, true)?),
        SourceCmd::Disable { source } => Ok(store.set_source_enabled(named(&source)?.id, false)?),
    }
}

fn list_filter(store: &Store, a: ListArgs) -> Result<ListFilter> {
    let workspace_id = a.workspace.map(|w| store.require_workspace(&w)).transpose()?.map(|w| w.id);
    let reasons = a
        .reason
        .iter()
        .map(|r| {
            r.parse::<Reason>().map_err(|_| {
                anyhow::anyhow!(
                    "unknown reason {r:?}; use one of: {}",
                    names(Reason::ALL.map(|r| r.as_str()))
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let statuses = a
        .status
        .iter()
        .map(|s| {
            s.parse::<Status>().map_err(|_| {
                anyhow::anyhow!("unknown status {s:?}; use one of: new, awaiting_reply, replied, waiting_on_visitor, resolved, lost")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let since = a.since.as_deref().map(parse_since).transpose()?;
    Ok(ListFilter {
        workspace_id,
        reasons,
        statuses,
        since,
        flagged: a.flagged,
        after_hours: a.after_hours,
        limit: a.limit,
        ..ListFilter::default()
    })
}

fn names<const N: usize>(n: [&str; N]) -> String {
    n.join(", ")
}

/// `2026-10-01`, an RFC 3339 instant, or `7d` / `12h` / `30m` back from now.
fn parse_since(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    let (num, unit) = s.split_at(s.len().saturating_sub(1));
    if let Ok(n) = num.parse::<i64>() {
        let span = match unit {
            "d" => chrono::Duration::days(n),
            "h" => chrono::Duration::hours(n),
            "m" => chrono::Duration::minutes(n),
            _ => bail!("cannot read --since {s:?}: use 2026-10-01, an RFC 3339 time, or 7d / 12h / 30m"),
        };
        return Ok(Utc::now() - span);
    }
    bail!("cannot read --since {s:?}: use 2026-10-01, an RFC 3339 time, or 7d / 12h / 30m")
}
