//! The sync engine in the background, its events forwarded to the window:
//! arrivals in batches (`handoffs-changed`, at most every 150 ms, so an
//! initial sync of thousands does not flood the UI), follow-ups and other
//! notices as `notice`.

use handoff::sync::{Engine, EngineOptions, SyncEvent};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use tauri::{AppHandle, Emitter};
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

/// Start the engine on `db` and forward its events to `app` until the app exits.
pub fn start(app: AppHandle, db: PathBuf) {
    tauri::async_runtime::spawn(async move {
        // Without a keychain (no Secret Service running), sources that need a
        // password say so in their status instead of syncing.
        let keychain = handoff::secrets::Keychain::open().ok();
        let engine = match Engine::start(db, keychain, EngineOptions::default()) {
            Ok(e) => e,
            Err(e) => {
                let _ =
                    app.emit("notice", NoticeText { text: format!("Background sync did not start: {e}") });
                return;
            }
        };
        let mut rx = engine.subscribe();
        let mut pending: Vec<i64> = Vec::new();
        loop {
            let next = if pending.is_empty() {
                Some(rx.recv().await)
            } else {
                tokio::time::timeout(Duration::from_millis(150), rx.recv()).await.ok()
            };
            match next {
                Some(Ok(SyncEvent::Received { handoff_id, .. })) => pending.push(handoff_id),
                Some(Ok(SyncEvent::Notice(n))) => {
                    pending.push(n.handoff_id);
                    let _ = app.emit("notice", NoticeText { text: format!("{}: {}", n.title, n.body) });
                }
                Some(Ok(SyncEvent::Summary { text, .. })) => {
                    let _ = app.emit("notice", NoticeText { text });
                }
                Some(Ok(_)) => {}
                // Missed events: refresh everything.
                Some(Err(RecvError::Lagged(_))) => pending.push(-1),
                Some(Err(RecvError::Closed)) => break,
                None => {
                    let ids = std::mem::take(&mut pending);
                    let _ = app.emit("handoffs-changed", Changed { ids });
                }
            }
        }
        engine.stop().await;
    });
}
