//! Live sources from the command line: `source add|list|remove|enable|disable`,
//! `sync` (once) and `watch` (the engine, printing arrivals until Ctrl-C).

use crate::print;
use anyhow::{Context, Result, bail};
use handoff::connect;
use handoff::secrets::Keychain;
use handoff::store::{Source, SourceConfig};
use handoff::sync::{Engine, SyncEvent};
use handoff::{Store, Workspace};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

/// Where a secret comes from.
pub enum SecretInput {
    /// Ask on the terminal without echo.
    Prompt,
    /// One line on standard input (scripts).
    Stdin,
}

pub fn read_secret(what: &str, input: SecretInput) -> Result<String> {
    let secret = match input {
        SecretInput::Stdin => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).context("reading the secret from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
        SecretInput::Prompt => {
            if !std::io::stdin().is_terminal() {
                bail!(
                    "cannot ask for the {what}: standard input is not a terminal. Pipe it in with --password-stdin."
                );
            }
            rpassword::prompt_password(format!("{what}: ")).context("reading the secret from the terminal")?
        }
    };
    if secret.is_empty() {
        bail!("the {what} is empty; nothing was saved");
    }
    Ok(secret)
}

/// The OS keychain, or the file store `HANDOFF_SECRETS` names (the companion).
pub fn keychain() -> Result<Keychain> {
    Ok(Keychain::from_env()?)
}

/// `source secret`: replace the password or token of an existing source.
pub fn replace_secret(source: &Source, input: SecretInput, verify: bool) -> Result<()> {
    let what = connect::secret_name(&source.config);
    let secret = read_secret(what, input)?;
    connect::replace_source_secret(&keychain()?, source, &secret, verify).map_err(no_check_hint)?;
    println!("The {what} of {} is replaced in the OS keychain.", source.label());
    Ok(())
}

/// A failed check, with the command line's way around it.
pub fn no_check_hint(e: connect::ConnectError) -> anyhow::Error {
    match e {
        connect::ConnectError::Check { message: m, .. } => {
            anyhow::anyhow!("{m} Nothing was saved; fix it, or pass --no-check to save without checking.")
        }
        e => e.into(),
    }
}

/// `source add imap` and `source add relay`.
pub fn add(
    store: &Store,
    ws: &Workspace,
    name: &str,
    config: SourceConfig,
    input: SecretInput,
    verify: bool,
) -> Result<()> {
    let keychain = keychain()?;
    let secret = read_secret(connect::secret_name(&config), input)?;
    let source =
        connect::add_source(store, &keychain, ws, name, config, &secret, verify).map_err(no_check_hint)?;
    let what = match source.config {
        SourceConfig::Imap(_) => "password",
        SourceConfig::Relay(_) => "token",
    };
    println!("Added {} ({}). The {what} is in the OS keychain.", source.label(), source.config.describe());
    if matches!(source.config, SourceConfig::Imap(_)) {
        println!("Next: `handoff sync` fetches once; `handoff watch` keeps watching.");
    }
    Ok(())
}

/// `source list`.
pub fn list(store: &Store, json: bool) -> Result<()> {
    let sources = store.sources()?;
    if sources.is_empty() && !json {
        println!("No live sources. Add one: `handoff source add imap …` or `handoff source add relay …`.");
    }
    for s in sources {
        let health = store.health(s.id)?;
        let gaps = store.open_relay_gaps(s.id)?;
        if json {
            let notices: Vec<String> = gaps.iter().map(|g| g.notice()).collect();
            let v = serde_json::json!({
                "id": s.id, "source": s.label(), "kind": s.config.kind(), "config": s.config,
                "enabled": s.enabled, "health": health, "gaps": gaps, "gap_notices": notices,
            });
            println!("{v}");
            continue;
        }
        let state = match (&health.last_error_at, &health.last_success_at) {
            (Some(e), Some(ok)) if ok > e => format!("ok {}", ok.format("%Y-%m-%d %H:%M")),
            (Some(_), _) => format!("error: {}", health.last_error.as_deref().unwrap_or("")),
            (None, Some(ok)) => format!("ok {}", ok.format("%Y-%m-%d %H:%M")),
            (None, None) => "not synced yet".into(),
        };
        let enabled = if s.enabled { "" } else { " (disabled)" };
        println!("{:<28} {:<48} {}{}", s.label(), print::cut(&s.config.describe(), 48), state, enabled);
        print_gaps(&s, &gaps);
    }
    Ok(())
}

/// A relay source's unacknowledged retention gaps, and how to acknowledge them.
fn print_gaps(source: &Source, gaps: &[handoff::store::RelayGap]) {
    for gap in gaps {
        println!("  ! lost on the relay: {}", gap.notice());
    }
    if !gaps.is_empty() {
        println!("  (shown until acknowledged: `handoff source ack-gap {}`)", source.label());
    }
}

/// `source ack-gap`: the relay source's retention-gap notices are acknowledged.
pub fn ack_gap(store: &Store, source: &Source) -> Result<()> {
    match store.acknowledge_relay_gaps(source.id, chrono::Utc::now())? {
        0 => println!("{} has no retention gap to acknowledge.", source.label()),
        n => println!("Acknowledged {n} retention gap notice(s) of {}.", source.label()),
    }
    Ok(())
}

/// `source remove`: the source, its cursor, and its keychain item.
pub fn remove(store: &Store, source: &Source) -> Result<()> {
    let keychain = Keychain::from_env().ok();
    match connect::remove_source(store, keychain.as_ref(), source)? {
        None => println!("Removed {} and its keychain item. Its handoffs stay.", source.label()),
        Some(why) => println!("Removed {}; {why}. Its handoffs stay.", source.label()),
    }
    Ok(())
}

/// `sync`: every enabled source once.
pub fn sync(store: &Store, json: bool) -> Result<bool> {
    let db = store.path().context("sync needs a database file")?.to_path_buf();
    if store.sources()?.iter().all(|s| !s.enabled) {
        println!(
            "No live sources to sync. Add one: `handoff source add imap …` or `handoff source add relay …`."
        );
        return Ok(true);
    }
    let keychain = keychain()?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let reports = rt.block_on(handoff::sync::sync_once(db, keychain))?;
    let mut all_ok = true;
    for r in &reports {
        all_ok &= r.error.is_none();
        if !json {
            for l in &r.claims_lost {
                println!("#{}: your claim was lost: {}", l.handoff_id, l.message);
            }
        }
        if json {
            println!("{}", serde_json::to_string(r)?);
        } else if let Some(e) = &r.error {
            println!("{}: error: {e}", r.source);
        } else {
            println!(
                "{}: {} new, {} already stored{}",
                r.source,
                r.inserted.len(),
                r.duplicates,
                if r.flagged > 0 {
                    format!(", {} not understood (kept raw, flagged)", r.flagged)
                } else {
                    String::new()
                }
            );
        }
    }
    if !json {
        for s in store.sources()? {
            let gaps = store.open_relay_gaps(s.id)?;
            if !gaps.is_empty() {
                println!("{}:", s.label());
                print_gaps(&s, &gaps);
            }
        }
    }
    Ok(all_ok)
}

/// `serve`: the always-on companion. The same engine as `watch`, headless,
/// as the `companion` sender, with its secrets in the file store that
/// `HANDOFF_SECRETS` names (a server has no desktop keychain).
pub fn serve(store: &Store, json: bool) -> Result<()> {
    if std::env::var(handoff::secrets::SECRETS_ENV).map_or(true, |v| v.trim().is_empty()) {
        bail!(
            "handoff serve keeps its passwords and tokens in files you choose explicitly: set {}=dir:/var/lib/handoff/secrets              (a 0700 directory of 0600 files; `handoff source add`, `smtp set` and `alerts set` write there with the same              setting) or {}=systemd (the unit's LoadCredential= lines; see deploy/handoff.service).",
            handoff::secrets::SECRETS_ENV,
            handoff::secrets::SECRETS_ENV
        );
    }
    run_engine(store, json, handoff::model::EngineRole::Companion)
}

/// `watch`: run the engine, print arrivals and status changes until Ctrl-C / SIGTERM.
pub fn watch(store: &Store, json: bool) -> Result<()> {
    run_engine(store, json, handoff::model::EngineRole::Laptop)
}

fn run_engine(store: &Store, json: bool, role: handoff::model::EngineRole) -> Result<()> {
    let db = store.path().context("watch needs a database file")?.to_path_buf();
    let keychain = keychain()?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        // The companion has no use for the gap checklist's sentence model.
        let gap_index = role == handoff::model::EngineRole::Laptop;
        let options = handoff::sync::EngineOptions { role, gap_index, ..crate::alerts::engine_options() };
        let mut engine = Engine::start(db.clone(), Some(keychain), options)?;
        let mut events = engine.subscribe();
        let reader = Store::open(&db)?;
        for s in engine.statuses() {
            print_event(&reader, &SyncEvent::Status(s), json)?;
        }
        if engine.statuses().is_empty() {
            println!(
                "No live sources yet (add one: `handoff source add imap …` or `handoff source add relay …`); \
                 running the follow-up timers and the outbox."
            );
        }
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        // Sources added, removed or paused from another terminal (or the app) join or leave.
        let mut reload = tokio::time::interval(Duration::from_secs(10));
        reload.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = reload.tick() => {
                    if let Err(e) = engine.reload() {
                        println!("cannot re-read the sources: {e}");
                    }
                }
                ev = events.recv() => match ev {
                    Ok(ev) => print_event(&reader, &ev, json)?,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        println!("({n} events skipped while the screen caught up; `handoff list` shows every handoff)");
                    }
                    Err(_) => break,
                },
                _ = tokio::signal::ctrl_c() => break,
                _ = term.recv() => break,
            }
        }
        engine.stop().await;
        Ok(())
    })
}

fn print_event(store: &Store, ev: &SyncEvent, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match ev {
        SyncEvent::Received { source, handoff_id, .. } => {
            let h = store.handoff(*handoff_id)?;
            if json {
                let v = serde_json::json!({ "event": "received", "source": source, "handoff": h });
                writeln!(out, "{v}")?;
            } else if let Some(h) = h {
                let who =
                    h.visitor.name.as_deref().or(h.visitor.email.as_deref()).unwrap_or("unknown visitor");
                let what = h.question.as_deref().unwrap_or("");
                writeln!(
                    out,
                    "{}  {source}  #{}  {}  {}  {}",
                    h.received_at.format("%H:%M:%S"),
                    h.id,
                    h.reason.label(),
                    print::cut(who, 30),
                    print::cut(what, 60)
                )?;
            }
        }
        SyncEvent::Team { handoff_ids } => {
            for &id in handoff_ids {
                let team = store.team_state(id)?;
                if json {
                    writeln!(
                        out,
                        "{}",
                        serde_json::json!({ "event": "team", "handoff_id": id, "team": team })
                    )?;
                } else {
                    let what = match (&team.claim, team.answers.last()) {
                        (_, Some(a)) => format!("answered by {}", a.by.label()),
                        (Some(c), None) => format!("claimed by {}", c.by.label()),
                        (None, None) => "free (claim released)".to_string(),
                    };
                    writeln!(out, "{}  #{id}  {what}", chrono::Utc::now().format("%H:%M:%S"))?;
                }
            }
        }
        SyncEvent::Notice(n) => {
            if json {
                writeln!(out, "{}", serde_json::to_string(ev)?)?;
            } else {
                writeln!(
                    out,
                    "{}  {}: {}  ({})",
                    chrono::Utc::now().format("%H:%M:%S"),
                    n.workspace,
                    n.title,
                    n.body
                )?;
            }
        }
        SyncEvent::ClaimLost { handoff_id, message, .. } => {
            if json {
                writeln!(out, "{}", serde_json::to_string(ev)?)?;
            } else {
                writeln!(
                    out,
                    "{}  #{handoff_id}  your claim was lost: {message}",
                    chrono::Utc::now().format("%H:%M:%S")
                )?;
            }
        }
        SyncEvent::Summary { text, .. } | SyncEvent::Problem { message: text } => {
            if json {
                writeln!(out, "{}", serde_json::to_string(ev)?)?;
            } else {
                writeln!(out, "{text}")?;
            }
        }
        SyncEvent::Outbox(r) => {
            if json {
                writeln!(out, "{}", serde_json::to_string(ev)?)?;
            } else {
                writeln!(out, "outbox #{}: {}: {}", r.job_id, r.state, r.message)?;
            }
        }
        SyncEvent::Status(s) => {
            if json {
                writeln!(out, "{}", serde_json::to_string(ev)?)?;
            } else {
                let state = serde_json::to_value(s.state)?;
                let state = state.as_str().unwrap_or("");
                match &s.message {
                    Some(m) => writeln!(out, "{}: {state}: {m}", s.label)?,
                    None => writeln!(out, "{}: {state}", s.label)?,
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}
