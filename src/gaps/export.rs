//! The checklist as Markdown (ready to email to a client) and CSV.
//!
//! Everything written by others (visitors' questions, the owner's draft
//! answers, notes) is escaped: it can become neither markup nor a formula.

use super::checklist::{Checklist, Item, ItemState};
use chrono::{DateTime, Utc};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(c: &Checklist) -> String {
    format!("{} {}", MONTHS[(c.month.month as usize).saturating_sub(1) % 12], c.month.year)
}

fn day(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz).format("%-d %b").to_string()
}

/// Visitors' words in Markdown: one line, with Markdown and HTML syntax escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The checklist in Markdown. `tz` is the workspace's time zone.
pub fn markdown(c: &Checklist, tz: chrono_tz::Tz) -> String {
    let mut s = format!("# Content gaps: {}, {}\n\n", md(&c.workspace_name), month_name(c));
    if c.items.is_empty() {
        s.push_str(
            "No unanswered questions this month: the bot had an answer for everything it was asked.\n",
        );
        return s;
    }
    let visitors: usize = c.items.iter().map(|i| i.visitors).sum();
    let open = c.items.iter().filter(|i| !matches!(i.state, ItemState::Done { .. })).count();
    s.push_str(&format!(
        "{} the bot could not answer, from {}, in {} ({} still to write). \
         Ranked by how many visitors asked; each topic is one piece of content to add.\n\n",
        plural(c.questions, "question", "questions"),
        plural(visitors, "visitor", "visitors"),
        plural(c.items.len(), "topic", "topics"),
        open
    ));
    if let Some(why) = &c.fallback_reason {
        s.push_str(&format!("> Grouped by wording only: {}\n\n", md(why)));
    }
    for it in &c.items {
        item_md(&mut s, it, tz);
    }
    s
}

fn item_md(s: &mut String, it: &Item, tz: chrono_tz::Tz) {
    s.push_str(&format!("## {}. {}\n\n", it.rank, md(&it.label)));
    if !it.title.is_empty() {
        s.push_str(&format!("Topic: **{}**\n\n", md(&it.title)));
    }
    let when = if day(it.first_seen, tz) == day(it.last_seen, tz) {
        day(it.first_seen, tz)
    } else {
        format!("{} – {}", day(it.first_seen, tz), day(it.last_seen, tz))
    };
    let box_ = if matches!(it.state, ItemState::Done { .. }) { "[x]" } else { "[ ]" };
    s.push_str(&format!(
        "- {box_} **{}** ({}), {when}\n",
        plural(it.visitors, "visitor", "visitors"),
        plural(it.handoffs.len(), "chat", "chats")
    ));
    match &it.state {
        ItemState::Open => {}
        ItemState::Done { note, at, .. } => {
            s.push_str(&format!("- Done {}", day(*at, tz)));
            if let Some(n) = note {
                s.push_str(&format!(": {}", md(n)));
            }
            s.push('\n');
        }
        ItemState::StillAsked { month, note, .. } => {
            s.push_str(&format!("- **Still asked**: checked off in {month}"));
            if let Some(n) = note {
                s.push_str(&format!(" ({})", md(n)));
            }
            s.push_str(
                ", yet asked again this month. The content may be missing, hard to find, or unclear.\n",
            );
        }
    }
    let shown: Vec<String> = it
        .wordings
        .iter()
        .take(5)
        .map(|w| {
            if w.count > 1 {
                format!("“{}” ({}×)", md(&w.text), w.count)
            } else {
                format!("“{}”", md(&w.text))
            }
        })
        .collect();
    let more = it.wordings.len().saturating_sub(5);
    s.push_str(&format!("- Asked as: {}", shown.join(", ")));
    if more > 0 {
        s.push_str(&format!(", and {more} more"));
    }
    s.push('\n');
    if !it.pages.is_empty() {
        let pages: Vec<String> = it.pages.iter().take(3).map(|(p, n)| format!("{} ({n})", md(p))).collect();
        s.push_str(&format!("- Pages: {}\n", pages.join(", ")));
    }
    if let Some(d) = &it.draft_answer {
        let by = d.by.as_deref().map(|b| format!("{}'s", md(b))).unwrap_or_else(|| "a sent".into());
        // One line: the paragraphs run on, as in the other list entries.
        let text = d.text.split_whitespace().collect::<Vec<_>>().join(" ");
        s.push_str(&format!("- Draft answer (from {by} reply): {}\n", md(&text)));
    }
    s.push('\n');
}

/// A spreadsheet cell that cannot be read as a formula.
fn cell(text: &str) -> String {
    let t: String = text.chars().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).collect();
    if t.starts_with(['=', '+', '-', '@']) { format!("'{t}") } else { t }
}

/// The checklist as CSV, one row per item.
pub fn csv(c: &Checklist, tz: chrono_tz::Tz) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rank",
        "question",
        "visitors",
        "chats",
        "state",
        "note",
        "checked_off_month",
        "first_asked",
        "last_asked",
        "pages",
        "wordings",
        "draft_answer",
    ])?;
    let ymd = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d").to_string();
    for it in &c.items {
        let (state, note, when) = match &it.state {
            ItemState::Open => ("open", None, String::new()),
            ItemState::Done { note, .. } => ("done", note.clone(), c.month.to_string()),
            ItemState::StillAsked { note, month, .. } => ("still_asked", note.clone(), month.clone()),
        };
        let pages: Vec<String> = it.pages.iter().map(|(p, n)| format!("{p} ({n})")).collect();
        let wordings: Vec<&str> = it.wordings.iter().map(|w| w.text.as_str()).collect();
        w.write_record([
            it.rank.to_string(),
            cell(&it.label),
            it.visitors.to_string(),
            it.handoffs.len().to_string(),
            state.to_string(),
            cell(note.as_deref().unwrap_or("")),
            when,
            ymd(it.first_seen),
            ymd(it.last_seen),
            cell(&pages.join("; ")),
            cell(&wordings.join(" | ")),
            cell(it.draft_answer.as_ref().map_or("", |d| d.text.as_str())),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
