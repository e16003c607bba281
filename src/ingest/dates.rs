//! Dates and times as notification emails write them, in several languages:
//! RFC 2822, ISO 8601, "20. November 2026, 14:32", "20/11/2026 14:32",
//! "November 20, 2026 at 2:32 PM", "20 novembre 2026 à 14h32",
//! "20 de noviembre de 2026, 14:32", and bare times ("10:32 AM").
//!
//! A date without a zone is read in the caller's default offset (the email's
//! Date header offset). Numeric dates are read day-first unless the day-first
//! reading is impossible or the text uses AM/PM (an American layout).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use regex::Regex;
use std::sync::LazyLock;

/// The pieces found in a date/time text; any may be missing.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Parts {
    /// Calendar year.
    pub year: Option<i32>,
    /// Month 1–12.
    pub month: Option<u32>,
    /// Day of month.
    pub day: Option<u32>,
    /// Time of day.
    pub time: Option<NaiveTime>,
    /// Explicit zone offset.
    pub offset: Option<FixedOffset>,
}

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?")
});
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\d])(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:[^\d]|$)"));
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:^|[^\d:])(\d{1,2})(?::|h)(\d{2})(?::(\d{2}))?(?:[.,]\d{1,9})?(?:\s*([ap])\.?\s?m(?:\.|\b))?")
});
static ZONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s(\d])(z|utc|gmt|[a-z]{3,4})?\s*([+-])(\d{1,2}):?(\d{2})?\b|\b(z|utc|gmt|cet|cest|mez|mesz|wet|west|bst|eet|eest|est|edt|cst|cdt|mst|mdt|pst|pdt|jst|aest)\b",
    )
});

/// Compile a constant pattern. The patterns are literals exercised by the
/// tests, so a failure is a programming error caught before release.
#[allow(clippy::expect_used)]
pub(super) fn re(p: &str) -> Regex {
    Regex::new(p).expect("constant regex compiles")
}

/// Parse a full date (time optional) into UTC; `None` when no year, month and day are found.
pub fn parse(text: &str, default_offset: FixedOffset) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if t.is_empty() || t.len() > 120 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(t) {
        return Some(d.with_timezone(&Utc));
    }
    let p = parts(t);
    let date = NaiveDate::from_ymd_opt(p.year?, p.month?, p.day?)?;
    resolve(date, p.time.unwrap_or_default(), p.offset.unwrap_or(default_offset))
}

/// A local date and time at `offset`, in UTC.
pub fn resolve(date: NaiveDate, time: NaiveTime, offset: FixedOffset) -> Option<DateTime<Utc>> {
    offset.from_local_datetime(&date.and_time(time)).single().map(|d| d.with_timezone(&Utc))
}

/// Find whatever date, time and zone pieces the text holds.
pub fn parts(text: &str) -> Parts {
    stamp(text).unwrap_or_else(|| general(text))
}

/// [`parts`] for any text, by the patterns.
fn general(text: &str) -> Parts {
    let mut p = Parts::default();
    let mut rest = text.to_string();
    if let Some(c) = ISO.captures(text) {
        p.year = num(c.get(1));
        p.month = num(c.get(2));
        p.day = num(c.get(3));
        if let (Some(h), Some(m)) = (num(c.get(4)), num(c.get(5))) {
            p.time = NaiveTime::from_hms_opt(h, m, num(c.get(6)).unwrap_or(0));
        }
        if let Some(m) = c.get(0) {
            rest.replace_range(m.range(), " ");
        }
    }
    let us = text.to_ascii_lowercase().contains("am") || text.to_ascii_lowercase().contains("pm");
    if p.time.is_none()
        && let Some(c) = TIME.captures(&rest)
    {
        let h: Option<u32> = num(c.get(1));
        let m: Option<u32> = num(c.get(2));
        let s: u32 = num(c.get(3)).unwrap_or(0);
        let ampm = c.get(4).map(|m| m.as_str().to_ascii_lowercase());
        if let (Some(mut h), Some(m)) = (h, m) {
            match ampm.as_deref() {
                Some("p") if (1..12).contains(&h) => h += 12,
                Some("a") if h == 12 => h = 0,
                _ => {}
            }
            p.time = NaiveTime::from_hms_opt(h, m, s);
        }
        if let Some(m) = c.get(0) {
            rest.replace_range(m.range(), " ");
        }
    }
    if let Some(c) = ZONE.captures(&rest) {
        p.offset = zone(&c);
        if p.offset.is_some()
            && let Some(m) = c.get(0)
        {
            rest.replace_range(m.range(), " ");
        }
    }
    if p.day.is_none() {
        if let Some(c) = NUMERIC.captures(&rest) {
            let (a, b): (Option<u32>, Option<u32>) = (num(c.get(1)), num(c.get(2)));
            let y: Option<i32> = num(c.get(3)).map(|y: i32| if y < 100 { 2000 + y } else { y });
            if let (Some(a), Some(b)) = (a, b) {
                let month_first = a <= 12 && (b > 12 || (us && b <= 31));
                let (d, m) = if month_first { (b, a) } else { (a, b) };
                p.day = Some(d);
                p.month = Some(m);
                p.year = y;
            }
        } else {
            words(&rest, &mut p);
        }
    }
    p
}

/// The usual transcript stamps, read without the regexes: a bare time
/// ([`bare_time`]), optionally after an ISO date and before UTC/GMT/Z.
fn stamp(text: &str) -> Option<Parts> {
    let mut p = Parts::default();
    let mut t = text.trim();
    let b = t.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let digits = |r: std::ops::Range<usize>| {
            t.get(r).filter(|d| d.bytes().all(|b| b.is_ascii_digit())).and_then(|d| d.parse::<u32>().ok())
        };
        p.year = Some(i32::try_from(digits(0..4)?).ok()?);
        p.month = Some(digits(5..7)?);
        p.day = Some(digits(8..10)?);
        t = t[10..].strip_prefix([' ', 'T'])?;
    }
    for zone in [" UTC", " GMT", " Z", "Z"] {
        if let Some(rest) = t.strip_suffix(zone) {
            t = rest;
            p.offset = Some(Utc.fix());
            break;
        }
    }
    p.time = Some(bare_time(t)?);
    Some(p)
}

/// "10:32", "10:32:05", "9:14 AM", "9:14 p.m.": the usual transcript stamp,
/// read without the regexes; anything else is left to [`parts`].
fn bare_time(text: &str) -> Option<NaiveTime> {
    fn two_digits(s: &str) -> Option<&str> {
        s.get(..2).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
    }
    let (h, rest) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || !h.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut h: u32 = h.parse().ok()?;
    let m: u32 = two_digits(rest)?.parse().ok()?;
    let mut rest = &rest[2..];
    let mut s = 0;
    if let Some(r) = rest.strip_prefix(':') {
        s = two_digits(r)?.parse().ok()?;
        rest = &r[2..];
    }
    let rest = rest.trim_start();
    if !rest.is_empty() {
        let suffix: String = rest.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
        match suffix.to_ascii_lowercase().as_str() {
            "am" if h == 12 => h = 0,
            "am" => {}
            "pm" if (1..12).contains(&h) => h += 12,
            "pm" => {}
            _ => return None,
        }
    }
    NaiveTime::from_hms_opt(h, m, s)
}

/// Month names, numbers and years written out in words ("20. November 2026", "Nov 20").
fn words(rest: &str, p: &mut Parts) {
    let mut best_len = 0;
    for w in rest.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            match w.len() {
                4 => p.year = p.year.or(w.parse().ok()),
                1 | 2 => {
                    let d: u32 = w.parse().unwrap_or(0);
                    if (1..=31).contains(&d) && p.day.is_none() {
                        p.day = Some(d);
                    }
                }
                _ => {}
            }
            continue;
        }
        let lw = w.to_lowercase();
        // Ordinals: 1st, 2nd, 20th, 1er, 1º.
        let digits: String = lw.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            let suffix = lw.get(digits.len()..).unwrap_or_default();
            if matches!(suffix, "st" | "nd" | "rd" | "th" | "er" | "e" | "º" | "o") && p.day.is_none() {
                p.day = digits.parse().ok().filter(|d| (1..=31).contains(d));
            }
            continue;
        }
        if let Some(m) = month(&lw)
            && lw.chars().count() > best_len
        {
            best_len = lw.chars().count();
            p.month = Some(m);
        }
    }
}

fn month(w: &str) -> Option<u32> {
    let m = match w {
        "jan" | "january" | "januar" | "jänner" | "janvier" | "janv" | "enero" | "ene" => 1,
        "feb" | "february" | "februar" | "février" | "fevrier" | "févr" | "fevr" | "febrero" => 2,
        "mar" | "march" | "märz" | "maerz" | "mär" | "mars" | "marzo" => 3,
        "apr" | "april" | "avril" | "avr" | "abril" | "abr" => 4,
        "may" | "mai" | "mayo" => 5,
        "jun" | "june" | "juni" | "juin" | "junio" => 6,
        "jul" | "july" | "juli" | "juillet" | "juil" | "julio" => 7,
        "aug" | "august" | "août" | "aout" | "agosto" | "ago" => 8,
        "sep" | "sept" | "september" | "septembre" | "septiembre" | "setiembre" | "set" => 9,
        "oct" | "october" | "okt" | "oktober" | "octobre" | "octubre" => 10,
        "nov" | "november" | "novembre" | "noviembre" => 11,
        "dec" | "december" | "dez" | "dezember" | "décembre" | "decembre" | "déc" | "diciembre" | "dic" => {
            12
        }
        _ => return None,
    };
    Some(m)
}

fn zone(c: &regex::Captures<'_>) -> Option<FixedOffset> {
    if let Some(abbr) = c.get(5) {
        let h = match abbr.as_str().to_ascii_lowercase().as_str() {
            "z" | "utc" | "gmt" | "wet" => 0,
            "cet" | "mez" | "west" | "bst" => 1,
            "cest" | "mesz" | "eet" => 2,
            "eest" => 3,
            "est" => -5,
            "edt" => -4,
            "cst" => -6,
            "cdt" => -5,
            "mst" => -7,
            "mdt" => -6,
            "pst" => -8,
            "pdt" => -7,
            "jst" => 9,
            "aest" => 10,
            _ => return None,
        };
        return FixedOffset::east_opt(h * 3600);
    }
    // A numeric offset needs a zone word or a preceding time/space, and must look like ±hh[:mm].
    let prefix = c.get(1).map(|m| m.as_str().to_ascii_lowercase());
    if let Some(pfx) = &prefix
        && !matches!(pfx.as_str(), "z" | "utc" | "gmt")
    {
        return None;
    }
    let sign = if c.get(2)?.as_str() == "-" { -1 } else { 1 };
    let h: i32 = num(c.get(3))?;
    let m: i32 = num(c.get(4)).unwrap_or(0);
    if c.get(4).is_none() && prefix.is_none() {
        return None;
    }
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

fn num<T: std::str::FromStr>(m: Option<regex::Match<'_>>) -> Option<T> {
    m?.as_str().parse().ok()
}

/// The local calendar date of `at` at `offset`.
pub fn local_date(at: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    at.with_timezone(&offset).date_naive()
}

/// Complete partial date pieces with `anchor`'s local date (the year alone, or the whole date).
pub fn complete(p: &Parts, anchor: NaiveDate) -> Option<NaiveDate> {
    match (p.year, p.month, p.day) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d),
        (None, Some(m), Some(d)) => NaiveDate::from_ymd_opt(anchor.year(), m, d),
        _ => Some(anchor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn many_layouts() {
        let plus1 = FixedOffset::east_opt(3600).unwrap();
        let cases = [
            ("20. November 2026, 14:32", "2026-11-20T13:32:00Z"),
            ("20/11/2026 14:32", "2026-11-20T13:32:00Z"),
            ("20.11.2026 14:32 Uhr", "2026-11-20T13:32:00Z"),
            ("November 20, 2026 at 2:32 PM", "2026-11-20T13:32:00Z"),
            ("11/20/2026 2:32 PM", "2026-11-20T13:32:00Z"),
            ("20 novembre 2026 à 14h32", "2026-11-20T13:32:00Z"),
            ("20 de noviembre de 2026, 14:32", "2026-11-20T13:32:00Z"),
            ("Fri, 20 Nov 2026 14:32:00 +0100", "2026-11-20T13:32:00Z"),
            ("2026-11-20T13:32:00Z", "2026-11-20T13:32:00Z"),
            ("2026-11-20 14:32", "2026-11-20T13:32:00Z"),
            ("2026-11-20 13:32 UTC", "2026-11-20T13:32:00Z"),
            ("Nov 20, 2026 8:32 AM EST", "2026-11-20T13:32:00Z"),
            ("20 Nov 2026 14:32 GMT+1", "2026-11-20T13:32:00Z"),
            ("Friday, 20th November 2026 12:32 am", "2026-11-19T23:32:00Z"),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text, plus1), Some(utc(want)), "{text}");
        }
        assert_eq!(parse("soon", plus1), None);
        assert_eq!(parse("14:32", plus1), None);
    }

    #[test]
    fn stamps_read_by_hand_match_the_patterns() {
        for s in [
            "10:32",
            " 9:05 ",
            "10:32:07",
            "2026-11-20 10:32",
            "2026-11-20T10:32:07",
            "2026-11-20 10:32 UTC",
            "2026-11-20 10:32 GMT",
            "2026-11-20T10:32:07Z",
            "10:32 Z",
            "12:15 AM",
            "9:14 pm",
            "9:14 p.m.",
        ] {
            assert_eq!(stamp(s), Some(general(s)), "{s:?}");
        }
        // Shapes the fast path leaves to the patterns.
        for s in ["10:32 +01:00", "20.11.2026 10:32", "10h32", "10:3", "25:00", "2026-11-20", "10:32 Uhr"] {
            assert_eq!(stamp(s), None, "{s:?}");
        }
    }
}
