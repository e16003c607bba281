//! The bot's total conversations per workspace and month, typed in by the
//! owner or read from the platform: the denominator of escalation rate and
//! containment.

use super::{Store, to_ms};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Record the bot's conversations in `month` (`YYYY-MM`), replacing any
    /// earlier figure; `source` says where it came from (`typed`, `chatwoot`).
    pub fn set_conversations(
        &mut self,
        workspace_id: i64,
        month: &str,
        total: i64,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if total < 0 {
            return Err(Error::Invalid(format!(
                "the bot's conversations cannot be negative ({total}): type how many conversations it had in {month}"
            )));
        }
        self.conn.execute(
            "INSERT INTO bot_conversations (workspace_id, month, total, source, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (workspace_id, month) DO UPDATE
                SET total = excluded.total, source = excluded.source, updated_at = excluded.updated_at",
            params![workspace_id, month, total, source, to_ms(now)],
        )?;
        Ok(())
    }

    /// The bot's conversations in `month` and where the figure came from.
    pub fn conversations(&self, workspace_id: i64, month: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT total, source FROM bot_conversations WHERE workspace_id = ?1 AND month = ?2",
                params![workspace_id, month],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}
