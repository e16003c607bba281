//! The words of follow-up notices (the reminder, the backup alert, the breach,
//! the second attempt, the callback, the caught-up summary) and the backup
//! contact's email. The store's timer tick decides what fires and when, in one
//! transaction; it asks this module what each one says.

use super::Calendar;
use crate::model::{FollowUpKind, Handoff, NewReply, Promise, ReplyKind, Workspace, reply_from};

/// Who is waiting: the visitor's name, else their address, else "visitor of #id".
pub fn who(h: &Handoff) -> String {
    h.visitor
        .name
        .clone()
        .or_else(|| h.visitor.email.clone())
        .unwrap_or_else(|| format!("visitor of #{}", h.id))
}

/// The reminder before a promise's time.
pub fn reminder(name: &str, mins: i64, due_label: &str, h: &Handoff, ws: &Workspace) -> (String, String) {
    (
        format!("Reply to {name} due in {mins} min"),
        format!("Promised: reply by {due_label}. #{} in {}", h.id, ws.name),
    )
}

/// The backup alert's title and the start of its body (what happened to the
/// backup email follows: [`emailing_backup`] or [`BACKUP_NOT_EMAILED`]).
pub fn backup_contact(name: &str, due_label: &str, h: &Handoff, ws: &Workspace) -> (String, String) {
    (
        format!("Promise to {name} is about to break"),
        format!("Due {due_label}; nobody has replied to #{} in {}.", h.id, ws.name),
    )
}

/// Appended to the backup alert when its email was queued.
pub fn emailing_backup(to: &str) -> String {
    format!(" Emailing the backup contact {to}.")
}

/// Appended to the backup alert when no email could be written.
pub const BACKUP_NOT_EMAILED: &str =
    " The backup contact was not emailed: set a backup contact and a reply identity (`handoff smtp set`).";

/// The breach: the promise's time passed with nobody answering.
pub fn breach(name: &str, due_label: &str, h: &Handoff, ws: &Workspace) -> (String, String) {
    (
        format!("Promise broken: {name} is still waiting"),
        format!("A reply was due {due_label}. #{} in {}", h.id, ws.name),
    )
}

/// No answer from the visitor: time to write again.
pub fn second_attempt(name: &str, h: &Handoff, ws: &Workspace) -> (String, String) {
    (
        format!("No answer from {name}: time for a second attempt"),
        format!("`handoff reply {} --second` sends a follow-up. #{} in {}", h.id, h.id, ws.name),
    )
}

/// A callback the visitor asked for is due.
pub fn callback(name: &str, note: Option<&str>, h: &Handoff, ws: &Workspace) -> (String, String) {
    let phone = h.visitor.phone.clone().unwrap_or_else(|| "no phone number on file".into());
    let note = note.map(|n| format!(" — {n}")).unwrap_or_default();
    (format!("Call {name} back now"), format!("{phone}{note}. #{} in {}", h.id, ws.name))
}

/// A notice's body, with why it is late when it is.
pub fn with_late(body: String, late_note: Option<&str>) -> String {
    match late_note {
        Some(note) => format!("{body} Late: {note}."),
        None => body,
    }
}

/// The timeline's words for a fired or caught-up follow-up.
pub fn detail(title: &str, late_note: Option<&str>, late: bool) -> String {
    match (late_note, late) {
        (Some(note), _) => format!("{title} (late: {note})"),
        (None, true) => format!("{title} (caught up: the app was closed when it was due)"),
        (None, false) => title.to_string(),
    }
}

/// Marks the backup email late: "[Late]" subject, and why, first in the body.
pub fn mark_late(mail: &mut NewReply, note: &str) {
    mail.subject = format!("[Late] {}", mail.subject);
    mail.body_text = format!("Late: this alert {note}.\n\n{}", mail.body_text);
}

/// One line for everything caught up at once (kinds of the follow-ups folded
/// into it), or `None` when nothing was.
pub fn caught_up_summary(kinds: &[FollowUpKind], woke: bool) -> Option<String> {
    if kinds.is_empty() {
        return None;
    }
    let count = |k: FollowUpKind| kinds.iter().filter(|n| **n == k).count();
    let parts: Vec<String> = [
        (count(FollowUpKind::Breach), "promise broke", "promises broke"),
        (count(FollowUpKind::Reminder), "reminder passed", "reminders passed"),
        (count(FollowUpKind::BackupContact), "backup alert was due", "backup alerts were due"),
        (count(FollowUpKind::Callback), "callback is overdue", "callbacks are overdue"),
        (count(FollowUpKind::SecondAttempt), "second attempt is due", "second attempts are due"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    let when = if woke { "While this computer slept" } else { "While Handoff Desk was closed" };
    Some(format!("{when}: {}. `handoff due` lists what is still open.", parts.join(", ")))
}

/// The backup contact's alert: who is waiting, since when, what they asked.
/// `None` when the workspace has no backup contact or no reply identity.
/// The Message-ID is derived from the follow-up, so the alert is queued once.
pub fn backup_email(ws: &Workspace, h: &Handoff, p: &Promise, follow_up_id: i64) -> Option<NewReply> {
    let to = ws.backup_contact.clone().filter(|b| b.contains('@'))?;
    let from = reply_from(ws)?;
    let smtp = ws.settings.smtp.as_ref()?;
    let cal = Calendar::for_workspace(ws);
    let who =
        h.visitor.name.clone().or_else(|| h.visitor.email.clone()).unwrap_or_else(|| "a visitor".into());
    let mut body = format!(
        "A promise to {who} is about to break: a reply is due {} and nobody has answered yet.\n\n",
        cal.local_label(p.due_at)
    );
    body.push_str(&format!("Workspace: {}\nReceived: {}\n", ws.name, cal.local_label(h.received_at)));
    for (label, v) in [
        ("Visitor", h.visitor.name.as_deref()),
        ("Email", h.visitor.email.as_deref()),
        ("Phone", h.visitor.phone.as_deref()),
        ("Page", h.page.url.as_deref()),
        ("Reason", Some(h.reason.label())),
        ("Promised", p.text.as_deref()),
    ] {
        if let Some(v) = v {
            body.push_str(&format!("{label}: {v}\n"));
        }
    }
    if let Some(q) = &h.question {
        let q = crate::redact::for_workspace(ws, q);
        body.push_str(&format!("\nThey asked:\n> {}\n", q.replace('\n', "\n> ")));
    }
    body.push_str(&format!("\nHandoff #{} in Handoff Desk.\n", h.id));
    let domain = smtp.from_address.rsplit_once('@').map(|(_, d)| d).unwrap_or("handoff.desk");
    Some(NewReply {
        handoff_id: h.id,
        kind: ReplyKind::BackupAlert,
        message_id: format!("<backup-{follow_up_id}-{}.handoff@{domain}>", h.id),
        in_reply_to: h.message_id.clone(),
        from,
        to,
        subject: format!("Promise about to break: {who} ({})", ws.name),
        body_text: body,
    })
}
