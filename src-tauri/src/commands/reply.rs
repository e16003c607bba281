//! The reply composer: the pre-filled draft, and sending through the outbox
//! (queued in the data file first, so a reply is never lost or sent twice;
//! the engine's outbox worker sends it at once and retries with backoff).

use crate::commands::handoff::view;
use crate::error::CmdResult;
use crate::state::{Db, Outbox};
use crate::views::{HandoffView, ReplyDraft};
use chrono::Utc;
use handoff::reply::{self, ANSWER_MARKER, Draft};
use handoff::store::ReplyKind;
use handoff::{Handoff, Store, Workspace};

/// The handoff, its workspace, and what a reply now is: the first reply, or
/// a second attempt once one was sent.
fn target(s: &Store, id: i64) -> handoff::Result<(Handoff, Workspace, ReplyKind)> {
    let h = s.handoff(id)?.ok_or(handoff::Error::NoSuchHandoff(id))?;
    let ws = s.workspace_by_id(h.workspace_id)?.ok_or(handoff::Error::NoSuchHandoff(id))?;
    let sent = s.replies(id)?.iter().any(|r| r.reply.kind == ReplyKind::Reply);
    Ok((h, ws, if sent { ReplyKind::SecondAttempt } else { ReplyKind::Reply }))
}

/// The pre-filled reply for handoff `id` (a second attempt once one was sent).
#[tauri::command]
pub async fn reply_draft(db: tauri::State<'_, Db>, id: i64) -> CmdResult<ReplyDraft> {
    db.run(move |s| {
        let (h, ws, kind) = target(s, id)?;
        let d = reply::draft(&ws, &h, kind);
        let probe = Draft { subject: d.subject.clone(), body: "probe".into() };
        // Said for the window (what to click), not the CLI.
        let (problem, problem_fix) = if !h.visitor.email.as_deref().is_some_and(|e| e.contains('@')) {
            let phone = h.visitor.phone.as_deref().map(|p| format!(" Their phone: {p}.")).unwrap_or_default();
            (
                Some(format!(
                    "This visitor left no email address to reply to.{phone} If you reached them another way, mark them contacted."
                )),
                Some("contacted".to_string()),
            )
        } else if ws.settings.smtp.is_none() {
            (
                Some(format!(
                    "{} has no reply identity yet: the address replies come from and the mail server that sends them.",
                    ws.name
                )),
                Some("reply_identity".to_string()),
            )
        } else {
            (reply::reply_to_visitor(&ws, &h, kind, &probe).err().map(|e| e.to_string()), None)
        };
        Ok(ReplyDraft {
            to: h.visitor.email.clone(),
            from: ws.settings.smtp.as_ref().map(|i| i.from_address.clone()),
            subject: d.subject,
            body: d.body,
            marker: ANSWER_MARKER.to_string(),
            problem,
            problem_fix,
        })
    })
    .await
}

/// Queue the reply and wake the outbox; the pane shows it going out.
#[tauri::command]
pub async fn send_reply(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    id: i64,
    subject: String,
    body: String,
) -> CmdResult<HandoffView> {
    let out = db
        .run(move |s| {
            let (h, ws, kind) = target(s, id)?;
            let mail = reply::reply_to_visitor(&ws, &h, kind, &Draft { subject, body })?;
            s.queue_reply(&ws, &mail, Utc::now())?;
            view(s, id)
        })
        .await?;
    outbox.kick();
    Ok(out)
}
