//! Whether the calendar is open now, until when, or when it opens next: the
//! line the Settings screen shows beside the week ("open until 06:00",
//! "closed, opens Mon 09:00").

use super::calendar::Calendar;
use chrono::{DateTime, Duration, Utc};

/// The calendar's state at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Open; `until` is the close (`None`: not within the search horizon).
    Open {
        /// The end of the open interval.
        until: Option<DateTime<Utc>>,
    },
    /// Closed; `opens` is the next opening (`None`: never).
    Closed {
        /// The next opening.
        opens: Option<DateTime<Utc>>,
    },
}

impl Calendar {
    /// Open or closed at `at`, and until when.
    pub fn state_at(&self, at: DateTime<Utc>) -> OpenState {
        if self.is_open(at) {
            OpenState::Open { until: self.current_close(at) }
        } else {
            OpenState::Closed { opens: self.next_opening(at) }
        }
    }

    /// [`Calendar::state_at`] in words, times in the calendar's zone: "open
    /// until 06:00", "open until Sat 06:00", "closed, opens Mon 09:00".
    pub fn state_label(&self, at: DateTime<Utc>) -> String {
        match self.state_at(at) {
            OpenState::Open { until: Some(close) } => format!("open until {}", self.when(at, close)),
            OpenState::Open { until: None } => "open around the clock".to_string(),
            OpenState::Closed { opens: Some(open) } => format!("closed, opens {}", self.when_day(at, open)),
            OpenState::Closed { opens: None } => "closed, and the hours never open".to_string(),
        }
    }

    /// `then` seen from `now`: "06:00" within a day, else with its day.
    fn when(&self, now: DateTime<Utc>, then: DateTime<Utc>) -> String {
        if then - now < Duration::hours(20) {
            then.with_timezone(&self.tz()).format("%H:%M").to_string()
        } else {
            self.when_day(now, then)
        }
    }

    /// `then` with its weekday ("Mon 09:00"), and its date when a week or more away.
    fn when_day(&self, now: DateTime<Utc>, then: DateTime<Utc>) -> String {
        let local = then.with_timezone(&self.tz());
        if then - now < Duration::days(6) {
            local.format("%a %H:%M").to_string()
        } else {
            local.format("%a %-d %b %H:%M").to_string()
        }
    }
}
