//! Team mode in the store: who has claimed a handoff, who has answered it,
//! and how far each source has read the team's changes.
//!
//! Invariants:
//! - a claim row is ours (`mine`) or a teammate's as last seen on the shared
//!   server; ours carries `pending` until the server has it, so a claim made
//!   offline is queued, never lost, and settled when the server is reachable;
//! - what the server says wins: a teammate's claim seen there replaces ours
//!   unless ours is still on its way (the send settles the race);
//! - an answer is kept once per (handoff, Message-ID), whoever saw it first.

use super::promises::{contact, event};
use super::{Store, from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::{Answer, Claim, ClaimOp, SourceKind, TeamState, Teammate};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// One of our claims or releases waiting for the server.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingClaim {
    /// The handoff.
    pub handoff_id: i64,
    /// Where it came from (which server holds its record).
    pub source: SourceKind,
    /// Its source key (the relay's record key).
    pub source_key: String,
    /// Its notification's Message-ID (the IMAP message to flag).
    pub message_id: Option<String>,
    /// What to send.
    pub op: ClaimOp,
    /// Our teammate.
    pub by: Teammate,
}

/// How sending a [`PendingClaim`] went.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// The server has it.
    Shared,
    /// A teammate's claim was there first; theirs stands.
    Lost {
        /// Who holds it.
        holder: Teammate,
        /// When they claimed it, if the server says.
        at: Option<DateTime<Utc>>,
    },
    /// Not sent (offline, server error): stays queued with this note.
    Failed(String),
    /// The server cannot hold claims (no keywords, no message to flag): kept
    /// on this computer only, with this note.
    LocalOnly(String),
}

/// One of our claims that a teammate beat to the server: told once, when it settles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LostClaim {
    /// The handoff.
    pub handoff_id: i64,
    /// Who holds it.
    pub holder: Teammate,
    /// What to tell people ("Sam claimed it first; it is theirs.").
    pub message: String,
}

/// What the shared server says about one handoff's claim.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenClaim {
    /// The handoff.
    pub handoff_id: i64,
    /// Who holds it now (`None`: nobody).
    pub holder: Option<Teammate>,
    /// When they claimed it, if the server says (the relay does; keywords do not).
    pub at: Option<DateTime<Utc>>,
}

/// A teammate's reply seen in the shared mailbox or on the relay.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenAnswer {
    /// The handoff it answers.
    pub handoff_id: i64,
    /// The reply's Message-ID (or a relay record key).
    pub message_id: String,
    /// Who sent it.
    pub by: Teammate,
    /// When.
    pub at: DateTime<Utc>,
}

const CLAIM_COLS: &str = "handoff_id, by_name, by_email, at, mine, pending, note";

fn claim_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Claim> {
    Ok(Claim {
        handoff_id: r.get(0)?,
        by: Teammate { name: r.get(1)?, email: r.get(2)? },
        at: from_ms(r.get(3)?),
        mine: r.get(4)?,
        pending: ClaimOp::parse(r.get(5)?),
        note: r.get(6)?,
    })
}

fn claim_in(conn: &Connection, handoff_id: i64) -> Result<Option<Claim>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {CLAIM_COLS} FROM claims WHERE handoff_id = ?1"))?
        .query_row([handoff_id], claim_row)
        .optional()?)
}

/// Why a claim cannot be taken: someone else has it.
pub fn held_message(c: &Claim, tz: chrono_tz::Tz) -> String {
    format!(
        "{} <{}> has claimed this handoff (since {}). Ask them before you answer, or wait until they release it.",
        c.by.label(),
        c.by.email,
        c.at.with_timezone(&tz).format("%b %-d, %H:%M")
    )
}

impl Store {
    /// The team's view of one handoff.
    pub fn team_state(&self, handoff_id: i64) -> Result<TeamState> {
        let claim = claim_in(&self.conn, handoff_id)?;
        let answers = self
            .conn
            .prepare_cached(
                "SELECT by_name, by_email, at, message_id, mine FROM answers
                 WHERE handoff_id = ?1 ORDER BY at, message_id",
            )?
            .query_map([handoff_id], |r| {
                Ok(Answer {
                    by: Teammate {
                        name: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                        email: r.get(1)?,
                    },
                    at: from_ms(r.get(2)?),
                    message_id: r.get(3)?,
                    mine: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(TeamState { claim, answers })
    }

    /// Claim a handoff for `me`: recorded at once and queued for the shared
    /// server. Claiming one's own claim again changes nothing. Refused when a
    /// teammate holds it (as far as this app knows).
    pub fn claim_handoff(&mut self, id: i64, me: &Teammate, now: DateTime<Utc>) -> Result<Claim> {
        let tx = self.conn.transaction()?;
        let h = super::handoffs::handoff_in(&tx, id)?.ok_or(Error::NoSuchHandoff(id))?;
        match claim_in(&tx, id)? {
            Some(c) if c.mine && c.pending != Some(ClaimOp::Release) => return Ok(c),
            Some(c) if !c.mine => {
                let tz = super::workspaces::zone_in(&tx, h.workspace_id)?;
                return Err(Error::Invalid(held_message(&c, tz)));
            }
            _ => {}
        }
        tx.execute(
            "INSERT INTO claims (handoff_id, by_name, by_email, at, mine, pending, note)
             VALUES (?1, ?2, ?3, ?4, 1, 'claim', NULL)
             ON CONFLICT (handoff_id) DO UPDATE SET by_name = ?2, by_email = ?3, at = ?4, mine = 1,
                 pending = 'claim', note = NULL",
            params![id, me.name, me.email, to_ms(now)],
        )?;
        event(&tx, id, now, "claimed", &format!("claimed by {}", me.label()))?;
        let c = claim_in(&tx, id)?.ok_or(Error::NoSuchHandoff(id))?;
        tx.commit()?;
        Ok(c)
    }

    /// Give back our claim. A claim the server never got is simply dropped;
    /// otherwise the release is queued. A teammate's claim cannot be released here.
    pub fn release_handoff(&mut self, id: i64, now: DateTime<Utc>) -> Result<Option<Claim>> {
        let tx = self.conn.transaction()?;
        let Some(c) = claim_in(&tx, id)? else { return Ok(None) };
        if !c.mine {
            let h = super::handoffs::handoff_in(&tx, id)?.ok_or(Error::NoSuchHandoff(id))?;
            let tz = super::workspaces::zone_in(&tx, h.workspace_id)?;
            return Err(Error::Invalid(format!(
                "{}. Only they can release it.",
                held_message(&c, tz).split(". Ask").next().unwrap_or_default()
            )));
        }
        if c.pending == Some(ClaimOp::Claim) {
            tx.execute("DELETE FROM claims WHERE handoff_id = ?1", [id])?;
        } else {
            tx.execute("UPDATE claims SET pending = 'release', note = NULL WHERE handoff_id = ?1", [id])?;
        }
        event(&tx, id, now, "released", &format!("claim released by {}", c.by.label()))?;
        let after = claim_in(&tx, id)?;
        tx.commit()?;
        Ok(after)
    }

    /// Our claims and releases not yet on the server, for one workspace's sources of `kind`.
    pub fn pending_claims(&self, workspace_id: i64, kind: SourceKind) -> Result<Vec<PendingClaim>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.handoff_id, h.source_key, h.message_id, c.pending, c.by_name, c.by_email
             FROM claims c JOIN handoffs h ON h.id = c.handoff_id
             WHERE c.mine = 1 AND c.pending IS NOT NULL AND h.workspace_id = ?1 AND h.source = ?2
             ORDER BY c.at, c.handoff_id",
        )?;
        let rows = stmt.query_map(params![workspace_id, kind.as_str()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                Teammate { name: r.get(4)?, email: r.get(5)? },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (handoff_id, source_key, message_id, op, by) = row?;
            if let Some(op) = ClaimOp::parse(op) {
                out.push(PendingClaim { handoff_id, source: kind, source_key, message_id, op, by });
            }
        }
        Ok(out)
    }

    /// Record how sending a pending claim or release went. Returns the lost
    /// claim when a teammate's was there first (and ours was still wanted).
    pub fn settle_claim(
        &mut self,
        p: &PendingClaim,
        how: &Settled,
        now: DateTime<Utc>,
    ) -> Result<Option<LostClaim>> {
        let tx = self.conn.transaction()?;
        let Some(current) = claim_in(&tx, p.handoff_id)? else { return Ok(None) };
        // Changed since it was read (released while the claim was on its way): the next round sends that.
        if !current.mine || current.pending != Some(p.op) {
            return Ok(None);
        }
        let mut lost = None;
        match (how, p.op) {
            (Settled::Shared, ClaimOp::Claim) => {
                tx.execute(
                    "UPDATE claims SET pending = NULL, note = NULL WHERE handoff_id = ?1",
                    [p.handoff_id],
                )?;
            }
            (Settled::Shared, ClaimOp::Release) => {
                tx.execute("DELETE FROM claims WHERE handoff_id = ?1", [p.handoff_id])?;
            }
            (Settled::Lost { holder, at }, _) => {
                let note = format!("{} claimed it first; it is theirs.", holder.label());
                tx.execute(
                    "UPDATE claims SET by_name = ?2, by_email = ?3, at = ?4, mine = 0, pending = NULL, note = ?5
                     WHERE handoff_id = ?1",
                    params![p.handoff_id, holder.name, holder.email, to_ms(at.unwrap_or(now)), note],
                )?;
                event(&tx, p.handoff_id, now, "claim_lost", &note)?;
                if p.op == ClaimOp::Claim {
                    lost =
                        Some(LostClaim { handoff_id: p.handoff_id, holder: holder.clone(), message: note });
                }
            }
            (Settled::Failed(why), _) => {
                tx.execute("UPDATE claims SET note = ?2 WHERE handoff_id = ?1", params![p.handoff_id, why])?;
            }
            (Settled::LocalOnly(why), ClaimOp::Claim) => {
                tx.execute(
                    "UPDATE claims SET pending = NULL, note = ?2 WHERE handoff_id = ?1",
                    params![p.handoff_id, why],
                )?;
            }
            (Settled::LocalOnly(_), ClaimOp::Release) => {
                tx.execute("DELETE FROM claims WHERE handoff_id = ?1", [p.handoff_id])?;
            }
        }
        tx.commit()?;
        Ok(lost)
    }

    /// Settle every pending claim of a workspace's `kind` the same way (no
    /// server can carry them, or it cannot be reached).
    pub fn settle_all(
        &mut self,
        workspace_id: i64,
        kind: SourceKind,
        how: &Settled,
        now: DateTime<Utc>,
    ) -> Result<()> {
        for p in self.pending_claims(workspace_id, kind)? {
            self.settle_claim(&p, how, now)?;
        }
        Ok(())
    }

    /// Take in what the shared server says about claims. Returns the
    /// handoffs whose claim changed here.
    pub fn apply_seen_claims(
        &mut self,
        seen: &[SeenClaim],
        me: Option<&Teammate>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        for s in seen {
            let current = claim_in(&tx, s.handoff_id)?;
            // Ours on its way: the send settles it, whatever the server showed before.
            if current.as_ref().is_some_and(|c| c.mine && c.pending.is_some()) {
                continue;
            }
            match (&current, &s.holder) {
                (None, None) => {}
                (Some(c), None) => {
                    tx.execute("DELETE FROM claims WHERE handoff_id = ?1", [s.handoff_id])?;
                    event(
                        &tx,
                        s.handoff_id,
                        now,
                        "released",
                        &format!("claim released by {}", c.by.label()),
                    )?;
                    changed.push(s.handoff_id);
                }
                (Some(c), Some(h)) if c.by.same(h) => {}
                (_, Some(h)) => {
                    let mine = me.is_some_and(|m| m.same(h));
                    tx.execute(
                        "INSERT INTO claims (handoff_id, by_name, by_email, at, mine, pending, note)
                         VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL)
                         ON CONFLICT (handoff_id) DO UPDATE SET by_name = ?2, by_email = ?3, at = ?4,
                             mine = ?5, pending = NULL, note = NULL",
                        params![s.handoff_id, h.name, h.email, to_ms(s.at.unwrap_or(now)), mine],
                    )?;
                    if !mine {
                        event(&tx, s.handoff_id, now, "claimed", &format!("claimed by {}", h.label()))?;
                    }
                    changed.push(s.handoff_id);
                }
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Record a reply someone on the team sent: it counts as the first
    /// contact (the promise is met) and shows who answered. Returns whether it is new.
    pub fn record_answer(&mut self, a: &SeenAnswer, mine: bool, shared: bool) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let new = record_answer_in(&tx, a, mine, shared)?;
        tx.commit()?;
        Ok(new)
    }

    /// Our answers to relay handoffs that the relay has not recorded yet.
    pub fn unshared_answers(&self, workspace_id: i64) -> Result<Vec<(String, SeenAnswer)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.source_key, a.handoff_id, a.message_id, a.by_name, a.by_email, a.at
             FROM answers a JOIN handoffs h ON h.id = a.handoff_id
             WHERE a.shared = 0 AND h.workspace_id = ?1 ORDER BY a.at",
        )?;
        let rows = stmt.query_map([workspace_id], |r| {
            Ok((
                r.get(0)?,
                SeenAnswer {
                    handoff_id: r.get(1)?,
                    message_id: r.get(2)?,
                    by: Teammate {
                        name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        email: r.get(4)?,
                    },
                    at: from_ms(r.get(5)?),
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The relay has recorded our answer.
    pub fn answer_shared(&self, handoff_id: i64, message_id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE answers SET shared = 1 WHERE handoff_id = ?1 AND message_id = ?2",
            params![handoff_id, message_id],
        )?;
        Ok(())
    }

    /// The handoff in `workspace_id` whose notification had this Message-ID (bare, no brackets).
    pub fn handoff_by_message_id(&self, workspace_id: i64, message_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM handoffs WHERE workspace_id = ?1 AND message_id = ?2 ORDER BY id LIMIT 1",
            )?
            .query_row(params![workspace_id, message_id], |r| r.get(0))
            .optional()?)
    }

    /// The handoff in `workspace_id` with this source key.
    pub fn handoff_by_key(&self, workspace_id: i64, source_key: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM handoffs WHERE workspace_id = ?1 AND source_key = ?2")?
            .query_row(params![workspace_id, source_key], |r| r.get(0))
            .optional()?)
    }

    /// Handoffs of a workspace and kind that have a claim here, with their Message-IDs.
    pub fn claimed_handoffs(
        &self,
        workspace_id: i64,
        kind: SourceKind,
    ) -> Result<Vec<(i64, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.id, h.message_id FROM claims c JOIN handoffs h ON h.id = c.handoff_id
             WHERE h.workspace_id = ?1 AND h.source = ?2",
        )?;
        let rows = stmt.query_map(params![workspace_id, kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How far a source has read the team's changes: (UIDVALIDITY, position).
    pub fn team_cursor(&self, source_id: i64) -> Result<Option<(Option<u32>, i64)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT uid_validity, position FROM team_cursors WHERE source_id = ?1")?
            .query_row([source_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Move a source's team cursor.
    pub fn set_team_cursor(&self, source_id: i64, uid_validity: Option<u32>, position: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO team_cursors (source_id, uid_validity, position) VALUES (?1, ?2, ?3)
             ON CONFLICT (source_id) DO UPDATE SET uid_validity = ?2, position = ?3",
            params![source_id, uid_validity, position],
        )?;
        Ok(())
    }
}

/// See [`Store::record_answer`].
pub(super) fn record_answer_in(conn: &Connection, a: &SeenAnswer, mine: bool, shared: bool) -> Result<bool> {
    let new = conn
        .prepare_cached(
            "INSERT INTO answers (handoff_id, message_id, by_name, by_email, at, mine, shared)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
        )?
        .execute(params![a.handoff_id, a.message_id, a.by.name, a.by.email, to_ms(a.at), mine, shared])?
        > 0;
    if new && !mine {
        contact(conn, a.handoff_id, a.at, &format!("reply by {}", a.by.label()))?;
        event(conn, a.handoff_id, a.at, "answered", &format!("answered by {}", a.by.label()))?;
        let status = super::promises::current_status(conn, a.handoff_id)?;
        if matches!(status, crate::model::Status::New | crate::model::Status::AwaitingReply) {
            super::promises::set_status_in(conn, a.handoff_id, crate::model::Status::Replied, a.at)?;
        }
    }
    Ok(new)
}
