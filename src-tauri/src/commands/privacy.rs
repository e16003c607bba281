//! Privacy: erase a visitor from the handoff pane (after a confirmation
//! listing what goes), retention, redaction and backups in Settings, Export.

use crate::error::{AppError, CmdResult};
use crate::state::Db;
use crate::views::{BackupForm, ErasePlanView, PrivacyForm, PrivacyView};
use chrono::Utc;
use handoff::Store;
use handoff::store::ErasureTarget;

/// Whom erasing from handoff `id` means: its visitor's email, else phone, else the handoff alone.
fn target(s: &Store, id: i64) -> handoff::Result<(ErasureTarget, String)> {
    let h = s.handoff(id)?.ok_or(handoff::Error::NoSuchHandoff(id))?;
    let some = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    Ok(match (some(h.visitor.email), some(h.visitor.phone)) {
        (Some(e), _) => (ErasureTarget::Email(e.clone()), format!("every handoff from {e}")),
        (None, Some(p)) => (ErasureTarget::Phone(p.clone()), format!("every handoff from the phone {p}")),
        (None, None) => (ErasureTarget::Handoff(id), "this handoff (it names no email or phone)".into()),
    })
}

/// What erasing this handoff's visitor would remove.
#[tauri::command]
pub async fn erase_plan(db: tauri::State<'_, Db>, id: i64) -> CmdResult<ErasePlanView> {
    db.run(move |s| {
        let (t, who) = target(s, id)?;
        Ok(ErasePlanView::new(who, &s.erasure_plan(&t)?))
    })
    .await
}

/// Erase this handoff's visitor; a sentence saying what went.
#[tauri::command]
pub async fn forget_visitor(db: tauri::State<'_, Db>, id: i64) -> CmdResult<String> {
    db.run(move |s| {
        let (t, _) = target(s, id)?;
        let done = s.forget(&t, Utc::now())?;
        let mut msg = format!("Erased {} handoff(s) and everything that named them.", done.counts.handoffs);
        if !done.scrub.wal_emptied {
            msg.push_str(
                " Another program has the data file open, so the freed bytes go at its next checkpoint.",
            );
        }
        Ok(msg)
    })
    .await
}

/// A workspace's retention and redaction, the backup, encryption.
#[tauri::command]
pub async fn privacy(db: tauri::State<'_, Db>, workspace: String) -> CmdResult<PrivacyView> {
    db.run(move |s| PrivacyView::new(s, &s.require_workspace(&workspace)?)).await
}

/// Save them.
#[tauri::command]
pub async fn save_privacy(
    db: tauri::State<'_, Db>,
    workspace: String,
    form: PrivacyForm,
    backup: BackupForm,
) -> CmdResult<PrivacyView> {
    if backup.keep == 0 || backup.keep > 365 {
        return Err(AppError::invalid("keep between 1 and 365 daily backups"));
    }
    db.run(move |s| {
        let mut ws = s.require_workspace(&workspace)?;
        ws.settings.privacy.raw_days = form.raw_days;
        ws.settings.privacy.handoff_months = form.handoff_months;
        ws.settings.privacy.redact = form.redact;
        s.update_workspace(&ws)?;
        let mut b = s.backup_settings()?;
        b.daily = backup.daily;
        b.keep = backup.keep;
        s.set_backup_settings(&b)?;
        PrivacyView::new(s, &ws)
    })
    .await
}

/// Apply every workspace's retention now; a sentence saying what went.
#[tauri::command]
pub async fn apply_retention(db: tauri::State<'_, Db>) -> CmdResult<String> {
    db.run(|s| {
        let r = s.apply_retention(Utc::now(), false)?;
        Ok(format!(
            "Removed {} raw original(s) and the personal data of {} closed handoff(s).",
            r.raw_originals, r.handoffs
        ))
    })
    .await
}

/// Back the data file up now into the backup folder; the file written.
#[tauri::command]
pub async fn backup_now(db: tauri::State<'_, Db>) -> CmdResult<String> {
    db.run(|s| {
        let folder = s
            .backup_folder()?
            .ok_or_else(|| handoff::Error::Invalid("this data file has no folder".into()))?;
        let now = Utc::now();
        let name = format!("manual-{}.db", now.format("%Y-%m-%dT%H%M%S"));
        Ok(s.backup_to(&folder.join(name))?.path.display().to_string())
    })
    .await
}

/// Export handoffs with their transcripts to the Downloads folder; the file written.
#[tauri::command]
pub async fn export_handoffs(
    db: tauri::State<'_, Db>,
    workspace: Option<String>,
    format: String,
) -> CmdResult<String> {
    db.run(move |s| {
        let format: handoff::export::ExportFormat = format.parse()?;
        let ws = workspace.as_deref().map(|w| s.require_workspace(w)).transpose()?;
        let path =
            handoff::export::default_path(format, workspace.as_deref(), Utc::now()).ok_or_else(|| {
                handoff::Error::Invalid("no Downloads or home folder was found for this user".into())
            })?;
        let file = std::fs::File::create(&path)
            .map_err(|source| handoff::Error::Io { path: path.clone(), source })?;
        let mut out = std::io::BufWriter::new(file);
        let n = handoff::export::export(s, format, ws.map(|w| w.id), None, &mut out)?;
        Ok(format!("Exported {n} handoffs to {}", path.display()))
    })
    .await
}
