//! The engine's clockwork tasks: the timer tick (follow-ups, exactly once),
//! the daily chores (retention and the automatic backup) and the outbox
//! worker (SMTP sends, HubSpot pushes). They run until cancelled, the timers
//! and the outbox wake early on [`super::Engine::kick`], and all report
//! through the engine's event stream.

use super::{Shared, SyncEvent};
use crate::reply::worker;
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Fire due follow-ups every `tick_every` (and when kicked), and queue the
/// alerts of new handoffs.
///
/// Sleep and stops are told apart from a quiet spell by two clocks: the
/// monotonic clock (which does not run while the process is stopped, and on
/// Linux not while the computer is suspended) against the tick we slept for,
/// and the wall clock against the monotonic one (a suspend moves only the
/// wall clock). Either gap past `wake_gap` makes this tick a catch-up.
pub(super) async fn timers(shared: Shared, cancel: CancellationToken, kick: Arc<Notify>) {
    let mut last: Option<(std::time::Instant, chrono::DateTime<chrono::Utc>)> = None;
    loop {
        let woke = last.is_some_and(|(mono, wall)| {
            let mono_gap = mono.elapsed();
            let wall_gap = (chrono::Utc::now() - wall).to_std().unwrap_or_default();
            let slack = shared.options.wake_gap;
            mono_gap > shared.options.tick_every + slack || wall_gap.saturating_sub(mono_gap) > slack
        });
        last = Some((std::time::Instant::now(), chrono::Utc::now()));
        let (db, clock, late) = (shared.db.clone(), shared.options.clock.clone(), shared.options.late_after);
        let opts = crate::store::FireOptions { role: shared.options.role, woke };
        let res = tokio::task::spawn_blocking(move || {
            let mut s = Store::open(&db)?;
            let mut report = s.fire_due_with(clock.now(), late, opts)?;
            report.queued_jobs.extend(s.queue_new_handoff_alerts(opts.role, clock.now())?);
            let next = s.next_follow_up_at()?;
            Ok::<_, crate::Error>((report, next))
        })
        .await;
        // Sleep until the next follow-up is due (a due time is met to the
        // moment, not to the next tick), at most `tick_every`.
        let mut wait = shared.options.tick_every;
        match res {
            Ok(Ok((report, next))) => {
                if let Some(next) = next {
                    let until = (next - shared.options.clock.now()).to_std().unwrap_or_default();
                    wait = wait.min(until.max(std::time::Duration::from_millis(20)));
                }
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
            _ = sleep_or_wake(wait) => {}
        }
    }
}

/// How long after start the first daily chores wait: start-up is for catching
/// up with the mailboxes and firing what came due, and a backup or a purge
/// copying or rewriting the data file then held both up (a `watch` killed
/// within its first seconds, over and over, stored almost nothing).
const CHORES_AFTER_START: std::time::Duration = std::time::Duration::from_secs(60);

/// Once a day, starting a minute after start: each workspace's retention,
/// then the automatic backup. Its own task, so that it never delays a
/// follow-up timer or a sync.
pub(super) async fn chores(shared: Shared, cancel: CancellationToken) {
    let mut done: Option<chrono::NaiveDate> = None;
    let mut wait = CHORES_AFTER_START;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
        let today = shared.options.clock.now().date_naive();
        if done != Some(today) {
            done = Some(today);
            daily(&shared).await;
        }
        // The date is looked at again every quarter of an hour.
        wait = std::time::Duration::from_secs(15 * 60);
    }
}

/// Each workspace's retention, then the automatic backup. Problems are
/// reported, never fatal.
async fn daily(shared: &Shared) {
    let (db, clock) = (shared.db.clone(), shared.options.clock.clone());
    let res = tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&db)?;
        let now = clock.now();
        store.apply_retention(now, false)?;
        store.daily_backup_if_due(now)?;
        Ok::<_, crate::Error>(())
    })
    .await;
    let message = match res {
        Ok(Ok(())) => return,
        Ok(Err(e)) => format!("retention or the daily backup: {e}"),
        Err(e) => format!("retention or the daily backup stopped: {e}"),
    };
    let _ = shared.events.send(SyncEvent::Problem { message });
}

/// Sleep for `wait`, or less when the computer wakes from suspend or the
/// process is continued after a stop: tokio's timers run on the monotonic
/// clock, which on Linux stands still during suspend, so a plain sleep would
/// go on for its whole length after the lid opens. Checked every second: the
/// wall clock running ahead of the monotonic one (a suspend), or a one-second
/// step that took far longer (a stop), ends the sleep at once.
async fn sleep_or_wake(wait: std::time::Duration) {
    use std::time::{Duration, Instant};
    let (mono0, wall0) = (Instant::now(), chrono::Utc::now());
    loop {
        let step = Duration::from_secs(1).min(wait.saturating_sub(mono0.elapsed()));
        if step.is_zero() {
            return;
        }
        let before = Instant::now();
        tokio::time::sleep(step).await;
        let wall = (chrono::Utc::now() - wall0).to_std().unwrap_or_default();
        if before.elapsed() > step + Duration::from_secs(2)
            || wall.saturating_sub(mono0.elapsed()) > Duration::from_secs(2)
        {
            return;
        }
    }
}

/// Send due outbox jobs; sleep until the next one is due (at most `tick_every`).
pub(super) async fn outbox(shared: Shared, cancel: CancellationToken) {
    loop {
        let (db, clock, keychain, backoff, hubspot, alerts) = (
            shared.db.clone(),
            shared.options.clock.clone(),
            shared.keychain.clone(),
            shared.options.outbox_backoff,
            shared.options.hubspot,
            shared.options.alerts,
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
            let hooks = |ws: &crate::model::Workspace, ch: crate::model::AlertChannel| match &keychain {
                Some(k) => k.get(&ws.slug, ch.secret_key()).map_err(|e| e.to_string()),
                None => Err("the keychain is not available to read the webhook URL".to_string()),
            };
            reports.extend(crate::alerts::worker::run_due(&mut store, &hooks, &now, alerts)?);
            let mut kinds = vec![worker::KIND, crate::store::HUBSPOT_KIND];
            kinds.extend(crate::store::ALERT_KINDS);
            let next = store.next_job_at(&kinds)?;
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

/// Embed the questions of newly arrived content-gap handoffs, so the monthly
/// grouping reads stored vectors. Arrivals come first: it starts once they
/// have paused for a moment, and works in small batches, each its own
/// transaction. Runs once at start to catch up; loads the model the first
/// time there is work. Without the model there is nothing to do (the
/// checklist groups by wording, and says so).
pub(super) async fn gap_index(shared: Shared, cancel: CancellationToken) {
    const QUIET: std::time::Duration = std::time::Duration::from_millis(750);
    const BATCH: usize = 64;
    let grouper: Arc<std::sync::Mutex<Option<crate::gaps::Grouper>>> = Arc::default();
    loop {
        // Wait until arrivals pause.
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = shared.gaps_kick.notified() => continue,
                _ = tokio::time::sleep(QUIET) => break,
            }
        }
        loop {
            let (db, grouper) = (shared.db.clone(), grouper.clone());
            let res = tokio::task::spawn_blocking(move || {
                let mut store = Store::open(&db)?;
                let todo = store.gap_questions_to_embed(crate::gaps::embed::MODEL_NAME, BATCH)?;
                if todo.is_empty() {
                    return Ok(0);
                }
                let Ok(mut slot) = grouper.lock() else { return Ok(0) };
                slot.get_or_insert_with(crate::gaps::Grouper::load).index_some(&mut store, todo)
            })
            .await;
            let done = match res {
                Ok(Ok(n)) => n,
                Ok(Err(e)) => {
                    let _ = shared.events.send(SyncEvent::Problem { message: format!("gap checklist: {e}") });
                    0
                }
                Err(e) => {
                    let _ = shared
                        .events
                        .send(SyncEvent::Problem { message: format!("gap checklist stopped: {e}") });
                    0
                }
            };
            if done == 0 || cancel.is_cancelled() {
                break;
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = shared.gaps_kick.notified() => {}
        }
    }
}
