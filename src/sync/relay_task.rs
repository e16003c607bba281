//! One relay source in the engine: long-poll, store, advance; retry with backoff.

use super::{OnceReport, Shared, SourceState};
use crate::ingest::relay::{RelayClient, RelayError};
use crate::store::{Cursor, IngestOutcome, Source, SourceConfig, Store};
use chrono::Utc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Run the source until cancelled (or, with `once`, until the relay has nothing more).
pub(super) async fn run(
    shared: Shared,
    source: Source,
    cancel: CancellationToken,
    wake: Arc<Notify>,
    once: bool,
) -> OnceReport {
    let mut total = IngestOutcome::default();
    let mut attempt = 0u32;
    let mut last_error = None;
    loop {
        let outcome = tokio::select! {
            r = session(&shared, &source, once, &mut total, &mut attempt) => r,
            _ = cancel.cancelled() => break,
        };
        let (message, transient) = match outcome {
            Ok(()) => return OnceReport::new(&source, total, None),
            Err(e) => e,
        };
        let db = shared.db.clone();
        let id = source.id;
        let msg = message.clone();
        let _ = tokio::task::spawn_blocking(move || {
            Store::open(&db).and_then(|s| s.record_health(id, Utc::now(), Err(&msg)))
        })
        .await;
        shared.report(&source, SourceState::Error, Some(message.clone()), false);
        if once {
            return OnceReport::new(&source, total, Some(message));
        }
        let delay = if transient { shared.backoff(attempt) } else { shared.options.max_backoff };
        attempt = attempt.saturating_add(1);
        last_error = Some(message);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = wake.notified() => {}
            _ = cancel.cancelled() => break,
        }
    }
    shared.report(&source, SourceState::Stopped, None, false);
    OnceReport::new(&source, total, last_error)
}

type Failure = (String, bool);

fn from_relay(e: RelayError) -> Failure {
    let transient = e.is_transient();
    (e.to_string(), transient)
}

fn from_store(e: crate::Error) -> Failure {
    (e.to_string(), true)
}

type Shelf = Arc<Mutex<Store>>;

/// Store work off the runtime.
async fn blocking<T: Send + 'static>(
    store: &Shelf,
    f: impl FnOnce(&mut Store) -> crate::Result<T> + Send + 'static,
) -> Result<T, Failure> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard =
            store.lock().map_err(|_| crate::Error::Invalid("the store lock was poisoned".into()))?;
        f(&mut guard)
    })
    .await
    .map_err(|e| (format!("internal error: {e}"), true))?
    .map_err(from_store)
}

async fn session(
    shared: &Shared,
    source: &Source,
    once: bool,
    total: &mut IngestOutcome,
    attempt: &mut u32,
) -> Result<(), Failure> {
    let SourceConfig::Relay(config) = &source.config else {
        return Err(("not a relay source".into(), false));
    };
    shared.report(source, SourceState::Connecting, None, false);
    let (keychain_shared, src) = (shared.clone(), source.clone());
    let token = tokio::task::spawn_blocking(move || keychain_shared.secret(&src))
        .await
        .map_err(|e| (format!("internal error: {e}"), true))?
        .map_err(|e| (e.to_string(), false))?;
    let client = RelayClient::new(config, &token).map_err(from_relay)?;
    let (db, ws_id, id) = (shared.db.clone(), source.workspace_id, source.id);
    let store: Shelf = tokio::task::spawn_blocking(move || Store::open(&db))
        .await
        .map_err(|e| (format!("internal error: {e}"), true))?
        .map(|s| Arc::new(Mutex::new(s)))
        .map_err(from_store)?;
    let (workspace, mut after) = blocking(&store, move |store| {
        let ws =
            store.workspace_by_id(ws_id)?.ok_or(crate::Error::Invalid("the workspace is gone".into()))?;
        Ok((ws, store.relay_cursor(id)?))
    })
    .await?;
    let team = crate::team::identity(&workspace).is_some();
    let events = async {
        // Catch up with immediate requests; long-poll only once nothing is waiting.
        let mut catching_up = true;
        loop {
            let wait =
                if catching_up || once { Duration::ZERO } else { Duration::from_secs(config.wait_seconds) };
            let page = client.fetch(after, wait).await.map_err(from_relay)?;
            if page.gap {
                // Recorded before the cursor moves past the hole: the relay says it only once.
                let lost = page.lost;
                let gap = blocking(&store, move |store| {
                    let gap_id = store.record_relay_gap(id, Utc::now(), lost)?;
                    Ok(store.open_relay_gaps(id)?.into_iter().find(|g| g.id == gap_id))
                })
                .await?;
                if let Some(gap) = gap {
                    let message = format!("{}: {}", source.label(), gap.notice());
                    let _ = shared.events.send(super::SyncEvent::Problem { message });
                }
            }
            if !page.events.is_empty() || page.next != after {
                shared.report(source, SourceState::Syncing, None, false);
                let mut items = page.parse();
                crate::ingest::briefing::attach(&mut items);
                let next = page.next;
                // The workspace as it is now: settings changed by any process apply to new handoffs.
                let outcome = blocking(&store, move |store| {
                    let ws = store
                        .workspace_by_id(ws_id)?
                        .ok_or(crate::Error::Invalid("the workspace is gone".into()))?;
                    store.ingest_at(&ws, items, Utc::now(), id, Cursor::Relay { after: next })
                })
                .await?;
                shared.received(source, &outcome.inserted);
                total.absorb(outcome);
                after = page.next;
            }
            *attempt = 0;
            catching_up = !page.events.is_empty();
            if catching_up {
                continue;
            }
            let _ = blocking(&store, move |store| store.record_health(id, Utc::now(), Ok(()))).await;
            // An unacknowledged retention gap stays the source's status until the user acknowledges it.
            let gaps = blocking(&store, move |store| store.open_relay_gaps(id)).await?;
            let message = match gaps.last() {
                Some(gap) => gap.notice(),
                None => "long-polling the relay".into(),
            };
            shared.report(source, SourceState::Idle, Some(message), true);
            if once {
                return Ok(());
            }
        }
    };
    if !team {
        return events.await;
    }
    if once {
        events.await?;
        let (changed, lost) = crate::team::share::sync_relay(&shared.db, &client, id, ws_id, Duration::ZERO)
            .await
            .map_err(|e| (format!("team records on the relay: {e}"), true))?;
        shared.claims_lost(lost);
        shared.team_changed(&changed);
        return Ok(());
    }
    tokio::select! {
        r = events => r,
        r = team_loop(shared, source, &client, config.wait_seconds) => r,
    }
}

/// Team mode on a relay channel: send our claims and answers, long-poll the
/// team's changes, repeat. A failure here (an older relay without team
/// records, say) is reported and retried; it never stops the handoffs coming.
async fn team_loop(shared: &Shared, source: &Source, client: &RelayClient, wait: u64) -> Result<(), Failure> {
    let mut attempt = 0u32;
    loop {
        let round = crate::team::share::sync_relay(
            &shared.db,
            client,
            source.id,
            source.workspace_id,
            Duration::from_secs(wait.clamp(1, 25)),
        )
        .await;
        match round {
            Ok((changed, lost)) => {
                attempt = 0;
                shared.claims_lost(lost);
                shared.team_changed(&changed);
            }
            Err(e) => {
                let message = format!(
                    "{}: claims and answers are not being shared with the team ({e}); retrying",
                    source.label()
                );
                let _ = shared.events.send(super::SyncEvent::Problem { message });
                tokio::time::sleep(shared.backoff(attempt)).await;
                attempt = attempt.saturating_add(1);
            }
        }
    }
}
