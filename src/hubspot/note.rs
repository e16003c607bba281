//! The transcript as a HubSpot note: readable HTML (who said what, when; the
//! reason; the page), every piece of text escaped, within HubSpot's 65,536
//! characters, ending with a reference that lets a retry find the note an
//! interrupted push already created.

use crate::model::{Author, Workspace};
use crate::reply::escape;
use crate::store::HandoffDetail;
use sha2::{Digest, Sha256};

/// HubSpot's limit on `hs_note_body`, in characters.
pub const NOTE_LIMIT: usize = 65_536;

/// The note's reference: stable for a handoff, unique across workspaces.
pub fn note_ref(ws: &Workspace, d: &HandoffDetail) -> String {
    let mut h = Sha256::new();
    h.update(ws.slug.as_bytes());
    h.update([0]);
    h.update(d.handoff.source_key.as_bytes());
    let digest = h.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("HD-{}-{hex}", d.handoff.id)
}

fn link(url: &str, text: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        format!("<a href=\"{}\">{}</a>", escape(url.trim()), escape(text))
    } else {
        escape(text)
    }
}

fn paragraph_text(s: &str) -> String {
    escape(s.trim()).replace("\r\n", "\n").replace('\n', "<br>")
}

/// The note body for a handoff.
pub fn note_html(ws: &Workspace, d: &HandoffDetail) -> String {
    let h = &d.handoff;
    let cal = crate::promise::Calendar::for_workspace(ws);
    let mut head = String::new();
    let reason = match &h.reason_detail {
        Some(detail) if !detail.trim().is_empty() => format!("{} — “{}”", h.reason.label(), detail.trim()),
        _ => h.reason.label().to_string(),
    };
    head.push_str(&format!(
        "<p><strong>Chatbot handoff</strong>{}: {}</p>",
        h.bot.as_deref().map(|b| format!(" from {}", escape(b))).unwrap_or_default(),
        escape(&reason)
    ));
    if let Some(url) = &h.page.url {
        let title = h.page.title.as_deref().unwrap_or(url);
        head.push_str(&format!("<p>Page: {}</p>", link(url, title)));
    }
    let who: Vec<String> = [&h.visitor.name, &h.visitor.email, &h.visitor.phone]
        .into_iter()
        .flatten()
        .map(|s| escape(s))
        .collect();
    if !who.is_empty() {
        head.push_str(&format!("<p>Visitor: {}</p>", who.join(" · ")));
    }
    head.push_str(&format!("<p>Received {} ({})", cal.local_label(h.received_at), escape(&ws.time_zone)));
    if h.after_hours {
        head.push_str(", after hours");
    }
    head.push_str("</p>");
    if let Some(p) = &h.promise {
        head.push_str(&format!("<p>The bot promised: “{}”</p>", escape(p)));
    }
    if let Some(q) = &h.question {
        head.push_str(&format!(
            "<p>Question: “{}”</p>",
            paragraph_text(&crate::redact::for_workspace(ws, q))
        ));
    }
    head.push_str("<hr>");
    let foot = format!("<p><small>Handoff Desk ref {}</small></p>", note_ref(ws, d));

    let line = |m: &crate::model::Message, text: &str| {
        let who = match (&m.author, &m.name) {
            (_, Some(n)) if !n.trim().is_empty() => escape(n.trim()),
            (Author::Visitor, _) => "Visitor".into(),
            (Author::Bot, _) => "Bot".into(),
            (Author::Agent, _) => "Agent".into(),
            (Author::System, _) => "System".into(),
        };
        let at = m.at.map(|t| format!(" <small>{}</small>", escape(&cal.local_label(t)))).unwrap_or_default();
        format!("<p><strong>{who}</strong>{at}<br>{}</p>", paragraph_text(text))
    };

    let budget = NOTE_LIMIT.saturating_sub(head.chars().count() + foot.chars().count() + 300);
    let mut body = String::new();
    let mut used = 0;
    if d.transcript.is_empty() {
        body.push_str("<p><em>No transcript came with this handoff.</em></p>");
    }
    for (i, m) in d.transcript.iter().enumerate() {
        // Masked when the workspace asks for it (the contact fields above stay: they name the contact).
        let text = crate::redact::for_workspace(ws, &m.text);
        let full = line(m, &text);
        let n = full.chars().count();
        if used + n <= budget {
            body.push_str(&full);
            used += n;
            continue;
        }
        // Cut this message's text (before escaping, so no entity or tag is split) to what fits.
        let room = budget - used;
        let mut take = room;
        while take > 0 {
            let cut: String = text.chars().take(take).collect();
            let l = line(m, &format!("{cut} …"));
            if l.chars().count() <= room {
                body.push_str(&l);
                break;
            }
            take = take * 2 / 3;
        }
        body.push_str(&format!(
            "<p><em>… the transcript goes on ({} more message(s)): HubSpot notes hold {NOTE_LIMIT} characters. The whole transcript is in Handoff Desk.</em></p>",
            d.transcript.len() - i - 1
        ));
        break;
    }
    let mut out = head;
    out.push_str(&body);
    out.push_str(&foot);
    out
}
