//! Templates taught by the user: how to read one sender's notification
//! format that no built-in recogniser knows. A template is data (kept in the
//! data file, exported and imported as JSON); the reader that applies it is
//! [`crate::ingest::templates`].
//!
//! Invariants: a template never holds a visitor's values, only the fixed
//! wording around them (labels, headings), so sharing one shares no personal
//! data; one template per sender address (teaching again replaces it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The format version written into exported templates.
pub const TEMPLATE_FORMAT: u32 = 1;

/// A field a template can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateField {
    /// The visitor's name.
    VisitorName,
    /// The visitor's email address.
    VisitorEmail,
    /// The visitor's phone number.
    VisitorPhone,
    /// The page the chat started on (URL).
    Page,
    /// The unanswered question.
    Question,
    /// The bot's wording of why it handed off.
    Reason,
    /// What the bot promised the visitor.
    Promise,
    /// When the bot handed off (any readable, localised date).
    Date,
    /// The conversation: its first and last lines mark where it starts and ends.
    Transcript,
}

impl TemplateField {
    /// Every field, in the order the teaching view offers them.
    pub const ALL: [TemplateField; 9] = [
        TemplateField::VisitorName,
        TemplateField::VisitorEmail,
        TemplateField::VisitorPhone,
        TemplateField::Page,
        TemplateField::Question,
        TemplateField::Reason,
        TemplateField::Promise,
        TemplateField::Date,
        TemplateField::Transcript,
    ];

    /// The stable machine name (`visitor_email`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateField::VisitorName => "visitor_name",
            TemplateField::VisitorEmail => "visitor_email",
            TemplateField::VisitorPhone => "visitor_phone",
            TemplateField::Page => "page",
            TemplateField::Question => "question",
            TemplateField::Reason => "reason",
            TemplateField::Promise => "promise",
            TemplateField::Date => "date",
            TemplateField::Transcript => "transcript",
        }
    }

    /// What people call it ("visitor email").
    pub fn label(self) -> &'static str {
        match self {
            TemplateField::VisitorName => "visitor name",
            TemplateField::VisitorEmail => "visitor email",
            TemplateField::VisitorPhone => "visitor phone",
            TemplateField::Page => "page",
            TemplateField::Question => "question",
            TemplateField::Reason => "reason",
            TemplateField::Promise => "the bot's promise",
            TemplateField::Date => "date",
            TemplateField::Transcript => "transcript",
        }
    }
}

impl std::str::FromStr for TemplateField {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        TemplateField::ALL.into_iter().find(|f| f.as_str() == s).ok_or(())
    }
}

/// Where a field's value sits, relative to fixed wording of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anchor {
    /// On the line that starts with `label` ("Reach at: dana@x.test"); the
    /// value runs to the line's end, or to `suffix` when the line has it.
    SameLine {
        /// The fixed text before the value, whitespace collapsed.
        label: String,
        /// Fixed text after the value on the same line, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suffix: Option<String>,
    },
    /// On the lines after the line that is exactly `label` (a label alone
    /// on its line, a table header cell): every line up to a blank line or
    /// another anchor.
    Below {
        /// The heading line, whitespace collapsed.
        label: String,
    },
    /// A block between two fixed lines: the transcript. `end` absent: to the
    /// end of the text.
    Between {
        /// The line just before the block.
        start: String,
        /// The line just after it, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<String>,
    },
}

impl Anchor {
    /// The fixed wording this anchor looks for (for reports: "labels not found: …").
    pub fn wording(&self) -> &str {
        match self {
            Anchor::SameLine { label, .. } | Anchor::Below { label } => label,
            Anchor::Between { start, .. } => start,
        }
    }
}

/// One field of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRule {
    /// The field.
    pub field: TemplateField,
    /// Where its value sits.
    pub anchor: Anchor,
}

/// A taught format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormatTemplate {
    /// Its id in the data file (0 before it is saved; not exported).
    #[serde(default, skip_serializing)]
    pub id: i64,
    /// The sender address it applies to, lower case ("bot@acme.test").
    pub sender: String,
    /// A name people recognise ("AcmeBot handoff").
    pub name: String,
    /// When it was taught.
    pub taught_at: DateTime<Utc>,
    /// The fields and where each sits.
    pub fields: Vec<FieldRule>,
}

impl FormatTemplate {
    /// The rule for `field`, if taught.
    pub fn rule(&self, field: TemplateField) -> Option<&FieldRule> {
        self.fields.iter().find(|r| r.field == field)
    }

    /// "the template taught on 2 Dec 2026".
    pub fn taught_phrase(&self) -> String {
        format!("the template taught on {}", self.taught_at.format("%-d %b %Y"))
    }
}

/// How many notifications from a template's sender no longer matched it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateMisses {
    /// Notifications that did not match.
    pub count: usize,
    /// When the last one arrived.
    pub last_at: Option<DateTime<Utc>>,
}

/// A template as exported to JSON: versioned so a later format can read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateExport {
    /// Always [`TEMPLATE_FORMAT`] when written.
    pub handoff_desk_template: u32,
    /// The template.
    #[serde(flatten)]
    pub template: FormatTemplate,
}
