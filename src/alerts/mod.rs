//! Slack and Microsoft Teams alerts: what an alert says ([`Alert`], built
//! from the stored handoff at send time), how each service is written to
//! ([`slack`], [`teams`]), and the outbox worker that posts them ([`worker`]).
//!
//! Every alert is an outbox job (see [`crate::store::AlertJob`]): durable,
//! posted at most once, paced per service, held after a 429, and dropped when
//! the handoff no longer needs anyone by the time it would go out.
//!
//! Visitor text never becomes markup: each format escapes it or puts it where
//! the service does not read markup (see the format modules' headers).

pub mod slack;
pub mod teams;
pub mod worker;

use crate::model::{AlertEvent, Briefing, Handoff, Promise, Tone, Workspace};
use crate::promise::Calendar;
use crate::store::AlertJob;

/// What an alert says, before a format writes it. Fields marked "visitor"
/// come from the chatbot's notification and are escaped by each format.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// The event.
    pub event: AlertEvent,
    /// One line of ours ("Promise broken in Acme"), no visitor text.
    pub headline: String,
    /// Who (visitor): name and/or email.
    pub visitor: String,
    /// Why the bot handed off (ours: the reason's label).
    pub reason: String,
    /// The bot's own wording of the reason (visitor/bot text).
    pub reason_detail: Option<String>,
    /// The page (visitor): title and URL.
    pub page: Option<String>,
    /// The briefing's summary: the visitor's ask, then what the bot could
    /// not do (visitor text, extractive).
    pub briefing: Option<String>,
    /// The briefing's marks, ours: hot lead and its signals, a tone that is
    /// not calm, the visitor's earlier handoffs.
    pub marks: Vec<String>,
    /// The unanswered question (visitor), when the briefing does not already
    /// hold it whole.
    pub question: Option<String>,
    /// The promise's wording (bot text).
    pub promise: Option<String>,
    /// When a reply is due, in the workspace's zone (ours).
    pub due: Option<String>,
    /// "was due 07:40, sent at 09:12 after this computer woke" (ours).
    pub late: Option<String>,
    /// "#12 in Acme" (ours, the workspace name is the owner's).
    pub reference: String,
}

impl Alert {
    /// Build the alert for a job from what is stored now.
    pub fn new(
        job: &AlertJob,
        ws: &Workspace,
        h: &Handoff,
        promise: Option<&Promise>,
        briefing: Option<&Briefing>,
    ) -> Alert {
        let cal = Calendar::for_workspace(ws);
        let who = match (&h.visitor.name, &h.visitor.email) {
            (Some(n), Some(e)) => format!("{n} ({e})"),
            (Some(n), None) => n.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => "a visitor (no name given)".into(),
        };
        let headline = match job.event {
            AlertEvent::NewHandoff => format!("New handoff in {}", ws.name),
            AlertEvent::Reminder => format!("Reply due soon in {}", ws.name),
            AlertEvent::Backup => format!("Promise about to break in {}: nobody has replied", ws.name),
            AlertEvent::Breach => format!("Promise broken in {}: the visitor is still waiting", ws.name),
        };
        let page = match (&h.page.title, &h.page.url) {
            (Some(t), Some(u)) => Some(format!("{t} — {u}")),
            (Some(t), None) => Some(t.clone()),
            (None, Some(u)) => Some(u.clone()),
            (None, None) => None,
        };
        let redacted = |t: &str| crate::redact::for_workspace(ws, t).into_owned();
        let summary = briefing.map(|b| redacted(&b.facts.summary));
        let question = h.question.as_deref().map(redacted);
        // The question again only when the summary does not hold it whole (a cut ask).
        let question = question.filter(|q| summary.as_deref().is_none_or(|s| !s.contains(q.trim())));
        Alert {
            event: job.event,
            headline,
            visitor: who,
            reason: h.reason.label().to_string(),
            // The workspace's redaction (phone, card and IBAN numbers, emails in
            // free text) applies to alerts like every text that leaves the machine.
            reason_detail: h
                .reason_detail
                .as_deref()
                .map(|t| crate::redact::for_workspace(ws, t).into_owned()),
            page,
            briefing: summary,
            marks: briefing.map(marks).unwrap_or_default(),
            question,
            promise: promise.and_then(|p| p.text.clone()).or_else(|| h.promise.clone()),
            due: promise.map(|p| cal.local_label(p.due_at)),
            late: job.late_because.clone(),
            reference: format!("Handoff #{} in {}", h.id, ws.name),
        }
    }

    /// The one-line plain summary (notifications, fallbacks): ours plus the visitor's name.
    pub fn summary_line(&self) -> String {
        let mut s = format!("{} — {}", self.headline, self.visitor);
        if let Some(l) = &self.late {
            s.push_str(&format!(" (late: {l})"));
        }
        s
    }
}

/// The briefing's marks, in words of ours (no visitor text).
fn marks(b: &Briefing) -> Vec<String> {
    let mut out = Vec::new();
    if b.hot_lead {
        let asked: Vec<&str> = b.facts.signals.iter().map(|s| s.as_str()).collect();
        out.push(format!("Hot lead: asked about {}", asked.join(", ")));
    }
    match b.facts.tone {
        Tone::Calm => {}
        Tone::Frustrated => out.push("Tone: frustrated".into()),
        Tone::Urgent => out.push("Tone: urgent".into()),
    }
    match b.history.len() {
        0 => {}
        1 => out.push("Returning visitor: 1 earlier handoff".into()),
        n => out.push(format!("Returning visitor: {n} earlier handoffs")),
    }
    out
}

/// Cut `s` to at most `max` characters, marking the cut with an ellipsis.
pub(crate) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
