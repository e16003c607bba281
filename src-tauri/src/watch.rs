//! Changes other processes make to the data file reach the open window: the
//! CLI importing a file, a second app, a teammate's sync writing through its
//! own connection. SQLite's `PRAGMA data_version` on the window's connection
//! changes whenever another connection commits (and never for its own
//! writes, which the commands already answer with fresh views), so polling
//! it is a page-cache check, cheap enough for a few times a second.
//! A change becomes `handoffs-changed` with no ids (refresh everything
//! shown), the same event the sync engine's arrivals use.

use crate::events::Changed;
use crate::state::Db;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};

/// How often the data file is looked at: a CLI import shows within this
/// plus one inbox query.
const EVERY: Duration = Duration::from_millis(400);

/// Poll the data file for other processes' writes until the app exits.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let db = app.state::<Db>().inner().clone();
        // Nothing to refresh before the first screen is up.
        let painted = app.state::<crate::state::Painted>().inner().clone();
        painted.wait(crate::events::START_AT_THE_LATEST).await;
        let mut last: Option<i64> = None;
        let mut ticker = tokio::time::interval(EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticker.tick().await;
            let Ok(now) = db.run(|s| s.data_version()).await else { continue };
            if last.is_some_and(|v| v != now) {
                let _ = app.emit("handoffs-changed", Changed { ids: Vec::new() });
                crate::tray::refresh(&app).await;
            }
            last = Some(now);
        }
    });
}
