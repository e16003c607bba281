//! Encryption at rest with SQLCipher (rusqlite's `bundled-sqlcipher`
//! feature: SQLCipher 4 built with OpenSSL's libcrypto; AES-256 in CBC mode
//! per page with an HMAC-SHA512 per page, the key given raw as
//! `PRAGMA key = "x'<64 hex digits>'"` so no key derivation runs at each
//! open; zetetic.net/sqlcipher/sqlcipher-api/#key,
//! #sqlcipher_export, and the raw-key form under "PRAGMA key").
//!
//! Invariants:
//! - one key per user, 32 random bytes, kept only in the OS keychain (service
//!   `desk.handoff.app`, item `data-file/key`) and in this process's memory;
//!   never in the file, a config or a log;
//! - a file is encrypted exactly when its first 16 bytes are not SQLite's
//!   header string, so plain files open as they always did, with no keychain
//!   involved (the tests, the demo, a server without a keychain);
//! - converting (`encrypt`, `decrypt`) writes the new form to a temporary
//!   file beside the old with `sqlcipher_export`, checks it, then renames it
//!   over the old one; it refuses while another program has the file open.

use crate::error::{Error, ErrorCode, Next, Result};
use crate::secrets::{Keychain, SecretError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The keychain item the data-file key is filed under (`<workspace>/<key>`).
const KEY_SCOPE: (&str, &str) = ("data-file", "key");

/// The first 16 bytes of every plain SQLite file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A data-file key: 32 bytes, shown only as the hex SQLCipher reads.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(String);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A new random key.
    pub fn generate() -> Key {
        let mut rng = fastrand::Rng::with_seed(seed());
        Key((0..32).map(|_| format!("{:02x}", rng.u8(..))).collect())
    }

    /// A key from its 64 hex digits.
    pub fn from_hex(hex: &str) -> Option<Key> {
        let hex = hex.trim();
        (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Key(hex.to_lowercase()))
    }

    fn pragma_value(&self) -> String {
        format!("\"x'{}'\"", self.0)
    }
}

/// 64 bits from the OS's random source (fastrand seeds from it; reading
/// /dev/urandom directly keeps the key independent of fastrand's generator state).
fn seed() -> u64 {
    use std::io::Read;
    let mut b = [0u8; 8];
    match std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b)) {
        Ok(()) => u64::from_le_bytes(b),
        Err(_) => fastrand::u64(..),
    }
}

/// Key a connection; the next statement proves the key by reading the schema.
pub(crate) fn apply_key(conn: &Connection, key: &Key) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA key = {};", key.pragma_value()))?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(())).map_err(|_| {
        Error::Invalid(
            "the data file is encrypted with a key other than the one in this keychain; restore the keychain \
             item desk.handoff.app data-file/key from the machine that encrypted it"
                .into(),
        )
    })
}

/// Whether `path` holds an encrypted file (exists, and is not plain SQLite).
pub fn is_encrypted(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    match std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)) {
        Ok(()) => &head != SQLITE_HEADER,
        Err(_) => false,
    }
}

static KEY: Mutex<Option<Key>> = Mutex::new(None);

fn keychain_error(e: SecretError) -> Error {
    Error::Invalid(format!("the data file is encrypted and its key is in the OS keychain, which failed: {e}"))
}

/// The key from the keychain (cached for the process); `None` when the keychain has none.
pub fn stored_key() -> Result<Option<Key>> {
    let mut cached = KEY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(k) = cached.as_ref() {
        return Ok(Some(k.clone()));
    }
    let keychain = Keychain::open().map_err(keychain_error)?;
    match keychain.get(KEY_SCOPE.0, KEY_SCOPE.1) {
        Ok(hex) => {
            let key = Key::from_hex(&hex).ok_or_else(|| {
                Error::Invalid("the keychain item desk.handoff.app data-file/key is not a key".into())
            })?;
            *cached = Some(key.clone());
            Ok(Some(key))
        }
        Err(SecretError::Missing { .. }) => Ok(None),
        Err(e) => Err(keychain_error(e)),
    }
}

/// The key to open an encrypted file with.
pub(crate) fn key_for_open(path: &Path) -> Result<Key> {
    stored_key()?.ok_or_else(|| {
        Error::Invalid(format!(
            "{} is encrypted, but this keychain has no data-file key (desk.handoff.app data-file/key). \
             Restore that item from the machine that encrypted it, or open an unencrypted backup",
            path.display()
        ))
    })
}

/// The stored key, or a new one saved to the keychain first.
pub fn key_or_create() -> Result<Key> {
    if let Some(k) = stored_key()? {
        return Ok(k);
    }
    let key = Key::generate();
    let keychain = Keychain::open().map_err(keychain_error)?;
    keychain.set(KEY_SCOPE.0, KEY_SCOPE.1, &key.0).map_err(keychain_error)?;
    *KEY.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key.clone());
    Ok(key)
}

/// Make a file readable by its owner only (Unix).
pub(crate) fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))?;
    }
    Ok(())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

fn sidecars(path: &Path) -> [PathBuf; 2] {
    let s = path.as_os_str().to_string_lossy();
    [PathBuf::from(format!("{s}-wal")), PathBuf::from(format!("{s}-shm"))]
}

/// Rewrite the file at `path` encrypted with `to` (or plain with `None`),
/// reading it with `from`. Refuses while another program has it open.
pub fn convert(path: &Path, from: Option<&Key>, to: Option<&Key>) -> Result<()> {
    let conn = Connection::open(path).map_err(|source| Error::Open { path: path.to_path_buf(), source })?;
    if let Some(k) = from {
        apply_key(&conn, k)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(2))?;
    // Exclusive: no other program may read or write while the file is rewritten.
    let busy = || Error::Refused {
        code: ErrorCode::Busy,
        message: format!("another program has {} open; close it and try again", path.display()),
        next: Next::CloseOthers,
    };
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;").map_err(|_| busy())?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|_| busy())?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.convert-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let attach_key = match to {
        Some(k) => k.pragma_value(),
        None => "''".into(),
    };
    let written = (|| -> Result<()> {
        std::fs::File::create(&tmp).map_err(io(&tmp))?;
        owner_only(&tmp)?;
        conn.execute(&format!("ATTACH DATABASE ?1 AS converted KEY {attach_key}"), [tmp.to_string_lossy()])?;
        conn.query_row("SELECT sqlcipher_export('converted')", [], |_| Ok(()))?;
        conn.execute_batch(&format!(
            "PRAGMA converted.user_version = {version}; DETACH DATABASE converted;"
        ))?;
        // Check the new file before it replaces the old one.
        let check = Connection::open(&tmp).map_err(|source| Error::Open { path: tmp.clone(), source })?;
        if let Some(k) = to {
            apply_key(&check, k)?;
        }
        let ok: String = check.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(Error::Invalid(format!(
                "the converted copy failed its integrity check ({ok}); nothing was changed"
            )));
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    drop(conn);
    std::fs::rename(&tmp, path).map_err(io(path))?;
    for s in sidecars(path) {
        let _ = std::fs::remove_file(s);
    }
    Ok(())
}
