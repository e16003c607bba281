//! The sync engine: runs every enabled source of every workspace in the
//! background, one task per source, and reports what happens as events.
//!
//! - IMAP sources run on their own OS thread (the `imap` crate blocks); relay
//!   sources are tokio tasks. Each opens its own connection to the database.
//! - Each source reports its state ([`SourceState`]) and every stored handoff
//!   ([`SyncEvent::Received`]) on one broadcast channel, which the CLI's
//!   `watch` and the desktop shell consume.
//! - A failing source (wrong password, server down) shows the error with a
//!   human message and retries with backoff; it never stops the others.
//! - Dropping the [`Engine`] or calling [`Engine::stop`] cancels every task.
//!
//! Invariant (inherited from the sources): a cursor advances only in the
//! transaction that stores what it covers.

mod clock;
mod engine;
mod imap_task;
mod mailbox;
mod relay_task;
mod work;

pub use clock::{Clock, ManualClock, SystemClock};
pub use engine::{Engine, sync_once};
pub use mailbox::{SyncReport, sync_mailbox};

use crate::secrets::Keychain;
use crate::store::Source;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};

/// What a source is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// Opening a connection.
    Connecting,
    /// Fetching and storing.
    Syncing,
    /// Up to date, waiting for news (IDLE, poll or long-poll).
    Idle,
    /// The last attempt failed; a retry is scheduled.
    Error,
    /// Not running.
    Stopped,
}

/// The state of one source, as shown to people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceStatus {
    /// Source id.
    pub source_id: i64,
    /// `workspace/name`.
    pub label: String,
    /// `imap` or `relay`.
    pub kind: &'static str,
    /// What it is doing.
    pub state: SourceState,
    /// Details: how it waits, or what went wrong and what to do.
    pub message: Option<String>,
    /// Last completed sync.
    pub last_success_at: Option<DateTime<Utc>>,
}

/// Something the engine reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    /// A new handoff was stored.
    Received {
        /// Source id.
        source_id: i64,
        /// `workspace/name` of the source.
        source: String,
        /// The stored handoff.
        handoff_id: i64,
    },
    /// A teammate claimed, released or answered handoffs (team mode).
    Team {
        /// The handoffs whose team state changed.
        handoff_ids: Vec<i64>,
    },
    /// One of our claims, queued or sent, found a teammate's there first.
    ClaimLost {
        /// The handoff.
        handoff_id: i64,
        /// Who holds it.
        holder: crate::store::Teammate,
        /// What to tell people.
        message: String,
    },
    /// A source changed state.
    Status(SourceStatus),
    /// A follow-up fired: a reminder, a broken promise, a callback, a second attempt.
    Notice(crate::store::Notice),
    /// Follow-ups that came due while the app was closed, in one line.
    Summary {
        /// The line.
        text: String,
        /// How many follow-ups it covers.
        count: usize,
    },
    /// An outbox job was tried.
    Outbox(crate::reply::worker::JobReport),
    /// Background work failed in a way no source owns.
    Problem {
        /// What happened and what to do.
        message: String,
    },
}

/// Tuning; the defaults suit a desktop.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// First retry delay after a source failure; doubles up to `max_backoff`.
    pub min_backoff: Duration,
    /// Longest retry delay.
    pub max_backoff: Duration,
    /// Where the timers read the time.
    pub clock: Arc<dyn Clock>,
    /// How often due follow-ups are looked for.
    pub tick_every: Duration,
    /// A follow-up found later than this past due was missed while the app was
    /// closed: it is caught up into one summary instead of notifying.
    pub late_after: chrono::Duration,
    /// Retry pacing for outbox sends.
    pub outbox_backoff: crate::reply::worker::Backoff,
    /// How HubSpot pushes are paced and retried.
    pub hubspot: crate::hubspot::worker::PushOptions,
    /// Embed new content-gap questions as they arrive (for the gap checklist).
    pub gap_index: bool,
    /// The laptop app or the always-on companion: a workspace's setting says
    /// which of them sends its alerts and backup emails.
    pub role: crate::model::EngineRole,
    /// How Slack and Teams alerts are posted.
    pub alerts: crate::alerts::worker::AlertOptions,
    /// A gap this much longer than the tick between two ticks (the computer
    /// slept, the process was stopped) makes the next tick a catch-up.
    pub wake_gap: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(120),
            clock: Arc::new(SystemClock),
            tick_every: Duration::from_secs(15),
            late_after: chrono::Duration::minutes(10),
            outbox_backoff: crate::reply::worker::Backoff::default(),
            hubspot: crate::hubspot::worker::PushOptions::default(),
            gap_index: true,
            role: crate::model::EngineRole::Laptop,
            alerts: crate::alerts::worker::AlertOptions::default(),
            wake_gap: Duration::from_secs(60),
        }
    }
}

impl EngineOptions {
    /// The defaults with the environment's test and benchmark knobs, honoured
    /// alike by `handoff watch`, the companion and the desktop app:
    /// `HANDOFF_TICK_MS`, `HANDOFF_WAKE_GAP_MS`, `HANDOFF_ALERT_GAP_MS`,
    /// `HANDOFF_ALERT_BACKOFF_MS`, `HANDOFF_ALERT_TIMEOUT_MS` (milliseconds).
    pub fn from_env() -> EngineOptions {
        let ms = |key: &str| {
            std::env::var(key).ok().and_then(|v| v.parse::<u64>().ok()).map(Duration::from_millis)
        };
        let mut o = EngineOptions::default();
        if let Some(t) = ms("HANDOFF_TICK_MS") {
            o.tick_every = t;
        }
        if let Some(w) = ms("HANDOFF_WAKE_GAP_MS") {
            o.wake_gap = w;
        }
        if let Some(g) = ms("HANDOFF_ALERT_GAP_MS") {
            o.alerts.min_gap = g;
        }
        if let Some(b) = ms("HANDOFF_ALERT_BACKOFF_MS") {
            o.alerts.backoff.min = b;
            o.alerts.backoff.max = b * 8;
        }
        if let Some(t) = ms("HANDOFF_ALERT_TIMEOUT_MS") {
            o.alerts.timeout = t;
        }
        o
    }
}

/// What every task shares: where to report, how to stop.
#[derive(Clone)]
struct Shared {
    db: PathBuf,
    keychain: Option<Keychain>,
    events: broadcast::Sender<SyncEvent>,
    statuses: Arc<Mutex<HashMap<i64, SourceStatus>>>,
    options: EngineOptions,
    outbox_kick: Arc<Notify>,
    gaps_kick: Arc<Notify>,
    timer_kick: Arc<Notify>,
    /// Lost claims kept for [`sync_once`]'s reports (`None` in the engine, which only sends events).
    lost: Option<Arc<Mutex<Vec<crate::store::LostClaim>>>>,
}

impl Shared {
    fn new(db: PathBuf, keychain: Option<Keychain>, options: EngineOptions, capacity: usize) -> Shared {
        Shared {
            db,
            keychain,
            events: broadcast::channel(capacity).0,
            statuses: Arc::default(),
            options,
            outbox_kick: Arc::default(),
            gaps_kick: Arc::default(),
            timer_kick: Arc::default(),
            lost: None,
        }
    }

    fn report(&self, source: &Source, state: SourceState, message: Option<String>, success: bool) {
        // Errors name the command that fixes them; fill in which source.
        let message = message.map(|m| m.replace("WORKSPACE/NAME", &source.label()));
        let status = {
            let Ok(mut map) = self.statuses.lock() else { return };
            let is_new = !map.contains_key(&source.id);
            let entry = map.entry(source.id).or_insert_with(|| SourceStatus {
                source_id: source.id,
                label: source.label(),
                kind: source.config.kind(),
                state,
                message: None,
                last_success_at: None,
            });
            let changed = is_new || entry.state != state || entry.message != message || success;
            entry.state = state;
            entry.message = message;
            if success {
                entry.last_success_at = Some(Utc::now());
            }
            if !changed {
                return;
            }
            entry.clone()
        };
        let _ = self.events.send(SyncEvent::Status(status));
    }

    fn received(&self, source: &Source, ids: &[i64]) {
        if !ids.is_empty() && self.options.gap_index {
            self.gaps_kick.notify_one();
        }
        if !ids.is_empty() {
            // New-handoff alerts are queued by the timer tick.
            self.timer_kick.notify_one();
        }
        for &handoff_id in ids {
            let _ = self.events.send(SyncEvent::Received {
                source_id: source.id,
                source: source.label(),
                handoff_id,
            });
        }
    }

    fn claims_lost(&self, lost: Vec<crate::store::LostClaim>) {
        for l in &lost {
            let _ = self.events.send(SyncEvent::ClaimLost {
                handoff_id: l.handoff_id,
                holder: l.holder.clone(),
                message: l.message.clone(),
            });
        }
        if let Some(keep) = &self.lost
            && let Ok(mut keep) = keep.lock()
        {
            keep.extend(lost);
        }
    }

    fn team_changed(&self, ids: &[i64]) {
        if !ids.is_empty() {
            let _ = self.events.send(SyncEvent::Team { handoff_ids: ids.to_vec() });
        }
    }

    /// The delay before retry number `attempt` (0-based), with ±25 % jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.options.min_backoff.saturating_mul(2u32.saturating_pow(attempt.min(16)));
        let base = base.min(self.options.max_backoff);
        base.mul_f64(0.75 + fastrand::f64() * 0.5)
    }

    /// What the source logs in with (see [`crate::oauth::source_secret`]).
    fn secret(&self, source: &Source) -> std::result::Result<String, crate::oauth::OAuthError> {
        let Some(keychain) = &self.keychain else {
            return Err(crate::secrets::SecretError::Unavailable(
                "no keychain was opened for the engine".into(),
            )
            .into());
        };
        crate::oauth::source_secret(keychain, source)
    }
}

/// What one source did in [`sync_once`].
#[derive(Debug, Clone, Serialize)]
pub struct OnceReport {
    /// The source.
    pub source: String,
    /// Handoffs newly stored.
    pub inserted: Vec<i64>,
    /// Already stored, left alone.
    pub duplicates: usize,
    /// Stored but not understood (flagged raw).
    pub flagged: usize,
    /// What went wrong, if it did.
    pub error: Option<String>,
    /// Our claims that a teammate had already taken when they reached the server.
    pub claims_lost: Vec<crate::store::LostClaim>,
}

impl OnceReport {
    fn new(source: &Source, total: crate::store::IngestOutcome, error: Option<String>) -> Self {
        OnceReport {
            source: source.label(),
            flagged: total.flagged,
            duplicates: total.duplicates,
            inserted: total.inserted,
            error,
            claims_lost: Vec::new(),
        }
    }
}
