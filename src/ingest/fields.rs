//! Labelled fields in notification text: "Name: Dana", "NAME - Dana",
//! "**Name:** Dana", table rows ("Name<TAB>Dana" from HTML), "| Name | Dana |",
//! and a label alone on its line with the value on the next one. Labels are
//! matched case-insensitively in English, German, French, Spanish, Portuguese,
//! Italian, Dutch and Japanese.
//!
//! Invariants: the first acceptable value of a field wins; a value is only
//! taken when it looks like what the field holds (an address for Email, a
//! URL for Page, a readable date for Started), so prose and transcript lines
//! that happen to start with a label word are left alone. Lookup is one hash
//! probe per line; no regex runs unless a label matched.

use super::dates;
use chrono::{DateTime, FixedOffset, Utc};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

mod labels;
pub use labels::is_label;
use labels::{Field, lookup};

/// The fields found in a notification's text.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fields {
    /// Visitor name.
    pub name: Option<String>,
    /// Visitor email.
    pub email: Option<String>,
    /// Visitor phone.
    pub phone: Option<String>,
    /// Page URL.
    pub page_url: Option<String>,
    /// Page title.
    pub page_title: Option<String>,
    /// The bot's wording of the reason.
    pub reason: Option<String>,
    /// Confidence 0–1.
    pub confidence: Option<f64>,
    /// The unanswered question.
    pub question: Option<String>,
    /// What the visitor was told.
    pub promise: Option<String>,
    /// Chat start.
    pub started: Option<DateTime<Utc>>,
    /// Escalation time.
    pub escalated: Option<DateTime<Utc>>,
    /// Bot name.
    pub bot: Option<String>,
    /// Problems worth telling the user ("could not read the date …").
    pub notes: Vec<String>,
}

impl Fields {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// How many fields were found.
    pub fn count(&self) -> usize {
        [
            self.name.is_some(),
            self.email.is_some(),
            self.phone.is_some(),
            self.page_url.is_some(),
            self.page_title.is_some(),
            self.reason.is_some(),
            self.confidence.is_some(),
            self.question.is_some(),
            self.promise.is_some(),
            self.started.is_some(),
            self.escalated.is_some(),
            self.bot.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }

    /// Fill what is missing here from `other`.
    pub fn fill_from(&mut self, other: Fields) {
        macro_rules! fill { ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f; } )* } }
        fill!(
            name, email, phone, page_url, page_title, reason, confidence, question, promise, started,
            escalated, bot
        );
        for n in other.notes {
            if !self.notes.contains(&n) {
                self.notes.push(n);
            }
        }
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| dates::re(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"));
static URL: LazyLock<Regex> = LazyLock::new(|| dates::re(r#"(?i)https?://[^\s<>"'\])]+"#));
static BARE_URL: LazyLock<Regex> =
    LazyLock::new(|| dates::re(r"(?i)^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]\S*)?$"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| dates::re(r"\+?\(?\d[\d\s().\-/]{4,}\d"));
static NUMBER: LazyLock<Regex> = LazyLock::new(|| dates::re(r"(\d+(?:[.,]\d+)?)\s*(%)?"));

/// Split "label SEP value"; SEP is a colon, a tab, a spaced dash or a pipe
/// (the first one in the line).
fn split(line: &str) -> Option<(&str, &str)> {
    let t = line.trim().trim_start_matches('|').trim_end_matches('|');
    let b = t.as_bytes();
    let at = |i: usize, s: &str| b.get(i..i + s.len()) == Some(s.as_bytes());
    for (i, &byte) in b.iter().enumerate() {
        let len = match byte {
            b':' | b'\t' | b'|' => 1,
            0xEF if at(i, "：") => "：".len(),
            b' ' => match ["-", "–", "—"].iter().find(|d| at(i + 1, d) && at(i + 1 + d.len(), " ")) {
                Some(d) => d.len() + 2,
                None => continue,
            },
            _ => continue,
        };
        return Some((t.get(..i)?, t.get(i + len..)?));
    }
    None
}

/// Clean a value: leading emphasis markers and separators, trailing table pipes.
fn value(v: &str) -> &str {
    v.trim_start_matches(|c: char| "*_|:：-–—".contains(c) || c.is_whitespace())
        .trim_end_matches(|c: char| c == '|' || c.is_whitespace())
}

fn placeholder(v: &str) -> bool {
    matches!(
        v.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()),
        "" | "n/a"
            | "na"
            | "none"
            | "unknown"
            | "not provided"
            | "not given"
            | "anonymous"
            | "nicht angegeben"
            | "keine angabe"
            | "unbekannt"
            | "non renseigné"
            | "non fourni"
            | "inconnu"
            | "aucun"
            | "no proporcionado"
            | "desconocido"
            | "ninguno"
            | "sin datos"
            | "null"
            | "undefined"
            | "—"
    )
}

/// Extract labelled fields from `lines`, skipping `skip` (the transcript).
pub fn extract(lines: &[&str], skip: Option<Range<usize>>, offset: FixedOffset) -> Fields {
    let mut f = Fields::default();
    let mut name_email = None;
    let skipped = |i: usize| skip.as_ref().is_some_and(|r| r.contains(&i));
    for (i, raw) in lines.iter().enumerate() {
        if skipped(i) {
            continue;
        }
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let (field, val) = match split(line).and_then(|(l, v)| Some((lookup(l)?, v))) {
            Some((field, v)) if !value(v).is_empty() => (field, value(v).to_string()),
            _ => match lookup(line) {
                // The label alone; the value is on one of the next two lines.
                Some(field) => match next_value(lines, i, &skipped) {
                    Some(v) => (field, v),
                    None => continue,
                },
                None => continue,
            },
        };
        if placeholder(&val) {
            continue;
        }
        take(&mut f, field, &val, offset, &mut name_email);
    }
    if f.email.is_none() {
        f.email = name_email;
    }
    f
}

fn next_value(lines: &[&str], i: usize, skipped: &dyn Fn(usize) -> bool) -> Option<String> {
    for j in i + 1..(i + 3).min(lines.len()) {
        if skipped(j) {
            return None;
        }
        let l = value(lines.get(j)?);
        if l.is_empty() {
            continue;
        }
        if lookup(l).is_some() || split(l).is_some_and(|(k, _)| lookup(k).is_some()) {
            return None;
        }
        return Some(l.to_string());
    }
    None
}

fn take(f: &mut Fields, field: Field, val: &str, offset: FixedOffset, name_email: &mut Option<String>) {
    let val = val.trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '«' | '»' | '„')).trim();
    match field {
        Field::Name | Field::NameStrict if f.name.is_none() => {
            let email = EMAIL.find(val);
            let name = email
                .and_then(|m| val.get(..m.start()))
                .unwrap_or(val)
                .trim_end_matches(['<', '(', '[', ' ', ','])
                .trim();
            let words = name.split_whitespace().count();
            // "Visitor:"/"Customer:" also start transcript lines: take only a capitalised name.
            let strict_ok = field == Field::Name
                || (!name.contains(['?', '!', ',', '.', '？', '！', '、', '。'])
                    && super::speaker::looks_like_person(name));
            if !strict_ok {
                return;
            }
            if let Some(m) = email {
                name_email.get_or_insert_with(|| m.as_str().to_string());
            }
            if (1..=6).contains(&words)
                && name.chars().count() <= 80
                && !name.contains("://")
                && !placeholder(name)
            {
                f.name = Some(name.to_string());
            }
        }
        Field::Email if f.email.is_none() => f.email = EMAIL.find(val).map(|m| m.as_str().to_string()),
        Field::Phone if f.phone.is_none() => {
            let v = val.trim_start_matches("tel:");
            if let Some(m) = PHONE.find(v) {
                let digits = m.as_str().chars().filter(char::is_ascii_digit).count();
                if (5..=20).contains(&digits) {
                    f.phone = Some(m.as_str().trim().to_string());
                }
            }
        }
        Field::PageUrl | Field::StartedOn if f.page_url.is_none() => {
            if let Some(m) = URL.find(val) {
                let url = m.as_str().trim_end_matches(['.', ',', ';', '>']);
                f.page_url = Some(url.to_string());
                let rest = format!(
                    "{} {}",
                    val.get(..m.start()).unwrap_or_default(),
                    val.get(m.end()..).unwrap_or_default()
                );
                let title = rest.trim_matches(|c: char| "<>()[]|-–—·:,".contains(c) || c.is_whitespace());
                if f.page_title.is_none() && !title.is_empty() && title.chars().count() <= 200 {
                    f.page_title = Some(title.to_string());
                }
            } else if BARE_URL.is_match(val) {
                f.page_url = Some(val.to_string());
            } else if field == Field::StartedOn {
                take(f, Field::Started, val, offset, name_email);
            }
        }
        Field::PageTitle if f.page_title.is_none() && val.chars().count() <= 200 => {
            f.page_title = Some(val.to_string());
        }
        Field::Reason if f.reason.is_none() && val.chars().count() <= 500 => f.reason = Some(val.to_string()),
        Field::Confidence if f.confidence.is_none() => {
            if let Some(c) = NUMBER.captures(val) {
                let n: Option<f64> = c.get(1).and_then(|m| m.as_str().replace(',', ".").parse().ok());
                let pct = c.get(2).is_some();
                f.confidence = n
                    .map(|n| if pct || n > 1.0 { n / 100.0 } else { n })
                    .filter(|n| n.is_finite() && (0.0..=1.0).contains(n));
            }
        }
        Field::Question if f.question.is_none() && val.chars().count() <= 4000 => {
            f.question = Some(val.to_string())
        }
        Field::Promise if f.promise.is_none() && val.chars().count() <= 1000 => {
            f.promise = Some(val.to_string())
        }
        Field::Started | Field::Escalated => {
            let slot = if field == Field::Started { &mut f.started } else { &mut f.escalated };
            if slot.is_none() {
                match dates::parse(val, offset) {
                    Some(d) => *slot = Some(d),
                    None => {
                        let which = if field == Field::Started { "start" } else { "escalation" };
                        let shown: String = val.chars().take(60).collect();
                        f.notes.push(format!("could not read the {which} date {shown:?}"));
                    }
                }
            }
        }
        Field::Bot
            if f.bot.is_none()
                && val.split_whitespace().count() <= 4
                && !val.contains(['?', '!', ','])
                && val.chars().count() <= 60 =>
        {
            f.bot = Some(val.to_string());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Fields {
        let lines: Vec<&str> = text.lines().collect();
        extract(&lines, None, chrono::Utc.fix())
    }
    use chrono::Offset;

    #[test]
    fn layouts() {
        let f = run(
            "NAME - Dana Reyes\n**E-Mail:** dana@example.com\nTel\t+1 555 0100\n| Page | https://a.test/p |\nConfidence: 31%\nQuestion\n\nDo you refund?",
        );
        assert_eq!(f.name.as_deref(), Some("Dana Reyes"));
        assert_eq!(f.email.as_deref(), Some("dana@example.com"));
        assert_eq!(f.phone.as_deref(), Some("+1 555 0100"));
        assert_eq!(f.page_url.as_deref(), Some("https://a.test/p"));
        assert_eq!(f.confidence, Some(0.31));
        assert_eq!(f.question.as_deref(), Some("Do you refund?"))
    }

    #[test]
    fn portuguese_italian_dutch_and_japanese_labels() {
        let f = run("Nome: Ana Silva\nTelefone: +55 11 5550 0142\nPergunta: Vocês entregam no sábado?");
        assert_eq!(f.name.as_deref(), Some("Ana Silva"));
        assert_eq!(f.phone.as_deref(), Some("+55 11 5550 0142"));
        assert_eq!(f.question.as_deref(), Some("Vocês entregam no sábado?"));
        let f = run("Indirizzo email: marco@example.test\nMotivo del trasferimento: richiesta operatore");
        assert_eq!(f.email.as_deref(), Some("marco@example.test"));
        assert_eq!(f.reason.as_deref(), Some("richiesta operatore"));
        let f = run("Naam: Sanne de Vries\nE-mailadres: sanne@example.nl\nPagina: https://a.test/nl");
        assert_eq!(f.name.as_deref(), Some("Sanne de Vries"));
        assert_eq!(f.email.as_deref(), Some("sanne@example.nl"));
        assert_eq!(f.page_url.as_deref(), Some("https://a.test/nl"));
        let f = run(
            "名前: 佐藤 健太\nメールアドレス：kenta@example.jp\n電話番号: 090-5550-0178\n理由: 担当者を希望",
        );
        assert_eq!(f.name.as_deref(), Some("佐藤 健太"));
        assert_eq!(f.email.as_deref(), Some("kenta@example.jp"));
        assert_eq!(f.phone.as_deref(), Some("090-5550-0178"));
        assert_eq!(f.reason.as_deref(), Some("担当者を希望"));
    }

    #[test]
    fn transcript_like_lines_are_not_names() {
        let f = run("Visitor: hi, do you ship to Canada?\nBot: Hello! How can I help?");
        assert_eq!(f.name, None);
        assert_eq!(f.bot, None);
    }
}
