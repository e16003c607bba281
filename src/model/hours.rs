//! Business hours as people write them, read and checked in one place for
//! every face (the CLI's `--hours`, the window's per-weekday fields):
//!
//! - a week: `mon-fri 09:00-17:00, sat 10:00-14:00`; split shifts
//!   `mon 09:00-12:00 14:00-18:00` (or `mon 09:00-12:00, 14:00-18:00`: a part
//!   that starts with a time belongs to the days before it); night shifts
//!   `fri 22:00-06:00`; `24:00` for the end of the day; `daily` / `every day`
//!   for all seven; a day range may wrap (`sat-mon`); `closed` names nothing;
//! - one day: `09:00-12:00, 13:00-17:00` (commas, semicolons or spaces; en
//!   dashes too); empty: closed.
//!
//! A close at or before the open is a night shift, running into the next day
//! (see [`crate::promise`]). Invariant of every accepted week: no two shifts
//! overlap, a night shift's hours after midnight included; the error names
//! the days and shifts that do.

use super::{BusinessHours, DayHours};
use chrono::{NaiveDate, NaiveTime, Timelike};

/// What is wrong with hours as written; the message says how to write them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HoursError(pub String);

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const DAY: u32 = 24 * 60;
const WEEK_HINT: &str = "write hours like \"mon-fri 09:00-17:00, sat 10:00-14:00\" (split shifts \"mon 09:00-12:00 14:00-18:00\", a night shift \"fri 22:00-06:00\")";

impl BusinessHours {
    /// Read a week (`mon-fri 09:00-17:00, sat 10:00-14:00`) with these holidays.
    pub fn parse_week(spec: &str, holidays: Vec<NaiveDate>) -> Result<BusinessHours, HoursError> {
        let mut days: [DayHours; 7] = Default::default();
        let mut current: Option<Vec<usize>> = None;
        // Days named without times ("sat, sun 10:00-14:00") join the next part's.
        let mut pending: Vec<usize> = Vec::new();
        for part in spec.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            let first = part.split_whitespace().next().unwrap_or_default();
            let (which, times) = if first.starts_with(|c: char| c.is_ascii_digit()) {
                let which = current
                    .clone()
                    .filter(|_| pending.is_empty())
                    .ok_or_else(|| HoursError(format!("{part:?} names no day; {WEEK_HINT}")))?;
                (which, part)
            } else {
                let (mut which, rest) = day_words(part)?;
                if rest.trim().is_empty() {
                    pending.extend(which);
                    continue;
                }
                which.append(&mut pending);
                current = Some(which.clone());
                (which, rest)
            };
            let shifts = parse_shifts(times).map_err(|e| HoursError(format!("in {part:?}: {e}")))?;
            for d in which {
                days[d].extend(shifts.iter().copied());
            }
        }
        if !pending.is_empty() {
            return Err(HoursError(format!("the last days in {spec:?} have no hours; {WEEK_HINT}")));
        }
        for d in &mut days {
            d.sort_unstable();
            d.dedup();
        }
        check_week(&days)?;
        Ok(BusinessHours { days, holidays })
    }

    /// The week in the form [`BusinessHours::parse_week`] reads, e.g.
    /// `mon-fri 09:00-17:00, sat 10:00-14:00`; `closed` when there is no shift.
    pub fn week_text(&self) -> String {
        const SHORT: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            let mut j = i;
            while j + 1 < 7 && self.days[j + 1] == self.days[i] {
                j += 1;
            }
            if !self.days[i].is_empty() {
                let days = if i == j { SHORT[i].to_string() } else { format!("{}-{}", SHORT[i], SHORT[j]) };
                parts.push(format!("{days} {}", format_shifts(&self.days[i]).replace(", ", " ")));
            }
            i = j + 1;
        }
        if parts.is_empty() { "closed".to_string() } else { parts.join(", ") }
    }
}

/// Read one day's shifts (`09:00-12:00, 13:00-17:00`; empty: closed),
/// sorted. Overlaps are checked by [`check_week`].
pub fn parse_shifts(text: &str) -> Result<DayHours, HoursError> {
    let mut shifts = Vec::new();
    for part in text.split([',', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        if matches!(part.to_ascii_lowercase().as_str(), "closed" | "off") {
            continue;
        }
        let bad = || {
            HoursError(format!(
                "cannot read {part:?}; write shifts like 09:00-17:00 (22:00-06:00 for a night shift, 24:00 for midnight), or leave it empty when closed"
            ))
        };
        let (a, b) = part.split_once(['-', '–']).ok_or_else(bad)?;
        let open = time(a).filter(|t| *t < DAY).ok_or_else(bad)?;
        let close = time(b).ok_or_else(bad)?;
        let hm = |m: u32| NaiveTime::from_hms_opt(m / 60 % 24, m % 60, 0).ok_or_else(bad);
        shifts.push((hm(open)?, hm(close)?));
    }
    shifts.sort_unstable();
    Ok(shifts)
}

/// Check that no two shifts of the week overlap, counting each night shift's
/// hours after midnight on the next day (Sunday's run into Monday).
pub fn check_week(days: &[DayHours; 7]) -> Result<(), HoursError> {
    // Every shift as minutes from Monday 00:00, with its day and text.
    let mut all: Vec<(u32, u32, usize, String)> = Vec::new();
    for (d, shifts) in days.iter().enumerate() {
        for &(open, close) in shifts {
            let (from, to) = span_minutes(open, close);
            let start = d as u32 * DAY + from;
            all.push((start, start + (to - from), d, format_shift(open, close)));
        }
    }
    all.sort();
    let clash = |a: &(u32, u32, usize, String), b: &(u32, u32, usize, String)| {
        let (da, db) = (WEEKDAYS[a.2], WEEKDAYS[b.2]);
        let night = if a.1 > (a.2 as u32 + 1) * DAY { "night shift " } else { "shift " };
        if a.2 == b.2 {
            HoursError(format!(
                "{da}'s shifts {} and {} overlap; make one end before the other starts",
                a.3, b.3
            ))
        } else {
            HoursError(format!(
                "{da}'s {night}{} runs into {db}'s shift {}; make one end before the other starts",
                a.3, b.3
            ))
        }
    };
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            if b.0 < a.1 {
                return Err(clash(a, b));
            }
        }
        // Sunday's night shifts wrap round to Monday.
        if a.1 > 7 * DAY
            && let Some(b) = all.iter().find(|b| b.0 < a.1 - 7 * DAY && b != &a)
        {
            return Err(clash(a, b));
        }
    }
    Ok(())
}

/// One day's shifts as text, the form [`parse_shifts`] reads: "09:00-12:00,
/// 13:00-17:00"; a close at midnight as 24:00; empty when closed.
pub fn format_shifts(shifts: &[(NaiveTime, NaiveTime)]) -> String {
    shifts.iter().map(|&(a, b)| format_shift(a, b)).collect::<Vec<_>>().join(", ")
}

/// "09:00-17:00", "22:00-06:00", "18:00-24:00".
pub fn format_shift(open: NaiveTime, close: NaiveTime) -> String {
    let close = if close == NaiveTime::MIN { "24:00".to_string() } else { close.format("%H:%M").to_string() };
    format!("{}-{close}", open.format("%H:%M"))
}

/// A shift as minutes from the start of its own day: `(open, close)` with
/// `close > open`, up to a day past midnight for night shifts.
pub fn span_minutes(open: NaiveTime, close: NaiveTime) -> (u32, u32) {
    let (a, b) = (minutes(open), minutes(close));
    if b <= a { (a, b + DAY) } else { (a, b) }
}

/// Each weekday's open stretches as minutes of that day (0–1440), a night
/// shift's hours after midnight shown on the next day (Sunday's on Monday):
/// the picture of the week.
pub fn week_stretches(days: &[DayHours; 7]) -> [Vec<(u32, u32)>; 7] {
    let mut out: [Vec<(u32, u32)>; 7] = Default::default();
    for (d, shifts) in days.iter().enumerate() {
        for &(open, close) in shifts {
            let (from, to) = span_minutes(open, close);
            out[d].push((from, to.min(DAY)));
            if to > DAY {
                out[(d + 1) % 7].push((0, to - DAY));
            }
        }
    }
    for d in &mut out {
        d.sort_unstable();
    }
    out
}

fn minutes(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// "09:00", "9:00", "24:00" as minutes of the day.
fn time(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    ((h < 24 && m < 60) || (h == 24 && m == 0)).then_some(h * 60 + m)
}

/// The days a part names and the rest of it: "mon-fri 09:00-17:00" → Mon..Fri.
fn day_words(part: &str) -> Result<(Vec<usize>, &str), HoursError> {
    const SHORT: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let lower = part.to_ascii_lowercase();
    for every in ["every day", "daily", "everyday"] {
        if let Some(rest) = lower.strip_prefix(every) {
            return Ok(((0..7).collect(), &part[part.len() - rest.len()..]));
        }
    }
    let (words, rest) = part.split_once(char::is_whitespace).unwrap_or((part, ""));
    let bad = || HoursError(format!("cannot read the days in {part:?}; {WEEK_HINT}"));
    let idx = |d: &str| {
        let d = d.trim().to_ascii_lowercase();
        SHORT.iter().position(|x| d.len() >= 2 && (d.starts_with(x) || x.starts_with(&d)))
    };
    let (a, b) = match words.split_once(['-', '–']) {
        Some((a, b)) => (idx(a).ok_or_else(bad)?, idx(b).ok_or_else(bad)?),
        None => {
            let d = idx(words).ok_or_else(bad)?;
            (d, d)
        }
    };
    let mut which = vec![a];
    let mut d = a;
    while d != b {
        d = (d + 1) % 7;
        which.push(d);
    }
    Ok((which, rest))
}
