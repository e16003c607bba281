//! The team records: who claimed and who answered each handoff of a channel
//! (see the invariants in the parent module: one `BEGIN IMMEDIATE`
//! transaction per change, each taking the next relay-wide `team_seq`).

use rusqlite::{OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::{Store, StoreError, lock};

/// A teammate's mark on a handoff: a claim, or an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMark {
    /// The teammate's display name (may be empty).
    pub name: String,
    /// The teammate's email: who they are, for claims.
    pub email: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    /// The reply's message id (answers only, when the client sent one).
    pub message_id: Option<String>,
}

/// One handoff's team record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRecord {
    /// The handoff's source key, as the desktop apps computed it.
    pub key: String,
    /// Who holds the claim, if anyone.
    pub claim: Option<TeamMark>,
    /// Who answered first, if anyone.
    pub answered: Option<TeamMark>,
    /// The change number of the record's last change.
    pub seq: i64,
}

/// The columns [`TeamRecord::from_row`] reads, for `SELECT` and `RETURNING`.
macro_rules! team_columns {
    () => {
        "key, claim_name, claim_email, claim_at, answered_name, answered_email, answered_at, \
         answered_message_id, seq"
    };
}

impl TeamRecord {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let claim = match (row.get::<_, Option<String>>("claim_email")?, row.get("claim_at")?) {
            (Some(email), Some(at_ms)) => Some(TeamMark {
                name: row.get::<_, Option<String>>("claim_name")?.unwrap_or_default(),
                email,
                at_ms,
                message_id: None,
            }),
            _ => None,
        };
        let answered = match (row.get::<_, Option<String>>("answered_email")?, row.get("answered_at")?) {
            (Some(email), Some(at_ms)) => Some(TeamMark {
                name: row.get::<_, Option<String>>("answered_name")?.unwrap_or_default(),
                email,
                at_ms,
                message_id: row.get("answered_message_id")?,
            }),
            _ => None,
        };
        Ok(Self { key: row.get("key")?, claim, answered, seq: row.get("seq")? })
    }
}

/// What a claim came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// The caller holds the claim (newly, or already did).
    Won(TeamRecord),
    /// Someone else holds it; the record says who.
    Held(TeamRecord),
}

/// What a release came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Released {
    /// No claim is left: released now, or none was held (`None`: no record at all).
    Free(Option<TeamRecord>),
    /// Someone else holds the claim; only they can release it.
    Held(TeamRecord),
}

/// Teammates are the same person when their emails match, ignoring ASCII case.
fn same_teammate(mark: &TeamMark, email: &str) -> bool {
    mark.email.eq_ignore_ascii_case(email)
}

impl Store {
    /// Claims `key` on `channel` for `email`, unless another teammate holds it.
    /// Re-claiming one's own claim changes nothing (the first `claim_at` stays).
    pub fn team_claim(
        &self,
        channel: &str,
        key: &str,
        name: &str,
        email: &str,
        now_ms: i64,
    ) -> Result<Claimed, StoreError> {
        let mut conn = lock(&self.write);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(record) = team_get(&tx, channel, key)?
            && let Some(claim) = &record.claim
        {
            return Ok(if same_teammate(claim, email) {
                Claimed::Won(record)
            } else {
                Claimed::Held(record)
            });
        }
        let seq = next_team_seq(&tx)?;
        let record = tx
            .prepare_cached(concat!(
                "INSERT INTO team_records (channel, key, claim_name, claim_email, claim_at, seq, changed_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5) \
                 ON CONFLICT (channel, key) DO UPDATE SET claim_name = excluded.claim_name, \
                 claim_email = excluded.claim_email, claim_at = excluded.claim_at, seq = excluded.seq, \
                 changed_at = excluded.changed_at RETURNING ",
                team_columns!()
            ))?
            .query_row(params![channel, key, name, email, now_ms, seq], TeamRecord::from_row)?;
        tx.commit()?;
        Ok(Claimed::Won(record))
    }

    /// Releases `email`'s claim on `key`; another teammate's claim stays.
    pub fn team_release(
        &self,
        channel: &str,
        key: &str,
        email: &str,
        now_ms: i64,
    ) -> Result<Released, StoreError> {
        let mut conn = lock(&self.write);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(record) = team_get(&tx, channel, key)? else { return Ok(Released::Free(None)) };
        match &record.claim {
            None => Ok(Released::Free(Some(record))),
            Some(claim) if !same_teammate(claim, email) => Ok(Released::Held(record)),
            Some(_) => {
                let seq = next_team_seq(&tx)?;
                let record = tx
                    .prepare_cached(concat!(
                        "UPDATE team_records SET claim_name = NULL, claim_email = NULL, claim_at = NULL, \
                         seq = ?3, changed_at = ?4 WHERE channel = ?1 AND key = ?2 RETURNING ",
                        team_columns!()
                    ))?
                    .query_row(params![channel, key, seq, now_ms], TeamRecord::from_row)?;
                tx.commit()?;
                Ok(Released::Free(Some(record)))
            }
        }
    }

    /// Records that `email` answered `key`; the first answer is kept.
    pub fn team_answered(
        &self,
        channel: &str,
        key: &str,
        name: &str,
        email: &str,
        message_id: Option<&str>,
        now_ms: i64,
    ) -> Result<TeamRecord, StoreError> {
        let mut conn = lock(&self.write);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(record) = team_get(&tx, channel, key)?
            && record.answered.is_some()
        {
            return Ok(record);
        }
        let seq = next_team_seq(&tx)?;
        let record = tx
            .prepare_cached(concat!(
                "INSERT INTO team_records (channel, key, answered_name, answered_email, answered_at, \
                 answered_message_id, seq, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?5) \
                 ON CONFLICT (channel, key) DO UPDATE SET answered_name = excluded.answered_name, \
                 answered_email = excluded.answered_email, answered_at = excluded.answered_at, \
                 answered_message_id = excluded.answered_message_id, seq = excluded.seq, \
                 changed_at = excluded.changed_at RETURNING ",
                team_columns!()
            ))?
            .query_row(params![channel, key, name, email, now_ms, message_id, seq], TeamRecord::from_row)?;
        tx.commit()?;
        Ok(record)
    }

    /// Up to `limit` team records of `channel` changed after `after`, oldest change first.
    pub fn team_page(&self, channel: &str, after: i64, limit: u32) -> Result<Vec<TeamRecord>, StoreError> {
        let conn = lock(&self.read);
        let mut stmt = conn.prepare_cached(concat!(
            "SELECT ",
            team_columns!(),
            " FROM team_records WHERE channel = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        ))?;
        let records = stmt.query_map(params![channel, after, limit], TeamRecord::from_row)?;
        Ok(records.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes team records last changed before `cutoff_ms`; returns how many went.
    pub fn purge_team(&self, cutoff_ms: i64) -> Result<usize, StoreError> {
        let conn = lock(&self.write);
        Ok(conn.prepare_cached("DELETE FROM team_records WHERE changed_at < ?1")?.execute([cutoff_ms])?)
    }
}

fn team_get(tx: &Transaction<'_>, channel: &str, key: &str) -> Result<Option<TeamRecord>, StoreError> {
    Ok(tx
        .prepare_cached(concat!(
            "SELECT ",
            team_columns!(),
            " FROM team_records WHERE channel = ?1 AND key = ?2"
        ))?
        .query_row([channel, key], TeamRecord::from_row)
        .optional()?)
}

fn next_team_seq(tx: &Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx
        .prepare_cached("UPDATE team_seq SET last = last + 1 WHERE id = 1 RETURNING last")?
        .query_row([], |row| row.get(0))?)
}
