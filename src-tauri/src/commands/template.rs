//! Teaching a format from the handoff pane, and Settings → Templates: thin
//! adapters over [`handoff::teach`] and the store's templates.

use crate::error::{AppError, CmdResult};
use crate::state::Db;
use crate::views::{OriginalView, TeachPreview, TeachSelection, TemplateView, selections};
use chrono::Utc;
use handoff::ErrorCode;

/// Handoff `id`'s original, as text.
#[tauri::command]
pub async fn original(db: tauri::State<'_, Db>, id: i64) -> CmdResult<OriginalView> {
    db.run(move |s| Ok(handoff::teach::original(s, id)?.into())).await
}

/// What a template made of these selections reads on handoff `id`'s original (nothing saved).
#[tauri::command]
pub async fn template_preview(
    db: tauri::State<'_, Db>,
    id: i64,
    selections: Vec<TeachSelection>,
) -> CmdResult<TeachPreview> {
    db.run(move |s| Ok(handoff::teach::preview(s, id, &self::selections(&selections)?, Utc::now())?.into()))
        .await
}

/// Save the template and re-read every raw or partial record; a sentence saying what changed.
#[tauri::command]
pub async fn template_save(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    id: i64,
    selections: Vec<TeachSelection>,
) -> CmdResult<String> {
    let done = db
        .run(move |s| {
            let (t, sum) = handoff::teach::teach(s, id, &self::selections(&selections)?, Utc::now())?;
            Ok(format!("Saved the format of {}. {}", t.sender, sum.line(false)))
        })
        .await?;
    crate::tray::refresh(&app).await;
    Ok(done)
}

/// Every template with the notifications that no longer match it.
#[tauri::command]
pub async fn templates(db: tauri::State<'_, Db>) -> CmdResult<Vec<TemplateView>> {
    db.run(|s| {
        s.templates()?.iter().map(|t| Ok(TemplateView::new(t, s.template_misses(t.id)?.count))).collect()
    })
    .await
}

/// Remove a template; the templates left.
#[tauri::command]
pub async fn template_remove(db: tauri::State<'_, Db>, id: i64) -> CmdResult<Vec<TemplateView>> {
    db.run(move |s| {
        s.remove_template(&id.to_string())?;
        s.templates()?.iter().map(|t| Ok(TemplateView::new(t, s.template_misses(t.id)?.count))).collect()
    })
    .await
}

/// A template as shareable JSON.
#[tauri::command]
pub async fn template_export(db: tauri::State<'_, Db>, id: i64) -> CmdResult<String> {
    db.run_app(move |s| {
        let t = s.template(&id.to_string())?.ok_or_else(|| {
            AppError::new(ErrorCode::NotFound, format!("template #{id} is gone; reopen Settings → Templates"))
        })?;
        Ok(handoff::teach::export(&t))
    })
    .await
}

/// Import a template from its JSON and re-read every raw or partial record; a sentence saying what changed.
#[tauri::command]
pub async fn template_import(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    json: String,
) -> CmdResult<String> {
    let done = db
        .run(move |s| {
            let (t, sum) = handoff::teach::import(s, &json, Utc::now())?;
            Ok(format!("Imported the format of {}. {}", t.sender, sum.line(false)))
        })
        .await?;
    crate::tray::refresh(&app).await;
    Ok(done)
}
