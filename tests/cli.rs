//! The `handoff` CLI end to end: demo, list, show, search, import, errors.

use crate::support::{fails, handoff, json_lines, ok, shared, text};

#[test]
fn demo_then_list_show_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = ok(handoff(&db).args(["demo", "--per-client", "60"]));
    assert!(out.contains("Demo ready: 183 handoffs"), "{out}");

    let rows = json_lines(&ok(handoff(&db).args(["list", "--limit", "1000", "--json"])));
    assert_eq!(rows.len(), 183);
    let workspaces: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["workspace"].as_str().unwrap()).collect();
    assert_eq!(workspaces.len(), 3);
    let reasons: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["reason"].as_str().unwrap()).collect();
    for r in
        ["knowledge_gap", "low_confidence", "human_request", "frustration", "policy_topic", "high_intent"]
    {
        assert!(reasons.contains(r), "demo lacks reason {r}: {reasons:?}");
    }
    assert!(rows.iter().any(|r| r["after_hours"] == true));
    assert!(rows.iter().any(|r| r["after_hours"] == false));
    assert_eq!(rows.iter().filter(|r| r["parse_status"] == "raw").count(), 3);
    let understood = rows.iter().filter(|r| r["parse_status"] == "ok").count();
    assert!(understood >= 175, "only {understood} demo handoffs fully understood");
    let first = rows.iter().map(|r| r["received_at"].as_str().unwrap()).min().unwrap();
    let last = rows.iter().map(|r| r["received_at"].as_str().unwrap()).max().unwrap();
    let span = chrono::DateTime::parse_from_rfc3339(last).unwrap()
        - chrono::DateTime::parse_from_rfc3339(first).unwrap();
    assert!(span.num_days() > 60, "demo spans only {} days", span.num_days());

    // The human table names what a person needs.
    let table = ok(handoff(&db).arg("list"));
    assert!(table.contains("WORKSPACE") && table.contains("QUESTION"), "{table}");

    // `show` prints a readable transcript.
    let id = rows.iter().find(|r| r["parse_status"] == "ok").unwrap()["id"].as_i64().unwrap();
    let shown = ok(handoff(&db).args(["show", &id.to_string()]));
    for needle in ["Visitor", "Page", "Reason", "Transcript", "Timeline", "received"] {
        assert!(shown.contains(needle), "show lacks {needle}:\n{shown}");
    }
    let detail: serde_json::Value =
        serde_json::from_str(&ok(handoff(&db).args(["show", &id.to_string(), "--json"]))).unwrap();
    assert!(detail["transcript"].as_array().unwrap().len() >= 4);

    // `search refund` finds exactly the handoffs that talk about refunds.
    let hits = json_lines(&ok(handoff(&db).args(["search", "refund*", "--limit", "500", "--json"])));
    assert!(!hits.is_empty());
    for h in &hits {
        let d: serde_json::Value =
            serde_json::from_str(&ok(handoff(&db).args(["show", &h["id"].to_string(), "--json"]))).unwrap();
        assert!(d.to_string().to_lowercase().contains("refund"), "hit {} does not mention refunds", h["id"]);
    }
    let expected = rows
        .iter()
        .filter(|r| r["question"].as_str().unwrap_or("").to_lowercase().contains("refund"))
        .count();
    assert!(hits.len() >= expected, "search found {} of {expected} refund questions", hits.len());
}

#[test]
fn importing_the_same_files_twice_leaves_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mail = dir.path().join("mail");
    std::fs::create_dir(&mail).unwrap();
    let now = chrono::Utc::now();
    for (i, e) in handoff::demo::notification_emails(40, 7, now).enumerate() {
        std::fs::write(mail.join(format!("{i:03}.eml")), e).unwrap();
    }
    let first = ok(handoff(&db).arg("import").arg(&mail));
    assert!(first.contains("Imported 40 handoffs"), "{first}");
    let snapshot = ok(handoff(&db).args(["list", "--limit", "1000", "--json"]));
    let second = ok(handoff(&db).arg("import").arg(&mail));
    assert!(second.contains("Imported 0 handoffs") && second.contains("40 already there"), "{second}");
    assert_eq!(snapshot, ok(handoff(&db).args(["list", "--limit", "1000", "--json"])));
}

#[test]
fn every_shared_reference_file_imports_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["init", "--workspace", "ref"]));
    for sub in ["eml", "payloads"] {
        let folder = shared(sub);
        let files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e != "md"))
            .collect();
        assert!(files.len() >= 9, "too few files in {}", folder.display());
        for f in files {
            let out = handoff(&db).arg("import").arg(&f).output().unwrap();
            assert!(out.status.success(), "{}: {}", f.display(), text(&out.stderr));
        }
    }
    let rows = json_lines(&ok(handoff(&db).args(["list", "--limit", "1000", "--json"])));
    // Every .eml becomes a handoff (raw or better); payloads become handoffs or recorded skips.
    assert!(rows.len() >= 25, "only {} rows", rows.len());
    let doctor = ok(handoff(&db).arg("doctor"));
    assert!(doctor.contains("Integrity: ok"), "{doctor}");
}

#[test]
fn errors_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["init", "--workspace", "one"]));
    ok(handoff(&db).args(["workspace", "add", "two", "--tz", "Europe/Berlin"]));
    let out = fails(handoff(&db).args(["list", "--workspace", "nope"]));
    assert!(text(&out.stderr).contains("no workspace named \"nope\""), "{}", text(&out.stderr));
    let out = fails(handoff(&db).args(["show", "999"]));
    assert!(text(&out.stderr).contains("handoff list"), "{}", text(&out.stderr));
    let f = dir.path().join("x.json");
    std::fs::write(&f, "{}").unwrap();
    let out = fails(handoff(&db).arg("import").arg(&f));
    assert!(text(&out.stderr).contains("--workspace"), "{}", text(&out.stderr));
    let out = fails(handoff(&db).args(["list", "--reason", "angry"]));
    assert!(text(&out.stderr).contains("knowledge_gap"), "{}", text(&out.stderr));
    let out = fails(handoff(&db).args(["workspace", "add", "three", "--tz", "Moon/Base"]));
    assert!(text(&out.stderr).contains("IANA"), "{}", text(&out.stderr));
}

#[test]
fn broken_and_hostile_files_are_kept_raw_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let files = [
        ("broken.json", b"{\"visitor\": {\"name\": \"Dana\"".to_vec()),
        ("binary.eml", (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect()),
        ("empty.eml", Vec::new()),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    for (name, _) in &files {
        ok(handoff(&db).arg("import").arg(dir.path().join(name)));
    }
    let flagged = json_lines(&ok(handoff(&db).args(["list", "--flagged", "--json"])));
    assert_eq!(flagged.len(), 3);
    for f in &flagged {
        assert!(!f["parse_notes"].as_array().unwrap().is_empty(), "no explanation for {f}");
    }
    let id = flagged.iter().find(|f| f["source_key"].as_str().unwrap().starts_with("sha256:")).unwrap()["id"]
        .to_string();
    let raw = handoff(&db).args(["show", &id, "--raw"]).output().unwrap();
    assert!(raw.status.success());
    assert!(files.iter().any(|(_, b)| *b == raw.stdout), "raw source not kept verbatim");
}
