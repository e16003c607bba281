//! The retention loop: every `purge_interval` (and once at start) delete the
//! events older than the retention window, and the team records not changed
//! within it.
//!
//! Invariants: a purge records, in the same transaction, the highest id it
//! removed per channel (see [`crate::store::Store::purge`]), which is what lets
//! readers be told about a `gap`. Missed ticks are skipped, not bunched up.
//! Stopping (or dropping) the handle ends the loop; a purge in progress on the
//! blocking pool still completes or rolls back as a whole.

use std::{sync::Arc, time::Duration};

use tokio::{
    sync::oneshot,
    task::JoinHandle,
    time::{MissedTickBehavior, interval},
};

use crate::store::Store;

/// Handle to the running loop.
#[derive(Debug)]
pub struct Purger {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Purger {
    /// Starts purging events older than `retention` every `every`.
    pub fn start(store: Arc<Store>, retention: Duration, every: Duration) -> Self {
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut ticks = interval(every);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = ticks.tick() => purge_once(&store, retention).await,
                }
            }
        });
        Self { stop: Some(stop), task: Some(task) }
    }

    /// Stops the loop and waits for it to finish its current step.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            // The loop may already have ended; nothing to tell it then.
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // A panic in the loop was already reported by tokio; shutdown goes on.
            let _ = task.await;
        }
    }
}

impl Drop for Purger {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

async fn purge_once(store: &Arc<Store>, retention: Duration) {
    let retention_ms = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    let cutoff_ms = chrono::Utc::now().timestamp_millis().saturating_sub(retention_ms);
    match store.call(move |s| s.purge(cutoff_ms)).await {
        Ok(0) => {}
        Ok(n) => eprintln!("handoff-relay: retention purged {n} event(s)"),
        Err(e) => eprintln!("handoff-relay: retention purge failed, will retry next interval: {e}"),
    }
    match store.call(move |s| s.purge_team(cutoff_ms)).await {
        Ok(0) => {}
        Ok(n) => eprintln!("handoff-relay: retention purged {n} team record(s)"),
        Err(e) => {
            eprintln!("handoff-relay: retention purge of team records failed, will retry next interval: {e}")
        }
    }
}
