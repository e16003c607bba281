//! Backups and restores of the data file through SQLite's online backup API
//! (sqlite.org/backup.html): safe while the app, the CLI or an import write
//! to the file, because one `sqlite3_backup_step(-1)` copies every page under
//! a single read transaction, which in WAL mode never blocks a writer; the
//! copy is the file as of one commit.
//!
//! Invariants:
//! - a backup is written to a temporary file beside the target and renamed
//!   into place, so a crash never leaves a half backup under the real name;
//!   it is created 0600 (it holds the same data as the file);
//! - a backup of an encrypted file is encrypted with the same key;
//! - a restore checks the backup first (SQLite's integrity check, a Handoff
//!   Desk schema no newer than this build), copies the current file to
//!   `<file>.before-restore-<time>` and only then copies the backup in,
//!   through the same API, so programs that have the file open see the
//!   restored content at their next transaction instead of a file swapped
//!   under them.

use super::{SCHEMA_VERSION, Store};
use crate::error::{Error, ErrorCode, Next, Result};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};
use std::path::{Path, PathBuf};

/// What a finished backup wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupInfo {
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Handoffs in it.
    pub handoffs: i64,
}

/// The automatic backup (one per data file, kept in `app_settings`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct BackupSettings {
    /// Back up once a day while the app (or `handoff watch`) runs.
    pub daily: bool,
    /// How many daily backups to keep.
    pub keep: u32,
    /// Where; `None`: a `backups` folder beside the data file.
    pub folder: Option<String>,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings { daily: true, keep: 7, folder: None }
    }
}

/// What a restore did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RestoreInfo {
    /// Where the replaced file was kept.
    pub kept: PathBuf,
    /// Handoffs in the restored file.
    pub handoffs: i64,
}

/// Copy every page of `from` into `to` in one step (see the module docs).
fn copy(from: &Connection, to: &mut Connection) -> Result<()> {
    let backup = Backup::new(from, to)?;
    let mut tries = 0;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked => {
                tries += 1;
                if tries > 200 {
                    return Err(Error::Invalid(
                        "the data file stayed locked for 10 seconds; try the backup again in a moment".into(),
                    ));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            // A future variant: keep stepping.
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// A temporary name beside `path`.
fn beside(path: &Path, tag: &str) -> PathBuf {
    let name =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "handoff.db".into());
    path.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

impl Store {
    /// The automatic backup's settings.
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        let v: Option<String> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT value FROM app_settings WHERE key = 'backup'",
            [],
            |r| r.get(0),
        ))?;
        Ok(v.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    /// Change the automatic backup's settings.
    pub fn set_backup_settings(&self, s: &BackupSettings) -> Result<()> {
        let v = serde_json::to_string(s).map_err(|e| Error::Invalid(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO app_settings (key, value) VALUES ('backup', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [v],
        )?;
        Ok(())
    }

    /// Where the automatic backups go.
    pub fn backup_folder(&self) -> Result<Option<PathBuf>> {
        let s = self.backup_settings()?;
        Ok(match s.folder {
            Some(f) => Some(PathBuf::from(f)),
            None => self.path.as_deref().and_then(Path::parent).map(|d| d.join("backups")),
        })
    }

    /// Run the daily backup if it is due and wanted.
    pub fn daily_backup_if_due(&self, now: DateTime<Utc>) -> Result<Option<BackupInfo>> {
        let s = self.backup_settings()?;
        match (s.daily, self.backup_folder()?) {
            (true, Some(folder)) => self.daily_backup(&folder, s.keep as usize, now),
            _ => Ok(None),
        }
    }

    /// Write a consistent copy of the data file to `dest` while it stays in use.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupInfo> {
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let tmp = beside(dest, "partial");
        let _ = std::fs::remove_file(&tmp);
        let written = (|| -> Result<()> {
            let mut to =
                Connection::open(&tmp).map_err(|source| Error::Open { path: tmp.clone(), source })?;
            super::cipher::owner_only(&tmp)?;
            if let Some(key) = &self.key {
                super::cipher::apply_key(&to, key)?;
            }
            copy(&self.conn, &mut to)?;
            // A backup is one self-contained file: no WAL beside it.
            to.pragma_update(None, "journal_mode", "DELETE")?;
            Ok(())
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, dest).map_err(io(dest))?;
        let bytes = std::fs::metadata(dest).map_err(io(dest))?.len();
        Ok(BackupInfo { path: dest.to_path_buf(), bytes, handoffs: self.count(None)? })
    }

    /// Check a backup without opening it as the data file: SQLite's integrity
    /// check, and a Handoff Desk schema this build can read. The handoff count.
    pub fn check_backup(file: &Path, key: Option<&super::cipher::Key>) -> Result<i64> {
        if !file.is_file() {
            return Err(Error::Refused {
                code: ErrorCode::NotFound,
                message: format!("{} is not a file; name a backup file", file.display()),
                next: Next::ChooseBackup,
            });
        }
        let conn = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| Error::Open { path: file.to_path_buf(), source })?;
        if let Some(key) = key {
            super::cipher::apply_key(&conn, key)?;
        }
        let not_ours = |why: String| {
            Error::Invalid(format!(
                "{} is not a usable Handoff Desk backup ({why}); nothing was changed. Pick another backup",
                file.display()
            ))
        };
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| {
            not_ours(format!("unreadable: {e}; an encrypted backup needs this machine's key"))
        })?;
        if version > SCHEMA_VERSION {
            return Err(Error::TooNew { found: version, known: SCHEMA_VERSION });
        }
        if version < 1 {
            return Err(not_ours("it has no Handoff Desk schema".into()));
        }
        let problems: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|s| s != "ok")
            .collect();
        if !problems.is_empty() {
            return Err(not_ours(format!("the integrity check found: {}", problems.join("; "))));
        }
        conn.query_row("SELECT count(*) FROM handoffs", [], |r| r.get(0))
            .map_err(|e| not_ours(format!("no handoffs table: {e}")))
    }

    /// Replace this store's content with `backup` (see the module docs); the
    /// replaced content is kept as `<file>.before-restore-<time>`.
    pub fn restore_from(&mut self, backup: &Path, now: DateTime<Utc>) -> Result<RestoreInfo> {
        let Some(path) = self.path.clone() else {
            return Err(Error::Invalid("an in-memory store has no file to restore into".into()));
        };
        Self::check_backup(backup, self.key.as_ref())?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let kept = path.with_file_name(format!("{name}.before-restore-{}", now.format("%Y%m%dT%H%M%S")));
        self.backup_to(&kept)?;
        let from = Connection::open_with_flags(backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| Error::Open { path: backup.to_path_buf(), source })?;
        if let Some(key) = &self.key {
            super::cipher::apply_key(&from, key)?;
        }
        copy(&from, &mut self.conn)?;
        drop(from);
        // An older backup is brought up to this build's schema.
        super::migrate::migrate(&mut self.conn)?;
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(RestoreInfo { kept, handoffs: self.count(None)? })
    }

    /// The daily automatic backup: when `folder` has no backup from `now`'s
    /// day yet, write `<file name>-YYYY-MM-DD.db` there (`handoff-2026-11-20.db`
    /// for `handoff.db`) and keep the newest `keep` of them. `None` when
    /// today's exists already.
    pub fn daily_backup(&self, folder: &Path, keep: usize, now: DateTime<Utc>) -> Result<Option<BackupInfo>> {
        let stem = self
            .path
            .as_deref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "handoff".into());
        let name = format!("{stem}-{}.db", now.format("%Y-%m-%d"));
        let dest = folder.join(&name);
        if dest.exists() {
            return Ok(None);
        }
        std::fs::create_dir_all(folder).map_err(io(folder))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700)).map_err(io(folder))?;
        }
        let info = self.backup_to(&dest)?;
        let mut ours: Vec<PathBuf> = std::fs::read_dir(folder)
            .map_err(io(folder))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.len() == name.len() && n.starts_with(&format!("{stem}-")) && n.ends_with(".db")
                })
            })
            .collect();
        // The dated names sort by day.
        ours.sort();
        let extra = ours.len().saturating_sub(keep.max(1));
        for old in &ours[..extra] {
            std::fs::remove_file(old).map_err(io(old))?;
        }
        Ok(Some(info))
    }
}
