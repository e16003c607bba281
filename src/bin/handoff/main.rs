//! `handoff`: the command-line face of Handoff Desk. A thin layer over the
//! `handoff` library: parse arguments, call the core, print for people (or
//! one JSON object per line with `--json`, for scripts).

mod alerts;
mod args;
mod args_connect;
mod args_privacy;
mod due;
mod hints;
mod hubspot;
mod import;
mod monthly;
mod print;
mod privacy;
mod promise;
mod reparse;
mod replies;
mod report;
mod signin;
mod sources;
mod team;
mod template;

use anyhow::{Context, Result, bail};
use args::*;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Parser;
use handoff::ingest::imap::{ImapConfig, TlsMode};
use handoff::ingest::relay::RelayConfig;
use handoff::store::{ListFilter, NewWorkspace, SearchOrder, SourceConfig};
use handoff::{Reason, Status, Store};
use std::path::PathBuf;

fn main() {
    if let Err(e) = run(Cli::parse()) {
        // `handoff due | head`: the reader left; not an error worth a word.
        if e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
            std::process::exit(0);
        }
        // Team outcomes with their own exit codes (see team.rs).
        if let Some(x) = e.downcast_ref::<team::Exit>() {
            if !x.message.is_empty() {
                eprintln!("{}", x.message);
            }
            std::process::exit(x.code);
        }
        match hints::hint(&e) {
            Some(hint) => eprintln!("error: {e:#} {hint}"),
            None => eprintln!("error: {e:#}"),
        }
        std::process::exit(1);
    }
}

fn db_path(db: Option<PathBuf>) -> Result<PathBuf> {
    match db {
        Some(p) => Ok(p),
        None => handoff::store::default_path()
            .context("cannot find a data directory for this user; pass --db PATH or set HANDOFF_DB"),
    }
}

fn open(db: Option<PathBuf>) -> Result<Store> {
    let named = db.is_some();
    let path = db_path(db)?;
    // The user's own data file is created encrypted where a keychain answers;
    // a file named with --db / HANDOFF_DB (scripts, tests, the demo) is created plain.
    if !named && !path.exists() {
        match Store::create_encrypted(&path) {
            Ok(s) => return Ok(s),
            Err(e) => eprintln!(
                "note: creating {} unencrypted ({e}); `handoff encrypt` converts it later",
                path.display()
            ),
        }
    }
    Ok(Store::open(&path)?)
}

fn run(cli: Cli) -> Result<()> {
    if let Command::Gaps { cmd: Some(GapsCmd::Cluster { file, lexical }), .. } = &cli.command {
        return report::cluster(file, *lexical);
    }
    let command = match cli.command {
        // The calculator needs no data file.
        Command::Promise(cmd) => return promise::run(cmd),
        other => other,
    };
    if let Command::Privacy(cmd @ (args_privacy::PrivacyCmd::Encrypt | args_privacy::PrivacyCmd::Decrypt)) =
        &command
    {
        return privacy::convert(&db_path(cli.db)?, matches!(cmd, args_privacy::PrivacyCmd::Encrypt));
    }
    let mut store = open(cli.db)?;
    match command {
        Command::Init { workspace, name, tz } => {
            if store.workspace(&workspace)?.is_none() {
                let name = name.unwrap_or_else(|| workspace.clone());
                store.create_workspace(&NewWorkspace::new(&workspace, &name, &tz))?;
            }
            println!("Database ready at {}", print::path(&store));
            println!("Workspace {workspace:?} ready. Next: `handoff import FILE…` or `handoff demo`.");
        }
        Command::Workspace(WorkspaceCmd::List) => print::workspaces(&store)?,
        Command::Workspace(WorkspaceCmd::Set {
            slug,
            name,
            tz,
            hours,
            holidays,
            promise,
            backup,
            client,
            reminder_minutes,
            backup_minutes,
            backup_email,
            second_attempt_days,
            reply_template,
            second_template,
        }) => {
            let mut w = store.require_workspace(&slug)?;
            if let Some(n) = name {
                w.name = n;
            }
            if let Some(t) = tz {
                w.time_zone = t;
            }
            if let Some(h) = hours {
                w.hours =
                    handoff::BusinessHours::parse_week(&h, w.hours.holidays.clone()).context("--hours")?;
            }
            if let Some(hd) = holidays {
                w.hours.holidays = hd;
            }
            if let Some(p) = promise {
                if !p.is_empty() && handoff::promise::parse(&p).is_none() {
                    bail!(
                        "cannot tell a time from the promise {p:?}; write it like \"within 4 business hours\" or \"by the next business day\""
                    );
                }
                w.default_promise = Some(p).filter(|p| !p.is_empty());
            }
            if let Some(b) = backup {
                w.backup_contact = Some(b).filter(|b| !b.is_empty());
            }
            if let Some(c) = client {
                w.settings.client = Some(c.trim().to_string()).filter(|c| !c.is_empty());
            }
            let f = &mut w.settings.follow_ups;
            if let Some(m) = reminder_minutes {
                f.reminder_before_minutes = m;
            }
            if let Some(m) = backup_minutes {
                f.backup_before_minutes = m;
            }
            if let Some(b) = backup_email {
                f.backup_email = b;
            }
            if let Some(d) = second_attempt_days {
                f.second_attempt_after_days = d;
            }
            if let Some(p) = reply_template {
                w.settings.templates.reply = replies::read_template(&p)?;
            }
            if let Some(p) = second_template {
                w.settings.templates.second_attempt = replies::read_template(&p)?;
            }
            store.update_workspace(&w)?;
            println!(
                "Workspace {slug:?} updated; new handoffs use it (running promises keep their due times)."
            );
        }
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
            index_gaps(&mut store);
            println!(
                "Try: handoff list   ·   handoff search refund   ·   handoff gaps   ·   handoff show <id>"
            );
        }
        // No embedding here: the gap checklist indexes new questions when it
        // is next built (`handoff gaps`, the window, the engine in the
        // background), so an import costs parse, store and index only.
        Command::Import { paths, workspace, batch } => {
            import::run(&mut store, &paths, workspace.as_deref(), batch)?
        }
        Command::Reparse { flagged, workspace, dry_run } => {
            reparse::run(&mut store, flagged, workspace.as_deref(), dry_run)?
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
            let ok = sources::sync(&store, json)?;
            index_gaps(&mut store);
            if !ok {
                std::process::exit(2);
            }
        }
        Command::Watch { json } => sources::watch(&store, json)?,
        Command::Alerts(cmd) => alerts::run(&mut store, cmd)?,
        Command::Serve { json } => sources::serve(&store, json)?,
        Command::Reply { id, message, message_file, subject, second, draft, queue_only, anyway } => {
            replies::reply(
                &mut store,
                replies::ReplyArgs {
                    id,
                    second,
                    message,
                    message_file,
                    subject,
                    draft_only: draft,
                    queue_only,
                    anyway,
                },
            )?
        }
        Command::Team(cmd) => team::team(&mut store, cmd)?,
        Command::Claim { id } => team::claim(&store, id, true)?,
        Command::Release { id } => team::claim(&store, id, false)?,
        Command::Due { workspace, all, json } => due::due(&store, workspace, all, json)?,
        Command::Resolve { id, why, lost } => {
            if lost {
                store.set_status(id, Status::Lost, Utc::now())?;
                println!("#{id} closed as lost.");
            } else {
                let why: handoff::Resolution = why.parse().map_err(|_| {
                    anyhow::anyhow!("unknown --why {why:?}: use answered, content_gap, policy or not_a_lead")
                })?;
                store.resolve(id, why, Utc::now())?;
                println!("#{id} resolved ({why}).");
            }
        }
        Command::Contacted { id, by } => {
            store.mark_contacted(id, &by, Utc::now())?;
            println!("#{id}: contacted by {by}; the promise clock stopped.");
        }
        Command::Callback { id, at, note } => due::callback(&mut store, id, &at, note)?,
        Command::Snooze { id, until, wake } => due::snooze(&mut store, id, if wake { None } else { until })?,
        Command::Status { id, status } => {
            let st: Status = status.parse().map_err(|_| {
                anyhow::anyhow!("unknown status {status:?}; use one of: new, awaiting_reply, replied, waiting_on_visitor, resolved, lost")
            })?;
            store.set_status(id, st, Utc::now())?;
            println!("#{id} is now {st}.");
        }
        Command::Smtp(SmtpCmd::Set {
            workspace,
            host,
            port,
            tls,
            user,
            oauth,
            from,
            name,
            bcc,
            password_stdin,
            no_check,
        }) => {
            let tls = tls
                .map(|t| match t.as_str() {
                    "implicit" => Ok(handoff::SmtpTls::Implicit),
                    "starttls" => Ok(handoff::SmtpTls::Starttls),
                    "plain" => Ok(handoff::SmtpTls::Plain),
                    other => Err(anyhow::anyhow!(
                        "unknown --tls {other:?}: use starttls (port 587), implicit (465) or plain (loopback only)"
                    )),
                })
                .transpose()?;
            let oauth = oauth.as_deref().map(signin::provider).transpose()?;
            let user = if oauth.is_some() { Some(user.unwrap_or_else(|| from.clone())) } else { user };
            let (host, found_tls, found_port) = match host {
                Some(h) => (h, None, None),
                None => {
                    let found = signin::discover(&from)?;
                    let Some(smtp) = found.smtp else {
                        bail!("no SMTP server was found for {from}; pass --host (and --port, --tls).")
                    };
                    let t = match smtp.security {
                        handoff::discover::Security::Implicit => handoff::SmtpTls::Implicit,
                        handoff::discover::Security::Starttls => handoff::SmtpTls::Starttls,
                        handoff::discover::Security::Plain => handoff::SmtpTls::Plain,
                    };
                    (smtp.host, Some(t), Some(smtp.port))
                }
            };
            let tls = tls.or(found_tls).unwrap_or(handoff::SmtpTls::Starttls);
            let port = port.or(found_port).unwrap_or(match tls {
                handoff::SmtpTls::Implicit => 465,
                handoff::SmtpTls::Starttls => 587,
                handoff::SmtpTls::Plain => 25,
            });
            let id = handoff::SmtpIdentity {
                host,
                port,
                tls,
                user,
                from_address: from,
                from_name: name,
                bcc,
                oauth,
            };
            if oauth.is_some() {
                signin::smtp(&store, &workspace, id, !no_check)?
            } else {
                replies::smtp_set(&store, &workspace, id, password_stdin, !no_check)?
            }
        }
        Command::Smtp(SmtpCmd::Test { workspace }) => replies::smtp_test(&store, &workspace)?,
        Command::Outbox { cmd: None, json } => replies::outbox(&mut store, json)?,
        Command::Outbox { cmd: Some(OutboxCmd::Run), .. } => replies::outbox_run(&mut store)?,
        Command::Outbox { cmd: Some(OutboxCmd::Resend { id }), .. } => {
            store.requeue_job(id, Utc::now())?;
            replies::outbox_run(&mut store)?
        }
        Command::Hubspot(HubspotCmd::Connect {
            workspace,
            token_stdin,
            base_url,
            manual,
            lead_status,
            rate,
        }) => hubspot::connect(&mut store, &workspace, token_stdin, base_url, manual, lead_status, rate)?,
        Command::Hubspot(HubspotCmd::Status { workspace }) => hubspot::status(&store, workspace)?,
        Command::Hubspot(HubspotCmd::Disconnect { workspace }) => {
            hubspot::disconnect(&mut store, &workspace)?
        }
        Command::Push { ids, all_pending, workspace } => {
            hubspot::push(&mut store, ids, all_pending, workspace)?
        }
        Command::Metrics { workspace, month, json } => report::metrics(&store, workspace, month, json)?,
        Command::Report { workspace, month, pdf, html } => {
            monthly::report(&mut store, &workspace, month, pdf, html)?
        }
        Command::Conversations {
            workspace,
            month,
            total,
            from_chatwoot,
            from_intercom,
            every_conversation,
            fin_only,
            token_stdin,
        } => match (total, from_intercom) {
            (Some(total), _) => monthly::conversations(&mut store, &workspace, &month, total)?,
            (None, Some(region)) => {
                let every = if every_conversation { Some(true) } else { fin_only.then_some(false) };
                monthly::from_intercom(&mut store, &workspace, &month, &region, every, token_stdin)?
            }
            (None, None) => {
                monthly::from_chatwoot(&mut store, &workspace, &month, from_chatwoot, token_stdin)?
            }
        },
        Command::Gaps { cmd, workspace, month, format, output } => match cmd {
            None => report::gaps(&mut store, workspace, month, &format, output)?,
            Some(GapsCmd::Check { item, note }) => {
                report::gaps_check(&mut store, workspace, month, item, Some(note))?
            }
            Some(GapsCmd::Uncheck { item }) => report::gaps_check(&mut store, workspace, month, item, None)?,
            Some(GapsCmd::Cluster { .. }) => unreachable!("handled before the store opens"),
        },
        Command::Doctor => print::doctor(&store)?,
        Command::Promise(cmd) => promise::run(cmd)?,
        Command::Privacy(cmd) => privacy::run(&mut store, cmd)?,
        Command::Template(cmd) => template::run(&mut store, cmd)?,
    }
    Ok(())
}

/// Embed the questions of new content-gap handoffs now, so the gap
/// checklist reads stored vectors. Never fails the command: without the
/// model the checklist groups by wording, and says so.
fn index_gaps(store: &mut Store) {
    match store.gap_questions_to_embed(handoff::gaps::embed::MODEL_NAME, 1) {
        Ok(todo) if todo.is_empty() => return,
        Ok(_) => {}
        Err(e) => return eprintln!("warning: gap checklist: {e}"),
    }
    match handoff::gaps::Grouper::load().index(store) {
        Ok(0) => {}
        Ok(n) => eprintln!("Indexed {n} unanswered questions for the gap checklist."),
        Err(e) => eprintln!("warning: gap checklist: {e}"),
    }
}

fn source(store: &Store, cmd: SourceCmd) -> Result<()> {
    let named = |label: &str| -> Result<handoff::store::Source> {
        let (ws, name) = label.split_once('/').with_context(|| {
            format!("name the source as workspace/name (e.g. acme/support), not {label:?}")
        })?;
        Ok(store.source_named(ws, name)?)
    };
    let input = |c: &AddCommon| {
        if c.password_stdin { sources::SecretInput::Stdin } else { sources::SecretInput::Prompt }
    };
    match cmd {
        SourceCmd::Add(AddSource::Imap {
            common,
            host,
            port,
            tls,
            user,
            oauth,
            folder,
            from_filter,
            subject_filter,
            no_idle,
            poll_seconds,
        }) => {
            let tls = tls
                .map(|t| match t.as_str() {
                    "implicit" => Ok(TlsMode::Implicit),
                    "starttls" => Ok(TlsMode::Starttls),
                    "plain" => Ok(TlsMode::Plain),
                    other => Err(anyhow::anyhow!(
                        "unknown --tls {other:?}: use implicit (port 993), starttls (port 143) or plain (loopback only)"
                    )),
                })
                .transpose()?;
            let mut provider = oauth.as_deref().map(signin::provider).transpose()?;
            let mut config = match host {
                Some(host) => {
                    let tls = tls.unwrap_or(TlsMode::Implicit);
                    let port = port.unwrap_or(if tls == TlsMode::Implicit { 993 } else { 143 });
                    ImapConfig::new(&host, port, tls, &user)
                }
                None => {
                    let found = signin::discover(&user)?;
                    if provider.is_none() && found.oauth.is_some() && !common.password_stdin {
                        provider = found.oauth;
                    }
                    let mut c = signin::imap_config(&found, &user);
                    if let Some(t) = tls {
                        c.tls = t;
                    }
                    if let Some(p) = port {
                        c.port = p;
                    }
                    c
                }
            };
            config.folder = folder;
            config.from_filter = from_filter;
            config.subject_filter = subject_filter;
            config.idle = !no_idle;
            config.poll_seconds = poll_seconds.max(1);
            config.oauth = provider;
            let ws = store.require_workspace(&common.workspace)?;
            if config.oauth.is_some() {
                return signin::add(store, &ws, &common.name, config, !common.no_check);
            }
            sources::add(
                store,
                &ws,
                &common.name,
                SourceConfig::Imap(config),
                input(&common),
                !common.no_check,
            )
        }
        SourceCmd::Add(AddSource::Relay { common, url, wait_seconds }) => {
            let mut config = RelayConfig::new(&url);
            config.wait_seconds = wait_seconds.clamp(0, 300);
            let ws = store.require_workspace(&common.workspace)?;
            sources::add(
                store,
                &ws,
                &common.name,
                SourceConfig::Relay(config),
                input(&common),
                !common.no_check,
            )
        }
        SourceCmd::List { json } => sources::list(store, json),
        SourceCmd::Secret { source, password_stdin, no_check } => {
            let input =
                if password_stdin { sources::SecretInput::Stdin } else { sources::SecretInput::Prompt };
            sources::replace_secret(&named(&source)?, input, !no_check)
        }
        SourceCmd::Remove { source } => sources::remove(store, &named(&source)?),
        SourceCmd::Signin { source, no_check } => signin::again(&named(&source)?, !no_check),
        SourceCmd::Discover { address, json } => signin::show(&address, json),
        SourceCmd::Folders { source } => signin::folders(&named(&source)?),
        SourceCmd::Enable { source } => Ok(store.set_source_enabled(named(&source)?.id, true)?),
        SourceCmd::Disable { source } => Ok(store.set_source_enabled(named(&source)?.id, false)?),
        SourceCmd::AckGap { source } => sources::ack_gap(store, &named(&source)?),
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
pub(crate) fn parse_since(s: &str) -> Result<DateTime<Utc>> {
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
