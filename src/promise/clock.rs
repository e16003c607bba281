//! Days and times of day in promise sentences: "by 5pm", "by 10am tomorrow",
//! "first thing tomorrow", "tomorrow afternoon", "by end of day", "by Monday",
//! "bis morgen früh", "d'ici demain matin", "mañana por la mañana".
//!
//! Input is the canonical text of [`super::phrase`]. The German "morgen" and
//! the Spanish "mañana" mean both "tomorrow" and "morning"; they are read as
//! "morning" after an article or "this" ("am Morgen", "heute Morgen", "por la
//! mañana", "esta mañana") and as "tomorrow" otherwise.

use super::span::{DayRef, Span, re};
use chrono::{NaiveTime, Weekday};
use regex::Regex;
use std::sync::LazyLock;

const WEEKDAYS: &str = "monday|montag|lundi|lunes|tuesday|dienstag|mardi|martes|wednesday|mittwoch|mercredi|miercoles|thursday|donnerstag|jeudi|jueves|friday|freitag|vendredi|viernes|saturday|samstag|sonnabend|samedi|sabado|sunday|sonntag|dimanche|domingo";
const NEXT_DAY: &str = r"(?:next|following) (?:business |working |work )?day|(?:nachsten|nachster|folgenden) (?:werk|arbeits|geschafts)?tag\w*|prochain jour ouvr\w*|jour ouvr\w* suivant|lendemain|(?:proximo|siguiente) dia(?: habil| laborable)?|dia siguiente";
const CLOCK_PRE: &str = "no later than|not later than|at the latest by|latest by|spatestens um|spatestens|antes de las|antes de la|antes del|para las|para la|para el|hasta las|hasta la|hasta el|sobre las|a las|a la|jusqu a|d ici|by|before|at|until|till|til|bis|um|vor|gegen|avant|vers|pour|al|a";

static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\b({WEEKDAYS})\b")));
static TOMORROW: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\b(?:tomorrow|demain|{NEXT_DAY})\b")));
static MORGEN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\b(?P<not>heute|am|guten|jeden|diesen|den|dem|vom|zum|im) )?\bmorgen\b"));
static MANANA: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\b(?P<not>la|esta|de|por|en|cada|las) )?\bmanana\b"));
static TODAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:today|tonight|this evening|within the day|heute|aujourd hui|dans la journee|ce soir|hoy|esta noche|en el dia|im laufe des tages)\b",
    )
});
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?P<pre>{CLOCK_PRE}) (?:(?P<noon>noon|midday|mittag|midi|mediodia)\b|(?P<h>\d{{1,2}})(?:\.(?P<m1>\d{{2}}))?(?: : (?P<m2>\d{{2}}))?(?: h (?P<m3>\d{{2}}))?(?: (?P<suf>am|pm|uhr|h)\b)?(?: (?P<part>de la manana|de la tarde|de la noche|por la manana|por la tarde|du matin|de l apres midi|du soir)\b)?\b)"
    ))
});
static FIRST: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:first thing|premiere heure|primera hora|als erstes|gleich morgen fruh|gleich am morgen)\b")
});
static PART: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?P<pre>tomorrow|morgen|demain|manana|this|in the|by the|by|until|heute|ce|cet|cette|esta|por la|en la|dans la|am|{WEEKDAYS}) (?P<part>morning|afternoon|evening|night|fruh|vormittag|nachmittag|abend|morgen|matinee|matin|apres midi|soiree|soir|manana|tarde|noche)\b"
    ))
});
static END_NEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?:end|close) of (?:the )?(?:next|following) (?:business |working |work )?day|ende des (?:nachsten|folgenden) (?:werk|arbeits|geschafts)?tages|fin du (?:prochain jour ouvr\w*|jour ouvr\w* suivant)|final del (?:proximo|siguiente) dia (?:habil|laborable))\b",
    )
});
static END_OF_DAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:eod|cob|eob|end of (?:the )?(?:business |working |work )?day|close of (?:the )?business(?: day)?|end of business|close of play|end of play|feierabend|geschaftsschluss|dienstschluss|arbeitsschluss|ende des (?:arbeits|werk|geschafts)?tages|tagesende|fin de (?:la )?journee|fermeture|final del dia|fin del dia|cierre|final de la jornada|fin de la jornada)\b",
    )
});
static NEXT_BUSINESS_DAY: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\b(?:{NEXT_DAY})\b")));

/// The day words of a whole sentence, which qualify its time of day.
#[derive(Debug, Clone, Copy)]
pub(super) struct Context {
    tomorrow: bool,
    today: bool,
    weekday: Option<Weekday>,
}

impl Context {
    /// Read the day words of canonical text `c`.
    pub(super) fn of(c: &str) -> Context {
        let unqualified = |r: &Regex| r.captures_iter(c).any(|m| m.name("not").is_none());
        Context {
            tomorrow: TOMORROW.is_match(c) || unqualified(&MORGEN) || unqualified(&MANANA),
            today: TODAY.is_match(c),
            weekday: WEEKDAY.captures(c).and_then(|m| m.get(1)).and_then(|m| weekday(m.as_str())),
        }
    }

    /// The day named, or `default` when none is.
    fn day(self, default: DayRef) -> DayRef {
        if self.tomorrow {
            DayRef::NextBusinessDay
        } else if let Some(w) = self.weekday {
            DayRef::Weekday(w)
        } else if self.today {
            DayRef::Today
        } else {
            default
        }
    }
}

/// A time of day after "by", "until", "bis", "avant", "antes de las", ...:
/// "by 5pm", "by 17:00", "bis 17 Uhr", "avant 17h", "a las 5 de la tarde".
pub(super) fn time_of_day(c: &str, ctx: Context) -> Option<Span> {
    CLOCK.captures_iter(c).find_map(|cap| {
        let at = if cap.name("noon").is_some() {
            NaiveTime::from_hms_opt(12, 0, 0)?
        } else {
            let mut hour: u32 = cap.name("h")?.as_str().parse().ok()?;
            let minute = ["m1", "m2", "m3"].iter().find_map(|n| cap.name(n));
            let suffix = cap.name("suf").map(|m| m.as_str());
            let part = cap.name("part").map(|m| m.as_str());
            if minute.is_none() && suffix.is_none() && part.is_none() {
                return None; // "at 10": too vague to be a time
            }
            let pre = cap.name("pre").map_or("", |m| m.as_str());
            let french_or_german =
                matches!(pre, "avant" | "vers" | "pour" | "jusqu a" | "a" | "bis" | "um" | "vor" | "gegen");
            if suffix == Some("h") && !french_or_german {
                return None;
            }
            match suffix {
                Some("am") | Some("pm") if !(1..=12).contains(&hour) => return None,
                Some("am") => hour %= 12,
                Some("pm") => hour = hour % 12 + 12,
                _ => {}
            }
            let evening = part.is_some_and(|p| !p.ends_with("manana") && !p.ends_with("matin"));
            if evening && hour < 12 {
                hour += 12;
            }
            let minute = minute.map_or(Some(0), |m| m.as_str().parse().ok())?;
            NaiveTime::from_hms_opt(hour, minute, 0)?
        };
        Some(Span::By { day: ctx.day(DayRef::Today), at })
    })
}

/// "First thing (tomorrow / in the morning / on Monday)": an hour after that day's opening.
pub(super) fn first_thing(c: &str, ctx: Context) -> Option<Span> {
    FIRST.is_match(c).then_some(Span::FirstThing(ctx.day(DayRef::NextBusinessDay)))
}

/// A part of a day: the business morning ([`Span::Morning`]), afternoon by
/// 17:00, evening or night by the day's last close.
pub(super) fn part_of_day(c: &str, ctx: Context) -> Option<Span> {
    let cap = PART.captures(c)?;
    let pre = cap.name("pre")?.as_str();
    let part = cap.name("part")?.as_str();
    let morning =
        matches!(part, "morning" | "fruh" | "vormittag" | "morgen" | "matinee" | "matin" | "manana");
    let afternoon = matches!(part, "afternoon" | "nachmittag" | "apres midi" | "tarde");
    let day = if let Some(w) = weekday(pre) {
        DayRef::Weekday(w)
    } else if matches!(pre, "tomorrow" | "morgen" | "demain" | "manana") {
        DayRef::NextBusinessDay
    } else if matches!(pre, "this" | "heute" | "ce" | "cet" | "cette" | "esta") {
        DayRef::Today
    } else if morning {
        ctx.day(DayRef::NextBusinessDay)
    } else {
        ctx.day(DayRef::Today)
    };
    if morning {
        return Some(Span::Morning(day));
    }
    if !afternoon {
        return Some(Span::EndOf(day));
    }
    Some(Span::By { day, at: NaiveTime::from_hms_opt(17, 0, 0)? })
}

/// Whole days: "end of next business day", "by end of day", "next business
/// day", "tomorrow", "today", "by Monday".
pub(super) fn day_words(c: &str, ctx: Context) -> Option<Span> {
    if END_NEXT.is_match(c) {
        return Some(Span::EndOf(DayRef::NextBusinessDay));
    }
    if END_OF_DAY.is_match(c) {
        return Some(Span::EndOf(ctx.day(DayRef::Today)));
    }
    if NEXT_BUSINESS_DAY.is_match(c) {
        return Some(Span::BusinessDays(1));
    }
    if ctx.tomorrow {
        return Some(Span::EndOf(DayRef::NextBusinessDay));
    }
    if ctx.today {
        return Some(Span::EndOf(DayRef::Today));
    }
    ctx.weekday.map(|w| Span::EndOf(DayRef::Weekday(w)))
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" | "montag" | "lundi" | "lunes" => Weekday::Mon,
        "tuesday" | "dienstag" | "mardi" | "martes" => Weekday::Tue,
        "wednesday" | "mittwoch" | "mercredi" | "miercoles" => Weekday::Wed,
        "thursday" | "donnerstag" | "jeudi" | "jueves" => Weekday::Thu,
        "friday" | "freitag" | "vendredi" | "viernes" => Weekday::Fri,
        "saturday" | "samstag" | "sonnabend" | "samedi" | "sabado" => Weekday::Sat,
        "sunday" | "sonntag" | "dimanche" | "domingo" => Weekday::Sun,
        _ => return None,
    })
}
