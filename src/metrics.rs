//! Monthly figures per workspace: how many handoffs, why, how many after
//! hours, how fast the first reply came, how many promises were kept, and
//! whether knowledge gaps are shrinking.
//!
//! Definitions (a month is a calendar month in the workspace's time zone):
//! - a handoff belongs to the month its `received_at` falls in;
//! - time to first reply = first contact (`promises.met_at`) − received, for
//!   the month's handoffs that were contacted; also counted in business time
//!   (only open hours), which is what the owner controls;
//! - percentiles are nearest-rank: the value at position ⌈q·n⌉ of the sorted list;
//! - promises kept = met ÷ (met + breached) among the month's handoffs;
//!   running and dropped promises are not counted;
//! - repeat visitors = distinct visitor emails of the month that had an
//!   earlier handoff in the same workspace;
//! - overdue now = open handoffs whose unmet promise is already due, at `now`;
//! - resolutions count the month's handoffs by the reason they were closed
//!   with, as of now; a handoff with no recorded resolution is unresolved
//!   (including one closed without a reason, e.g. lost);
//! - content gaps found by people = the month's handoffs resolved as a
//!   content gap that the bot did not flag as one (its reason was neither
//!   knowledge gap nor low confidence).

use crate::error::{Error, Result};
use crate::model::{Reason, Resolution, Workspace};
use crate::promise::Calendar;
use crate::store::Store;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    /// Read `2026-10`.
    pub fn parse(s: &str) -> Result<Month> {
        let bad =
            || Error::Invalid(format!("cannot read the month {s:?}: write it as YYYY-MM, e.g. 2026-10"));
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let (year, month) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(Month { year, month })
    }

    /// The month `at` falls in, in zone `tz`.
    pub fn of(at: DateTime<Utc>, tz: chrono_tz::Tz) -> Month {
        let d = at.with_timezone(&tz);
        Month { year: d.year(), month: d.month() }
    }

    /// The month before.
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month { year: self.year - 1, month: 12 }
        } else {
            Month { year: self.year, month: self.month - 1 }
        }
    }

    fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }

    /// [start, end) of the month in zone `tz`, as UTC instants.
    pub fn bounds(self, tz: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |m: Month| {
            let d = NaiveDate::from_ymd_opt(m.year, m.month, 1)
                .unwrap_or_default()
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default();
            tz.from_local_datetime(&d).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
        };
        (start(self), start(self.next()))
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Nearest-rank percentile of sorted values; `None` when empty.
pub fn percentile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

/// One reason's count and share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonShare {
    /// The reason.
    pub reason: Reason,
    /// Handoffs.
    pub count: i64,
    /// Share of the month's handoffs, 0–1.
    pub share: f64,
}

/// One resolution's count and share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolutionShare {
    /// Why the handoffs were closed.
    pub resolution: Resolution,
    /// Handoffs.
    pub count: i64,
    /// Share of the month's handoffs, 0–1.
    pub share: f64,
}

/// A workspace's month in figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyMetrics {
    /// Workspace short name.
    pub workspace: String,
    /// The month.
    pub month: Month,
    /// Handoffs received.
    pub handoffs: i64,
    /// Per reason, most frequent first (reasons with none left out).
    pub by_reason: Vec<ReasonShare>,
    /// Share received outside business hours, 0–1 (`None` with no handoffs).
    pub after_hours_share: Option<f64>,
    /// Handoffs contacted so far.
    pub replied: i64,
    /// Median minutes from receipt to first contact.
    pub first_reply_median_minutes: Option<i64>,
    /// 90th percentile of the same.
    pub first_reply_p90_minutes: Option<i64>,
    /// Median business minutes (open hours only) to first contact.
    pub first_reply_median_business_minutes: Option<i64>,
    /// Promises met on time.
    pub promises_met: i64,
    /// Promises broken (late or never).
    pub promises_breached: i64,
    /// met ÷ (met + breached), 0–1.
    pub promises_kept: Option<f64>,
    /// Open handoffs of this workspace whose unmet promise is due by `now` (any month).
    pub overdue_now: i64,
    /// Distinct visitors this month who had written before.
    pub repeat_visitors: i64,
    /// Knowledge-gap handoffs this month.
    pub knowledge_gaps: i64,
    /// Knowledge-gap handoffs the month before.
    pub knowledge_gaps_previous: i64,
    /// Per resolution, most frequent first (resolutions with none left out).
    pub by_resolution: Vec<ResolutionShare>,
    /// The month's handoffs with no resolution recorded.
    pub unresolved: i64,
    /// Resolved as a content gap although the bot gave another reason than
    /// knowledge gap or low confidence: gaps only people noticed.
    pub content_gaps_found_by_people: i64,
}

struct Row {
    received: DateTime<Utc>,
    reason: Reason,
    after_hours: bool,
    email: Option<String>,
    met_at: Option<DateTime<Utc>>,
    state: Option<String>,
    resolution: Option<Resolution>,
}

fn rows(store: &Store, ws: &Workspace, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Row>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT h.received_at, h.reason, h.after_hours, lower(h.visitor_email), p.met_at, p.state,
                h.resolution
           FROM handoffs h LEFT JOIN promises p ON p.handoff_id = h.id
          WHERE h.workspace_id = ?1 AND h.received_at >= ?2 AND h.received_at < ?3",
    )?;
    let out = stmt
        .query_map(rusqlite::params![ws.id, from.timestamp_millis(), to.timestamp_millis()], |r| {
            let reason: String = r.get(1)?;
            Ok(Row {
                received: Utc.timestamp_millis_opt(r.get(0)?).single().unwrap_or_default(),
                reason: reason.parse().unwrap_or(Reason::Other),
                after_hours: r.get(2)?,
                email: r.get(3)?,
                met_at: r.get::<_, Option<i64>>(4)?.and_then(|m| Utc.timestamp_millis_opt(m).single()),
                state: r.get(5)?,
                resolution: r.get::<_, Option<String>>(6)?.and_then(|s| s.parse().ok()),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(out)
}

/// The figures for one workspace and month, as of `now`.
pub fn monthly(store: &Store, ws: &Workspace, month: Month, now: DateTime<Utc>) -> Result<MonthlyMetrics> {
    let tz = ws.tz();
    let (from, to) = month.bounds(tz);
    let this = rows(store, ws, from, to)?;
    let (pfrom, pto) = month.previous().bounds(tz);
    let knowledge_gaps_previous =
        rows(store, ws, pfrom, pto)?.iter().filter(|r| r.reason == Reason::KnowledgeGap).count() as i64;
    let n = this.len() as i64;
    let by_reason: Vec<ReasonShare> = ranked(this.iter().map(|r| (r.reason.as_str(), r.reason)))
        .into_iter()
        .map(|(reason, count)| ReasonShare { reason, count, share: count as f64 / n as f64 })
        .collect();
    let by_resolution: Vec<ResolutionShare> =
        ranked(this.iter().filter_map(|r| r.resolution).map(|x| (x.as_str(), x)))
            .into_iter()
            .map(|(resolution, count)| ResolutionShare { resolution, count, share: count as f64 / n as f64 })
            .collect();
    let content_gaps_found_by_people = this
        .iter()
        .filter(|r| r.resolution == Some(Resolution::ContentGap))
        .filter(|r| !matches!(r.reason, Reason::KnowledgeGap | Reason::LowConfidence))
        .count() as i64;
    let cal = Calendar::for_workspace(ws);
    let mut waits: Vec<i64> = Vec::new();
    let mut business: Vec<i64> = Vec::new();
    for r in &this {
        // A contact before this copy's received time is a teammate who
        // answered before this app stored the handoff (rows stored with the
        // fetch time, before INTERNALDATE): contacted, with no wait.
        if let Some(m) = r.met_at.map(|m| m.max(r.received)) {
            waits.push((m - r.received).num_minutes());
            business.push(cal.business_seconds_between(r.received, m) / 60);
        }
    }
    waits.sort_unstable();
    business.sort_unstable();
    let met = this.iter().filter(|r| r.state.as_deref() == Some("met")).count() as i64;
    let breached = this.iter().filter(|r| r.state.as_deref() == Some("breached")).count() as i64;
    let overdue_now: i64 = store.conn().query_row(
        "SELECT count(*) FROM promises p JOIN handoffs h ON h.id = p.handoff_id
          WHERE h.workspace_id = ?1 AND p.met_at IS NULL AND p.state IN ('running', 'breached')
            AND h.status NOT IN ('resolved', 'lost') AND p.due_at <= ?2",
        rusqlite::params![ws.id, now.timestamp_millis()],
        |r| r.get(0),
    )?;
    let earlier: HashSet<String> = {
        let mut stmt = store.conn().prepare_cached(
            "SELECT DISTINCT lower(visitor_email) FROM handoffs
              WHERE workspace_id = ?1 AND received_at < ?2 AND visitor_email IS NOT NULL",
        )?;
        stmt.query_map(rusqlite::params![ws.id, from.timestamp_millis()], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    // A visitor whose first handoff is this month but who wrote again later this month also counts.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut repeat: HashSet<&str> = HashSet::new();
    let mut ordered: Vec<&Row> = this.iter().collect();
    ordered.sort_by_key(|r| r.received);
    for r in ordered {
        if let Some(e) = r.email.as_deref()
            && (earlier.contains(e) || !seen.insert(e))
        {
            repeat.insert(e);
        }
    }
    Ok(MonthlyMetrics {
        workspace: ws.slug.clone(),
        month,
        handoffs: n,
        by_reason,
        after_hours_share: (n > 0).then(|| this.iter().filter(|r| r.after_hours).count() as f64 / n as f64),
        replied: waits.len() as i64,
        first_reply_median_minutes: percentile(&waits, 0.5),
        first_reply_p90_minutes: percentile(&waits, 0.9),
        first_reply_median_business_minutes: percentile(&business, 0.5),
        promises_met: met,
        promises_breached: breached,
        promises_kept: (met + breached > 0).then(|| met as f64 / (met + breached) as f64),
        overdue_now,
        repeat_visitors: repeat.len() as i64,
        knowledge_gaps: this.iter().filter(|r| r.reason == Reason::KnowledgeGap).count() as i64,
        knowledge_gaps_previous,
        unresolved: this.iter().filter(|r| r.resolution.is_none()).count() as i64,
        by_resolution,
        content_gaps_found_by_people,
    })
}

/// Count values by their stable name: most frequent first, then by name.
fn ranked<T: Copy>(values: impl Iterator<Item = (&'static str, T)>) -> Vec<(T, i64)> {
    let mut counts: BTreeMap<&'static str, (T, i64)> = BTreeMap::new();
    for (name, v) in values {
        counts.entry(name).or_insert((v, 0)).1 += 1;
    }
    let mut out: Vec<(&'static str, T, i64)> = counts.into_iter().map(|(k, (v, n))| (k, v, n)).collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    out.into_iter().map(|(_, v, n)| (v, n)).collect()
}
