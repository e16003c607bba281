//! The running engine: one task per enabled source, the timer tick and the
//! outbox workers, restarted when a source or a workspace's team mode changes
//! ([`Engine`]); and [`sync_once`], every source once, for the CLI.

use super::{
    EngineOptions, OnceReport, Shared, SourceState, SourceStatus, SyncEvent, imap_task, relay_task, work,
};
use crate::error::Result;
use crate::secrets::Keychain;
use crate::store::{Source, SourceConfig, Store};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

/// A running source task and the token that stops it alone.
struct Running {
    source: Source,
    /// The workspace's team mode when the task started: a change restarts it.
    team: Option<crate::model::TeamSettings>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<OnceReport>,
}

/// The running engine.
pub struct Engine {
    cancel: CancellationToken,
    shared: Shared,
    wake: Arc<Notify>,
    timer_kick: Arc<Notify>,
    running: HashMap<i64, Running>,
    clockwork: Vec<tokio::task::JoinHandle<()>>,
}

impl Engine {
    /// Start one task per enabled source in the database at `db`, the timer
    /// tick and the outbox worker. Must be called inside a tokio runtime.
    /// Without a keychain, sources and sends that need a secret report so.
    pub fn start(db: PathBuf, keychain: Option<Keychain>, options: EngineOptions) -> Result<Engine> {
        let shared = Shared::new(db, keychain, options, 4096);
        let timer_kick = shared.timer_kick.clone();
        let mut engine = Engine {
            cancel: CancellationToken::new(),
            shared,
            wake: Arc::new(Notify::new()),
            timer_kick,
            running: HashMap::new(),
            clockwork: Vec::new(),
        };
        engine.reload()?;
        let (s, c) = (engine.shared.clone(), engine.cancel.child_token());
        engine.clockwork.push(tokio::spawn(work::timers(s, c, engine.timer_kick.clone())));
        let (s, c) = (engine.shared.clone(), engine.cancel.child_token());
        engine.clockwork.push(tokio::spawn(work::outbox(s, c)));
        let (s, c) = (engine.shared.clone(), engine.cancel.child_token());
        engine.clockwork.push(tokio::spawn(work::chores(s, c)));
        if engine.shared.options.gap_index {
            let (s, c) = (engine.shared.clone(), engine.cancel.child_token());
            engine.clockwork.push(tokio::spawn(work::gap_index(s, c)));
        }
        Ok(engine)
    }

    /// Bring the running tasks in line with the sources table: start the
    /// enabled ones not yet running, stop the removed, disabled or changed ones.
    pub fn reload(&mut self) -> Result<()> {
        let store = Store::open(&self.shared.db)?;
        let wanted: HashMap<i64, Source> =
            store.sources()?.into_iter().filter(|s| s.enabled).map(|s| (s.id, s)).collect();
        // Team mode lives on the workspace: turning it on or off, or changing
        // who we are, restarts the workspace's sources so they share (or stop).
        let teams: HashMap<i64, Option<crate::model::TeamSettings>> =
            store.workspaces()?.into_iter().map(|w| (w.id, w.settings.team)).collect();
        let team_of = |s: &Source| teams.get(&s.workspace_id).cloned().flatten();
        let stale: Vec<i64> = self
            .running
            .iter()
            .filter(|(id, r)| {
                wanted.get(id).is_none_or(|s| s.config != r.source.config || team_of(s) != r.team)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            // The task reports `stopped` itself as it ends.
            if let Some(r) = self.running.remove(&id) {
                r.cancel.cancel();
            }
        }
        for (id, source) in wanted {
            if self.running.contains_key(&id) {
                continue;
            }
            self.shared.report(&source, SourceState::Connecting, None, false);
            let cancel = self.cancel.child_token();
            let (shared, wake) = (self.shared.clone(), self.wake.clone());
            let task = match &source.config {
                SourceConfig::Imap(_) => {
                    tokio::spawn(imap_task::run(shared, source.clone(), cancel.clone(), wake, false))
                }
                SourceConfig::Relay(_) => {
                    tokio::spawn(relay_task::run(shared, source.clone(), cancel.clone(), wake, false))
                }
            };
            let team = team_of(&source);
            self.running.insert(id, Running { source, team, cancel, task });
        }
        Ok(())
    }

    /// Events from now on: arrivals and status changes.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.shared.events.subscribe()
    }

    /// The current state of every source.
    pub fn statuses(&self) -> Vec<SourceStatus> {
        let mut all: Vec<SourceStatus> =
            self.shared.statuses.lock().map(|m| m.values().cloned().collect()).unwrap_or_default();
        all.sort_by(|a, b| a.label.cmp(&b.label));
        all
    }

    /// Ask every source to check now (cuts poll sleeps and retry delays short).
    pub fn sync_now(&self) {
        self.wake.notify_waiters();
    }

    /// Run the timer tick and the outbox worker now (after a clock change, a
    /// queued reply, a resumed network).
    pub fn kick(&self) {
        self.timer_kick.notify_one();
        self.shared.outbox_kick.notify_one();
    }

    /// Stop every task and wait for them to finish.
    pub async fn stop(mut self) {
        self.cancel.cancel();
        for (_, r) in self.running.drain() {
            let _ = r.task.await;
        }
        for t in self.clockwork.drain(..) {
            let _ = t.await;
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Run every enabled source once, one after another, until each is up to date.
pub async fn sync_once(db: PathBuf, keychain: Keychain) -> Result<Vec<OnceReport>> {
    let keychain = Some(keychain);
    let sources: Vec<Source> = Store::open(&db)?.sources()?.into_iter().filter(|s| s.enabled).collect();
    let mut shared = Shared::new(db, keychain, EngineOptions::default(), 16);
    let lost: Arc<Mutex<Vec<crate::store::LostClaim>>> = Arc::default();
    shared.lost = Some(lost.clone());
    let cancel = CancellationToken::new();
    let wake = Arc::new(Notify::new());
    let mut out = Vec::new();
    for source in sources {
        let report = match &source.config {
            SourceConfig::Imap(_) => {
                imap_task::run(shared.clone(), source, cancel.clone(), wake.clone(), true).await
            }
            SourceConfig::Relay(_) => {
                relay_task::run(shared.clone(), source, cancel.clone(), wake.clone(), true).await
            }
        };
        let mut report = report;
        report.claims_lost = lost.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default();
        out.push(report);
    }
    Ok(out)
}
