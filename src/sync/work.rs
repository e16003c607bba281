//! The engine's two clockwork tasks: the timer tick (follow-ups, exactly once)
//! and the outbox worker (SMTP sends, HubSpot pushes). Both run until cancelled, wake early on
//! [`super::Engine::kick`], and report through the engine's event stream.

use super::{Shared, SyncEvent};
use crate::reply::worker;
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Fire due follow-ups every `tick_every` (and when kicked).
pub(super) async fn timers(shared: Shared, cancel: CancellationToken, kick: Arc<Notify>) {
    loop {
        let (db, clock, late) = (shared.db.clone(), shared.options.clock.clone(), shared.options.late_after);
        let res = tokio::task::spawn_blocking(move || {
            Store::open(&db).and_then(|mut s| s.fire_due(clock.now(), late))
        })
        .await;
        match res {
            Ok(Ok(report)) => {
                let queued = !report.queued_jobs.is_empty();
                for n in report.fired {
                    let _ = shared.events.send(SyncEvent::Notice(n));
                }
                if let Some(text) = report.summary {
                    let _ = shared.events.send(SyncEvent::Summary { text, count: report.caught_up.len() });
                }
                if queued {
                    shared.outbox_kick.notify_one();
                }
            }
            Ok(Err(e)) => {
                let _ = shared.events.send(SyncEvent::Problem { message: format!("follow-up timers: {e}") });
            }
            Err(e) => {
                let _ = shared
                    .events
                    .send(SyncEvent::Problem { message: format!("follow-up timers stopped: {e}") });
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = kick.notified() => {}
            _ = tokio::time::sleep(shared.options.tick_every) => {}
        }
    }
}

/// Send due outbox jobs; sleep until the next one is due (at most `tick_every`).
pub(super) async fn outbox(shared: Shared, cancel: CancellationToken) {
    loop {
        let (db, clock, keychain, backoff, hubspot) = (
            shared.db.clone(),
            shared.options.clock.clone(),
            shared.keychain.clone(),
            shared.options.outbox_backoff,
            shared.options.hubspot,
        );
        let res = tokio::task::spawn_blocking(move || {
            let mut store = Store::open(&db)?;
            let now = || clock.now();
            let mut reports = worker::run_due(&mut store, keychain.as_ref(), &now, backoff)?;
            let tokens = |ws: &crate::model::Workspace| match &keychain {
                Some(k) => k.get(&ws.slug, crate::hubspot::TOKEN_KEY).map_err(|e| e.to_string()),
                None => Err("the keychain is not available to read the HubSpot token".to_string()),
            };
            reports.extend(crate::hubspot::worker::run_due(&mut store, &tokens, &now, hubspot)?);
            let next = store.next_job_at(&[worker::KIND, crate::store::HUBSPOT_KIND])?;
            Ok::<_, crate::Error>((reports, next))
        })
        .await;
        let mut wait = shared.options.tick_every;
        match res {
            Ok(Ok((reports, next))) => {
                for r in reports {
                    let _ = shared.events.send(SyncEvent::Outbox(r));
                }
                if let Some(next) = next {
                    let until = (next - shared.options.clock.now()).to_std().unwrap_or_default();
                    wait = wait.min(until.max(std::time::Duration::from_millis(50)));
                }
            }
            Ok(Err(e)) => {
                let _ = shared.events.send(SyncEvent::Problem { message: format!("outbox: {e}") });
            }
            Err(e) => {
                let _ = shared.events.send(SyncEvent::Problem { message: format!("outbox stopped: {e}") });
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = shared.outbox_kick.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
