//! The briefing at the top of a handoff, and the client's monthly report
//! (Insights → Report): shown, saved as PDF, and the bot's conversation count
//! it needs typed in.

use crate::error::{AppError, CmdResult};
use crate::state::{Db, Gaps};
use crate::views::{BriefingView, MonthReportView};
use chrono::Utc;
use handoff::conversations::intercom::IntercomRead;
use handoff::conversations::{ChatwootRead, CountRead};
use handoff::gaps::{self, Grouper};
use handoff::metrics::Month;
use handoff::model::{Reason, Resolution};
use handoff::{Store, Workspace};

fn month_of(s: &Store, workspace: &str, month: Option<&str>) -> handoff::Result<(Workspace, Month)> {
    let ws = s.require_workspace(workspace)?;
    let m = match month {
        Some(m) => Month::parse(m)?,
        None => Month::of(Utc::now(), ws.tz()),
    };
    Ok((ws, m))
}

/// The label of the month's gap group handoff `id` falls in, if it is a gap question.
fn intent(s: &mut Store, g: &Grouper, id: i64) -> handoff::Result<Option<String>> {
    let Some(h) = s.handoff(id)? else { return Ok(None) };
    let gap = matches!(h.reason, Reason::KnowledgeGap | Reason::LowConfidence)
        || s.resolution(id)? == Some(Resolution::ContentGap);
    if !gap || h.question.is_none() {
        return Ok(None);
    }
    let Some(ws) = s.workspace_by_id(h.workspace_id)? else { return Ok(None) };
    let list = gaps::build(s, &ws, Month::of(h.received_at, ws.tz()), g)?;
    Ok(list.items.into_iter().find(|i| i.handoffs.contains(&id) && i.handoffs.len() > 1).map(|i| i.label))
}

/// Handoff `id`'s briefing (made now if it was stored before briefings existed).
#[tauri::command]
pub async fn briefing(
    db: tauri::State<'_, Db>,
    model: tauri::State<'_, Gaps>,
    id: i64,
) -> CmdResult<BriefingView> {
    let model = model.inner().clone();
    db.run(move |s| {
        let mut b = handoff::briefing::of(s, id)?;
        b.intent = intent(s, model.grouper(), id)?;
        Ok(BriefingView::from(b))
    })
    .await
}

/// The monthly report of `workspace` for `month` (this month when absent).
#[tauri::command]
pub async fn month_report(
    db: tauri::State<'_, Db>,
    model: tauri::State<'_, Gaps>,
    workspace: String,
    month: Option<String>,
) -> CmdResult<MonthReportView> {
    let model = model.inner().clone();
    db.run(move |s| {
        let (ws, m) = month_of(s, &workspace, month.as_deref())?;
        let r = handoff::report::build(s, &ws, m, model.grouper(), Utc::now())?;
        let mut view = MonthReportView::new(&ws.slug, &r);
        view.chatwoot_address = ws.settings.chatwoot_reports.clone();
        if let Some(kept) = &ws.settings.intercom_reports {
            view.intercom_region = Some(kept.region.clone());
            view.intercom_every_conversation = kept.every_conversation;
        }
        Ok(view)
    })
    .await
}

/// Save the monthly report as PDF in the Downloads folder; what was written.
#[tauri::command]
pub async fn save_report_pdf(
    db: tauri::State<'_, Db>,
    model: tauri::State<'_, Gaps>,
    workspace: String,
    month: String,
) -> CmdResult<String> {
    let model = model.inner().clone();
    db.run(move |s| {
        let (ws, m) = month_of(s, &workspace, Some(&month))?;
        let r = handoff::report::build(s, &ws, m, model.grouper(), Utc::now())?;
        let path = handoff::report::default_pdf_path(&ws.slug, m).ok_or_else(|| {
            handoff::Error::Invalid("no Downloads or home folder was found for this user".into())
        })?;
        std::fs::write(&path, handoff::report::pdf::render(&r))
            .map_err(|source| handoff::Error::Io { path: path.clone(), source })?;
        Ok(format!("Saved the report as {}", path.display()))
    })
    .await
}

/// Read a month's count from a platform: gathered with the data file
/// (`prepare`), asked without holding it, recorded with it. Returns the count.
async fn read_count<R>(
    db: &Db,
    workspace: String,
    month: String,
    prepare: impl FnOnce(&mut Store, &handoff::secrets::Keychain, &str) -> Result<R, R::Error> + Send + 'static,
) -> CmdResult<i64>
where
    R: CountRead,
    R::Error: Send,
    AppError: From<R::Error>,
{
    let (read, m) = db
        .run_app(move |s| {
            let (_, m) = month_of(s, &workspace, Some(&month))?;
            let keychain = handoff::secrets::Keychain::open()?;
            Ok((prepare(s, &keychain, &workspace)?, m))
        })
        .await?;
    let (read, total) = tauri::async_runtime::spawn_blocking(move || read.fetch(m).map(|t| (read, t)))
        .await
        .map_err(AppError::task)??;
    db.run_app(move |s| Ok(read.record(s, m, total)?)).await?;
    Ok(total)
}

/// Read the bot's conversations in `month` from Chatwoot's reports and record
/// them: from `address` (the bot inbox's page) or the kept one, with `token`
/// (then kept in the keychain) or the kept one. Returns the count.
#[tauri::command]
pub async fn read_chatwoot_conversations(
    db: tauri::State<'_, Db>,
    workspace: String,
    month: String,
    address: Option<String>,
    token: Option<String>,
) -> CmdResult<i64> {
    read_count(&db, workspace, month, move |s, keychain, slug| {
        ChatwootRead::prepare(s, keychain, slug, address.as_deref(), token.as_deref())
    })
    .await
}

/// Read the bot's conversations in `month` from Intercom and record them:
/// Fin's, or every conversation when `every_conversation`, in `region` (us,
/// eu, au) — each kept from last time when absent — with `token` (then kept
/// in the keychain) or the kept one. Returns the count.
#[tauri::command]
pub async fn read_intercom_conversations(
    db: tauri::State<'_, Db>,
    workspace: String,
    month: String,
    region: Option<String>,
    every_conversation: Option<bool>,
    token: Option<String>,
) -> CmdResult<i64> {
    read_count(&db, workspace, month, move |s, keychain, slug| {
        IntercomRead::prepare(s, keychain, slug, region.as_deref(), every_conversation, token.as_deref())
    })
    .await
}

/// Record the bot's conversations in `month`, as its platform reports them.
#[tauri::command]
pub async fn set_conversations(
    db: tauri::State<'_, Db>,
    workspace: String,
    month: String,
    total: i64,
) -> CmdResult<()> {
    db.run(move |s| {
        let (ws, m) = month_of(s, &workspace, Some(&month))?;
        s.set_conversations(ws.id, &m.to_string(), total, "typed", Utc::now())
    })
    .await
}
