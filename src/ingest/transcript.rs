//! Transcript lines in the common text shapes: "Visitor: …", "Bot: …",
//! "[10:32] Dana: …", "10:32 AM - Bot: …", "Dana (10:32): …", "> Visitor: …",
//! a speaker on its own line with the words below, and table rows
//! ("10:32<TAB>Dana<TAB>Hi") from HTML notifications.
//!
//! Invariants: text is kept exactly as written (only the speaker prefix and
//! quoting are removed; continuation lines join with `\n`); a line that is
//! not a speaker line belongs to the previous speaker unless a blank line
//! separates them; speakers are mapped to [`Author`] by the visitor's and
//! bot's names when known, then by role words in several languages, then by
//! order of appearance. Bare times are placed on the anchor's local date and
//! roll over midnight.

use super::dates;
use super::speaker::{self, TIME};
use crate::model::{Author, Message};
use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

pub use super::speaker::role_word;

/// Parse transcript lines out of plain text. `day` anchors bare times ("10:32").
pub fn parse_lines(text: &str, day: Option<DateTime<Utc>>) -> Vec<Message> {
    let ctx = Context { anchor: day, ..Context::default() };
    parse(text, &ctx).messages
}

/// What the caller knows that helps read a transcript.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// The visitor's name, when the notification gives it.
    pub visitor: Option<&'a str>,
    /// The bot's name, when known.
    pub bot: Option<&'a str>,
    /// A nearby instant (chat start, escalation or email time) for bare times.
    pub anchor: Option<DateTime<Utc>>,
    /// The offset bare times are written in.
    pub offset: Option<FixedOffset>,
    /// No transcript heading was found: accept only lines whose speaker is
    /// recognised or timestamped, and keep the longest run.
    pub strict: bool,
}

/// Messages and the line range (of `text.lines()`) they came from.
#[derive(Debug, Default)]
pub struct Transcript {
    /// The messages, in order.
    pub messages: Vec<Message>,
    /// Lines used, so field extraction can skip them.
    pub lines: Option<Range<usize>>,
}

static LEAD_STAMP: LazyLock<Regex> =
    LazyLock::new(|| dates::re(&format!(r"^[\[(]?(?P<t>{TIME})[\])]?\s*[-–—|:]?\s*(?P<x>.+)$")));
static SYSTEM_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)\b(?:(?:conversation|chat)\s+(?:was\s+|has been\s+)?(?:transferred|handed (?:off|over)|escalated|assigned|reassigned)|(?:transferred|handed (?:off|over)|escalated) to (?:a |an |the )?(?:human|agent|team|person|support)|joined the (?:conversation|chat)|left the (?:conversation|chat)|(?:gespräch|chat|unterhaltung) (?:wurde )?(?:an .{1,40} )?(?:übergeben|weitergeleitet)|conversation (?:a été )?transférée|transférée? à (?:un|une) (?:agent|conseill|humain)|conversación (?:fue )?transferida|transferid[ao] a (?:un|una) (?:agente|humano|persona))",
    )
});

/// The transcript heading, if any: the index of the first line after it.
pub fn find_section(lines: &[&str]) -> Option<usize> {
    lines.iter().position(|l| is_heading(l)).map(|i| i + 1)
}

fn is_heading(line: &str) -> bool {
    let t = line.trim().trim_matches(|c: char| "#*=_-–—:[]|>".contains(c) || c.is_whitespace());
    if t.is_empty() || t.len() > 60 {
        return false;
    }
    let t = t.split(" (").next().unwrap_or(t).trim_end_matches(':').trim().to_lowercase();
    HEADINGS.contains(t.as_str())
}

static HEADINGS: LazyLock<std::collections::HashSet<&str>> = LazyLock::new(|| {
    "transcript|chat transcript|conversation transcript|full transcript|conversation|\
     full conversation|the conversation|chat history|conversation history|chat log|messages|\
     chat|verlauf|chatverlauf|gesprächsverlauf|unterhaltung|konversation|transkript|\
     nachrichtenverlauf|transcription|historique de la conversation|historique du chat|\
     historique|échanges|transcripción|transcripcion|conversación|conversacion|\
     historial del chat|historial de la conversación|historial de chat|historial"
        .split('|')
        .map(str::trim)
        .collect()
});

/// Parse `text` with what the caller knows.
pub fn parse(text: &str, ctx: &Context<'_>) -> Transcript {
    let lines: Vec<&str> = text.lines().collect();
    parse_slice(&lines, ctx)
}

/// Parse lines with what the caller knows; the range returned indexes `lines`.
pub fn parse_slice(lines: &[&str], ctx: &Context<'_>) -> Transcript {
    let cleaned: Vec<String> = lines.iter().map(|l| clean(l)).collect();
    let speakers: Vec<Option<speaker::Speaker<'_>>> =
        cleaned.iter().map(|l| speaker::speaker_line(l)).collect();

    let mut runs: Vec<(Vec<Draft>, Range<usize>)> = Vec::new();
    let mut cur: Vec<Draft> = Vec::new();
    let mut start = 0;
    let mut last = 0;
    let mut gap = false;
    for (idx, line) in cleaned.iter().enumerate() {
        if line.is_empty() {
            gap = cur.last().is_some_and(|d| !d.text.is_empty());
            continue;
        }
        if !cur.is_empty() && is_footer(line) {
            break;
        }
        let open = cur.last().is_some_and(|d| !gap || d.text.is_empty());
        let spk = speakers.get(idx).and_then(|s| s.as_ref()).and_then(|s| {
            let author = s.role_hint.or_else(|| speaker::role(s.name, ctx.visitor, ctx.bot));
            let keep =
                author.is_some() || s.stamp.is_some() || (!ctx.strict && speaker::looks_like_person(s.name));
            keep.then_some((s, author))
        });
        if let Some((s, author)) = spk {
            if cur.is_empty() {
                start = idx;
            }
            cur.push(Draft {
                author,
                name: s.name.to_string(),
                stamp: s.stamp.map(str::to_string),
                text: s.text.to_string(),
            });
            last = idx;
            gap = false;
        } else if line.chars().count() < 160 && SYSTEM_TEXT.is_match(line) {
            if cur.is_empty() {
                start = idx;
            }
            let (stamp, text) = split_stamp(line);
            cur.push(Draft {
                author: Some(Author::System),
                name: String::new(),
                stamp: stamp.map(str::to_string),
                text: text.to_string(),
            });
            last = idx;
            gap = true;
        } else if open {
            if let Some(d) = cur.last_mut() {
                if !d.text.is_empty() {
                    d.text.push('\n');
                }
                d.text.push_str(line);
            }
            last = idx;
        } else if ctx.strict && !cur.is_empty() {
            runs.push((std::mem::take(&mut cur), start..last + 1));
        }
    }
    if !cur.is_empty() {
        runs.push((cur, start..last + 1));
    }
    let best = if ctx.strict {
        runs.into_iter().filter(|(r, _)| r.len() >= 2).max_by_key(|(r, _)| r.len())
    } else {
        runs.into_iter().next()
    };
    let Some((drafts, range)) = best else {
        return Transcript::default();
    };
    Transcript { messages: finish(drafts, ctx), lines: Some(range) }
}

struct Draft {
    author: Option<Author>,
    name: String,
    stamp: Option<String>,
    text: String,
}

/// Resolve unknown speakers and timestamps.
fn finish(drafts: Vec<Draft>, ctx: &Context<'_>) -> Vec<Message> {
    let mut seen: Vec<Author> = drafts.iter().filter_map(|d| d.author).collect();
    // Names already tied to an author ("Dana Reyes (Visitor)") also cover "Dana".
    let mut assigned: HashMap<String, Author> = HashMap::new();
    for d in &drafts {
        if let Some(a) = d.author
            && speaker::role_word(&d.name).is_none()
            && !d.name.is_empty()
        {
            let n = d.name.to_lowercase();
            if let Some(first) = n.split_whitespace().next() {
                assigned.entry(first.to_string()).or_insert(a);
            }
            assigned.entry(n).or_insert(a);
        }
    }
    let offset = ctx.offset.unwrap_or(Utc.fix());
    let mut shift = Duration::zero();
    let mut prev: Option<DateTime<Utc>> = None;
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        let text = d.text.trim().to_string();
        if text.is_empty() {
            continue;
        }
        let author = d.author.unwrap_or_else(|| {
            *assigned.entry(d.name.to_lowercase()).or_insert_with(|| {
                let a = [Author::Visitor, Author::Bot]
                    .into_iter()
                    .find(|a| !seen.contains(a))
                    .unwrap_or(Author::Agent);
                seen.push(a);
                a
            })
        });
        let at = d.stamp.as_deref().and_then(|s| {
            let p = dates::parts(s);
            let time = p.time?;
            let off = p.offset.unwrap_or(offset);
            let bare = p.day.is_none();
            let date = match ctx.anchor {
                Some(a) => dates::complete(&p, dates::local_date(a, off))?,
                None if !bare => dates::complete(&p, chrono::NaiveDate::default())?,
                None => return None,
            };
            let mut at = dates::resolve(date, time, off)?;
            if bare {
                if prev.is_none()
                    && let Some(a) = ctx.anchor
                {
                    if at > a + Duration::hours(12) {
                        shift = Duration::days(-1);
                    } else if at < a - Duration::hours(12) {
                        shift = Duration::days(1);
                    }
                }
                at += shift;
                if let Some(p) = prev
                    && at < p - Duration::hours(1)
                {
                    shift += Duration::days(1);
                    at += Duration::days(1);
                }
            }
            Some(at)
        });
        if at.is_some() {
            prev = at;
        }
        let name = (!d.name.is_empty()).then_some(d.name);
        out.push(Message { author, name, at, text });
    }
    out
}

/// Strip quoting, bullets and the bold markers around a speaker prefix; trim.
/// The message text itself is left exactly as written.
fn clean(line: &str) -> String {
    let mut t = line.trim();
    while let Some(rest) = t.strip_prefix('>') {
        t = rest.trim_start();
    }
    for b in ["- ", "* ", "• ", "· "] {
        if let Some(rest) = t.strip_prefix(b) {
            t = rest.trim_start();
            break;
        }
    }
    let t = t.trim_end();
    for mark in ["**", "__"] {
        if let Some(rest) = t.strip_prefix(mark)
            && let Some(end) = rest.get(..rest.len().min(64)).and_then(|head| head.find(mark))
        {
            let (head, tail) = (rest.get(..end).unwrap_or_default(), rest.get(end + 2..).unwrap_or_default());
            // Only a bold speaker prefix ("**Dana:** hi", "**Bot**: hi") or a bold header line.
            if head.trim_end().ends_with([':', '：'])
                || tail.trim_start().starts_with([':', '：'])
                || tail.trim().is_empty()
            {
                return format!("{head}{tail}");
            }
        }
    }
    t.to_string()
}

fn is_footer(line: &str) -> bool {
    // The longest footer prefix is 21 characters.
    let l: String = line.chars().take(32).flat_map(char::to_lowercase).collect();
    line == "--"
        || line.starts_with("-- ")
        || line.chars().all(|c| matches!(c, '-' | '—' | '_' | '=' | '─'))
        || FOOTERS.iter().any(|p| l.starts_with(p))
}

/// Lines that end a transcript: links to the conversation, unsubscribe notes, signatures.
const FOOTERS: &[&str] = &[
    "view the full",
    "view full",
    "view conversation",
    "view the conversation",
    "open conversation",
    "open in ",
    "reply to this email",
    "you are receiving",
    "you're receiving",
    "unsubscribe",
    "manage notification",
    "sent by ",
    "powered by ",
    "gesamten verlauf",
    "konversation öffnen",
    "voir la conversation",
    "ver la conversación",
    "ver conversación",
];

/// "[10:35] Conversation transferred to Sam" → the stamp and the text.
fn split_stamp(line: &str) -> (Option<&str>, &str) {
    match LEAD_STAMP.captures(line) {
        Some(c) => (c.name("t").map(|m| m.as_str()), c.name("x").map_or(line, |m| m.as_str())),
        None => (None, line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert!(is_heading("## Transcript"));
        assert!(is_heading("--- Chat history ---"));
        assert!(is_heading("Verlauf:"));
        assert!(is_heading("Transcript (12 messages)"));
        assert!(!is_heading("The transcript is below"));
    }
}
