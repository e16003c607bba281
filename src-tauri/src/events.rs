//! The sync engine in the background, its events forwarded to the window:
//! arrivals in batches (`handoffs-changed`, at most every 150 ms, so an
//! initial sync of thousands does not flood the UI), follow-ups and other
//! notices as `notice`. Arrivals and follow-ups (a promise about to break,
//! broken, a callback due) also become desktop notifications; a batch of
//! more than three arrivals is one notification, not a flood.

use crate::state::{Db, Nudge, Painted};
use handoff::sync::{Engine, EngineOptions, SyncEvent};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

/// Payload of `handoffs-changed`.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    /// The handoffs that arrived or changed.
    pub ids: Vec<i64>,
}

/// Payload of `notice`.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeText {
    /// One line for a person.
    pub text: String,
}

/// The engine (and the rest of the start-up work the first paint does not
/// need) starts this long after launch even if the window never paints.
pub const START_AT_THE_LATEST: Duration = Duration::from_secs(5);

/// Start the engine on `db` once the window has painted (`painted`), and
/// forward its events to `app` until the app exits.
pub fn start(
    app: AppHandle,
    db: PathBuf,
    mut nudges: tokio::sync::mpsc::UnboundedReceiver<Nudge>,
    painted: Painted,
) {
    let notifier = Notifier::start(app.clone());
    tauri::async_runtime::spawn(async move {
        // After the first inbox paint (or a few seconds, whichever is first).
        painted.wait(START_AT_THE_LATEST).await;
        // Without a keychain (no Secret Service running), sources that need a
        // password say so in their status instead of syncing. Opening it may
        // start the keyring daemon: not on the async runtime.
        let keychain = tauri::async_runtime::spawn_blocking(|| handoff::secrets::Keychain::open().ok())
            .await
            .ok()
            .flatten();
        let mut engine = match Engine::start(db, keychain, EngineOptions::from_env()) {
            Ok(e) => e,
            Err(e) => {
                let _ =
                    app.emit("notice", NoticeText { text: format!("Background sync did not start: {e}") });
                return;
            }
        };
        let mut rx = engine.subscribe();
        let mut changed: Vec<i64> = Vec::new();
        let mut arrived: Vec<i64> = Vec::new();
        loop {
            let wait =
                if changed.is_empty() { Duration::from_secs(3600) } else { Duration::from_millis(150) };
            let next = tokio::select! {
                event = tokio::time::timeout(wait, rx.recv()) => match event {
                    Ok(e) => Some(e),
                    Err(_) if changed.is_empty() => continue,
                    Err(_) => None,
                },
                Some(nudge) = nudges.recv() => {
                    match nudge {
                        Nudge::Outbox => engine.kick(),
                        Nudge::Sources => {
                            if let Err(e) = engine.reload() {
                                let _ = app.emit("notice", NoticeText { text: format!("Sources did not restart: {e}") });
                            }
                        }
                    }
                    continue;
                }
            };
            match next {
                Some(Ok(SyncEvent::Received { handoff_id, .. })) => {
                    changed.push(handoff_id);
                    arrived.push(handoff_id);
                }
                Some(Ok(SyncEvent::Notice(n))) => {
                    changed.push(n.handoff_id);
                    notifier.send(&n.title, &n.body);
                    let _ = app.emit("notice", NoticeText { text: format!("{}: {}", n.title, n.body) });
                }
                Some(Ok(SyncEvent::Outbox(job))) => changed.extend(job.handoff_id),
                Some(Ok(SyncEvent::Team { handoff_ids })) => changed.extend(handoff_ids),
                Some(Ok(SyncEvent::ClaimLost { handoff_id, message, .. })) => {
                    changed.push(handoff_id);
                    let text = format!("#{handoff_id}: your claim was lost: {message}");
                    notifier.send("Claim lost", &text);
                    let _ = app.emit("notice", NoticeText { text });
                }
                Some(Ok(SyncEvent::Summary { text, .. })) => {
                    notifier.send("While Handoff Desk was closed", &text);
                    let _ = app.emit("notice", NoticeText { text });
                }
                Some(Ok(_)) => {}
                // Missed events: refresh everything.
                Some(Err(RecvError::Lagged(_))) => changed.push(-1),
                Some(Err(RecvError::Closed)) => break,
                None => {
                    let ids = std::mem::take(&mut changed);
                    let _ = app.emit("handoffs-changed", Changed { ids });
                    crate::tray::refresh(&app).await;
                    let new = std::mem::take(&mut arrived);
                    if !new.is_empty() {
                        announce(&app, &notifier, new).await;
                    }
                }
            }
        }
        engine.stop().await;
    });
}

/// One desktop notification for a batch of arrivals.
async fn announce(app: &AppHandle, notifier: &Notifier, ids: Vec<i64>) {
    let db = app.state::<Db>().inner().clone();
    let count = ids.len();
    let first = ids.first().copied();
    let text = db
        .run(move |s| {
            let Some(h) = first.map(|id| s.handoff(id)).transpose()?.flatten() else { return Ok(None) };
            let who =
                h.visitor.name.clone().or(h.visitor.email.clone()).unwrap_or_else(|| "A visitor".into());
            // The briefing says what they want at a glance; the question when it cannot be made.
            let what = match handoff::briefing::of(s, h.id) {
                Ok(b) => {
                    let hot = if b.hot_lead { "Hot lead. " } else { "" };
                    let tone = match b.facts.tone {
                        handoff::model::Tone::Calm => "",
                        handoff::model::Tone::Frustrated => "Frustrated. ",
                        handoff::model::Tone::Urgent => "Urgent. ",
                    };
                    format!("{hot}{tone}{}", b.facts.summary)
                }
                Err(_) => h.question.clone().unwrap_or_else(|| h.reason.label().to_string()),
            };
            Ok(Some((h.workspace, who, what)))
        })
        .await
        .ok()
        .flatten();
    match (count, text) {
        (1..=3, Some((workspace, who, what))) => {
            let more = if count > 1 { format!(" (and {} more)", count - 1) } else { String::new() };
            notifier.send(&format!("New handoff in {workspace}: {who}{more}"), &what);
        }
        _ => notifier.send(&format!("{count} new handoffs"), "Open Handoff Desk to see who is waiting."),
    }
}

/// Desktop notifications, shown from a thread of their own: the notification
/// service answers over D-Bus, sometimes slowly, and that must never hold the
/// async runtime the window's commands run on. Notices that arrive together
/// (a start catching up on follow-ups) become one notification, not a flood.
pub struct Notifier(std::sync::mpsc::Sender<(String, String)>);

/// How long a batch of notices gathers after its first.
const GATHER: Duration = Duration::from_millis(400);

impl Notifier {
    /// Start the notifications thread.
    pub fn start(app: AppHandle) -> Notifier {
        let (tx, rx) = std::sync::mpsc::channel::<(String, String)>();
        let spawned = std::thread::Builder::new().name("notifications".into()).spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                let until = std::time::Instant::now() + GATHER;
                while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
                    match rx.recv_timeout(left) {
                        Ok(n) => batch.push(n),
                        Err(_) => break,
                    }
                }
                batch.extend(rx.try_iter());
                for (title, body) in coalesce(batch) {
                    // No notification service (a bare desktop, CI): the window still shows it.
                    let _ = app.notification().builder().title(&title).body(&body).show();
                }
            }
        });
        if let Err(e) = spawned {
            eprintln!("handoff-desk: no desktop notifications ({e}); the window still shows every notice.");
        }
        Notifier(tx)
    }

    /// Queue one notification.
    pub fn send(&self, title: &str, body: &str) {
        let _ = self.0.send((title.to_string(), body.to_string()));
    }
}

/// Up to three notices stay as they are; more become one that names the
/// first two and counts the rest.
pub fn coalesce(mut batch: Vec<(String, String)>) -> Vec<(String, String)> {
    if batch.len() <= 3 {
        return batch;
    }
    let n = batch.len();
    batch.truncate(2);
    let named: Vec<String> = batch.into_iter().map(|(title, _)| title).collect();
    vec![(
        format!("{n} things need you in Handoff Desk"),
        format!("{}; and {} more. Open Handoff Desk to see them.", named.join("; "), n - 2),
    )]
}

#[cfg(test)]
mod tests {
    use super::coalesce;

    fn notices(n: usize) -> Vec<(String, String)> {
        (1..=n).map(|i| (format!("Promise {i} due soon"), format!("body {i}"))).collect()
    }

    #[test]
    fn a_few_notices_stay_apart_and_a_flood_becomes_one() {
        assert_eq!(coalesce(notices(3)), notices(3));
        let one = coalesce(notices(57));
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "57 things need you in Handoff Desk");
        assert_eq!(
            one[0].1,
            "Promise 1 due soon; Promise 2 due soon; and 55 more. Open Handoff Desk to see them."
        );
    }
}
