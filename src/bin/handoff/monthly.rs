//! The client's monthly report (`handoff report`) and the bot's conversation
//! count it needs (`handoff conversations`).

use crate::sources::{SecretInput, keychain, read_secret};
use anyhow::{Context, Result};
use chrono::Utc;
use handoff::Store;
use handoff::conversations::intercom::{IntercomError, IntercomRead};
use handoff::conversations::{ChatwootRead, CountError, CountRead};
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

/// The platform token piped in with --token-stdin, if it was.
fn piped_token(what: &str, token_stdin: bool) -> Result<Option<String>> {
    Ok(if token_stdin { Some(read_secret(what, SecretInput::Stdin)?) } else { None })
}

/// `handoff conversations -w W --month M --from-chatwoot [ADDRESS] [--token-stdin]`.
pub fn from_chatwoot(
    store: &mut Store,
    workspace: &str,
    month: &str,
    address: Option<String>,
    token_stdin: bool,
) -> Result<()> {
    let m = Month::parse(month)?;
    let token = piped_token("Chatwoot access token", token_stdin)?;
    let keychain = keychain()?;
    let read = ChatwootRead::prepare(store, &keychain, workspace, address.as_deref(), token.as_deref())
        .map_err(|e| match e {
                CountError::NoAddress(_) => anyhow::anyhow!(
                    "{e} For example: handoff conversations -w {workspace} --month {m} --from-chatwoot https://app.chatwoot.com/app/accounts/3/inbox/7 --token-stdin"
                ),
                CountError::NoToken(_) => anyhow::anyhow!(
                    "{e} Pipe it in: handoff conversations -w {workspace} --month {m} --from-chatwoot --token-stdin"
                ),
                e => e.into(),
            })?;
    let total = read.fetch_and_record(store, m)?;
    let ws = store.require_workspace(workspace)?;
    let scope = &read.scope;
    let what = match scope.inbox {
        Some(i) => format!("inbox {i} of account {}", scope.account),
        None => format!("account {}", scope.account),
    };
    println!("{}: Chatwoot counts {total} conversations in {m} ({what} at {}).", ws.name, scope.base);
    Ok(())
}

/// `handoff conversations -w W --month M --from-intercom [REGION]
/// [--every-conversation | --fin-only] [--token-stdin]`.
pub fn from_intercom(
    store: &mut Store,
    workspace: &str,
    month: &str,
    region: &str,
    every_conversation: Option<bool>,
    token_stdin: bool,
) -> Result<()> {
    let m = Month::parse(month)?;
    let token = piped_token("Intercom access token", token_stdin)?;
    let keychain = keychain()?;
    let read = IntercomRead::prepare(
        store,
        &keychain,
        workspace,
        Some(region),
        every_conversation,
        token.as_deref(),
    )
    .map_err(|e| match e {
        IntercomError::NoToken(_) => anyhow::anyhow!(
            "{e} Pipe it in: handoff conversations -w {workspace} --month {m} --from-intercom --token-stdin"
        ),
        e => e.into(),
    })?;
    let total = read.fetch_and_record(store, m)?;
    let ws = store.require_workspace(workspace)?;
    println!("{}: Intercom counts {total} {} in {m} ({}).", ws.name, read.counted(), read.api);
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
