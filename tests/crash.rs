//! Crash safety: a `kill -9` during a large import leaves a consistent
//! database, and re-running the import completes it with no duplicates.

use crate::support::{handoff, ok};
use handoff::Store;
use std::time::{Duration, Instant};

fn count(db: &std::path::Path) -> i64 {
    let Ok(conn) = rusqlite::Connection::open(db) else { return 0 };
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.query_row("SELECT count(*) FROM handoffs", [], |r| r.get(0)).unwrap_or(0)
}

#[test]
fn kill_9_during_import_then_rerun_completes_without_duplicates() {
    const N: usize = 6000;
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    for (i, e) in handoff::demo::notification_emails(N, 42, chrono::Utc::now()).enumerate() {
        std::fs::write(mail.join(format!("{i:05}.eml")), e).unwrap();
    }
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["init", "--workspace", "acme"]));

    // Kill at several points: as soon as the first batch lands, and later.
    let mut seen = Vec::new();
    for target in [1, N as i64 / 3, 2 * N as i64 / 3] {
        let mut child = handoff(&db).args(["import", "--batch", "100"]).arg(&mail).spawn().unwrap();
        let start = Instant::now();
        while count(&db) < target && start.elapsed() < Duration::from_secs(120) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(fastrand::u64(1..30)));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let store = Store::open(&db).unwrap();
        assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
        // Whole batches only: every stored handoff has its raw source, index row and event.
        let orphans: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM handoffs h WHERE NOT EXISTS (SELECT 1 FROM raw_sources r WHERE r.handoff_id = h.id)
                   OR NOT EXISTS (SELECT 1 FROM events e WHERE e.handoff_id = h.id AND e.kind = 'received')
                   OR NOT EXISTS (SELECT 1 FROM handoff_fts f WHERE f.rowid = h.id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        seen.push(store.count(None).unwrap());
    }
    assert!(seen.iter().any(|&c| c > 0 && c < N as i64), "no kill landed mid-import: {seen:?}");

    let out = ok(handoff(&db).arg("import").arg(&mail));
    assert!(out.contains("already there"), "{out}");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.count(None).unwrap(), N as i64);
    let distinct: i64 =
        store.conn().query_row("SELECT count(DISTINCT source_key) FROM handoffs", [], |r| r.get(0)).unwrap();
    assert_eq!(distinct, N as i64);
}
