//! Schema migrations: the SQL files in `migrations/`, embedded at build time
//! and applied in order inside one transaction each; `PRAGMA user_version`
//! records how far a file has come. Forward-only: a landed file is never edited.

use crate::error::{Error, Result};
use rusqlite::Connection;

/// Every migration, in order: (file name, SQL).
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../../migrations/0001_init.sql")),
    ("0002_sources.sql", include_str!("../../migrations/0002_sources.sql")),
    ("0003_promises.sql", include_str!("../../migrations/0003_promises.sql")),
    ("0004_hubspot.sql", include_str!("../../migrations/0004_hubspot.sql")),
    ("0005_gaps.sql", include_str!("../../migrations/0005_gaps.sql")),
    ("0006_team.sql", include_str!("../../migrations/0006_team.sql")),
    ("0007_hubspot_holds.sql", include_str!("../../migrations/0007_hubspot_holds.sql")),
    ("0008_read_by.sql", include_str!("../../migrations/0008_read_by.sql")),
    ("0009_privacy.sql", include_str!("../../migrations/0009_privacy.sql")),
    ("0010_relay_gaps.sql", include_str!("../../migrations/0010_relay_gaps.sql")),
    ("0011_alerts.sql", include_str!("../../migrations/0011_alerts.sql")),
    ("0012_templates.sql", include_str!("../../migrations/0012_templates.sql")),
    ("0013_briefings.sql", include_str!("../../migrations/0013_briefings.sql")),
    ("0014_conversations.sql", include_str!("../../migrations/0014_conversations.sql")),
];

/// The schema version this build brings a database to.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew { found, known: SCHEMA_VERSION });
    }
    for (i, (_, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
