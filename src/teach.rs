//! Teaching Handoff Desk a format (the handoff pane's "Teach Handoff Desk
//! this format", `handoff template …`): show a stored notification's
//! original as text, derive a template from the values the user selected in
//! it, show what the template reads before saving, save it, and re-read every
//! raw or partial record with it. Templates export and import as JSON.
//!
//! Invariants: the original is only read (teaching never changes a stored
//! raw source); saving re-reads through [`crate::reparse`], so a record is
//! only ever upgraded, never made worse, and its original stays.

use crate::error::{Error, ErrorCode, Next, Result};
use crate::ingest::email::{mail_of, parse_email_taught};
use crate::ingest::templates::{self, Selection, Taught};
use crate::model::{FormatTemplate, NewHandoff, RawKind, TEMPLATE_FORMAT, TemplateExport};
use crate::reparse::{ReparseSummary, reparse};
use crate::store::{RereadFilter, Store};
use chrono::{DateTime, Utc};

/// A stored notification as the teaching view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Original {
    /// The handoff.
    pub id: i64,
    /// The sender's address, lower case (the template is tied to it).
    pub from: Option<String>,
    /// The subject line.
    pub subject: Option<String>,
    /// The text a template reads, exactly as selections are matched against it.
    pub text: String,
    /// `None`: a template can be taught on it; else why not.
    pub not_teachable: Option<String>,
}

/// What a template taught on a record reads there, before it is saved.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The template derived.
    pub template: FormatTemplate,
    /// The record as it would read with it.
    pub read: NewHandoff,
}

/// The original of handoff `id`, as text.
pub fn original(store: &Store, id: i64) -> Result<Original> {
    let src = store.stored_source(id)?;
    if src.raw_kind != RawKind::Email {
        return Ok(Original {
            id,
            from: None,
            subject: None,
            text: String::from_utf8_lossy(&src.raw).into_owned(),
            not_teachable: Some(
                "this record came as JSON, not as an email: it is read by its platform's adapter".into(),
            ),
        });
    }
    let Some(mail) = mail_of(&src.raw) else {
        return Ok(Original {
            id,
            from: None,
            subject: None,
            text: String::from_utf8_lossy(&src.raw).into_owned(),
            not_teachable: Some(
                "this original is not a readable email, so there is nothing to teach on".into(),
            ),
        });
    };
    let not_teachable = mail.from_addr.is_none().then(|| "this email names no sender address".to_string());
    Ok(Original {
        id,
        from: mail.from_addr.clone(),
        subject: mail.subject.clone(),
        text: templates::teach_text(&mail),
        not_teachable,
    })
}

/// Derive a template from `selections` in handoff `id`'s original and read the original with it.
pub fn preview(store: &Store, id: i64, selections: &[Selection], now: DateTime<Utc>) -> Result<Preview> {
    let src = store.stored_source(id)?;
    let mail = mail_of(&src.raw)
        .ok_or_else(|| Error::Invalid(format!("handoff #{id}'s original is not a readable email")))?;
    let template = templates::derive(&mail, selections, now).map_err(|e| Error::Invalid(e.0))?;
    let (mut read, outcome) = parse_email_taught(&src.raw, src.source, std::slice::from_ref(&template));
    crate::ingest::reason::finish(&mut read);
    if let Taught::Miss { note, .. } = outcome {
        return Err(Error::Invalid(format!(
            "the values selected do not make a template that reads this email again ({note}); select each value once more"
        )));
    }
    Ok(Preview { template, read })
}

/// Save the template taught on handoff `id` and re-read every raw or partial record with it.
pub fn teach(
    store: &mut Store,
    id: i64,
    selections: &[Selection],
    now: DateTime<Utc>,
) -> Result<(FormatTemplate, ReparseSummary)> {
    let mut t = preview(store, id, selections, now)?.template;
    t.id = store.save_template(&t)?;
    let sum = reparse(store, &RereadFilter::default(), false, now, |_| {})?;
    Ok((t, sum))
}

/// A template as shareable JSON (no visitor data: only the format's fixed wording).
pub fn export(t: &FormatTemplate) -> String {
    let e = TemplateExport { handoff_desk_template: TEMPLATE_FORMAT, template: t.clone() };
    serde_json::to_string_pretty(&e).unwrap_or_default()
}

/// Read an exported template (not saved).
pub fn parse_export(json: &str) -> Result<FormatTemplate> {
    let e: TemplateExport = serde_json::from_str(json).map_err(|e| Error::Refused {
        code: ErrorCode::InvalidInput,
        message: format!("this is not a Handoff Desk template ({e}); export one first"),
        next: Next::ExportTemplate,
    })?;
    if e.handoff_desk_template > TEMPLATE_FORMAT {
        return Err(Error::Invalid(format!(
            "this template was written by a newer Handoff Desk (format {}, this one reads {TEMPLATE_FORMAT}); update Handoff Desk to import it",
            e.handoff_desk_template
        )));
    }
    if e.template.fields.is_empty() {
        return Err(Error::Invalid(
            "this template reads no field; teach the format again and export it".into(),
        ));
    }
    Ok(e.template)
}

/// Import an exported template (replacing the sender's own, if any) and re-read every raw or partial record.
pub fn import(store: &mut Store, json: &str, now: DateTime<Utc>) -> Result<(FormatTemplate, ReparseSummary)> {
    let mut t = parse_export(json)?;
    t.id = store.save_template(&t)?;
    let sum = reparse(store, &RereadFilter::default(), false, now, |_| {})?;
    Ok((t, sum))
}
