//! The workspace switcher.

use crate::commands::window::Phase;
use crate::error::CmdResult;
use crate::state::Db;
use crate::views::WorkspaceSummary;

static ANSWERED: Phase = Phase::new("workspaces-answered");

/// Every workspace with its counts.
#[tauri::command]
pub async fn list_workspaces(db: tauri::State<'_, Db>) -> CmdResult<Vec<WorkspaceSummary>> {
    let list = db
        .run(|s| {
            let now = chrono::Utc::now();
            s.workspace_counts(now)?
                .into_iter()
                .map(|(w, c)| {
                    Ok(WorkspaceSummary {
                        slug: w.slug,
                        name: w.name,
                        time_zone: w.time_zone,
                        handoffs: c.total,
                        open: c.open,
                        overdue: c.overdue,
                    })
                })
                .collect()
        })
        .await;
    ANSWERED.mark();
    list
}

/// Handoffs per demo client, and months of history: as `handoff demo` makes them.
const DEMO_PER_CLIENT: usize = 120;
const DEMO_MONTHS: u32 = 5;

/// Fill an empty data file with the demo (the first-run panel's "Open the
/// demo"); a file that has workspaces already is left alone.
#[tauri::command]
pub async fn load_demo(app: tauri::AppHandle, db: tauri::State<'_, Db>) -> CmdResult<String> {
    let said = db
        .run(|s| {
            if !s.workspaces()?.is_empty() {
                return Err(handoff::Error::Invalid(
                    "The demo only loads into an empty data file, and this one has workspaces already.".into(),
                ));
            }
            let made = handoff::demo::install(s, DEMO_PER_CLIENT, DEMO_MONTHS, chrono::Utc::now())?;
            Ok(format!(
                "Demo ready: {} handoffs in {} workspaces (a few kept raw on purpose, to show how unreadable notifications look).",
                made.handoffs,
                made.workspaces.len()
            ))
        })
        .await?;
    crate::tray::refresh(&app).await;
    Ok(said)
}
