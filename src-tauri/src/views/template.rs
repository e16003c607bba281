//! What the teaching view and Settings → Templates show: a stored
//! notification's original as text, the values the user selected, what a
//! template reads before it is saved, and the templates with the
//! notifications that no longer match them.

use handoff::ingest::templates::{Selection, miss_report};
use handoff::model::{FormatTemplate, TemplateField};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A stored notification's original, as text (never as markup).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OriginalView {
    /// The handoff.
    #[ts(type = "number")]
    pub id: i64,
    /// The sender (the template is tied to it).
    pub from: Option<String>,
    /// The subject line.
    pub subject: Option<String>,
    /// The text a template reads; selections are matched against it.
    pub text: String,
    /// `null`: a format can be taught on it; else why not.
    pub not_teachable: Option<String>,
}

impl From<handoff::teach::Original> for OriginalView {
    fn from(o: handoff::teach::Original) -> Self {
        OriginalView {
            id: o.id,
            from: o.from,
            subject: o.subject,
            text: o.text,
            not_teachable: o.not_teachable,
        }
    }
}

/// One value the user selected, and what it is: `visitor_name`, `visitor_email`,
/// `visitor_phone`, `page`, `question`, `reason`, `promise`, `date`, `transcript`.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct TeachSelection {
    /// The field's machine name.
    pub field: String,
    /// The selected text.
    pub text: String,
}

/// The selections in the core's terms, or what is wrong with them.
pub fn selections(list: &[TeachSelection]) -> handoff::Result<Vec<Selection>> {
    list.iter()
        .map(|s| {
            let field: TemplateField = s.field.parse().map_err(|()| {
                handoff::Error::Invalid(format!("{:?} is no field a template can read", s.field))
            })?;
            Ok(Selection { field, text: s.text.clone() })
        })
        .collect()
}

/// What a template reads on the email it was taught on, before it is saved.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TeachPreview {
    /// `ok`, `partial` or `raw`: how well the email reads with the template.
    pub parse_status: String,
    /// (field label, value) in the teaching view's order; a missing value is `null`.
    pub fields: Vec<(String, Option<String>)>,
    /// Messages in the transcript read.
    pub transcript_messages: u32,
    /// The first and last message, as "Who: text".
    pub transcript_ends: Vec<String>,
}

impl From<handoff::teach::Preview> for TeachPreview {
    fn from(p: handoff::teach::Preview) -> Self {
        let r = p.read;
        let line = |m: &handoff::model::Message| {
            format!("{}: {}", m.name.as_deref().unwrap_or(m.author.as_str()), m.text)
        };
        let mut ends: Vec<String> = r.transcript.first().map(line).into_iter().collect();
        if r.transcript.len() > 1 {
            ends.extend(r.transcript.last().map(line));
        }
        let fields = vec![
            ("visitor name".to_string(), r.visitor.name),
            ("visitor email".to_string(), r.visitor.email),
            ("visitor phone".to_string(), r.visitor.phone),
            ("page".to_string(), r.page.url),
            ("question".to_string(), r.question),
            ("reason".to_string(), r.reason_detail),
            ("the bot's promise".to_string(), r.promise),
            ("date".to_string(), r.escalated_at.map(|d| d.to_rfc3339())),
        ];
        TeachPreview {
            parse_status: r.parse_status.as_str().to_string(),
            fields,
            transcript_messages: u32::try_from(r.transcript.len()).unwrap_or(u32::MAX),
            transcript_ends: ends,
        }
    }
}

/// A taught format, for Settings → Templates.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TemplateView {
    /// Its id.
    #[ts(type = "number")]
    pub id: i64,
    /// The sender it applies to.
    pub sender: String,
    /// Its name.
    pub name: String,
    /// When it was taught (RFC 3339).
    pub taught_at: String,
    /// The fields it reads, by label.
    pub fields: Vec<String>,
    /// Notifications from the sender that no longer match it.
    pub misses: u32,
    /// The sentence reporting them ("3 notifications from … no longer match …"), if any.
    pub miss_report: Option<String>,
}

impl TemplateView {
    /// The view of `t` with its misses.
    pub fn new(t: &FormatTemplate, misses: usize) -> TemplateView {
        TemplateView {
            id: t.id,
            sender: t.sender.clone(),
            name: t.name.clone(),
            taught_at: t.taught_at.to_rfc3339(),
            fields: t.fields.iter().map(|r| r.field.label().to_string()).collect(),
            misses: u32::try_from(misses).unwrap_or(u32::MAX),
            miss_report: miss_report(t, misses),
        }
    }
}
