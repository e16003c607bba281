//! Workspaces: one per client chatbot, each with its own time zone, hours and promise.

use super::{Store, from_ms, to_ms};
use crate::error::{Error, Result};
use crate::model::{BusinessHours, Workspace};
use chrono::Utc;
use rusqlite::{OptionalExtension, Row, params};

/// What is needed to create a workspace.
#[derive(Debug, Clone)]
pub struct NewWorkspace {
    /// Short unique name ("acme"): lower-case letters, digits and dashes.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Opening hours.
    pub hours: BusinessHours,
    /// Promise used when a handoff states none.
    pub default_promise: Option<String>,
    /// Backup contact's email.
    pub backup_contact: Option<String>,
}

impl NewWorkspace {
    /// A workspace with default hours (Mon–Fri 9–17) and no promise.
    pub fn new(slug: &str, name: &str, time_zone: &str) -> Self {
        NewWorkspace {
            slug: slug.to_string(),
            name: name.to_string(),
            time_zone: time_zone.to_string(),
            hours: BusinessHours::default(),
            default_promise: None,
            backup_contact: None,
        }
    }
}

const COLUMNS: &str =
    "id, slug, name, time_zone, hours, default_promise, backup_contact, created_at, settings";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Workspace> {
    let hours: String = r.get(4)?;
    Ok(Workspace {
        id: r.get(0)?,
        slug: r.get(1)?,
        name: r.get(2)?,
        time_zone: r.get(3)?,
        hours: serde_json::from_str(&hours).unwrap_or_default(),
        default_promise: r.get(5)?,
        backup_contact: r.get(6)?,
        created_at: from_ms(r.get(7)?),
        // Settings written by a newer build may carry unknown keys; unreadable ones fall back to defaults.
        settings: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
    })
}

impl Store {
    /// Create a workspace; fails with a clear message when the slug or zone is invalid or taken.
    pub fn create_workspace(&self, w: &NewWorkspace) -> Result<Workspace> {
        let slug_ok = !w.slug.is_empty()
            && w.slug.len() <= 64
            && w.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            return Err(Error::Invalid(format!(
                "workspace name {:?} is not usable: use 1–64 lower-case letters, digits and dashes, like \"acme-plumbing\"",
                w.slug
            )));
        }
        if w.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(Error::Invalid(format!(
                "{:?} is not a time zone this app knows; use an IANA name such as \"Europe/Berlin\" or \"America/New_York\"",
                w.time_zone
            )));
        }
        if self.workspace(&w.slug)?.is_some() {
            return Err(Error::Invalid(format!("a workspace named {:?} already exists", w.slug)));
        }
        let hours = serde_json::to_string(&w.hours).map_err(|e| Error::Invalid(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO workspaces (slug, name, time_zone, hours, default_promise, backup_contact, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![w.slug, w.name, w.time_zone, hours, w.default_promise, w.backup_contact, to_ms(Utc::now())],
        )?;
        self.workspace(&w.slug)?.ok_or_else(|| Error::NoSuchWorkspace(w.slug.clone()))
    }

    /// The workspace with this slug, if any.
    pub fn workspace(&self, slug: &str) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {COLUMNS} FROM workspaces WHERE slug = ?1");
        Ok(self.conn.query_row(&sql, [slug], from_row).optional()?)
    }

    /// The workspace with this id.
    pub fn workspace_by_id(&self, id: i64) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {COLUMNS} FROM workspaces WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], from_row).optional()?)
    }

    /// Every workspace, by name.
    pub fn workspaces(&self) -> Result<Vec<Workspace>> {
        let sql = format!("SELECT {COLUMNS} FROM workspaces ORDER BY slug");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The workspace by slug, or a clear error naming what exists.
    pub fn require_workspace(&self, slug: &str) -> Result<Workspace> {
        self.workspace(slug)?.ok_or_else(|| Error::NoSuchWorkspace(slug.to_string()))
    }

    /// Save a workspace's editable parts: name, zone, hours, default promise,
    /// backup contact and settings. Running promises keep their due times;
    /// new handoffs use the new values.
    pub fn update_workspace(&self, w: &Workspace) -> Result<()> {
        if w.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(Error::Invalid(format!(
                "{:?} is not a time zone this app knows; use an IANA name such as \"Europe/Berlin\"",
                w.time_zone
            )));
        }
        let hours = serde_json::to_string(&w.hours).map_err(|e| Error::Invalid(e.to_string()))?;
        let settings = serde_json::to_string(&w.settings).map_err(|e| Error::Invalid(e.to_string()))?;
        let n = self.conn.execute(
            "UPDATE workspaces SET name = ?2, time_zone = ?3, hours = ?4, default_promise = ?5,
                 backup_contact = ?6, settings = ?7 WHERE id = ?1",
            params![w.id, w.name, w.time_zone, hours, w.default_promise, w.backup_contact, settings],
        )?;
        if n == 0 {
            return Err(Error::NoSuchWorkspace(w.slug.clone()));
        }
        Ok(())
    }
}

/// A workspace's time zone (UTC when unreadable), inside a transaction.
pub(super) fn zone_in(conn: &rusqlite::Connection, workspace_id: i64) -> Result<chrono_tz::Tz> {
    let tz: String =
        conn.query_row("SELECT time_zone FROM workspaces WHERE id = ?1", [workspace_id], |r| r.get(0))?;
    Ok(tz.parse().unwrap_or(chrono_tz::UTC))
}
