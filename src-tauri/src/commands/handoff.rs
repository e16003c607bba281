//! One handoff: its pane, and the actions on it.

use crate::error::CmdResult;
use crate::state::Db;
use crate::state::Outbox;
use crate::views::{HandoffView, HubspotPush, ReplyView, TeamView};
use chrono::Utc;
use handoff::Store;
use handoff::model::Resolution;

/// The pane for handoff `id`.
pub(crate) fn view(s: &Store, id: i64) -> handoff::Result<HandoffView> {
    let d = s.detail(id)?;
    let ws = s.workspace_by_id(d.handoff.workspace_id)?;
    let connected = match &ws {
        Some(w) => has_portal(s, w)?,
        None => false,
    };
    let mut hubspot = HubspotPush::new(connected, s.push_record(id)?);
    // A queued push waiting out HubSpot's "slow down" says until when.
    if hubspot.state == "queued"
        && let Some(w) = &ws
        && let Some(p) = s.hubspot_portal(w.id)?
        && p.retry_at.is_some_and(|t| t > Utc::now())
    {
        hubspot.message = p.retry_why;
    }
    let team = match &ws {
        Some(w) => TeamView::new(&d.team, w, Utc::now()),
        None => TeamView { enabled: false, me: None, claim: None, answers: Vec::new(), warning: None },
    };
    let name = ws.map(|w| w.name).unwrap_or_default();
    let mut replies = Vec::with_capacity(d.replies.len());
    for r in &d.replies {
        let job = match r.outbox_id {
            Some(j) => s.job(j)?,
            None => None,
        };
        replies.push(ReplyView::new(r, job.as_ref()));
    }
    let mut shown = HandoffView::new(d, &name, replies, hubspot, team);
    shown.snoozed_until = s.snoozed_until(id)?.filter(|t| *t > Utc::now()).map(crate::views::time);
    Ok(shown)
}

/// Everything about one handoff.
#[tauri::command]
pub async fn handoff(db: tauri::State<'_, Db>, id: i64) -> CmdResult<HandoffView> {
    db.run(move |s| view(s, id)).await
}

/// Close it, saying why (content gaps feed the checklist).
#[tauri::command]
pub async fn resolve(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    id: i64,
    why: Resolution,
) -> CmdResult<HandoffView> {
    let shown = db
        .run(move |s| {
            s.resolve(id, why, Utc::now())?;
            view(s, id)
        })
        .await;
    crate::tray::refresh(&app).await;
    shown
}

/// The visitor was reached another way: the promise is met.
#[tauri::command]
pub async fn contacted(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    id: i64,
    by: String,
) -> CmdResult<HandoffView> {
    let shown = db
        .run(move |s| {
            let how = match by.as_str() {
                "phone" | "email" | "other" => by.as_str(),
                _ => {
                    return Err(handoff::Error::Invalid(format!(
                        "{by:?} is not a way to reach a visitor; use phone, email or other"
                    )));
                }
            };
            s.mark_contacted(id, how, Utc::now())?;
            view(s, id)
        })
        .await;
    crate::tray::refresh(&app).await;
    shown
}

/// Hide it from the inbox for `hours`.
#[tauri::command]
pub async fn snooze(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    id: i64,
    hours: u32,
) -> CmdResult<HandoffView> {
    let shown = db
        .run(move |s| {
            let now = Utc::now();
            s.snooze(id, Some(now + chrono::Duration::hours(i64::from(hours.clamp(1, 24 * 30)))), now)?;
            view(s, id)
        })
        .await;
    crate::tray::refresh(&app).await;
    shown
}

/// Open a resolved (or lost) handoff again: the window's Reopen, and Undo
/// after Resolve.
#[tauri::command]
pub async fn reopen(app: tauri::AppHandle, db: tauri::State<'_, Db>, id: i64) -> CmdResult<HandoffView> {
    let shown = db
        .run(move |s| {
            s.reopen(id, Utc::now())?;
            view(s, id)
        })
        .await;
    crate::tray::refresh(&app).await;
    shown
}

/// Take back "contacted": the window's Undo after Contacted.
#[tauri::command]
pub async fn undo_contacted(
    app: tauri::AppHandle,
    db: tauri::State<'_, Db>,
    id: i64,
) -> CmdResult<HandoffView> {
    let shown = db
        .run(move |s| {
            s.undo_contacted(id, Utc::now())?;
            view(s, id)
        })
        .await;
    crate::tray::refresh(&app).await;
    shown
}

/// Wake a snoozed handoff now: the window's Undo after Snooze.
#[tauri::command]
pub async fn unsnooze(app: tauri::AppHandle, db: tauri::State<'_, Db>, id: i64) -> CmdResult<HandoffView> {
    let shown = db
        .run(move |s| {
            s.snooze(id, None, Utc::now())?;
            view(s, id)
        })
        .await;
    crate::tray::refresh(&app).await;
    shown
}

/// Send it to the workspace's HubSpot portal now (again, if it was pushed:
/// the contact is updated, not doubled).
#[tauri::command]
pub async fn push_to_hubspot(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    id: i64,
) -> CmdResult<HandoffView> {
    let shown = db
        .run(move |s| {
            let h = s.handoff(id)?.ok_or(handoff::Error::NoSuchHandoff(id))?;
            require_portal(s, &s.require_workspace(&h.workspace)?)?;
            s.queue_pushes(&[id], Utc::now())?;
            view(s, id)
        })
        .await?;
    outbox.kick();
    Ok(shown)
}

/// Whether the workspace is connected to a HubSpot portal.
fn has_portal(s: &Store, ws: &handoff::Workspace) -> handoff::Result<bool> {
    Ok(ws.settings.hubspot.is_some() && s.hubspot_portal(ws.id)?.is_some())
}

/// The workspace's portal, or what to do without one.
pub(crate) fn require_portal(s: &Store, ws: &handoff::Workspace) -> handoff::Result<()> {
    if has_portal(s, ws)? {
        return Ok(());
    }
    Err(handoff::Error::Invalid(format!(
        "{} is not connected to HubSpot. Connect it in Settings → HubSpot, then push again.",
        ws.name
    )))
}
