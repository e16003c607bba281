//! [`Keychain`]: one connection to the OS keychain, or to the companion's
//! file store, with one call at a time.

use super::{SECRETS_ENV, SERVICE, SecretError, files};
use keyring_core::{CredentialStore, Entry};
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Clone)]
enum Backend {
    Os(Arc<CredentialStore>),
    Files(files::FileStore),
}

/// A connection to the OS keychain (or the companion's file store).
#[derive(Clone)]
pub struct Keychain {
    backend: Backend,
    // The Secret Service client deadlocks when several threads call it at
    // once (seen with three sources starting together): one call at a time.
    turn: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.backend {
            Backend::Os(store) => f.debug_struct("Keychain").field("store", &store.vendor()).finish(),
            Backend::Files(files) => f.debug_struct("Keychain").field("files", files).finish(),
        }
    }
}

impl Keychain {
    /// Connect to the platform keychain (the Secret Service on Linux).
    ///
    /// Blocking: call it off the async runtime.
    pub fn open() -> Result<Keychain, SecretError> {
        let store = zbus_secret_service_keyring_store::Store::new()
            .map_err(|e| SecretError::Unavailable(e.to_string()))?;
        let keychain = Keychain { backend: Backend::Os(store), turn: Arc::default() };
        // Connecting is lazy in places; one lookup proves the service answers.
        match keychain.get("-", "probe") {
            Ok(_) | Err(SecretError::Missing { .. }) => Ok(keychain),
            Err(SecretError::Failed { why, .. }) => Err(SecretError::Unavailable(why)),
            Err(e) => Err(e),
        }
    }

    /// A store of 0600 files in `dir` (servers; see [`files`]).
    pub fn files(dir: &std::path::Path) -> Result<Keychain, SecretError> {
        Ok(Keychain { backend: Backend::Files(files::FileStore::dir(dir)?), turn: Arc::default() })
    }

    /// What `HANDOFF_SECRETS` chooses: `dir:/path` (0600 files), `systemd`
    /// (the unit's credentials, read-only), or, unset, the OS keychain.
    pub fn from_env() -> Result<Keychain, SecretError> {
        match std::env::var(SECRETS_ENV).ok().filter(|v| !v.trim().is_empty()) {
            None => Keychain::open(),
            Some(v) if v.trim() == "systemd" => {
                Ok(Keychain { backend: Backend::Files(files::FileStore::systemd()?), turn: Arc::default() })
            }
            Some(v) => match v.trim().strip_prefix("dir:") {
                Some(dir) if !dir.is_empty() => Keychain::files(std::path::Path::new(dir)),
                _ => Err(SecretError::Unavailable(format!(
                    "{SECRETS_ENV}={v:?} is not understood: use dir:/path/to/secrets (a 0700 directory of 0600 files) or systemd"
                ))),
            },
        }
    }

    /// Whether secrets live in files (the companion) rather than the OS keychain.
    pub fn is_files(&self) -> bool {
        matches!(self.backend, Backend::Files(_))
    }

    fn entry(&self, workspace: &str, key: &str) -> Result<Entry, SecretError> {
        let user = format!("{workspace}/{key}");
        let Backend::Os(store) = &self.backend else {
            return Err(SecretError::Unavailable("not the OS keychain".into()));
        };
        store.build(SERVICE, &user, None).map_err(|e| SecretError::Failed {
            workspace: workspace.into(),
            key: key.into(),
            why: e.to_string(),
        })
    }

    fn turn(&self) -> MutexGuard<'_, ()> {
        self.turn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Store (or replace) a secret.
    pub fn set(&self, workspace: &str, key: &str, secret: &str) -> Result<(), SecretError> {
        if let Backend::Files(f) = &self.backend {
            return f.set(workspace, key, secret);
        }
        let _turn = self.turn();
        self.entry(workspace, key)?.set_password(secret).map_err(|e| failed(workspace, key, e))
    }

    /// Read a secret.
    pub fn get(&self, workspace: &str, key: &str) -> Result<String, SecretError> {
        if let Backend::Files(f) = &self.backend {
            return f.get(workspace, key);
        }
        let _turn = self.turn();
        self.entry(workspace, key)?.get_password().map_err(|e| failed(workspace, key, e))
    }

    /// Remove a secret; removing one that is not there is not an error.
    pub fn delete(&self, workspace: &str, key: &str) -> Result<(), SecretError> {
        if let Backend::Files(f) = &self.backend {
            return f.delete(workspace, key);
        }
        let _turn = self.turn();
        match self.entry(workspace, key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(failed(workspace, key, e)),
        }
    }
}

fn failed(workspace: &str, key: &str, e: keyring_core::Error) -> SecretError {
    match e {
        keyring_core::Error::NoEntry => SecretError::Missing { workspace: workspace.into(), key: key.into() },
        keyring_core::Error::NoStorageAccess(why) => SecretError::Unavailable(why.to_string()),
        // Never format the error's payload bytes (`BadEncoding` carries the secret).
        keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..) => SecretError::Failed {
            workspace: workspace.into(),
            key: key.into(),
            why: "the stored value is not text".into(),
        },
        other => SecretError::Failed { workspace: workspace.into(), key: key.into(), why: other.to_string() },
    }
}
