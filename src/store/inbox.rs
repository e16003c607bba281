//! The inbox: handoffs in the order someone should answer them — open
//! promises by due time (overdue first), then everything else newest first —
//! with the filters the desktop app offers.
//!
//! Snoozed handoffs stay out until their snooze ends. The two parts are read
//! in turn, each in an order an index gives, so the first page of a
//! 100k-handoff file reads about a page of rows instead of sorting them all.

use super::handoffs::{COLUMNS, from_row};
use super::{Store, from_ms, to_ms};
use crate::error::Result;
use crate::model::{Handoff, PromiseState, Reason, Status, Workspace};
use chrono::{DateTime, Utc};
use rusqlite::params;

/// What the inbox shows; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Only this workspace.
    pub workspace_id: Option<i64>,
    /// Only this reason.
    pub reason: Option<Reason>,
    /// Only this status; `None` means every open one (not resolved, not lost).
    pub status: Option<Status>,
    /// Only handoffs whose promise is unmet and past due.
    pub overdue_only: bool,
    /// Only these handoffs (a search's hits), when given.
    pub ids: Option<Vec<i64>>,
    /// At most this many rows.
    pub limit: usize,
    /// Skip this many first (the next page).
    pub offset: usize,
}

/// One inbox row: the handoff and its promise clock.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxEntry {
    /// The handoff.
    pub handoff: Handoff,
    /// When a reply is due, while the promise is unmet.
    pub due_at: Option<DateTime<Utc>>,
    /// The promise's state.
    pub promise_state: Option<PromiseState>,
    /// Who has claimed it (team mode): name or address, and whether it is this app's teammate.
    pub claimed_by: Option<(String, bool)>,
    /// Who on the team answered it last: name or address.
    pub answered_by: Option<String>,
}

/// A workspace's counts for the switcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InboxCounts {
    /// Handoffs in all.
    pub total: i64,
    /// Not resolved or lost.
    pub open: i64,
    /// Open, with an unmet promise past due at `now`.
    pub overdue: i64,
}

/// What needs an answer soon, across workspaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DueCounts {
    /// Unmet promises past due.
    pub overdue: i64,
    /// Unmet promises due within the window asked for.
    pub due_soon: i64,
}

impl Store {
    /// Every workspace with its counts at `now`, in the order of [`Store::workspaces`].
    pub fn workspace_counts(&self, now: DateTime<Utc>) -> Result<Vec<(Workspace, InboxCounts)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*),
                    count(*) FILTER (WHERE h.status NOT IN ('resolved', 'lost')),
                    count(*) FILTER (WHERE h.status NOT IN ('resolved', 'lost') AND p.met_at IS NULL
                                     AND p.state IN ('running', 'breached') AND p.due_at <= ?2)
               FROM handoffs h LEFT JOIN promises p ON p.handoff_id = h.id
              WHERE h.workspace_id = ?1",
        )?;
        let mut out = Vec::new();
        for w in self.workspaces()? {
            let c = stmt.query_row(params![w.id, to_ms(now)], |r| {
                Ok(InboxCounts { total: r.get(0)?, open: r.get(1)?, overdue: r.get(2)? })
            })?;
            out.push((w, c));
        }
        Ok(out)
    }

    /// Across workspaces at `now`: open handoffs whose unmet promise is past
    /// due, and those due within `soon` (the tray's count).
    pub fn due_counts(&self, now: DateTime<Utc>, soon: chrono::Duration) -> Result<DueCounts> {
        Ok(self.conn.prepare_cached(
            "SELECT count(*) FILTER (WHERE p.due_at <= ?1), count(*) FILTER (WHERE p.due_at > ?1 AND p.due_at <= ?2)
               FROM handoffs h JOIN promises p ON p.handoff_id = h.id
              WHERE h.status NOT IN ('resolved', 'lost') AND p.met_at IS NULL
                AND p.state IN ('running', 'breached')
                AND (h.snoozed_until IS NULL OR h.snoozed_until <= ?1)",
        )?
        .query_row(params![to_ms(now), to_ms(now + soon)], |r| {
            Ok(DueCounts { overdue: r.get(0)?, due_soon: r.get(1)? })
        })?)
    }

    /// Workspace display names by slug.
    pub fn workspace_names(&self) -> Result<std::collections::HashMap<String, String>> {
        Ok(self.workspaces()?.into_iter().map(|w| (w.slug, w.name)).collect())
    }

    /// The inbox at `now`, due first (see the module header): `f.limit` rows
    /// from `f.offset` on.
    pub fn inbox(&self, f: &InboxFilter, now: DateTime<Utc>) -> Result<Vec<InboxEntry>> {
        // Two ordered parts read one after the other, so a page never sorts
        // the whole file: the running clocks (few, by due time), then the rest
        // newest first (read down the received-time index until the page is full).
        let mut rows = self.inbox_part(f, now, Part::Due, f.limit, f.offset)?;
        if rows.len() < f.limit {
            let skip = if rows.is_empty() && f.offset > 0 {
                f.offset.saturating_sub(self.count_where(&format!("{FROM_WHERE} AND {DUE}"), f, now)?)
            } else {
                0
            };
            let more = self.inbox_part(f, now, Part::Rest, f.limit - rows.len(), skip)?;
            rows.extend(more);
        }
        Ok(rows)
    }

    fn inbox_part(
        &self,
        f: &InboxFilter,
        now: DateTime<Utc>,
        part: Part,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<InboxEntry>> {
        let (which, order) = match part {
            Part::Due => (DUE.to_string(), "p.due_at, h.received_at DESC, h.id DESC"),
            Part::Rest => (format!("NOT coalesce(({DUE}), 0)"), "h.received_at DESC, h.id DESC"),
        };
        let sql = format!(
            "SELECT {COLUMNS}, CASE WHEN p.met_at IS NULL THEN p.due_at END, p.state,
                    (SELECT coalesce(nullif(c.by_name, ''), c.by_email) FROM claims c WHERE c.handoff_id = h.id),
                    (SELECT c.mine FROM claims c WHERE c.handoff_id = h.id),
                    (SELECT coalesce(nullif(a.by_name, ''), a.by_email) FROM answers a WHERE a.handoff_id = h.id
                      ORDER BY a.at DESC LIMIT 1)
              {FROM_WHERE} AND {which}
              ORDER BY {order}
              LIMIT ?7 OFFSET ?8"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let [w, r, st, o, n, ids] = filter_params(f, now);
        let rows = stmt.query_map(
            params![
                w,
                r,
                st,
                o,
                n,
                ids,
                limit.min(i64::MAX as usize) as i64,
                offset.min(i64::MAX as usize) as i64
            ],
            |r| {
                let due: Option<i64> = r.get(28)?;
                let state: Option<String> = r.get(29)?;
                let claimer: Option<String> = r.get(30)?;
                let mine: Option<bool> = r.get(31)?;
                Ok(InboxEntry {
                    handoff: from_row(r)?,
                    due_at: due.map(from_ms),
                    promise_state: state.and_then(|s| s.parse().ok()),
                    claimed_by: claimer.map(|c| (c, mine.unwrap_or(false))),
                    answered_by: r.get(32)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn count_where(&self, from_where: &str, f: &InboxFilter, now: DateTime<Utc>) -> Result<usize> {
        let sql = format!("SELECT count(*) {from_where}");
        let [w, r, st, o, n, ids] = filter_params(f, now);
        let count: i64 =
            self.conn.prepare_cached(&sql)?.query_row(params![w, r, st, o, n, ids], |r| r.get(0))?;
        Ok(count.max(0) as usize)
    }

    /// How many rows the inbox has for `f` at `now`, all pages together.
    pub fn inbox_count(&self, f: &InboxFilter, now: DateTime<Utc>) -> Result<usize> {
        self.count_where(FROM_WHERE, f, now)
    }
}

/// Which ordered part of the inbox.
#[derive(Clone, Copy)]
enum Part {
    /// Open handoffs with a running clock: by due time.
    Due,
    /// Everything else: newest first.
    Rest,
}

/// An open handoff whose promise is unmet and running (or already broken).
const DUE: &str =
    "(p.met_at IS NULL AND p.state IN ('running', 'breached') AND h.status NOT IN ('resolved', 'lost'))";

/// The inbox's rows before ordering; parameters ?1 to ?6 from [`filter_params`].
const FROM_WHERE: &str = "FROM handoffs h JOIN workspaces w ON w.id = h.workspace_id
               LEFT JOIN promises p ON p.handoff_id = h.id
              WHERE (?1 IS NULL OR h.workspace_id = ?1) AND h.purged_at IS NULL
                AND (?2 IS NULL OR h.reason = ?2)
                AND (CASE WHEN ?3 IS NULL THEN h.status NOT IN ('resolved', 'lost') ELSE h.status = ?3 END)
                AND (NOT ?4 OR (p.met_at IS NULL AND p.state IN ('running', 'breached') AND p.due_at <= ?5))
                AND (h.snoozed_until IS NULL OR h.snoozed_until <= ?5)
                AND (?6 IS NULL OR h.id IN (SELECT value FROM json_each(?6)))";

fn filter_params(f: &InboxFilter, now: DateTime<Utc>) -> [rusqlite::types::Value; 6] {
    use rusqlite::types::Value;
    let text = |s: Option<&str>| s.map_or(Value::Null, |s| Value::Text(s.to_string()));
    [
        f.workspace_id.map_or(Value::Null, Value::Integer),
        text(f.reason.map(Reason::as_str)),
        text(f.status.map(Status::as_str)),
        Value::Integer(i64::from(f.overdue_only)),
        Value::Integer(to_ms(now)),
        f.ids.as_ref().map_or(Value::Null, |ids| {
            Value::Text(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
        }),
    ]
}
