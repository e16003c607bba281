//! Promise sentences understood: [`parse`] turns "We'll get back to you
//! within 4 business hours." into a [`Span`]; [`super::Due`] places a span on
//! a [`super::Calendar`]. The rules are listed in the docs of [`crate::promise`].
//!
//! Parsing works on a canonical form of the text: lower case, accents folded
//! ("früh" → "fruh", "mañana" → "manana"), "a.m."/"p.m." → "am"/"pm", every
//! other mark a space, digits split from letters ("4h" → "4 h") except a
//! decimal point between digits, and one space between tokens, with a space at
//! each end. Patterns then match whole tokens.

use super::clock::{self, Context};
use super::duration;
use chrono::{NaiveTime, Weekday};
use regex::Regex;

/// What the bot promised, understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// N minutes of business time ("within 4 hours", "within 2 business
    /// hours", "PT90M", "within 30 minutes").
    BusinessMinutes(u32),
    /// N business days, same wall time ("within one business day", "within
    /// 24 hours", "within 2 days", "P1D", "next business day").
    BusinessDays(u32),
    /// A wall time on a relative day ("by 5pm", "by 10am tomorrow", "tomorrow
    /// morning").
    By {
        /// Which day.
        day: DayRef,
        /// Local wall time on that day.
        at: NaiveTime,
    },
    /// At a day's last close ("by end of day", "by close of business
    /// tomorrow", "by Monday").
    EndOf(DayRef),
    /// By the end of that day's business morning ("tomorrow morning", "this
    /// morning", "Monday morning", "demain matin"): noon, or the day's close
    /// when earlier, or an hour after opening when the day opens at noon or
    /// later. Its reminder fires at the day's opening.
    Morning(DayRef),
    /// An hour of open time after that day's first opening ("first thing
    /// tomorrow", "first thing in the morning").
    FirstThing(DayRef),
}

/// A day relative to when the handoff was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayRef {
    /// The day it was received (or, for [`Span::EndOf`], the day of the next opening).
    Today,
    /// The first business date after the day it was received.
    NextBusinessDay,
    /// The first such weekday after the day it was received.
    Weekday(Weekday),
}

/// Understand a promise sentence; `None` when it names no time ("as soon as
/// possible", "shortly", "soon").
pub fn parse(text: &str) -> Option<Span> {
    if let Some(span) = duration::iso(text) {
        return Some(span);
    }
    let c = canonical(text);
    if c.trim().is_empty() {
        return None;
    }
    let ctx = Context::of(&c);
    duration::length(&c)
        .or_else(|| clock::time_of_day(&c, ctx))
        .or_else(|| clock::first_thing(&c, ctx))
        .or_else(|| clock::part_of_day(&c, ctx))
        .or_else(|| clock::day_words(&c, ctx))
}

/// The canonical form described in the module docs.
pub(super) fn canonical(text: &str) -> String {
    let lower = text.to_lowercase().replace("a.m.", "am").replace("p.m.", "pm").replace('½', " and a half ");
    let chars: Vec<char> = lower.chars().flat_map(fold).collect();
    let mut out = String::with_capacity(chars.len() + 2);
    out.push(' ');
    #[derive(Clone, Copy, PartialEq)]
    enum Class {
        Space,
        Digit,
        Letter,
        Colon,
    }
    let mut prev = Class::Space;
    for (i, &ch) in chars.iter().enumerate() {
        let decimal = matches!(ch, '.' | ',')
            && prev == Class::Digit
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let (class, ch) = match ch {
            d if d.is_ascii_digit() => (Class::Digit, d),
            _ if decimal => (Class::Digit, '.'),
            ':' => (Class::Colon, ':'),
            l if l.is_alphanumeric() => (Class::Letter, l),
            _ => (Class::Space, ' '),
        };
        if class == Class::Space {
            prev = class;
            continue;
        }
        if (class != prev || class == Class::Colon) && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push(ch);
        prev = class;
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Fold a lower-case letter to its unaccented form.
fn fold(ch: char) -> Vec<char> {
    let plain = match ch {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ß' => return vec!['s', 's'],
        'œ' => return vec!['o', 'e'],
        other => other,
    };
    vec![plain]
}

/// Compile a constant pattern. The patterns are literals exercised by the
/// tests, so a failure is a programming error caught before release.
#[allow(clippy::expect_used)]
pub(super) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex compiles")
}
