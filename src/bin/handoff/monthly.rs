//! The client's monthly report (`handoff report`) and the bot's conversation
//! count it needs (`handoff conversations`).

use crate::sources::{SecretInput, keychain, read_secret};
use anyhow::{Context, Result};
use chrono::Utc;
use handoff::Store;
use handoff::conversations::{CHATWOOT_TOKEN_KEY, ChatwootScope};
use handoff::gaps::Grouper;
use handoff::metrics::Month;
use std::path::PathBuf;

/// `handoff report -w W [--month M] [--pdf FILE] [--html FILE]`.
pub fn report(
    store: &mut Store,
    workspace: &str,
    month: Option<String>,
    pdf: Option<PathBuf>,
    html: Option<PathBuf>,
) -> Result<()> {
    let ws = store.require_workspace(workspace)?;
    let now = Utc::now();
    let month = month.map(|m| Month::parse(&m)).transpose()?.unwrap_or_else(|| Month::of(now, ws.tz()));
    let r = handoff::report::build(store, &ws, month, &Grouper::load(), now)?;
    if pdf.is_none() && html.is_none() {
        print!("{}", handoff::report::html::render(&r));
        return Ok(());
    }
    if let Some(path) = html {
        std::fs::write(&path, handoff::report::html::render(&r)).with_context(|| {
            format!("cannot write the report to {}: check the folder exists and is writable", path.display())
        })?;
        println!("Wrote the {} report for {month} to {}.", ws.name, path.display());
    }
    if let Some(path) = pdf {
        std::fs::write(&path, handoff::report::pdf::render(&r)).with_context(|| {
            format!("cannot write the PDF to {}: check the folder exists and is writable", path.display())
        })?;
        println!("Wrote the {} report for {month} as PDF to {}.", ws.name, path.display());
    }
    Ok(())
}

/// `handoff conversations -w W --month M --from-chatwoot [ADDRESS] [--token-stdin]`.
pub fn from_chatwoot(
    store: &mut Store,
    workspace: &str,
    month: &str,
    address: Option<String>,
    token_stdin: bool,
) -> Result<()> {
    let mut ws = store.require_workspace(workspace)?;
    let m = Month::parse(month)?;
    let address = match address.filter(|a| !a.trim().is_empty()) {
        Some(a) => a.trim().to_string(),
        None => ws.settings.chatwoot_reports.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "no Chatwoot address is kept for {:?}: give the bot's inbox address once, e.g. `handoff conversations -w {} --month {m} --from-chatwoot https://app.chatwoot.com/app/accounts/3/inbox/7 --token-stdin`",
                ws.slug,
                ws.slug
            )
        })?,
    };
    let scope = ChatwootScope::parse(&address)?;
    let keychain = keychain()?;
    if token_stdin {
        let token = read_secret("Chatwoot access token", SecretInput::Stdin)?;
        keychain.set(&ws.slug, CHATWOOT_TOKEN_KEY, &token)?;
    }
    let token = keychain.get(&ws.slug, CHATWOOT_TOKEN_KEY).map_err(|e| match e {
        handoff::secrets::SecretError::Missing { .. } => anyhow::anyhow!(
            "no Chatwoot access token for {:?} in the keychain: copy an administrator's token from Chatwoot → Profile settings → Access token, then pipe it to `handoff conversations -w {} --month {m} --from-chatwoot --token-stdin`",
            ws.slug,
            ws.slug
        ),
        e => e.into(),
    })?;
    let total = handoff::conversations::chatwoot_month(&scope, &token, m, ws.tz())?;
    store.set_conversations(ws.id, &m.to_string(), total, "chatwoot", Utc::now())?;
    if ws.settings.chatwoot_reports.as_deref() != Some(address.as_str()) {
        ws.settings.chatwoot_reports = Some(address);
        store.update_workspace(&ws)?;
    }
    let what = match scope.inbox {
        Some(i) => format!("inbox {i} of account {}", scope.account),
        None => format!("account {}", scope.account),
    };
    println!("{}: Chatwoot counts {total} conversations in {m} ({what} at {}).", ws.name, scope.base);
    Ok(())
}

/// `handoff conversations -w W --month M TOTAL`.
pub fn conversations(store: &mut Store, workspace: &str, month: &str, total: i64) -> Result<()> {
    let ws = store.require_workspace(workspace)?;
    let m = Month::parse(month)?;
    store.set_conversations(ws.id, &m.to_string(), total, "typed", Utc::now())?;
    println!("{}: the bot had {total} conversations in {m}.", ws.name);
    Ok(())
}
