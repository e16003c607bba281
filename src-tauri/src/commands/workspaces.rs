//! The workspace switcher.

use crate::error::CmdResult;
use crate::state::Db;
use crate::views::WorkspaceSummary;

/// Every workspace with its counts.
#[tauri::command]
pub async fn list_workspaces(db: tauri::State<'_, Db>) -> CmdResult<Vec<WorkspaceSummary>> {
    db.run(|s| {
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
    .await
}
