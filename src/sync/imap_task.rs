//! One IMAP source in the engine: a blocking loop on its own thread —
//! connect, sync, wait (IDLE or poll), repeat; reconnect with backoff.

use super::{OnceReport, Shared, SourceState};
use crate::ingest::imap::{Canceller, ImapError, Mailbox};
use crate::store::{IngestOutcome, Source, SourceConfig, Store};
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, oneshot};
use tokio_util::sync::CancellationToken;

/// Run the source until cancelled (or, with `once`, until it is up to date).
pub(super) async fn run(
    shared: Shared,
    source: Source,
    cancel: CancellationToken,
    wake: Arc<Notify>,
    once: bool,
) -> OnceReport {
    let canceller = Canceller::default();
    let (done_tx, done_rx) = oneshot::channel();
    let thread_shared = shared.clone();
    let thread_source = source.clone();
    let thread_canceller = canceller.clone();
    let spawned = std::thread::Builder::new().name(format!("imap {}", source.label())).spawn(move || {
        let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            blocking_loop(&thread_shared, &thread_source, &thread_canceller, once)
        }))
        .unwrap_or_else(|_| failed(&thread_source, "the IMAP worker crashed; it will restart with the app"));
        let _ = done_tx.send(report);
    });
    if let Err(e) = spawned {
        return failed(&source, &format!("cannot start a worker thread: {e}"));
    }
    let mut done_rx = done_rx;
    loop {
        tokio::select! {
            report = &mut done_rx => {
                return report.unwrap_or_else(|_| failed(&source, "the IMAP worker stopped unexpectedly"));
            }
            _ = cancel.cancelled() => {
                canceller.cancel();
                let report = done_rx.await.unwrap_or_else(|_| failed(&source, "stopped"));
                shared.report(&source, SourceState::Stopped, None, false);
                return report;
            }
            _ = wake.notified() => canceller.wake(),
        }
    }
}

fn failed(source: &Source, message: &str) -> OnceReport {
    OnceReport::new(source, IngestOutcome::default(), Some(message.to_string()))
}

fn blocking_loop(shared: &Shared, source: &Source, cancel: &Canceller, once: bool) -> OnceReport {
    let mut total = IngestOutcome::default();
    let mut attempt = 0u32;
    let mut last_error = None;
    let SourceConfig::Imap(config) = &source.config else {
        return failed(source, "not an IMAP source");
    };
    while !cancel.is_cancelled() {
        let result = session(shared, source, config, cancel, once, &mut total, &mut attempt);
        match result {
            Ok(()) => return OnceReport::new(source, total, None),
            Err(Failure::Cancelled) => break,
            Err(Failure::SignInAgain(message)) => {
                let _ = Store::open(&shared.db)
                    .and_then(|s| s.record_health(source.id, Utc::now(), Err(&message)));
                shared.report(source, SourceState::Error, Some(message.clone()), false);
                if once {
                    return OnceReport::new(source, total, Some(message));
                }
                last_error = Some(message);
                wait_for_sign_in(shared, source, cancel);
            }
            Err(Failure::Error(message, transient)) => {
                let _ = Store::open(&shared.db)
                    .and_then(|s| s.record_health(source.id, Utc::now(), Err(&message)));
                shared.report(source, SourceState::Error, Some(message.clone()), false);
                if once {
                    return OnceReport::new(source, total, Some(message));
                }
                // A refused login or a missing folder will not fix itself
                // quickly: wait long, but a "sync now" still retries at once.
                let delay = if transient { shared.backoff(attempt) } else { shared.options.max_backoff };
                attempt = attempt.saturating_add(1);
                last_error = Some(message);
                cancel.sleep(delay);
            }
        }
    }
    OnceReport::new(source, total, last_error)
}

/// Only a person can fix a revoked sign-in: no request to the provider on a
/// timer. Look in the keychain (local) until a new sign-in replaced the
/// refresh token, or "sync now" asks for one more try.
fn wait_for_sign_in(shared: &Shared, source: &Source, cancel: &Canceller) {
    let key = crate::secrets::source_key(&source.name);
    let read = || shared.keychain.as_ref().and_then(|k| k.get(&source.workspace_slug, &key).ok());
    let before = read();
    while !cancel.is_cancelled() {
        if cancel.sleep_or_woken(SIGN_IN_LOOK) || read() != before {
            return;
        }
    }
}

/// How often a source waiting for a new sign-in looks in the keychain.
const SIGN_IN_LOOK: Duration = Duration::from_secs(2);

enum Failure {
    Cancelled,
    /// The OAuth sign-in expired or was revoked: a person must sign in again.
    SignInAgain(String),
    /// A message for people, and whether a plain retry can help.
    Error(String, bool),
}

impl From<ImapError> for Failure {
    fn from(e: ImapError) -> Self {
        match e {
            ImapError::Cancelled => Failure::Cancelled,
            other => {
                let transient = other.is_transient();
                Failure::Error(other.to_string(), transient)
            }
        }
    }
}

impl From<crate::oauth::OAuthError> for Failure {
    fn from(e: crate::oauth::OAuthError) -> Self {
        match e {
            crate::oauth::OAuthError::SignInAgain { .. } => Failure::SignInAgain(e.to_string()),
            other => {
                let transient = other.is_transient();
                Failure::Error(other.to_string(), transient)
            }
        }
    }
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Self {
        Failure::Error(e.to_string(), true)
    }
}

/// One connection's life: returns `Ok` only in `once` mode when up to date.
fn session(
    shared: &Shared,
    source: &Source,
    config: &crate::ingest::imap::ImapConfig,
    cancel: &Canceller,
    once: bool,
    total: &mut IngestOutcome,
    attempt: &mut u32,
) -> Result<(), Failure> {
    shared.report(source, SourceState::Connecting, None, false);
    let password = shared.secret(source)?;
    let mut store = Store::open(&shared.db)?;
    let gone = || Failure::Error(format!("the workspace of {} is gone", source.label()), false);
    let mut workspace = store.workspace_by_id(source.workspace_id)?.ok_or_else(gone)?;
    let mut mailbox = match Mailbox::connect(config, &password, cancel) {
        // The server refused the access token (expired early, revoked):
        // refresh it once and try again; a refused refresh is "sign in again".
        Err(ImapError::Token { .. }) => {
            crate::oauth::forget(&source.workspace_slug, &crate::secrets::source_key(&source.name));
            let fresh = shared.secret(source)?;
            Mailbox::connect(config, &fresh, cancel)?
        }
        other => other?,
    };
    drop(password);
    let mut how = if mailbox.idles() {
        "watching the folder (IDLE)".to_string()
    } else {
        format!("checking every {} s (the server offers no IDLE)", config.poll_seconds)
    };
    let me = crate::team::identity(&workspace);
    if me.is_some() && !mailbox.keywords_allowed() {
        how.push_str("; team claims stay on this computer: ");
        how.push_str(crate::ingest::imap::NO_KEYWORDS);
    }
    // Replies saved in the shared Sent folder wake nothing on the watched
    // folder: look there at least this often.
    let sent_every = sent_folder(&workspace)
        .and(workspace.settings.team.as_ref())
        .map(|t| Duration::from_secs(u64::from(t.sent_poll_seconds.max(1))));
    loop {
        shared.report(source, SourceState::Syncing, None, false);
        // Settings changed by any process (another window, the CLI) apply to
        // what arrives from now on: one row read per round. (Team mode
        // changes restart the source: see `Engine::reload`.)
        workspace = store.workspace_by_id(source.workspace_id)?.ok_or_else(gone)?;
        let report = super::sync_mailbox(&mut mailbox, &mut store, source.id, &workspace, |batch| {
            shared.received(source, &batch.inserted)
        })?;
        if report.rescanned {
            rescan_note(shared, source, &report);
        }
        shared.team_changed(&report.outcome.answered);
        if me.is_some() {
            team_round(shared, &mut mailbox, &mut store, source, &workspace, me.as_ref())?;
        }
        total.absorb(report.outcome);
        *attempt = 0;
        let _ = store.record_health(source.id, Utc::now(), Ok(()));
        shared.report(source, SourceState::Idle, Some(how.clone()), true);
        if once {
            mailbox.logout();
            return Ok(());
        }
        let most = Duration::from_secs(config.poll_seconds.max(1)).max(crate::ingest::imap::REIDLE);
        mailbox.wait(sent_every.map_or(most, |s| most.min(s)), cancel)?;
    }
}

/// Team mode: send our queued claims over this connection, then read teammates'.
fn team_round(
    shared: &Shared,
    mailbox: &mut Mailbox,
    store: &mut Store,
    source: &Source,
    workspace: &crate::model::Workspace,
    me: Option<&crate::store::Teammate>,
) -> Result<(), Failure> {
    let pending = store.pending_claims(workspace.id, crate::model::SourceKind::Imap)?;
    let lost = crate::team::mailbox::push_claims(mailbox, store, &pending)?;
    shared.claims_lost(lost);
    let changed = crate::team::mailbox::sync_claims(mailbox, store, source.id, workspace.id, me)?;
    shared.team_changed(&changed);
    if let Some(folder) = sent_folder(workspace) {
        let answered = crate::team::mailbox::sent_answers(mailbox, folder, store, workspace)?;
        shared.team_changed(&answered);
    }
    Ok(())
}

/// The shared Sent folder to read teammates' replies from, in team mode.
fn sent_folder(workspace: &crate::model::Workspace) -> Option<&str> {
    workspace.settings.team.as_ref().and_then(|t| t.sent_folder.as_deref()).filter(|f| !f.is_empty())
}

/// A folder whose UIDVALIDITY changed was re-scanned: say so once, as a status message.
fn rescan_note(shared: &Shared, source: &Source, report: &super::SyncReport) {
    let message = format!(
        "the folder was recreated or restored on the server (UIDVALIDITY changed): re-scanned {} messages, {} were new",
        report.fetched,
        report.outcome.inserted.len()
    );
    shared.report(source, SourceState::Syncing, Some(message), false);
}
