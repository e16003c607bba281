//! Teaching a format (issue 24): an AcmeBot notification no reader knows is
//! kept raw; a template taught on it by naming its values reads it and ten
//! variations of the format right (values, lengths, an optional field absent
//! or blank, HTML whitespace, dates written four ways, a one-line and a long
//! transcript); a changed layout is reported on the template, not mis-read;
//! templates survive export and import into another data file; the CLI.

use crate::support::acmebot::Notice;
use crate::support::{fails, handoff, json_lines, ok};
use chrono::{DateTime, TimeZone, Utc};
use handoff::Store;
use handoff::ingest::email::{parse_email, parse_email_taught};
use handoff::ingest::templates::{Selection, Taught, miss_report, reread_batch};
use handoff::ingest::{Parsed, reason};
use handoff::model::{Author, NewHandoff, ParseStatus, SourceKind, TemplateField};
use handoff::store::NewWorkspace;
use handoff::teach;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap()
}

/// The values of `n` as a person selects them in the original.
fn selections(n: &Notice) -> Vec<Selection> {
    let s = |field, text: &str| Selection { field, text: text.to_string() };
    let first = n.chat.first().map(|(w, t)| format!("{w} » {t}")).unwrap();
    let last = n.chat.last().map(|(w, t)| format!("{w} » {t}")).unwrap();
    vec![
        s(TemplateField::VisitorName, &n.name),
        s(TemplateField::VisitorEmail, &n.email),
        s(TemplateField::VisitorPhone, n.phone.as_deref().unwrap()),
        s(TemplateField::Page, &n.page),
        s(TemplateField::Date, &n.when),
        s(TemplateField::Question, &n.question),
        s(TemplateField::Reason, &n.reason),
        s(TemplateField::Promise, &n.promise),
        s(TemplateField::Transcript, &format!("{first}\n{last}")),
    ]
}

/// A store with workspace "acme" holding `n` as it arrives (before any template).
fn store_with(n: &Notice) -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("h.db")).unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "UTC")).unwrap();
    let mut items = vec![Parsed::Handoff(Box::new(parse_email(&n.email(), SourceKind::Import)))];
    reread_batch(&store, &mut items, now()).unwrap();
    let out = store.ingest(&ws, items, now()).unwrap();
    (dir, store, out.inserted[0])
}

/// Everything `n` says, read as it says it.
fn assert_reads(h: &NewHandoff, n: &Notice, when: DateTime<Utc>) {
    assert_eq!(h.parse_status, ParseStatus::Ok, "{n:?}\n{:?}", h.parse_notes);
    assert_eq!(h.platform.as_deref(), Some("email:taught"), "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some(n.name.as_str()));
    assert_eq!(h.visitor.email.as_deref(), Some(n.email.as_str()));
    let phone = if n.blank_phone { None } else { n.phone.as_deref() };
    assert_eq!(h.visitor.phone.as_deref(), phone);
    assert_eq!(h.page.url.as_deref(), Some(n.page.as_str()));
    assert_eq!(h.escalated_at, Some(when), "date {:?}", n.when);
    assert_eq!(h.question.as_deref(), Some(n.question.as_str()));
    assert_eq!(h.reason_detail.as_deref(), Some(n.reason.as_str()));
    assert_eq!(h.promise.as_deref(), Some(n.promise.as_str()));
    let said: Vec<(&str, &str)> =
        h.transcript.iter().map(|m| (m.name.as_deref().unwrap_or(""), m.text.as_str())).collect();
    let want: Vec<(&str, &str)> = n.chat.iter().map(|(w, t)| (w.as_str(), t.as_str())).collect();
    assert_eq!(said, want);
    for m in &h.transcript {
        let visitor = m.name.as_deref() == Some(n.speaker().as_str());
        assert_eq!(m.author, if visitor { Author::Visitor } else { Author::Bot }, "{m:?}");
    }
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, h, m, 0).unwrap()
}

/// Ten notifications of the taught format, each with what it should read as.
fn variations() -> Vec<(Notice, DateTime<Utc>)> {
    let base = Notice::first();
    let v = |id: &str, f: &dyn Fn(&mut Notice)| {
        let mut n = base.clone();
        n.message_id = format!("{id}@acme.test");
        f(&mut n);
        n
    };
    let long_question = "I run a small bakery with three shops and we would like to move all of them to the annual plan, \
         but our accountant needs to know whether a refund is possible after thirty days if one of the shops closes, \
         and whether the refund would be pro rata or for the whole remaining period, so could somebody please explain?";
    vec![
        (base.clone(), at(10, 32)),
        (Notice::second(), Utc.with_ymd_and_hms(2026, 12, 3, 21, 5, 0).unwrap()),
        (v("no-phone", &|n| n.phone = None), at(10, 32)),
        (v("blank-phone", &|n| n.blank_phone = true), at(10, 32)),
        (
            v("long", &|n| {
                n.name = "María-Fernanda de los Santos Ibáñez".into();
                n.question = long_question.into();
                n.promise = "A person from our billing team will read the whole conversation and write back to you within one business day, usually sooner.".into();
                n.chat.insert(0, ("María-Fernanda".into(), long_question.into()));
            }),
            at(10, 32),
        ),
        (v("loose", &|n| n.loose_whitespace = true), at(10, 32)),
        (v("rfc2822", &|n| n.when = "Wed, 2 Dec 2026 10:32:00 +0100".into()), at(9, 32)),
        (v("german", &|n| n.when = "2. Dezember 2026, 10:32".into()), at(10, 32)),
        (v("iso", &|n| n.when = "2026-12-02 10:32".into()), at(10, 32)),
        (
            v("short", &|n| {
                n.name = "Al".into();
                n.email = "a@b.io".into();
                n.chat = vec![("Al".into(), "refund?".into())];
                n.question = "refund?".into();
            }),
            at(10, 32),
        ),
    ]
}

#[test]
fn an_unknown_format_is_kept_raw_then_taught_and_ten_variations_read_right() {
    let first = Notice::first();
    let (_dir, mut store, id) = store_with(&first);
    let before = store.handoff(id).unwrap().unwrap();
    assert_eq!(before.parse_status, ParseStatus::Raw, "the format must be unknown to every reader");

    // What the teaching view shows: the original as text, the values findable in it.
    let original = teach::original(&store, id).unwrap();
    assert_eq!(original.from.as_deref(), Some("bot@acme.test"));
    assert!(original.not_teachable.is_none());
    for needle in ["Reach at: dana.reyes@example.com", "Dana » Hi, I bought the annual plan last month"] {
        assert!(original.text.contains(needle), "{needle:?} not in\n{}", original.text);
    }

    // The preview reads this email fully before anything is saved.
    let p = teach::preview(&store, id, &selections(&first), now()).unwrap();
    assert_reads(&p.read, &first, at(10, 32));
    assert!(store.templates().unwrap().is_empty(), "a preview saves nothing");
    // The template keeps the format's wording, never the visitor's values.
    let json = teach::export(&p.template);
    for value in ["Dana", "dana.reyes", "555", "refunds", "pricing"] {
        assert!(!json.contains(value), "{value} leaked into the template: {json}");
    }

    // Saving re-reads the stored record: now fully read, its original kept.
    let (t, sum) = teach::teach(&mut store, id, &selections(&first), now()).unwrap();
    assert_eq!((sum.improved, sum.ok), (1, 1), "{sum:?}");
    let after = store.handoff(id).unwrap().unwrap();
    assert_eq!(after.parse_status, ParseStatus::Ok);
    assert_eq!(after.visitor.email.as_deref(), Some("dana.reyes@example.com"));
    assert_eq!(store.stored_source(id).unwrap().raw, first.email(), "the original is kept byte for byte");

    // Ten variations read right, parsed directly and through the ingest path.
    let taught = store.templates().unwrap();
    assert_eq!(taught.len(), 1);
    let ws = store.workspace("acme").unwrap().unwrap();
    for (n, when) in variations() {
        let (mut h, outcome) = parse_email_taught(&n.email(), SourceKind::Import, &taught);
        reason::finish(&mut h);
        assert!(matches!(outcome, Taught::Read { id, .. } if id == t.id), "{n:?}: {outcome:?}");
        assert_reads(&h, &n, when);
        let mut items = vec![Parsed::Handoff(Box::new(parse_email(&n.email(), SourceKind::Import)))];
        reread_batch(&store, &mut items, now()).unwrap();
        let stored = store.ingest(&ws, items, now()).unwrap();
        if n.message_id != first.message_id {
            let row = store.handoff(stored.inserted[0]).unwrap().unwrap();
            assert_eq!(row.parse_status, ParseStatus::Ok, "{n:?}");
            assert_eq!(row.visitor.email.as_deref(), Some(n.email.as_str()));
        }
    }
    assert_eq!(store.template_misses(t.id).unwrap().count, 0);
}

#[test]
fn a_changed_layout_is_reported_on_the_template_not_mis_read() {
    let first = Notice::first();
    let (_dir, mut store, id) = store_with(&first);
    let (t, _) = teach::teach(&mut store, id, &selections(&first), now()).unwrap();
    let ws = store.workspace("acme").unwrap().unwrap();

    // The platform renamed its labels and markers.
    let relabelled =
        String::from_utf8(Notice { message_id: "new-1@acme.test".into(), ..Notice::first() }.email())
            .unwrap()
            .replace("Who:", "Visitor name:")
            .replace("Reach at:", "Contact:")
            .replace("Callback no.:", "Telephone:")
            .replace("Seen on:", "Page:")
            .replace("When:", "Time:")
            .replace("~~ chat log ~~", "Conversation")
            .replace("Why I stopped:", "Reason:");
    // The platform swapped what two labels hold: the email's place holds a phone.
    let swapped =
        String::from_utf8(Notice { message_id: "new-2@acme.test".into(), ..Notice::first() }.email())
            .unwrap()
            .replace("Reach at: dana.reyes@example.com", "Reach at: +1 555 0100")
            .replace("Callback no.: +1 555 0100", "Callback no.: dana.reyes@example.com");
    // Only three of the nine places changed: still a changed layout, not an optional field left out.
    let partly =
        String::from_utf8(Notice { message_id: "new-3@acme.test".into(), ..Notice::first() }.email())
            .unwrap()
            .replace("Who:", "Visitor name:")
            .replace("Reach at:", "Contact:")
            .replace("~~ chat log ~~", "Conversation");
    let taught = store.templates().unwrap();
    let mut stored = Vec::new();
    for raw in [relabelled.as_bytes(), swapped.as_bytes(), partly.as_bytes()] {
        let (h, outcome) = parse_email_taught(raw, SourceKind::Import, &taught);
        let Taught::Miss { note, .. } = outcome else { panic!("not reported: {outcome:?}") };
        assert!(note.contains("no longer matches the template taught on 2 Dec 2026"), "{note}");
        assert_ne!(h.platform.as_deref(), Some("email:taught"));
        assert!(h.parse_notes.contains(&note));
        assert_ne!(h.visitor.email.as_deref(), Some("+1 555 0100"), "mis-read: {h:?}");
        let mut items = vec![Parsed::Handoff(Box::new(parse_email(raw, SourceKind::Import)))];
        reread_batch(&store, &mut items, now()).unwrap();
        let out = store.ingest(&ws, items, now()).unwrap();
        assert_eq!(out.inserted.len(), 1, "kept, never dropped");
        stored.push(out.inserted[0]);
    }
    let misses = store.template_misses(t.id).unwrap();
    assert_eq!(misses.count, 3);
    assert_eq!(
        miss_report(&t, misses.count).unwrap(),
        "3 notifications from bot@acme.test no longer match the template taught on 2 Dec 2026: open one and teach the format again"
    );
    // Teaching the format again from the new layout clears the report of what now matches;
    // the notifications with swapped values and with the old labels partly changed still do not.
    teach::teach(&mut store, stored[0], &selections(&first), now()).unwrap();
    let taught = store.templates().unwrap();
    let (h, _) = parse_email_taught(relabelled.as_bytes(), SourceKind::Import, &taught);
    assert_eq!(h.platform.as_deref(), Some("email:taught"));
    assert_eq!(h.visitor.email.as_deref(), Some("dana.reyes@example.com"));
    assert_eq!(store.template_misses(t.id).unwrap().count, 2);
}

#[test]
fn a_selection_not_in_the_email_is_refused_with_what_to_do() {
    let first = Notice::first();
    let (_dir, store, id) = store_with(&first);
    let mut sel = selections(&first);
    sel[1].text = "someone.else@example.com".into();
    let err = teach::preview(&store, id, &sel, now()).unwrap_err().to_string();
    assert!(err.contains("is not in this email's text as shown; select it again"), "{err}");
}

#[test]
fn templates_export_import_and_the_cli() {
    let first = Notice::first();
    let (dir, mut store, id) = store_with(&first);
    teach::teach(&mut store, id, &selections(&first), now()).unwrap();
    let db = dir.path().join("h.db");
    drop(store);

    let rows = json_lines(&ok(handoff(&db).args(["template", "list", "--json"])));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["sender"], "bot@acme.test");
    let file = dir.path().join("acmebot.json");
    ok(handoff(&db).args(["template", "export", "bot@acme.test", "-o"]).arg(&file));

    // Another data file: the second notification arrives raw, the import reads it.
    let other = dir.path().join("other.db");
    ok(handoff(&other).args(["workspace", "add", "client2", "--name", "Client 2", "--tz", "UTC"]));
    let eml = dir.path().join("second.eml");
    std::fs::write(&eml, Notice::second().email()).unwrap();
    ok(handoff(&other).args(["import", "-w", "client2"]).arg(&eml));
    let listed = json_lines(&ok(handoff(&other).args(["list", "--json"])));
    assert_eq!(listed[0]["parse_status"], "raw");
    let out = ok(handoff(&other).args(["template", "import"]).arg(&file));
    assert!(out.contains("Imported template") && out.contains("1 now ok"), "{out}");
    let listed = json_lines(&ok(handoff(&other).args(["list", "--json"])));
    assert_eq!(listed[0]["parse_status"], "ok");
    assert_eq!(listed[0]["visitor"]["email"], "marcus.lee@globex.example");

    // Errors say what happened and what to do.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"hello\": 1}").unwrap();
    let err =
        String::from_utf8(fails(handoff(&other).args(["template", "import"]).arg(&bad)).stderr).unwrap();
    assert!(err.contains("not a Handoff Desk template"), "{err}");
    let err = String::from_utf8(fails(handoff(&other).args(["template", "remove", "nobody@x.test"])).stderr)
        .unwrap();
    assert!(err.contains("handoff template list"), "{err}");
    let out = ok(handoff(&other).args(["template", "remove", "bot@acme.test"]));
    assert!(out.contains("Removed template"), "{out}");
    assert!(json_lines(&ok(handoff(&other).args(["template", "list", "--json"]))).is_empty());
}

#[test]
fn a_format_is_taught_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["workspace", "add", "acme", "--tz", "UTC"]));
    let first = Notice::first();
    let eml = dir.path().join("first.eml");
    std::fs::write(&eml, first.email()).unwrap();
    ok(handoff(&db).args(["import", "-w", "acme"]).arg(&eml));
    let shown = ok(handoff(&db).args(["template", "teach", "1"]));
    assert!(
        shown.contains("From: bot@acme.test") && shown.contains("Reach at: dana.reyes@example.com"),
        "{shown}"
    );
    let values: Vec<String> = selections(&first)
        .into_iter()
        .map(|s| format!("{}={}", s.field.as_str(), s.text.replace('\n', "\\n")))
        .collect();
    let mut dry = handoff(&db);
    dry.args(["template", "teach", "1", "--dry-run"]);
    for v in &values {
        dry.args(["--value", v]);
    }
    let out = ok(&mut dry);
    assert!(out.contains("reads handoff #1 as (ok)") && out.contains("4 message(s)"), "{out}");
    assert!(
        json_lines(&ok(handoff(&db).args(["template", "list", "--json"]))).is_empty(),
        "a dry run saves nothing"
    );
    let mut save = handoff(&db);
    save.args(["template", "teach", "1"]);
    for v in &values {
        save.args(["--value", v]);
    }
    let out = ok(&mut save);
    assert!(out.contains("Saved template") && out.contains("1 now ok"), "{out}");
    let listed = json_lines(&ok(handoff(&db).args(["list", "--json"])));
    assert_eq!(listed[0]["parse_status"], "ok");
    let err = String::from_utf8(
        fails(handoff(&db).args(["template", "teach", "1", "--value", "colour=red"])).stderr,
    )
    .unwrap();
    assert!(err.contains("no field \"colour\"; the fields are visitor_name"), "{err}");
}
