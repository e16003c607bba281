//! The hours part of the settings screen: the week as a picture (each day's
//! open stretches, a night shift spilling into the next day), whether the
//! workspace is open now, and "Try a promise" (a sentence and a receipt time
//! in, what the calendar makes of it out). Everything is worked out by the
//! core (`handoff::model::hours`, `handoff::promise`); these are its views.

use super::time;
use chrono::{DateTime, NaiveDateTime, Utc};
use handoff::Workspace;
use handoff::model::hours::{WEEKDAYS, week_stretches};
use handoff::promise::{Calendar, calculate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The week at a glance.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WeekView {
    /// Monday first.
    pub days: Vec<DayStrip>,
    /// "open until 06:00", "closed, opens Mon 09:00".
    pub state: String,
    /// The next opening when closed (RFC 3339), for the UI to count down to.
    pub next_opening: Option<String>,
}

/// One weekday's open stretches, in minutes of that day (0–1440).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayStrip {
    /// "Monday".
    pub day: String,
    /// Open stretches; a night shift's hours after midnight show on the next day.
    pub stretches: Vec<Stretch>,
}

/// An open stretch of one day.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Stretch {
    /// Minutes after midnight it opens.
    pub from: u32,
    /// Minutes after midnight it closes (1440: midnight).
    pub to: u32,
    /// Whether it is the hours after midnight of the day before's night shift.
    pub spill: bool,
}

impl WeekView {
    /// The workspace's week, and its state at `now`.
    pub fn new(w: &Workspace, now: DateTime<Utc>) -> WeekView {
        let own = week_stretches(&w.hours.days);
        let cal = Calendar::for_workspace(w);
        let days = own
            .iter()
            .enumerate()
            .map(|(i, stretches)| {
                let before = &w.hours.days[(i + 6) % 7];
                let spills = |from: u32| {
                    from == 0 && before.iter().any(|&(a, b)| b <= a && b != chrono::NaiveTime::MIN)
                };
                DayStrip {
                    day: WEEKDAYS[i].to_string(),
                    stretches: stretches
                        .iter()
                        .map(|&(from, to)| Stretch { from, to, spill: spills(from) })
                        .collect(),
                }
            })
            .collect();
        let next_opening = (!cal.is_open(now)).then(|| cal.next_opening(now)).flatten().map(time);
        WeekView { days, state: cal.state_label(now), next_opening }
    }
}

/// What "Try a promise" sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PromiseTry {
    /// The promise sentence.
    pub text: String,
    /// When it arrived, as a local wall time in the workspace's zone
    /// ("2026-11-20T17:00"); empty: now.
    pub received: String,
}

/// What the calendar makes of it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PromiseAnswer {
    /// How the sentence was read ("4 hours of business time").
    pub understood_as: String,
    /// Whether it arrived while closed.
    pub after_hours: bool,
    /// When it arrived, in the workspace's zone ("Fri 20 Nov 17:00 CET").
    pub received_local: String,
    /// When the clock starts, if it does.
    pub clock_from_local: Option<String>,
    /// When a reply is due (RFC 3339); none when no time was named.
    pub due_at: Option<String>,
    /// The same in the workspace's zone.
    pub due_local: Option<String>,
    /// When the reminder fires (RFC 3339), if one does.
    pub reminder_at: Option<String>,
    /// The same in the workspace's zone.
    pub reminder_local: Option<String>,
}

impl PromiseTry {
    /// Work it out on `w`'s calendar and reminder lead, as the store would at ingest.
    pub fn answer(&self, w: &Workspace, now: DateTime<Utc>) -> Result<PromiseAnswer, String> {
        let cal = Calendar::for_workspace(w);
        let received = match self.received.trim() {
            "" => now,
            s => ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .and_then(|wall| cal.resolve(wall))
                .ok_or_else(|| format!("cannot read the time {s:?}; write it like 2026-11-20T17:00"))?,
        };
        let c = calculate(&self.text, None, received, &cal, w.settings.follow_ups.reminder_before_minutes);
        let due = c.due.as_ref();
        let label = |t: DateTime<Utc>| cal.local_label(t);
        Ok(PromiseAnswer {
            understood_as: c.understood_as.clone(),
            after_hours: c.after_hours,
            received_local: label(received),
            clock_from_local: due.map(|d| label(d.clock_from)),
            due_at: due.map(|d| time(d.due_at)),
            due_local: due.map(|d| label(d.due_at)),
            reminder_at: c.reminder_at.map(time),
            reminder_local: c.reminder_at.map(label),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff::BusinessHours;

    fn workspace(hours: &str) -> Option<Workspace> {
        let store = handoff::Store::open_in_memory().ok()?;
        let mut w =
            store.create_workspace(&handoff::store::NewWorkspace::new("n", "N", "Europe/Berlin")).ok()?;
        w.hours = BusinessHours::parse_week(hours, vec![]).ok()?;
        Some(w)
    }

    #[test]
    fn the_week_spills_night_shifts_and_says_when_it_opens() {
        let Some(w) = workspace("mon-fri 09:00-17:00, fri 22:00-06:00") else { panic!("a workspace") };
        // Friday 20 Nov 2026, 23:00 CET.
        let now = DateTime::parse_from_rfc3339("2026-11-20T22:00:00Z").map(|t| t.to_utc()).ok();
        let Some(now) = now else { panic!("a time") };
        let week = WeekView::new(&w, now);
        assert_eq!(week.state, "open until 06:00");
        assert_eq!(week.next_opening, None);
        let sat = &week.days[5];
        assert_eq!((sat.stretches.len(), sat.stretches[0].to, sat.stretches[0].spill), (1, 360, true));
        assert_eq!(
            week.days[4].stretches.iter().map(|s| (s.from, s.to)).collect::<Vec<_>>(),
            vec![(540, 1020), (1320, 1440)]
        );
        let answer =
            PromiseTry { text: "within one business day".into(), received: "2026-11-21T07:00".into() }
                .answer(&w, now);
        let Ok(answer) = answer else { panic!("{answer:?}") };
        // Saturday 07:00 is closed; Monday is day one and ends at 17:00 CET.
        assert_eq!(answer.due_at.as_deref(), Some("2026-11-23T16:00:00Z"));
        assert_eq!(answer.reminder_at.as_deref(), Some("2026-11-23T15:30:00Z"));
        assert!(answer.after_hours);
    }
}
