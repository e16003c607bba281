//! Rendering a demo conversation the way chatbot platforms send it: a
//! plain-text notification email, an HTML-table email, or canonical webhook JSON.

use super::content::Client;
use crate::model::{Author, Reason};
use chrono::{DateTime, Utc};

/// How a sample is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A text/plain notification with labelled fields and a transcript.
    PlainText,
    /// A multipart email whose HTML part lays the fields out in a table.
    HtmlTable,
    /// Canonical webhook JSON.
    Webhook,
}

/// One generated conversation and its facts.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Which demo client.
    pub client_index: usize,
    /// Serial number, unique per generator run.
    pub serial: usize,
    /// The bot's name.
    pub bot: String,
    /// The business.
    pub client_name: String,
    /// Its website.
    pub site: String,
    /// Why it escalated.
    pub reason: Reason,
    /// The bot's wording of that reason.
    pub reason_wording: String,
    /// Bot confidence.
    pub confidence: Option<f64>,
    /// Visitor name.
    pub name: String,
    /// Visitor email.
    pub email: Option<String>,
    /// Visitor phone.
    pub phone: Option<String>,
    /// Page URL.
    pub page_url: String,
    /// Page title.
    pub page_title: String,
    /// The unanswered question.
    pub question: String,
    /// What the bot promised.
    pub promise: String,
    /// Chat start.
    pub started: DateTime<Utc>,
    /// Escalation.
    pub escalated: DateTime<Utc>,
    /// Notification sent.
    pub sent: DateTime<Utc>,
    /// The conversation.
    pub lines: Vec<(Author, DateTime<Utc>, String)>,
}

/// The bot's wording for a reason, varied the way platforms vary it.
pub(super) fn wording(reason: Reason, rng: &mut fastrand::Rng) -> String {
    let options: &[&str] = match reason {
        Reason::KnowledgeGap => &["Knowledge gap — no article matched", "No answer found", "knowledge_gap"],
        Reason::LowConfidence => &["Low confidence", "low_confidence", "Answer confidence below threshold"],
        Reason::HumanRequest => &["Visitor asked for a human", "human_request", "Agent requested"],
        Reason::Frustration => &["Visitor seems frustrated", "frustration", "Negative sentiment detected"],
        Reason::PolicyTopic => {
            &["Policy topic (billing/refunds)", "policy_topic", "Sensitive topic: billing"]
        }
        Reason::HighIntent => &["High intent lead", "high_intent", "Sales opportunity"],
        Reason::Other => &["other"],
    };
    options[rng.usize(..options.len())].to_string()
}

fn speaker(s: &Sample, a: Author) -> &str {
    match a {
        Author::Visitor => "Visitor",
        Author::Bot => &s.bot,
        Author::Agent => "Agent",
        Author::System => "System",
    }
}

impl Sample {
    fn message_id(&self) -> String {
        format!(
            "handoff-{}-{}-{}@notify.{}",
            self.client_index,
            self.serial,
            self.sent.timestamp(),
            host(&self.site)
        )
    }

    fn headers(&self, content_type: &str) -> String {
        let mut h = format!(
            "From: \"{bot} ({client})\" <notifications@notify.{host}>\r\n\
             To: team@{host}\r\n",
            bot = self.bot,
            client = self.client_name,
            host = host(&self.site)
        );
        if let Some(email) = &self.email {
            h.push_str(&format!("Reply-To: {} <{}>\r\n", encode_word(&self.name), email));
        }
        h.push_str(&format!(
            "Subject: New handoff from {}\r\nDate: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\nContent-Type: {}\r\n\r\n",
            encode_word(&format!("{}: {}", self.name, truncate(&self.question, 60))),
            self.sent.to_rfc2822(),
            self.message_id(),
            content_type
        ));
        h
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut f = vec![("Name", self.name.clone())];
        if let Some(e) = &self.email {
            f.push(("Email", e.clone()));
        }
        if let Some(p) = &self.phone {
            f.push(("Phone", p.clone()));
        }
        f.push(("Page", self.page_url.clone()));
        f.push(("Page title", self.page_title.clone()));
        f.push(("Reason", self.reason_wording.clone()));
        if let Some(c) = self.confidence {
            f.push(("Confidence", format!("{c:.2}")));
        }
        f.push(("Question", self.question.clone()));
        f.push(("Promise", self.promise.clone()));
        f.push(("Bot", self.bot.clone()));
        f.push(("Started", self.started.to_rfc3339()));
        f.push(("Escalated", self.escalated.to_rfc3339()));
        f
    }

    /// The bytes a platform would send in `style`.
    pub fn render(&self, style: Style) -> Vec<u8> {
        match style {
            Style::PlainText => self.plain(),
            Style::HtmlTable => self.html(),
            Style::Webhook => self.json(),
        }
    }

    fn plain(&self) -> Vec<u8> {
        let mut out = self.headers("text/plain; charset=utf-8");
        out.push_str(&format!("{} handed a conversation to your team.\r\n\r\n", self.bot));
        for (k, v) in self.fields() {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\nTranscript\r\n");
        for (a, at, text) in &self.lines {
            out.push_str(&format!(
                "[{}] {}: {}\r\n",
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                speaker(self, *a),
                text
            ));
        }
        out.push_str("\r\n-- \r\nSent by your chatbot. Reply to this email to answer the visitor.\r\n");
        out.into_bytes()
    }

    fn html(&self) -> Vec<u8> {
        let boundary = format!("=_hd_{}_{}", self.client_index, self.serial);
        let mut out = self.headers(&format!("multipart/alternative; boundary=\"{boundary}\""));
        out.push_str(&format!("--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"));
        out.push_str("<html><body><h2>New conversation handed to your team</h2><table>");
        for (k, v) in self.fields() {
            out.push_str(&format!("<tr><td><b>{}</b></td><td>{}</td></tr>", esc(k), esc(&v)));
        }
        out.push_str("</table><h3>Conversation</h3>");
        for (a, at, text) in &self.lines {
            out.push_str(&format!(
                "<p><b>{}</b> ({}): {}</p>",
                esc(speaker(self, *a)),
                at.format("%Y-%m-%d %H:%M UTC"),
                esc(text)
            ));
        }
        out.push_str(&format!("</body></html>\r\n--{boundary}--\r\n"));
        out.into_bytes()
    }

    fn json(&self) -> Vec<u8> {
        let transcript: Vec<serde_json::Value> = self
            .lines
            .iter()
            .map(|(a, at, text)| serde_json::json!({ "from": a, "at": at, "text": text }))
            .collect();
        let value = serde_json::json!({
            "id": format!("evt_demo_{}_{}", self.client_index, self.serial),
            "bot": self.bot,
            "reason": self.reason.as_str(),
            "reason_detail": self.reason_wording,
            "confidence": self.confidence,
            "visitor": { "name": self.name, "email": self.email, "phone": self.phone },
            "page": { "url": self.page_url, "title": self.page_title },
            "started_at": self.started,
            "escalated_at": self.escalated,
            "promise": self.promise,
            "question": self.question,
            "transcript": transcript,
        });
        serde_json::to_vec_pretty(&value).unwrap_or_default()
    }
}

/// A notification from an old widget that writes only prose: the parser keeps it raw.
pub(super) fn unreadable(client: &Client, ci: usize, now: DateTime<Utc>) -> Vec<u8> {
    format!(
        "From: Widget Mailer <mailer@old-widget.example>\r\nTo: team@{host}\r\nSubject: Someone needs you\r\n\
         Date: {date}\r\nMessage-ID: <legacy-{ci}@old-widget.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Hello! A visitor on your site wanted to get in touch with somebody from your business earlier today.\r\n\
         Log in to your dashboard to see more.\r\n",
        host = host(client.site),
        date = now.to_rfc2822(),
    )
    .into_bytes()
}

/// An RFC 2047 encoded word for non-ASCII header text (Q encoding), the text itself otherwise.
fn encode_word(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::from("=?utf-8?q?");
    for b in s.bytes() {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b',' | b'!' => out.push(b as char),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out.push_str("?=");
    out
}

fn host(site: &str) -> &str {
    site.trim_start_matches("https://").trim_start_matches("http://")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}
