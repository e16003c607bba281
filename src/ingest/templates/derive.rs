//! Deriving a template from one notification and the values the user
//! selected in it: for each value, the fixed wording around it (the label
//! before it on its line, or the line above it; for the transcript, the lines
//! just above its first and below its last line).
//!
//! Invariant: the template keeps only that fixed wording, never the values,
//! and a selection that is not in the email's text is refused with a sentence
//! saying what to do, not turned into a template that cannot work.

use super::{normalise, teach_text};
use crate::ingest::platforms::Mail;
use crate::model::{Anchor, FieldRule, FormatTemplate, TemplateField};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One value the user selected and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// What the value is.
    pub field: TemplateField,
    /// The selected text (for the transcript: from its first to its last line).
    pub text: String,
}

/// Why a template could not be derived, in words the user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TeachError(pub String);

/// Derive a template for `mail`'s sender from the user's selections.
pub fn derive(
    mail: &Mail,
    selections: &[Selection],
    now: DateTime<Utc>,
) -> Result<FormatTemplate, TeachError> {
    let sender = mail.from_addr.clone().ok_or_else(|| {
        TeachError("this email names no sender address, so no template can be tied to it".into())
    })?;
    if selections.is_empty() {
        return Err(TeachError("select at least one value in the original and say what it is".into()));
    }
    let text = teach_text(mail);
    let lines: Vec<&str> = text.lines().collect();
    let mut fields: Vec<FieldRule> = Vec::new();
    for s in selections {
        let anchor = match s.field {
            TemplateField::Transcript => transcript_anchor(&lines, &s.text)?,
            f => value_anchor(&lines, f, &s.text)?,
        };
        fields.retain(|r| r.field != s.field);
        fields.push(FieldRule { field: s.field, anchor });
    }
    let name = mail
        .from_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("{sender} notification"), |n| format!("{n} notification"));
    Ok(FormatTemplate { id: 0, sender, name, taught_at: now, fields })
}

/// The non-empty normalised lines of a selection.
fn selected_lines(text: &str) -> Vec<String> {
    text.lines().map(normalise).filter(|l| !l.is_empty()).collect()
}

/// Where `line` (normalised) contains `needle`: exact case first, then any case.
fn find_in(lines: &[&str], needle: &str) -> Option<(usize, usize)> {
    let exact = lines.iter().enumerate().find_map(|(i, l)| l.find(needle).map(|c| (i, c)));
    exact.or_else(|| {
        let n = needle.to_lowercase();
        lines.iter().enumerate().find_map(|(i, l)| {
            let lower = l.to_lowercase();
            // Only when lower-casing kept the byte offsets (ASCII-like text).
            (lower.len() == l.len()).then(|| lower.find(&n).map(|c| (i, c))).flatten()
        })
    })
}

fn not_found(field: TemplateField, text: &str) -> TeachError {
    let shown: String = text.chars().take(60).collect();
    TeachError(format!(
        "\"{shown}\" (the {}) is not in this email's text as shown; select it again in the original",
        field.label()
    ))
}

fn value_anchor(lines: &[&str], field: TemplateField, text: &str) -> Result<Anchor, TeachError> {
    let sel = selected_lines(text);
    let first = sel.first().ok_or_else(|| not_found(field, text))?;
    let (i, col) = find_in(lines, first).ok_or_else(|| not_found(field, text))?;
    let line = lines.get(i).copied().unwrap_or_default();
    let before = line.get(..col).unwrap_or_default().trim();
    if !before.is_empty() && sel.len() == 1 {
        let after = line.get(col + first.len()..).unwrap_or_default().trim();
        // Only fixed punctuation after a value is wording of the format ("(verified)", "| edit");
        // words after it are more of the value, which varies.
        let suffix = after.chars().next().is_some_and(|c| "([{|<—–".contains(c)).then(|| after.to_string());
        return Ok(Anchor::SameLine { label: before.to_string(), suffix });
    }
    if !before.is_empty() {
        return Err(TeachError(format!(
            "the {} starts in the middle of a line and runs over several lines; select only its first line",
            field.label()
        )));
    }
    let label = lines.get(..i).unwrap_or_default().iter().rev().find(|l| !l.is_empty()).ok_or_else(|| {
        TeachError(format!(
            "nothing fixed comes before the {} in this email (it is the first line), so it cannot be found again",
            field.label()
        ))
    })?;
    Ok(Anchor::Below { label: (*label).to_string() })
}

fn transcript_anchor(lines: &[&str], text: &str) -> Result<Anchor, TeachError> {
    let sel = selected_lines(text);
    let (Some(first), Some(last)) = (sel.first(), sel.last()) else {
        return Err(not_found(TemplateField::Transcript, text));
    };
    let (a, _) = find_in(lines, first).ok_or_else(|| not_found(TemplateField::Transcript, text))?;
    let b = lines
        .iter()
        .enumerate()
        .skip(a)
        .find(|(_, l)| l.contains(last.as_str()))
        .map(|(i, _)| i)
        .ok_or_else(|| not_found(TemplateField::Transcript, text))?;
    let start = lines.get(..a).unwrap_or_default().iter().rev().find(|l| !l.is_empty()).ok_or_else(|| {
        TeachError(
            "the transcript starts on the email's first line, so nothing marks where it starts; select it from its first message"
                .into(),
        )
    })?;
    let end = lines.iter().skip(b + 1).find(|l| !l.is_empty()).map(|l| (*l).to_string());
    Ok(Anchor::Between { start: (*start).to_string(), end })
}
