//! `handoff backup` taken while an import runs restores to a consistent file;
//! `handoff restore` checks what it is given and keeps what it replaces; the
//! daily backup keeps its count.

use crate::support::{fails, handoff, ok, text};
use chrono::{TimeZone, Utc};
use handoff::Store;

/// Every handoff has its raw original, its `received` event and its search
/// entry, and nothing is left over: the file is as of one commit.
fn consistent(db: &std::path::Path) -> i64 {
    let store = Store::open(db).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    let n = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    let handoffs = n("SELECT count(*) FROM handoffs");
    assert_eq!(n("SELECT count(*) FROM raw_sources"), handoffs);
    assert_eq!(n("SELECT count(DISTINCT handoff_id) FROM events WHERE kind = 'received'"), handoffs);
    assert_eq!(n("SELECT count(*) FROM handoff_fts_docsize"), handoffs);
    assert_eq!(
        n(
            "SELECT count(*) FROM handoffs h WHERE NOT EXISTS (SELECT 1 FROM handoff_fts_docsize d WHERE d.id = h.id)"
        ),
        0
    );
    handoffs
}

#[test]
fn a_backup_taken_during_an_import_restores_to_a_consistent_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    for (i, e) in handoff::demo::notification_emails(1200, 11, Utc::now()).enumerate() {
        std::fs::write(mail.join(format!("{i:04}.eml")), e).unwrap();
    }
    ok(handoff(&db).args(["init", "--workspace", "acme"]));
    let mut import = handoff(&db)
        .arg("import")
        .arg(&mail)
        .args(["--workspace", "acme", "--batch", "20"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Back up again and again while the import commits batch after batch.
    let mut during = Vec::new();
    for i in 0..200 {
        let running = import.try_wait().unwrap().is_none();
        let file = dir.path().join(format!("b{i}.db"));
        ok(handoff(&db).arg("backup").arg(&file));
        if running && import.try_wait().unwrap().is_none() {
            during.push(file);
        } else {
            break;
        }
    }
    assert!(import.wait().unwrap().success());
    assert!(!during.is_empty(), "no backup was taken while the import ran");
    let total = consistent(&db);
    let mut partial = 0;
    for b in &during {
        // A fresh place, restored through the CLI.
        let target = dir.path().join(format!("restored-{}.db", b.file_stem().unwrap().to_string_lossy()));
        let out = ok(handoff(&target).arg("restore").arg(b));
        assert!(out.contains("Restored"), "{out}");
        let n = consistent(&target);
        assert!(n <= total);
        partial += usize::from(n > 0 && n < total);
    }
    assert!(partial > 0, "no backup caught the import midway ({} backups)", during.len());
}

#[test]
fn restore_checks_the_backup_and_keeps_the_replaced_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["demo", "--per-client", "5"]));
    let backup = dir.path().join("b.db");
    ok(handoff(&db).arg("backup").arg(&backup));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let before = ok(handoff(&db).args(["list", "--json", "--limit", "1000"]));
    ok(handoff(&db).args(["resolve", "1", "--why", "answered"]));

    // Not a backup at all, a damaged one: refused, nothing changed.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just some bytes that are long enough").unwrap();
    let out = fails(handoff(&db).arg("restore").arg(&junk));
    assert!(text(&out.stderr).contains("nothing was changed"), "{}", text(&out.stderr));
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 4096] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();
    fails(handoff(&db).arg("restore").arg(&damaged));
    assert_ne!(before, ok(handoff(&db).args(["list", "--json", "--limit", "1000"])));

    let out = ok(handoff(&db).arg("restore").arg(&backup));
    assert_eq!(before, ok(handoff(&db).args(["list", "--json", "--limit", "1000"])));
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(kept.len(), 1, "{out}");
    // The kept file is the state just before: #1 resolved.
    let old = Store::open(&kept[0]).unwrap();
    assert_eq!(old.resolution(1).unwrap(), Some(handoff::Resolution::Answered));
}

#[test]
fn the_daily_backup_runs_once_a_day_and_keeps_its_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("h.db")).unwrap();
    let folder = dir.path().join("backups");
    let day = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 3, 0, 0).unwrap();
    assert!(store.daily_backup(&folder, 3, day(1)).unwrap().is_some());
    assert!(store.daily_backup(&folder, 3, day(1)).unwrap().is_none(), "twice on one day");
    for d in 2..=5 {
        assert!(store.daily_backup(&folder, 3, day(d)).unwrap().is_some());
    }
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["h-2026-11-03.db", "h-2026-11-04.db", "h-2026-11-05.db"]);
}
