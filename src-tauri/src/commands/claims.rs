//! Team mode: claim and release a handoff (shared through the workspace's
//! mailbox or relay when it answers, queued for the engine when it does not),
//! and say who this app is to teammates.

use crate::error::CmdResult;
use crate::state::{Db, Outbox};
use crate::views::{HandoffView, SettingsView, TeamForm};
use handoff::secrets::Keychain;

async fn keychain() -> Option<Keychain> {
    tauri::async_runtime::spawn_blocking(|| Keychain::open().ok()).await.ok().flatten()
}

/// Claim handoff `id` for this app's teammate; returns the pane.
#[tauri::command]
pub async fn claim_handoff(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    id: i64,
) -> CmdResult<HandoffView> {
    let kc = keychain().await;
    handoff::team::share::claim(db.path(), kc.as_ref(), id).await?;
    crate::tray::refresh(&app).await;
    db.run(move |s| super::handoff::view(s, id)).await
}

/// Give back our claim on handoff `id`; returns the pane.
#[tauri::command]
pub async fn release_handoff(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    id: i64,
) -> CmdResult<HandoffView> {
    let kc = keychain().await;
    handoff::team::share::release(db.path(), kc.as_ref(), id).await?;
    crate::tray::refresh(&app).await;
    db.run(move |s| super::handoff::view(s, id)).await
}

/// Turn team mode on or off for a workspace, or change who this app is.
/// The sources restart so they start (or stop) sharing.
#[tauri::command]
pub async fn save_team(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    workspace: String,
    form: TeamForm,
) -> CmdResult<SettingsView> {
    let v = db
        .run(move |s| {
            let mut ws = s.require_workspace(&workspace)?;
            ws.settings.team = form.settings(&ws).map_err(handoff::Error::Invalid)?;
            s.update_workspace(&ws)?;
            super::settings::view(s, &workspace)
        })
        .await?;
    outbox.reload_sources();
    Ok(v)
}
