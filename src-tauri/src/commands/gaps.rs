//! The monthly gap checklist: the questions the bot could not answer,
//! grouped by meaning and ranked, checked off as content gets written.

use crate::error::CmdResult;
use crate::state::{Db, Gaps};
use crate::views::GapChecklist;
use chrono::Utc;
use handoff::Store;
use handoff::gaps::{self, Grouper};
use handoff::metrics::Month;

fn month_of(s: &Store, workspace: &str, month: Option<&str>) -> handoff::Result<(handoff::Workspace, Month)> {
    let ws = s.require_workspace(workspace)?;
    let m = match month {
        Some(m) => Month::parse(m)?,
        None => Month::of(Utc::now(), ws.tz()),
    };
    Ok((ws, m))
}

fn list(s: &mut Store, g: &Grouper, workspace: &str, month: Option<&str>) -> handoff::Result<GapChecklist> {
    let (ws, m) = month_of(s, workspace, month)?;
    Ok(GapChecklist::new(&gaps::build(s, &ws, m, g)?))
}

/// The checklist of `workspace` for `month` (YYYY-MM; this month when absent).
#[tauri::command]
pub async fn gap_checklist(
    db: tauri::State<'_, Db>,
    model: tauri::State<'_, Gaps>,
    workspace: String,
    month: Option<String>,
) -> CmdResult<GapChecklist> {
    let model = model.inner().clone();
    db.run(move |s| list(s, model.grouper(), &workspace, month.as_deref())).await
}

/// Check item `rank` off, with a note ("added /faq#refunds").
#[tauri::command]
pub async fn gap_check(
    db: tauri::State<'_, Db>,
    model: tauri::State<'_, Gaps>,
    workspace: String,
    month: String,
    rank: u32,
    note: Option<String>,
) -> CmdResult<GapChecklist> {
    let model = model.inner().clone();
    db.run(move |s| {
        let (ws, m) = month_of(s, &workspace, Some(&month))?;
        gaps::check(s, &ws, m, rank as usize, note.as_deref(), model.grouper(), Utc::now())?;
        list(s, model.grouper(), &workspace, Some(&month))
    })
    .await
}

/// Reopen item `rank`.
#[tauri::command]
pub async fn gap_uncheck(
    db: tauri::State<'_, Db>,
    model: tauri::State<'_, Gaps>,
    workspace: String,
    month: String,
    rank: u32,
) -> CmdResult<GapChecklist> {
    let model = model.inner().clone();
    db.run(move |s| {
        let (ws, m) = month_of(s, &workspace, Some(&month))?;
        gaps::uncheck(s, &ws, m, rank as usize, model.grouper())?;
        list(s, model.grouper(), &workspace, Some(&month))
    })
    .await
}

/// The checklist as Markdown, ready to email to a client.
#[tauri::command]
pub async fn gap_markdown(
    db: tauri::State<'_, Db>,
    model: tauri::State<'_, Gaps>,
    workspace: String,
    month: String,
) -> CmdResult<String> {
    let model = model.inner().clone();
    db.run(move |s| {
        let (ws, m) = month_of(s, &workspace, Some(&month))?;
        let list = gaps::build(s, &ws, m, model.grouper())?;
        Ok(gaps::export::markdown(&list, ws.tz()))
    })
    .await
}
