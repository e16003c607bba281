//! Reading one mail with one template: find each field's fixed wording in the
//! normalised text ([`super::teach_text`]), take the value beside it, check
//! it looks like what the field holds, and read the transcript between its
//! two fixed lines.

use super::normalise;
use crate::ingest::dates;
use crate::ingest::fields::Fields;
use crate::ingest::platforms::{Mail, Reading, message};
use crate::ingest::transcript::{self, Context};
use crate::model::{Anchor, Author, FormatTemplate, Message, TemplateField};
use chrono::{FixedOffset, Offset, Utc};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| dates::re(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"));
static URL: LazyLock<Regex> = LazyLock::new(|| dates::re(r"(?i)(?:https?://|www\.)[^\s<>]+"));

/// Most lines a value below a heading may take.
const BELOW_LINES: usize = 12;
/// Rules whose wording may be absent from a mail that still matches, per rule of the
/// template (one in four: an optional field left out), and at least one.
const ABSENT_PER_RULE: usize = 4;

/// What a template made of a mail, and how much of it was found.
#[derive(Debug, Default)]
pub struct TemplateReading {
    /// The fields and transcript read.
    pub reading: Reading,
    /// Rules whose wording was found and whose value looked right.
    pub found: usize,
    /// Rules in the template.
    pub total: usize,
    /// The wording not found, per field.
    pub missing: Vec<(TemplateField, String)>,
    /// Fields whose wording was found but held the wrong kind of value.
    pub wrong: Vec<(TemplateField, String)>,
}

impl TemplateReading {
    /// Whether the mail matches the template: no wrong values, and at most one
    /// rule in four absent (an optional field left out; more is a changed layout).
    pub fn matches(&self) -> bool {
        let allowed = (self.total / ABSENT_PER_RULE).max(1);
        self.found > 0 && self.wrong.is_empty() && self.missing.len() <= allowed
    }

    /// Why it does not match, for the handoff's notes.
    pub fn miss_note(&self, t: &FormatTemplate, from: &str) -> String {
        let mut why = Vec::new();
        if !self.missing.is_empty() {
            let labels: Vec<String> = self.missing.iter().map(|(_, w)| format!("\"{w}\"")).collect();
            why.push(format!("not found: {}", labels.join(", ")));
        }
        for (f, v) in &self.wrong {
            why.push(format!("the {} place holds \"{}\"", f.label(), cut(v, 40)));
        }
        format!(
            "from {from}, but it no longer matches {} ({}); read without it. Teach the format again from this email if the layout changed",
            t.taught_phrase(),
            why.join("; ")
        )
    }
}

fn cut(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// Read `mail` with template `t`.
pub fn read_with(t: &FormatTemplate, mail: &Mail) -> TemplateReading {
    let text = super::teach_text(mail);
    let lines: Vec<&str> = text.lines().collect();
    let offset = mail.offset.unwrap_or(Utc.fix());
    let mut out = TemplateReading { total: t.fields.len(), ..TemplateReading::default() };
    // The transcript first, so field wording inside the conversation is not taken for a label.
    let mut block: Option<Range<usize>> = None;
    for rule in &t.fields {
        if let Anchor::Between { start, end } = &rule.anchor {
            match between(&lines, start, end.as_deref()) {
                Some(r) => block = Some(r),
                None => out.missing.push((rule.field, start.clone())),
            }
        }
    }
    let labels: Vec<String> = t.fields.iter().map(|r| r.anchor.wording().to_lowercase()).collect();
    let outside = |i: usize| block.as_ref().is_none_or(|b| !b.contains(&i));
    let mut f = Fields::default();
    for rule in &t.fields {
        let raw = match &rule.anchor {
            Anchor::Between { .. } => continue,
            Anchor::SameLine { label, suffix } => {
                same_line(&lines, label, suffix.as_deref(), &labels, &outside)
            }
            Anchor::Below { label } => below(&lines, label, &labels, &outside),
        };
        let Some(raw) = raw else {
            out.missing.push((rule.field, rule.anchor.wording().to_string()));
            continue;
        };
        if raw.is_empty() {
            // The wording is there and the value left blank: an optional field not filled in.
            out.found += 1;
            continue;
        }
        match accept(rule.field, &raw, offset, &mut f) {
            true => out.found += 1,
            false => out.wrong.push((rule.field, raw)),
        }
    }
    if let Some(b) = block {
        let body: Vec<&str> = lines.get(b).unwrap_or_default().to_vec();
        let messages = conversation(&body, &f, mail, offset);
        if messages.is_empty() {
            out.missing.push((TemplateField::Transcript, "the conversation's lines".into()));
        } else {
            out.found += 1;
            out.reading.transcript = messages;
        }
    }
    out.reading.fields = f;
    out
}

/// Put a value into its field when it looks like what the field holds.
fn accept(field: TemplateField, v: &str, offset: FixedOffset, f: &mut Fields) -> bool {
    let short = |n: usize| v.chars().count() <= n;
    match field {
        TemplateField::VisitorName => set(&mut f.name, v, short(100) && !v.contains('@')),
        TemplateField::VisitorEmail => match EMAIL.find(v) {
            Some(m) => set(&mut f.email, m.as_str(), true),
            None => false,
        },
        TemplateField::VisitorPhone => {
            let digits = v.chars().filter(char::is_ascii_digit).count();
            let phoneish = v.chars().all(|c| c.is_ascii_digit() || " +-().#/ext".contains(c));
            set(&mut f.phone, v, (6..=20).contains(&digits) && phoneish)
        }
        TemplateField::Page => match URL.find(v) {
            Some(m) => set(&mut f.page_url, m.as_str().trim_end_matches(['.', ',', ')', ';']), true),
            None => false,
        },
        TemplateField::Question => set(&mut f.question, v, short(4000)),
        TemplateField::Reason => set(&mut f.reason, v, short(500)),
        TemplateField::Promise => set(&mut f.promise, v, short(500)),
        TemplateField::Date => match dates::parse(v, offset) {
            Some(d) => {
                f.escalated = Some(d);
                true
            }
            None => false,
        },
        TemplateField::Transcript => false,
    }
}

fn set(slot: &mut Option<String>, v: &str, ok: bool) -> bool {
    if ok {
        *slot = Some(v.trim().to_string());
    }
    ok
}

/// Whether a normalised line starts with `label` (case-insensitive), as a
/// whole word: "Who" is not the start of "Whoever".
fn starts_with_label(line: &str, label: &str) -> bool {
    let (line, label) = (line.to_lowercase(), label.to_lowercase());
    let Some(rest) = line.strip_prefix(&label) else { return false };
    let word_end = label.chars().last().is_none_or(|c| !c.is_alphanumeric());
    word_end || rest.chars().next().is_none_or(|c| !c.is_alphanumeric())
}

/// The value after `label` on its line, up to `suffix`; `Some("")` when the label is there and the value is not.
fn same_line(
    lines: &[&str],
    label: &str,
    suffix: Option<&str>,
    labels: &[String],
    outside: &impl Fn(usize) -> bool,
) -> Option<String> {
    let label = normalise(label);
    let i = (0..lines.len())
        .find(|&i| outside(i) && lines.get(i).is_some_and(|l| starts_with_label(l, &label)))?;
    let line = lines.get(i)?;
    let rest = char_tail(line, label.chars().count());
    let mut value = rest.trim_start_matches([':', '-', '–', '—', '|', ' ']).trim().to_string();
    if let Some(s) = suffix.map(normalise).filter(|s| !s.is_empty())
        && let Some(at) = value.to_lowercase().rfind(&s.to_lowercase())
        && value.is_char_boundary(at)
    {
        value.truncate(at);
        value = value.trim().to_string();
    }
    if value.is_empty() {
        // The layout moved the value to the next line: take it when it is no other label.
        let next = lines.iter().enumerate().skip(i + 1).find(|(_, l)| !l.is_empty());
        if let Some((j, l)) = next
            && outside(j)
            && !is_label_line(l, labels)
        {
            value = (*l).to_string();
        }
    }
    Some(value)
}

/// The lines after the line that is `label`, up to a blank line or another label.
fn below(lines: &[&str], label: &str, labels: &[String], outside: &impl Fn(usize) -> bool) -> Option<String> {
    let label = normalise(label);
    let i = (0..lines.len()).find(|&i| {
        outside(i)
            && lines.get(i).is_some_and(|l| {
                l.eq_ignore_ascii_case(&label)
                    || l.trim_end_matches(':').eq_ignore_ascii_case(label.trim_end_matches(':'))
            })
    })?;
    let mut taken = Vec::new();
    for (j, l) in lines.iter().enumerate().skip(i + 1) {
        if l.is_empty() {
            if taken.is_empty() {
                continue;
            }
            break;
        }
        if !outside(j) || is_label_line(l, labels) || taken.len() >= BELOW_LINES {
            break;
        }
        taken.push(*l);
    }
    Some(taken.join(" "))
}

fn is_label_line(line: &str, labels: &[String]) -> bool {
    let l = line.to_lowercase();
    labels.iter().any(|lab| !lab.is_empty() && l.starts_with(&normalise(lab)))
}

/// The lines strictly between the line `start` and the line `end` (or the text's end).
fn between(lines: &[&str], start: &str, end: Option<&str>) -> Option<Range<usize>> {
    let (start, end) = (normalise(start), end.map(normalise));
    let is = |l: &str, w: &str| l.eq_ignore_ascii_case(w) || (w.len() >= 4 && starts_with_label(l, w));
    let s = lines.iter().position(|l| is(l, &start))? + 1;
    let e = match end {
        Some(end) => lines.iter().skip(s).position(|l| is(l, &end)).map_or(lines.len(), |p| p + s),
        None => lines.len(),
    };
    (e > s).then_some(s..e)
}

/// The conversation in a block: the generic transcript reader first (it
/// knows timestamps and many speaker layouts); failing that, "Who <sep> text"
/// lines with the separator the block uses most.
fn conversation(block: &[&str], f: &Fields, mail: &Mail, offset: FixedOffset) -> Vec<Message> {
    let bot = mail.from_name.as_deref();
    let ctx = Context {
        visitor: f.name.as_deref(),
        bot,
        anchor: f.escalated.or(mail.sent_at),
        offset: Some(offset),
        strict: false,
    };
    let t = transcript::parse_slice(block, &ctx);
    let used = t.lines.as_ref().map_or(0, |r| r.len());
    let lines = block.iter().filter(|l| !l.is_empty()).count();
    if !t.messages.is_empty() && used * 2 >= lines {
        return t.messages;
    }
    split_lines(block, f.name.as_deref())
}

/// "Dana » Hi", "AcmeBot > Hello": the separator most lines share; lines without it continue the message before.
fn split_lines(block: &[&str], visitor: Option<&str>) -> Vec<Message> {
    let seps = [" » ", " > ", " | ", " - ", ": ", " – "];
    let best = seps.iter().max_by_key(|s| block.iter().filter(|l| l.contains(**s)).count());
    let Some(sep) = best.filter(|s| block.iter().any(|l| l.contains(**s))) else { return Vec::new() };
    let mut out: Vec<Message> = Vec::new();
    let mut first: Option<String> = None;
    for l in block.iter().filter(|l| !l.is_empty()) {
        match l.split_once(*sep) {
            Some((who, text)) if who.chars().count() <= 48 => {
                let who = who.trim();
                // The visitor is the one the notification names, else the one who opened the chat.
                let opener = first.get_or_insert_with(|| who.to_lowercase());
                let named = |v: &str| {
                    let (v, w) = (v.to_lowercase(), who.to_lowercase());
                    v == w || v.split(' ').next() == Some(w.as_str())
                };
                let author = if visitor.is_some_and(named) {
                    Author::Visitor
                } else if let Some(role) = transcript::role_word(who) {
                    role
                } else if visitor.is_none() && *opener == who.to_lowercase() {
                    Author::Visitor
                } else {
                    Author::Bot
                };
                out.push(message(author, Some(who), None, text));
            }
            _ => match out.last_mut() {
                Some(m) => {
                    m.text.push('\n');
                    m.text.push_str(l);
                }
                None => out.push(message(Author::System, None, None, l)),
            },
        }
    }
    out
}

fn char_tail(s: &str, skip: usize) -> &str {
    match s.char_indices().nth(skip) {
        Some((i, _)) => s.get(i..).unwrap_or_default(),
        None => "",
    }
}
