//! Reading stored records again after an upgrade: the inbox asks whether
//! an older version left records it could not read, and the owner's click
//! re-reads them (raw and partial ones, every workspace), as `handoff reparse` does.

use crate::error::CmdResult;
use crate::state::Db;
use crate::views::{ReparseDone, ReparseOffer};
use handoff::store::RereadFilter;

/// Flagged records an older version stored, for the inbox's notice.
#[tauri::command]
pub async fn reparse_offer(db: tauri::State<'_, Db>) -> CmdResult<ReparseOffer> {
    db.run(|s| Ok(s.reread_offer()?.into())).await
}

/// Read every raw and partial record again with this version's readers.
#[tauri::command]
pub async fn reparse(app: tauri::AppHandle, db: tauri::State<'_, Db>) -> CmdResult<ReparseDone> {
    let done = db
        .run(|s| handoff::reparse::reparse(s, &RereadFilter::default(), false, chrono::Utc::now(), |_| {}))
        .await?;
    crate::tray::refresh(&app).await;
    Ok(done.into())
}
