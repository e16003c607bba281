//! `handoff hubspot …` and `handoff push`: connect a workspace's portal,
//! push leads, see where they are.

use crate::print;
use crate::sources::{SecretInput, keychain, read_secret};
use anyhow::{Context, Result, bail};
use chrono::Utc;
use handoff::hubspot::worker::{self, PushOptions};
use handoff::hubspot::{self, SCOPES, TOKEN_KEY};
use handoff::model::{HubspotSettings, Workspace};
use handoff::store::HUBSPOT_KIND;
use handoff::{Store, connect};
use std::time::Duration;

/// Options, with test knobs from the environment (short timeouts and backoff
/// so fault tests run in seconds).
pub fn push_options() -> PushOptions {
    let ms = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok()).map(Duration::from_millis);
    let mut o = PushOptions::default();
    if let Some(t) = ms("HANDOFF_HUBSPOT_TIMEOUT_MS") {
        o.timeout = t;
    }
    if let Some(b) = ms("HANDOFF_HUBSPOT_BACKOFF_MS") {
        o.backoff.min = b;
        o.backoff.max = b * 8;
    }
    if let Some(w) = ms("HANDOFF_HUBSPOT_WINDOW_MS") {
        o.window = w;
    }
    if let Some(b) = std::env::var("HANDOFF_HUBSPOT_BATCH").ok().and_then(|v| v.parse().ok()) {
        o.batch = b;
    }
    o
}

#[allow(clippy::too_many_arguments)]
pub fn connect(
    store: &mut Store,
    slug: &str,
    token_stdin: bool,
    base_url: String,
    manual: bool,
    lead_status: bool,
    rate: u32,
) -> Result<()> {
    store.require_workspace(slug)?;
    let token =
        read_secret("HubSpot token", if token_stdin { SecretInput::Stdin } else { SecretInput::Prompt })?;
    let settings = HubspotSettings { base_url, auto_push: !manual, lead_status, rate_per_10s: rate };
    let ws = connect::connect_hubspot(store, &keychain()?, slug, settings, Some(&token), push_options())
        .map_err(|e| match e {
            connect::ConnectError::Invalid(m) if m.starts_with("the rate") => anyhow::anyhow!(
                "--rate is requests per ten seconds: 100 (Free/Starter), 190 (Professional/Enterprise) or 250 (API add-on)"
            ),
            e => e.into(),
        })?;
    let base_url = ws.settings.hubspot.map(|h| h.base_url).unwrap_or_default();
    println!(
        "Workspace {slug:?} is connected to HubSpot at {base_url} (token checked, kept in the OS keychain)."
    );
    println!(
        "Contacts get the properties {}, {}, {} and {}.",
        hubspot::PROP_REASON,
        hubspot::PROP_STATUS,
        hubspot::PROP_AT,
        hubspot::PROP_PAGE
    );
    for (scope, why) in SCOPES {
        println!("  scope {scope:<28} {why}");
    }
    if manual {
        println!("Handoffs are pushed when you ask: `handoff push ID`.");
    } else {
        println!("New handoffs are pushed as they arrive (while `handoff watch` or the app runs).");
    }
    let waiting = store.unpushed(ws.id)?.len();
    if waiting > 0 {
        println!(
            "{waiting} earlier handoff(s) are not in HubSpot: `handoff push --all-pending -w {slug}` sends them."
        );
    }
    Ok(())
}

pub fn disconnect(store: &mut Store, slug: &str) -> Result<()> {
    let keychain = keychain().ok();
    match connect::disconnect_hubspot(store, keychain.as_ref(), slug)? {
        None => {
            println!("Workspace {slug:?} is disconnected from HubSpot; its token is gone from the keychain.")
        }
        Some(why) => println!("Workspace {slug:?} is disconnected from HubSpot ({why})."),
    }
    Ok(())
}

pub fn status(store: &Store, only: Option<String>) -> Result<()> {
    let all = match only {
        Some(s) => vec![store.require_workspace(&s)?],
        None => store.workspaces()?,
    };
    for ws in all {
        let (Some(settings), Some(portal)) = (&ws.settings.hubspot, store.hubspot_portal(ws.id)?) else {
            println!("{:<14} not connected (`handoff hubspot connect --workspace {}`)", ws.slug, ws.slug);
            continue;
        };
        let counts: Vec<String> =
            store.push_counts(ws.id)?.into_iter().map(|(s, n)| format!("{n} {s}")).collect();
        println!(
            "{:<14} {} · {} · {} req/10 s · {}",
            ws.slug,
            settings.base_url,
            if settings.auto_push { "auto" } else { "on request" },
            settings.rate_per_10s,
            if counts.is_empty() { "nothing pushed yet".to_string() } else { counts.join(", ") }
        );
        if let Some(why) = portal.stopped {
            println!("{:<14} PAUSED: {why}", "");
        }
        if let (Some(until), Some(why)) = (portal.retry_at, &portal.retry_why)
            && until > Utc::now()
        {
            println!("{:<14} WAITING: {why}", "");
        }
    }
    Ok(())
}

pub fn token_source() -> impl Fn(&Workspace) -> std::result::Result<String, String> {
    let kc = keychain();
    move |ws: &Workspace| match &kc {
        Ok(k) => k.get(&ws.slug, TOKEN_KEY).map_err(|e| e.to_string()),
        Err(e) => Err(format!("the keychain is not available ({e})")),
    }
}

pub fn run(store: &mut Store) -> Result<usize> {
    let tokens = token_source();
    let reports = worker::run_due(store, &tokens, &Utc::now, push_options())?;
    for r in &reports {
        println!("#{}: {}: {}", r.handoff_id.unwrap_or_default(), r.state, print::cut(&r.message, 300));
    }
    Ok(reports.len())
}

pub fn push(store: &mut Store, ids: Vec<i64>, all_pending: bool, workspace: Option<String>) -> Result<()> {
    let mut targets = ids;
    if all_pending {
        let wss = match &workspace {
            Some(s) => vec![store.require_workspace(s)?],
            None => store.workspaces()?.into_iter().filter(|w| w.settings.hubspot.is_some()).collect(),
        };
        for ws in wss {
            targets.extend(store.unpushed(ws.id)?);
        }
    } else if targets.is_empty() {
        bail!("name the handoffs to push (`handoff push 12 15`) or pass --all-pending");
    }
    for id in &targets {
        let h = store
            .handoff(*id)?
            .with_context(|| format!("no handoff #{id}. `handoff list` shows the ids."))?;
        let ws = store.require_workspace(&h.workspace)?;
        if ws.settings.hubspot.is_none() || store.hubspot_portal(ws.id)?.is_none() {
            bail!(
                "workspace {:?} is not connected to HubSpot: `handoff hubspot connect --workspace {}` first",
                ws.slug,
                ws.slug
            );
        }
    }
    let queued = store.queue_pushes(&targets, Utc::now())?;
    println!("{} handoff(s) queued for HubSpot.", queued.len());
    run(store)?;
    let waiting = store
        .jobs(&[handoff::store::JobState::Pending])?
        .into_iter()
        .filter(|j| j.kind == HUBSPOT_KIND)
        .count();
    if waiting > 0 {
        println!(
            "{waiting} push(es) wait for a retry; `handoff watch` (or the app) sends them when due, or run `handoff outbox run`."
        );
    }
    Ok(())
}
