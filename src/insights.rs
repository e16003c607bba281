//! The figures that show the bot getting better, beside the month before:
//! escalation rate and containment, fixable vs intentional handoffs,
//! first-contact resolution, reopened gaps; and the honest-promise advice
//! (what the bot promises against what the team delivers, by time of arrival).
//!
//! Definitions (a month is a calendar month in the workspace's time zone, a
//! handoff belongs to the month it was received in):
//! - escalation rate = the month's handoffs ÷ the bot's conversations that
//!   month (typed in by the owner, or read from the platform); containment =
//!   1 − escalation rate. Unknown when the conversations are not known, or
//!   fewer than the handoffs (a typo is not shown as a negative containment);
//! - fixable = the bot had no answer or was not sure (knowledge gap, low
//!   confidence) or someone resolved it as a content gap; intentional = a
//!   person was wanted (human request) or the topic is kept for people
//!   (policy), unless resolved as a content gap; the rest (frustration, buying
//!   signals, other) is neither;
//! - first-contact resolution = among the month's handoffs resolved as
//!   answered, the share contacted once (one reply sent or one recorded
//!   contact) — the visitor did not need a second message;
//! - reopened gaps = this month's gap groups matching an item checked off in
//!   an earlier month (the checklist's "still asked");
//! - honest promises: for each handoff with a promise, the business time from
//!   arrival to first contact (until now when not yet contacted) against the
//!   business time it was promised; grouped by weekday and time of arrival
//!   (before 12:00, 12:00–15:00, from 15:00, in the workspace's zone). A group
//!   of at least [`MIN_GROUP`] handoffs whose median wait is longer than the
//!   promise gets a sentence of advice; the suggested wording is the shortest
//!   of a ladder of promises that covers 80 % of the month's waits.

use crate::error::Result;
use crate::metrics::{Month, percentile};
use crate::model::{Reason, Resolution, Workspace};
use crate::promise::Calendar;
use crate::store::Store;
use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The fewest handoffs in an arrival group before it gets advice.
pub const MIN_GROUP: usize = 3;

/// One month's outcome figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcomes {
    /// The month.
    pub month: Month,
    /// Handoffs received.
    pub handoffs: i64,
    /// The bot's conversations, when known.
    pub conversations: Option<i64>,
    /// Where that figure came from (`typed`, `chatwoot`, …).
    pub conversations_source: Option<String>,
    /// Handoffs ÷ conversations, 0–1.
    pub escalation_rate: Option<f64>,
    /// 1 − escalation rate.
    pub containment: Option<f64>,
    /// Content gaps and low confidence: content can fix them.
    pub fixable: i64,
    /// Human requests and policy topics: handed over on purpose.
    pub intentional: i64,
    /// Resolved as answered.
    pub answered: i64,
    /// Of those, contacted once.
    pub first_contact: i64,
    /// first_contact ÷ answered.
    pub first_contact_resolution: Option<f64>,
}

/// This month beside the month before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// This month.
    pub this: Outcomes,
    /// The month before.
    pub previous: Outcomes,
}

/// The month's outcomes and the month before's.
pub fn progress(store: &Store, ws: &Workspace, month: Month) -> Result<Progress> {
    Ok(Progress { this: outcomes(store, ws, month)?, previous: outcomes(store, ws, month.previous())? })
}

/// One month's outcome figures.
pub fn outcomes(store: &Store, ws: &Workspace, month: Month) -> Result<Outcomes> {
    let (from, to) = month.bounds(ws.tz());
    let mut stmt = store.conn().prepare_cached(
        "SELECT h.reason, h.resolution,
                (SELECT count(*) FROM events e WHERE e.handoff_id = h.id AND e.kind IN ('contacted', 'replied'))
           FROM handoffs h
          WHERE h.workspace_id = ?1 AND h.received_at >= ?2 AND h.received_at < ?3",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![ws.id, from.timestamp_millis(), to.timestamp_millis()], |r| {
            let reason: String = r.get(0)?;
            let resolution: Option<String> = r.get(1)?;
            Ok((
                reason.parse().unwrap_or(Reason::Other),
                resolution.and_then(|s| s.parse::<Resolution>().ok()),
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<(Reason, Option<Resolution>, i64)>>>()?;
    let handoffs = rows.len() as i64;
    let fixable = rows
        .iter()
        .filter(|(r, res, _)| {
            matches!(r, Reason::KnowledgeGap | Reason::LowConfidence) || *res == Some(Resolution::ContentGap)
        })
        .count() as i64;
    let intentional = rows
        .iter()
        .filter(|(r, res, _)| {
            matches!(r, Reason::HumanRequest | Reason::PolicyTopic) && *res != Some(Resolution::ContentGap)
        })
        .count() as i64;
    let answered: Vec<i64> =
        rows.iter().filter(|(_, res, _)| *res == Some(Resolution::Answered)).map(|(_, _, n)| *n).collect();
    let first_contact = answered.iter().filter(|n| **n <= 1).count() as i64;
    let known = store.conversations(ws.id, &month.to_string())?;
    let total = known.as_ref().map(|k| k.0).filter(|t| *t >= handoffs && *t > 0);
    let escalation_rate = total.map(|t| handoffs as f64 / t as f64);
    Ok(Outcomes {
        month,
        handoffs,
        conversations: known.as_ref().map(|k| k.0),
        conversations_source: known.map(|k| k.1),
        escalation_rate,
        containment: escalation_rate.map(|r| 1.0 - r),
        fixable,
        intentional,
        answered: answered.len() as i64,
        first_contact,
        first_contact_resolution: (!answered.is_empty())
            .then(|| first_contact as f64 / answered.len() as f64),
    })
}

/// Reopened gaps this month: the checklist's groups still asked after an
/// earlier check-off.
pub fn reopened_gaps(checklist: &crate::gaps::Checklist) -> i64 {
    checklist.items.iter().filter(|i| matches!(i.state, crate::gaps::ItemState::StillAsked { .. })).count()
        as i64
}

/// Handoffs arriving at one time of the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrivalGroup {
    /// "Friday after 15:00".
    pub label: String,
    /// Handoffs with a promise.
    pub handoffs: i64,
    /// Median business minutes to first contact (until now when none yet).
    pub median_wait_minutes: i64,
    /// Median business minutes promised.
    pub median_promised_minutes: i64,
    /// Promises kept.
    pub kept: i64,
    /// Promises broken.
    pub broken: i64,
}

/// What the bot promises against what the team delivers, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromiseAdvice {
    /// The month's most common promise wording.
    pub promise: Option<String>,
    /// Kept ÷ (kept + broken).
    pub kept_share: Option<f64>,
    /// Minutes in an average open day (for "business days").
    pub day_minutes: i64,
    /// Every arrival group with a promised handoff, in week order.
    pub groups: Vec<ArrivalGroup>,
    /// The advice, one sentence each; the first says what the bot promises.
    pub advice: Vec<String>,
    /// A promise the owner can paste into the bot, when the month has waits.
    pub suggested_wording: Option<String>,
}

const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

fn band_label(band: u32) -> &'static str {
    match band {
        0 => "before 12:00",
        1 => "12:00–15:00",
        _ => "after 15:00",
    }
}

/// Minutes in an average open day of the workspace's week starting at `from`.
fn open_day_minutes(cal: &Calendar, from: DateTime<Utc>) -> i64 {
    let mut open_days = 0;
    let mut total = 0;
    for d in 0..7 {
        let a = from + Duration::days(d);
        let s = cal.business_seconds_between(a, a + Duration::days(1));
        if s > 0 {
            open_days += 1;
            total += s;
        }
    }
    if open_days == 0 { 8 * 60 } else { total / 60 / open_days }
}

/// "2.6 business days" or "3.5 business hours".
pub fn say_wait(minutes: i64, day_minutes: i64) -> String {
    if minutes >= day_minutes && day_minutes > 0 {
        format!("{:.1} business days", minutes as f64 / day_minutes as f64)
    } else {
        format!("{:.1} business hours", minutes as f64 / 60.0)
    }
}

/// The shortest promise on the ladder that covers `minutes`.
fn promise_for(minutes: i64, day_minutes: i64) -> String {
    let ladder: [(i64, &str); 8] = [
        (60, "within 1 business hour"),
        (120, "within 2 business hours"),
        (240, "within 4 business hours"),
        (day_minutes, "next business day"),
        (2 * day_minutes, "within 2 business days"),
        (3 * day_minutes, "within 3 business days"),
        (5 * day_minutes, "within 5 business days"),
        (i64::MAX, "within a week"),
    ];
    ladder.iter().find(|(m, _)| minutes <= *m).map_or("within a week", |(_, w)| w).to_string()
}

/// The honest-promise advice for one workspace and month, as of `now`.
pub fn promise_advice(
    store: &Store,
    ws: &Workspace,
    month: Month,
    now: DateTime<Utc>,
) -> Result<PromiseAdvice> {
    let tz = ws.tz();
    let (from, to) = month.bounds(tz);
    let cal = Calendar::for_workspace(ws);
    let mut stmt = store.conn().prepare_cached(
        "SELECT h.received_at, p.text, p.due_at, p.met_at, p.state
           FROM handoffs h JOIN promises p ON p.handoff_id = h.id
          WHERE h.workspace_id = ?1 AND h.received_at >= ?2 AND h.received_at < ?3 AND p.state <> 'dropped'",
    )?;
    let at = |ms: i64| Utc.timestamp_millis_opt(ms).single().unwrap_or_default();
    let rows = stmt
        .query_map(rusqlite::params![ws.id, from.timestamp_millis(), to.timestamp_millis()], |r| {
            Ok((
                at(r.get(0)?),
                r.get::<_, Option<String>>(1)?,
                at(r.get(2)?),
                r.get::<_, Option<i64>>(3)?.map(at),
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let day_minutes = open_day_minutes(&cal, from);
    let mut texts: HashMap<String, usize> = HashMap::new();
    // (weekday, band) → (waits, promised, kept, broken)
    type Acc = (Vec<i64>, Vec<i64>, i64, i64);
    let mut groups: BTreeMap<(u32, u32), Acc> = BTreeMap::new();
    let mut all_waits = Vec::new();
    let (mut kept, mut broken) = (0, 0);
    for (received, text, due, met, state) in &rows {
        if let Some(t) = text {
            *texts.entry(t.trim().to_string()).or_default() += 1;
        }
        let local = received.with_timezone(&tz);
        let band = match local.hour() {
            0..=11 => 0,
            12..=14 => 1,
            _ => 2,
        };
        let wait = cal.business_seconds_between(*received, met.unwrap_or(now).max(*received)) / 60;
        let promised = cal.business_seconds_between(*received, (*due).max(*received)) / 60;
        let g = groups.entry((local.weekday().num_days_from_monday(), band)).or_default();
        g.0.push(wait);
        g.1.push(promised);
        let (k, b) = (i64::from(state == "met"), i64::from(state == "breached"));
        g.2 += k;
        g.3 += b;
        kept += k;
        broken += b;
        all_waits.push(wait);
    }
    let promise = texts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(t, _)| t);
    let mut out_groups = Vec::new();
    let mut advice = Vec::new();
    if let Some(p) = &promise {
        let stop = if p.ends_with(['.', '!', '?']) { "" } else { "." };
        advice.push(format!("Your bot promises \u{201c}{p}\u{201d}{stop}"));
    }
    let mut late = 0;
    for ((day, band), (mut waits, mut promised, k, b)) in groups {
        waits.sort_unstable();
        promised.sort_unstable();
        let label = format!("{} {}", DAYS[day as usize % 7], band_label(band));
        let median_wait = percentile(&waits, 0.5).unwrap_or(0);
        let median_promised = percentile(&promised, 0.5).unwrap_or(0);
        if waits.len() >= MIN_GROUP && median_wait > median_promised {
            late += 1;
            let next_day = DAYS[(day as usize + 1) % 7];
            advice.push(format!(
                "Handoffs arriving {label} wait {} on median: promise \u{2018}{}\u{2019} for those, or staff {next_day} morning.",
                say_wait(median_wait, day_minutes),
                promise_for(median_wait, day_minutes),
            ));
        }
        out_groups.push(ArrivalGroup {
            label,
            handoffs: waits.len() as i64,
            median_wait_minutes: median_wait,
            median_promised_minutes: median_promised,
            kept: k,
            broken: b,
        });
    }
    if late == 0 && !rows.is_empty() {
        advice.push("Every time of arrival gets its first reply within the promise on median.".to_string());
    }
    all_waits.sort_unstable();
    let suggested_wording = percentile(&all_waits, 0.8).map(|w| {
        format!("Thanks! A person from our team will get back to you {}.", promise_for(w, day_minutes))
    });
    Ok(PromiseAdvice {
        promise,
        kept_share: (kept + broken > 0).then(|| kept as f64 / (kept + broken) as f64),
        day_minutes,
        groups: out_groups,
        advice,
        suggested_wording,
    })
}
