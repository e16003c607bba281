//! Lengths of time in promise sentences: "within 4 business hours", "in under
//! an hour", "2 Werktage", "sous 24h", "en dos horas", and ISO 8601 "PT1H30M".
//!
//! Every hour or minute length is business time; a length of 24 hours or
//! more is whole business days, rounded up (36 hours = 2 business days); a
//! day is a business day and a week five of them.
//! Input is the canonical text of [`super::phrase`] (lower case, accents
//! folded, one space between tokens, digits split from letters).

use super::span::{Span, re};
use regex::Regex;
use std::sync::LazyLock;

const NUM: &str = r"\d+(?:\.\d+)?|a couple of|a couple|couple of|a few|few|ein paar|un par de|unas pocas|unas cuantas|unos pocos|quelques|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|einem|einen|einer|eines|eine|ein|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|elf|zwolf|une|un|deux|trois|quatre|cinq|sept|huit|neuf|dix|onze|douze|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce";
const UNIT: &str = r"minutes|minute|minuten|minutos|minuto|mins|min|mn|m|hours|hour|hrs|hr|h|stunden|stunde|std|heures|heure|horas|hora|werktagen|werktages|werktage|werktags|werktag|arbeitstagen|arbeitstages|arbeitstage|arbeitstag|geschaftstagen|geschaftstages|geschaftstage|geschaftstag|tagen|tages|tage|tag|days|day|jours|jour|dias|dia|weeks|week|wochen|woche|semaines|semaine|semanas|semana";
const MINUTE_UNIT: &str = r"minutes|minute|minuten|minutos|minuto|mins|min|mn|m";
const HALF: &str = r"and a half|and one half|und ein halb|et demie|et demi|y media|y medio";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bP(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?P<t>T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?\b",
    )
});
static LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?P<num>{NUM}) (?:(?P<half1>{HALF}) )?(?:(?:business|working|work|office|bank|full|clock|opening) )?(?P<unit>{UNIT})\b(?: (?:ouvres|ouvre|ouvrees|ouvree|ouvrables|ouvrable|habiles|habil|laborables|laborable|utiles|util)\b)?(?: (?P<half2>{HALF})\b)?(?: (?:and |und |et |y )?(?P<min>\d{{1,2}})\b(?: (?P<minunit>{MINUTE_UNIT})\b)?)?"
    ))
});
/// Fixed lengths written without a number.
static IDIOM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?P<half>half an hour|half a hour|a half hour|half hour|half an hr|halben stunde|halbe stunde|demi heure|media hora)|(?P<ninety>(?:anderthalb|eineinhalb) stunden)|(?P<hour>(?:the|the next) hour|l heure|der (?:nachsten )?stunde|la (?:proxima|siguiente) hora))\b",
    )
});

/// Tokens after which a length is what was promised ("within", "innerhalb
/// von", "dans les", "dentro de", "in under", "less than", "up to", ...).
const PREFIX_LAST: &[&str] = &[
    "within",
    "in",
    "under",
    "than",
    "to",
    "next",
    "inside",
    "about",
    "around",
    "max",
    "maximum",
    "innerhalb",
    "binnen",
    "von",
    "unter",
    "innert",
    "sous",
    "dans",
    "les",
    "ici",
    "en",
    "de",
    "d",
    "moins",
    "dentro",
    "menos",
    "hasta",
    "durante",
];
/// Tokens after which "17h" is a time of day, not a length.
const CLOCK_LAST: &[&str] =
    &["at", "by", "before", "until", "till", "avant", "vers", "pour", "a", "um", "gegen", "vor"];

/// An ISO 8601 duration anywhere in `text` ("PT4H", "P1D", "P1DT4H").
pub(super) fn iso(text: &str) -> Option<Span> {
    ISO.captures_iter(text).find_map(|c| {
        let num = |name: &str| -> Option<f64> {
            c.name(name).and_then(|m| m.as_str().replace(',', ".").parse().ok())
        };
        let time = [num("h"), num("m"), num("s")];
        if c.name("t").is_some() && time.iter().all(Option::is_none) {
            return None;
        }
        let parts = [num("w"), num("d")];
        if parts.iter().chain(&time).all(Option::is_none) {
            return None;
        }
        let days = parts[0].unwrap_or(0.0) * 5.0 + parts[1].unwrap_or(0.0);
        let minutes = days * 1440.0
            + time[0].unwrap_or(0.0) * 60.0
            + time[1].unwrap_or(0.0)
            + time[2].unwrap_or(0.0) / 60.0;
        from_minutes(minutes)
    })
}

/// The promised length in canonical text `c`: the first one after a prefix
/// such as "within", else the first one at all.
pub(super) fn length(c: &str) -> Option<Span> {
    let mut found: Vec<(usize, bool, Span)> = Vec::new();
    for cap in LENGTH.captures_iter(c) {
        let (Some(whole), Some(num), Some(unit)) = (cap.get(0), cap.name("num"), cap.name("unit")) else {
            continue;
        };
        let before = last_token(&c[..whole.start()]);
        let unit = unit.as_str();
        let digits = num.as_str().starts_with(|ch: char| ch.is_ascii_digit());
        if !digits && matches!(unit, "m" | "h" | "mn") {
            continue; // "a m", "a h": not a length
        }
        let kind = Unit::of(unit);
        if kind == Unit::Hour && CLOCK_LAST.contains(&before) {
            continue; // "avant 17h", "um 17 h": a time of day
        }
        let bare_minutes = cap.name("min").is_some() && cap.name("minunit").is_none();
        if bare_minutes && (unit != "h" || before == "ici") {
            continue; // "d'ici 17h30" is a time of day; "2 hours 30" is not a length
        }
        let Some(mut value) = number(num.as_str()) else { continue };
        if cap.name("half1").is_some() || cap.name("half2").is_some() {
            value += 0.5;
        }
        let extra: f64 = cap.name("min").and_then(|m| m.as_str().parse().ok()).unwrap_or(0.0);
        let span = match kind {
            Unit::Minute => from_minutes(value),
            Unit::Hour => from_minutes(value * 60.0 + extra),
            Unit::Day if value.fract() == 0.0 && extra == 0.0 => days(value),
            Unit::Day => from_minutes(value * 1440.0 + extra),
            Unit::Week => days(value * 5.0),
        };
        if let Some(span) = span {
            found.push((whole.start(), PREFIX_LAST.contains(&before), span));
        }
    }
    for cap in IDIOM.captures_iter(c) {
        let Some(whole) = cap.get(0) else { continue };
        let before = last_token(&c[..whole.start()]);
        let minutes = if cap.name("half").is_some() {
            30
        } else if cap.name("ninety").is_some() {
            90
        } else {
            60
        };
        let prefixed = PREFIX_LAST.contains(&before);
        if cap.name("hour").is_some() && !prefixed {
            continue; // "the hour" alone is not a promise
        }
        found.push((whole.start(), prefixed, Span::BusinessMinutes(minutes)));
    }
    found.sort_by_key(|(at, _, _)| *at);
    let first_prefixed = found.iter().position(|(_, prefixed, _)| *prefixed);
    let chosen = first_prefixed.or((!found.is_empty()).then_some(0))?;
    found.get(chosen).map(|(_, _, span)| *span)
}

/// A length in minutes as a span: 24 hours or more is whole business days,
/// rounded up ("within 36 hours" = 2 days), because that is what people mean
/// by a length that long. Fractions of a minute round up; negative or absurd
/// lengths give `None`.
pub(super) fn from_minutes(minutes: f64) -> Option<Span> {
    let m = minutes.ceil();
    if !(0.0..=f64::from(u32::MAX)).contains(&m) {
        return None;
    }
    let m = m as u32;
    Some(if m >= 1440 { Span::BusinessDays(m.div_ceil(1440)) } else { Span::BusinessMinutes(m) })
}

fn days(value: f64) -> Option<Span> {
    if value.fract() != 0.0 {
        return from_minutes(value * 1440.0);
    }
    if !(0.0..=f64::from(u32::MAX)).contains(&value) {
        return None;
    }
    Some(Span::BusinessDays(value as u32))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Minute,
    Hour,
    Day,
    Week,
}

impl Unit {
    fn of(unit: &str) -> Unit {
        if unit.starts_with('m') {
            Unit::Minute
        } else if unit.starts_with('h') || unit.starts_with("stund") || unit == "std" {
            Unit::Hour
        } else if unit.starts_with("week") || unit.starts_with("woche") || unit.starts_with("sema") {
            Unit::Week
        } else {
            Unit::Day
        }
    }
}

/// The value of a number written in digits or words.
fn number(text: &str) -> Option<f64> {
    let value = match text {
        "a couple of" | "a couple" | "couple of" | "ein paar" | "un par de" => 2.0,
        "a few" | "few" | "quelques" | "unas pocas" | "unas cuantas" | "unos pocos" => 3.0,
        "a" | "an" | "one" | "ein" | "eine" | "einer" | "einem" | "einen" | "eines" | "un" | "une"
        | "uno" | "una" => 1.0,
        "two" | "zwei" | "deux" | "dos" => 2.0,
        "three" | "drei" | "trois" | "tres" => 3.0,
        "four" | "vier" | "quatre" | "cuatro" => 4.0,
        "five" | "funf" | "cinq" | "cinco" => 5.0,
        "six" | "sechs" | "seis" => 6.0,
        "seven" | "sieben" | "sept" | "siete" => 7.0,
        "eight" | "acht" | "huit" | "ocho" => 8.0,
        "nine" | "neun" | "neuf" | "nueve" => 9.0,
        "ten" | "zehn" | "dix" | "diez" => 10.0,
        "eleven" | "elf" | "onze" | "once" => 11.0,
        "twelve" | "zwolf" | "douze" | "doce" => 12.0,
        digits => return digits.parse().ok(),
    };
    Some(value)
}

/// The last whole token of `text` ("" when none).
pub(super) fn last_token(text: &str) -> &str {
    text.split_whitespace().next_back().unwrap_or("")
}
