//! Encryption at rest: an encrypted file cannot be read by plain SQLite and
//! opens normally in the app (the CLI here, with the key in a real keychain);
//! plain files open as they always did; new files are private to their owner.

use crate::support::keychain::Keychain;
use crate::support::{fails, handoff, ok, text};
use std::path::Path;

const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

fn header(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()[..16].to_vec()
}

#[test]
fn an_encrypted_file_is_unreadable_without_the_key_and_opens_normally_with_it() {
    let kc = Keychain::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["demo", "--per-client", "10"]));
    let list = ok(handoff(&db).args(["list", "--json", "--limit", "1000"]));
    let name = list
        .lines()
        .filter_map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["visitor"]["name"]
                .as_str()
                .map(String::from)
        })
        .next()
        .unwrap();
    let on_disk = |name: &str| {
        std::fs::read_dir(dir.path()).unwrap().any(|f| {
            std::fs::read(f.unwrap().path()).unwrap().windows(name.len()).any(|w| w == name.as_bytes())
        })
    };
    assert!(on_disk(&name));

    let out = ok(kc.apply(&mut handoff(&db)).arg("encrypt"));
    assert!(out.contains("Encrypted"), "{out}");
    assert_ne!(header(&db), SQLITE_HEADER);
    let key = kc.lookup("data-file/key").expect("the key is in the keychain");
    assert_eq!(key.trim().len(), 64);
    // No plaintext left in the file or beside it.
    assert!(!on_disk(&name), "{name} readable on disk");

    // Plain SQLite (no key) cannot read it.
    let plain = rusqlite::Connection::open(&db).unwrap();
    let err = plain.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(err.to_string().contains("not a database"), "{err}");
    drop(plain);
    // Without the keychain the CLI says what is missing.
    let no_keychain =
        fails(handoff(&db).arg("list").env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent"));
    assert!(text(&no_keychain.stderr).contains("keychain"), "{}", text(&no_keychain.stderr));

    // With it, everything reads as before, and writes.
    assert_eq!(list, ok(kc.apply(&mut handoff(&db)).args(["list", "--json", "--limit", "1000"])));
    ok(kc.apply(&mut handoff(&db)).args(["resolve", "1", "--why", "answered"]));
    assert!(!ok(kc.apply(&mut handoff(&db)).args(["search", "refund*"])).is_empty());

    // A backup of an encrypted file is encrypted, and restores.
    let backup = dir.path().join("b.db");
    ok(kc.apply(&mut handoff(&db)).arg("backup").arg(&backup));
    assert_ne!(header(&backup), SQLITE_HEADER);
    let r = ok(kc.apply(&mut handoff(&db)).arg("restore").arg(&backup));
    assert!(r.contains(&format!("Restored {} handoffs", list.lines().count())), "{r}");

    // And back to plain.
    ok(kc.apply(&mut handoff(&db)).arg("decrypt"));
    assert_eq!(header(&db), SQLITE_HEADER);
    let after = ok(handoff(&db).args(["list", "--json", "--limit", "1000"]));
    assert_eq!(after.lines().count(), list.lines().count());
}

#[test]
fn a_new_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/folder/h.db");
    ok(handoff(&db).args(["init"]));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    let wal = dir.path().join("new/folder/h.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    // A plain file stays plain.
    assert_eq!(header(&db), SQLITE_HEADER);
}
