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
use super::span::Span;

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
