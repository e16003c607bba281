//! `handoff forget`: after it, a byte scan of the data file and its WAL finds
//! none of the visitor's name, email, phone or words, and every other handoff
//! is exactly as it was.

use crate::support::{fails, handoff, json_lines, ok};
use chrono::Utc;
use handoff::Store;
use handoff::store::{ErasureTarget, NewJob, NewReply, ReplyKind, Teammate};
use std::path::Path;

/// A canonical handoff as the relay or a file import takes it.
fn canonical(id: &str, name: &str, email: &str, phone: &str, question: &str, line: &str, day: u32) -> String {
    serde_json::json!({
        "id": id, "workspace": "acme", "bot": "Convira", "reason": "knowledge_gap",
        "visitor": { "name": name, "email": email, "phone": phone },
        "page": { "url": "https://acme.test/help", "title": "Help" },
        "started_at": format!("2026-11-{day:02}T10:00:00Z"), "escalated_at": format!("2026-11-{day:02}T10:02:00Z"),
        "question": question,
        "transcript": [
            { "from": "visitor", "at": format!("2026-11-{day:02}T10:00:00Z"), "text": line },
            { "from": "bot", "at": format!("2026-11-{day:02}T10:00:02Z"), "text": "I could not find that, sorry." },
        ],
    })
    .to_string()
}

/// What must not survive: the erased visitor's name, email, phone and words.
const GONE: &[&str] = &[
    "Zebulon",
    "Quixotic",
    "zebulon.quixotic@",
    "+44 20 7946 0958",
    "hinge snapped on parcel QX77812",
    "qx77812",
    "warranty for the walnut armoire",
    "Dear Zebulon, the armoire",
];

fn input(dir: &Path) -> std::path::PathBuf {
    let lines = [
        canonical(
            "evt-z1",
            "Zebulon Quixotic",
            "Zebulon.Quixotic@example.org",
            "+44 20 7946 0958",
            "Is there a warranty for the walnut armoire?",
            "The hinge snapped on parcel QX77812, is there a warranty for the walnut armoire?",
            3,
        ),
        canonical(
            "evt-z2",
            "Zebulon Quixotic",
            "zebulon.quixotic@example.org",
            "",
            "Can I collect the armoire myself?",
            "Zebulon here again about QX77812: can I collect the armoire myself?",
            9,
        ),
        canonical(
            "evt-a",
            "Dana Reyes",
            "dana@example.com",
            "+1 555 0100",
            "Do you ship to Norway?",
            "Do you ship to Norway?",
            4,
        ),
        canonical(
            "evt-b",
            "Priya Natarajan",
            "priya@example.net",
            "",
            "Can I pay by invoice?",
            "Can I pay by invoice?",
            5,
        ),
        canonical(
            "evt-c",
            "Mats Olsen",
            "mats@example.se",
            "",
            "Is the oak table in stock?",
            "Is the oak table in stock?",
            6,
        ),
    ];
    let path = dir.join("events.ndjson");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

fn scan(db: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        let Ok(bytes) = std::fs::read(&file) else { continue };
        let lower: Vec<u8> = bytes.to_ascii_lowercase();
        for needle in GONE {
            let n = needle.to_ascii_lowercase().into_bytes();
            if lower.windows(n.len()).any(|w| w == n.as_slice()) {
                found.push(format!("{needle:?} in {}", file.display()));
            }
        }
    }
    found
}

#[test]
fn forget_leaves_no_byte_of_the_visitor_and_every_other_handoff_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["init", "--workspace", "acme"]));
    let file = input(dir.path());
    ok(handoff(&db).arg("import").arg(&file).args(["--workspace", "acme"]));

    // Everything else that can carry them: a reply, a note, a claim, a gap
    // embedding and checklist item, an outbox job not tied to a handoff.
    let rows = json_lines(&ok(handoff(&db).args(["list", "--json", "--limit", "100"])));
    let id_of = |email: &str| -> Vec<i64> {
        rows.iter()
            .filter(|r| r["visitor"]["email"].as_str().unwrap_or("").eq_ignore_ascii_case(email))
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let theirs = id_of("zebulon.quixotic@example.org");
    assert_eq!(theirs.len(), 2);
    let others: Vec<i64> =
        rows.iter().map(|r| r["id"].as_i64().unwrap()).filter(|i| !theirs.contains(i)).collect();
    {
        let mut store = Store::open(&db).unwrap();
        let ws = store.require_workspace("acme").unwrap();
        let now = Utc::now();
        store
            .queue_reply(
                &ws,
                &NewReply {
                    handoff_id: theirs[0],
                    kind: ReplyKind::Reply,
                    message_id: "<r1@acme.test>".into(),
                    in_reply_to: None,
                    from: "help@acme.test".into(),
                    to: "zebulon.quixotic@example.org".into(),
                    subject: "Your armoire".into(),
                    body_text: "Dear Zebulon, the armoire has a two-year warranty.".into(),
                },
                now,
            )
            .unwrap();
        store.add_event(theirs[1], "note", Some("Zebulon called about QX77812"), now).unwrap();
        store
            .claim_handoff(theirs[0], &Teammate { name: "Sam".into(), email: "sam@acme.test".into() }, now)
            .unwrap();
        store
            .put_question_vectors(
                "test-model",
                &[(theirs[0], "Is there a warranty for the walnut armoire?".into(), vec![0.5; 8])],
            )
            .unwrap();
        store
            .add_gap_check(
                ws.id,
                "2026-11",
                "Is there a warranty for the walnut armoire?",
                &[theirs[0], others[0]],
                None,
                now,
            )
            .unwrap();
        store
            .enqueue(
                &NewJob {
                    workspace_id: ws.id,
                    handoff_id: None,
                    kind: "smtp_send".into(),
                    idempotency_key: "loose-1".into(),
                    payload: r#"{"to":"zebulon.quixotic@example.org"}"#.into(),
                },
                now,
            )
            .unwrap();
    }
    let before: Vec<String> =
        others.iter().map(|id| ok(handoff(&db).args(["show", &id.to_string(), "--json"]))).collect();
    assert!(!scan(&db).is_empty(), "the scan must see the visitor before the erasure");

    // Without --yes and without a terminal it refuses; a dry run changes nothing.
    fails(handoff(&db).args(["forget", "ZEBULON.QUIXOTIC@example.org"]));
    let dry = ok(handoff(&db).args(["forget", "ZEBULON.QUIXOTIC@example.org", "--dry-run"]));
    assert!(dry.contains("This erases 2 handoff(s)") && dry.contains("emails written to them"), "{dry}");
    assert_eq!(json_lines(&ok(handoff(&db).args(["list", "--json"]))).len(), 5);

    let out = ok(handoff(&db).args(["forget", "ZEBULON.QUIXOTIC@example.org", "--yes"]));
    assert!(out.contains("Erased 2 handoff(s)"), "{out}");

    let found = scan(&db);
    assert!(found.is_empty(), "still in the file: {found:?}");
    let after: Vec<String> =
        others.iter().map(|id| ok(handoff(&db).args(["show", &id.to_string(), "--json"]))).collect();
    assert_eq!(before, after, "other handoffs changed");
    assert_eq!(json_lines(&ok(handoff(&db).args(["search", "norway", "--json"]))).len(), 1);
    assert!(json_lines(&ok(handoff(&db).args(["search", "armoire", "--json"]))).is_empty());

    let store = Store::open(&db).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    let t = store.tombstones().unwrap();
    assert_eq!((t.len(), t[0].by.as_str(), t[0].handoffs), (1, "email", 2));
    assert!(!t[0].detail.to_string().to_lowercase().contains("zebulon"));
    let checks = store.gap_checks(store.require_workspace("acme").unwrap().id, "2026-12").unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!((checks[0].members.clone(), checks[0].label.as_str()), (vec![others[0]], "(wording erased)"));
    drop(store);

    // Importing the same file again does not bring them back.
    let again = ok(handoff(&db).arg("import").arg(&file).args(["--workspace", "acme"]));
    assert!(again.contains("Imported 0 handoffs"), "{again}");
    assert_eq!(json_lines(&ok(handoff(&db).args(["list", "--json"]))).len(), 3);
}

#[test]
fn forget_by_phone_or_by_handoff_takes_only_those() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["init", "--workspace", "acme"]));
    ok(handoff(&db).arg("import").arg(input(dir.path())).args(["--workspace", "acme"]));
    let mut store = Store::open(&db).unwrap();
    // The phone by its digits: written another way, it is the same number.
    let plan = store.erasure_plan(&ErasureTarget::Phone("0044 (20) 79460958".into())).unwrap();
    assert_eq!(plan.handoffs.len(), 1);
    assert!(store.erasure_plan(&ErasureTarget::Phone("0958".into())).is_err(), "too short to be a number");
    let one = plan.handoffs[0].id;
    let done = store.forget(&ErasureTarget::Handoff(one), Utc::now()).unwrap();
    assert_eq!(done.counts.handoffs, 1);
    assert!(done.scrub.wal_emptied);
    assert_eq!(store.count(None).unwrap(), 4);
    assert!(store.forget(&ErasureTarget::Handoff(one), Utc::now()).is_err());
    assert!(store.forget(&ErasureTarget::Email("nobody@example.com".into()), Utc::now()).is_err());
    assert_eq!(store.tombstones().unwrap().len(), 1);
}
