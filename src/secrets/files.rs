//! The companion's secret store, for servers without a desktop keychain:
//! a directory of files, one secret per file, chosen explicitly with
//! `HANDOFF_SECRETS` (never a fallback).
//!
//! - `dir:/var/lib/handoff/secrets`: the directory must be the user's own
//!   with mode 0700 (created so when missing), every file is written 0600
//!   (atomically: a temporary file renamed into place) and refused when
//!   anyone else may read it;
//! - `systemd`: the unit's credentials (`LoadCredential=` /
//!   `LoadCredentialEncrypted=`), read from `$CREDENTIALS_DIRECTORY`, which
//!   systemd mounts private to the service; read-only (systemd.exec(5),
//!   "Credentials").
//!
//! A secret `<workspace>/<key>` is the file `<workspace>.<key>` with every
//! character outside `[A-Za-z0-9._-]` written as `-` (`acme.source-support`,
//! `acme.smtp`, `acme.alert-slack`): names systemd accepts as credential IDs.

use super::SecretError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A directory of secret files.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
    writable: bool,
}

/// The file name of a secret.
pub fn file_name(workspace: &str, key: &str) -> String {
    format!("{workspace}.{key}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect()
}

fn unavailable(why: String) -> SecretError {
    SecretError::Unavailable(why)
}

#[cfg(unix)]
fn mode(path: &Path) -> std::io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

impl FileStore {
    /// A writable directory of 0600 files (created 0700 when missing).
    pub fn dir(dir: &Path) -> Result<FileStore, SecretError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            if !dir.exists() {
                std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| {
                    unavailable(format!("cannot create the secrets directory {}: {e}", dir.display()))
                })?;
            }
            let m = mode(dir).map_err(|e| unavailable(format!("cannot read {}: {e}", dir.display())))?;
            if m & 0o077 != 0 {
                return Err(unavailable(format!(
                    "the secrets directory {} is open to other users (mode {m:o}); `chmod 700 {}` and start again",
                    dir.display(),
                    dir.display()
                )));
            }
        }
        Ok(FileStore { dir: dir.to_path_buf(), writable: true })
    }

    /// systemd's credentials directory (`$CREDENTIALS_DIRECTORY`), read-only.
    pub fn systemd() -> Result<FileStore, SecretError> {
        let dir = std::env::var_os("CREDENTIALS_DIRECTORY").filter(|d| !d.is_empty()).ok_or_else(|| {
            unavailable(
                "HANDOFF_SECRETS=systemd, but $CREDENTIALS_DIRECTORY is not set: run under the systemd unit in deploy/ \
                 (its LoadCredential= lines), or use HANDOFF_SECRETS=dir:/path"
                    .into(),
            )
        })?;
        Ok(FileStore { dir: PathBuf::from(dir), writable: false })
    }

    fn path(&self, workspace: &str, key: &str) -> PathBuf {
        self.dir.join(file_name(workspace, key))
    }

    /// Read a secret (trailing newlines dropped).
    pub fn get(&self, workspace: &str, key: &str) -> Result<String, SecretError> {
        let path = self.path(workspace, key);
        #[cfg(unix)]
        if self.writable
            && let Ok(m) = mode(&path)
            && m & 0o077 != 0
        {
            return Err(SecretError::Failed {
                workspace: workspace.into(),
                key: key.into(),
                why: format!("{} is readable by other users (mode {m:o}); `chmod 600` it", path.display()),
            });
        }
        match std::fs::read_to_string(&path) {
            Ok(s) => Ok(s.trim_end_matches(['\r', '\n']).to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(SecretError::Missing { workspace: workspace.into(), key: key.into() })
            }
            Err(e) => {
                Err(SecretError::Failed { workspace: workspace.into(), key: key.into(), why: e.to_string() })
            }
        }
    }

    /// Store a secret as a 0600 file.
    pub fn set(&self, workspace: &str, key: &str, secret: &str) -> Result<(), SecretError> {
        let failed = |why: String| SecretError::Failed { workspace: workspace.into(), key: key.into(), why };
        if !self.writable {
            return Err(failed(
                "systemd credentials are read-only: add a LoadCredential= line to the unit instead".into(),
            ));
        }
        let path = self.path(workspace, key);
        let tmp = self.dir.join(format!(".{}.tmp", file_name(workspace, key)));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(|e| failed(e.to_string()))?;
        f.write_all(secret.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| failed(e.to_string()))?;
        std::fs::rename(&tmp, &path).map_err(|e| failed(e.to_string()))
    }

    /// Remove a secret; a missing one is not an error.
    pub fn delete(&self, workspace: &str, key: &str) -> Result<(), SecretError> {
        if !self.writable {
            return Ok(());
        }
        match std::fs::remove_file(self.path(workspace, key)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => {
                Err(SecretError::Failed { workspace: workspace.into(), key: key.into(), why: e.to_string() })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_0600_files_named_for_systemd_and_read_back() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("s");
        let store = FileStore::dir(&dir).unwrap();
        store.set("acme", "source:support inbox", "pa ss\n").unwrap();
        let path = dir.join("acme.source-support-inbox");
        assert!(path.is_file());
        #[cfg(unix)]
        assert_eq!(mode(&path).unwrap(), 0o600);
        #[cfg(unix)]
        assert_eq!(mode(&dir).unwrap(), 0o700);
        assert_eq!(store.get("acme", "source:support inbox").unwrap(), "pa ss");
        assert!(matches!(store.get("acme", "smtp"), Err(SecretError::Missing { .. })));
        store.delete("acme", "source:support inbox").unwrap();
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_or_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(FileStore::dir(d.path()).unwrap_err().to_string().contains("chmod 700"));
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let store = FileStore::dir(d.path()).unwrap();
        store.set("acme", "smtp", "x").unwrap();
        std::fs::set_permissions(d.path().join("acme.smtp"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(store.get("acme", "smtp").unwrap_err().to_string().contains("chmod 600"));
    }
}
