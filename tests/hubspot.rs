//! Leads to HubSpot against the stand-in (tests/support/hubspot.rs), which
//! checks every request against HubSpot's own OpenAPI specs: one contact per
//! email and one note per handoff whatever happens — retries, a storm of
//! 429s, 500s, hangs, a kill -9 between HubSpot's answer and the commit — and
//! never a request faster than the rate window; token trouble pauses only the
//! workspace it concerns, with words that say what to do.

use crate::support::hubspot::{HubSpot, TOKEN};
use crate::support::keychain::Keychain;
use crate::support::{handoff, json_lines, ok, text};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub(crate) struct Rig {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) db: PathBuf,
    pub(crate) kc: Keychain,
    pub(crate) hs: HubSpot,
    /// Every command uses a 1 s rate window and batches of 4 (the storm test).
    pub(crate) tight: bool,
}

/// A canonical handoff; `n` makes the wording and id unique.
pub(crate) fn lead(ws: &str, n: usize, email: Option<&str>) -> Value {
    json!({
        "id": format!("evt-{ws}-{n}"), "workspace": ws, "bot": "Convira",
        "reason": "knowledge_gap", "reason_detail": "no article matched",
        "visitor": { "name": format!("Dana Reyes {n}"), "email": email, "phone": "+1 555 0100" },
        "page": { "url": format!("https://acme.test/pricing?n={n}"), "title": "Pricing <b>& plans</b>" },
        "started_at": "2026-11-20T01:58:00Z", "escalated_at": "2026-11-20T02:04:11Z",
        "question": format!("Do you offer refunds after {n} days?"),
        "transcript": [
            { "from": "visitor", "at": "2026-11-20T01:58:00Z", "text": format!("Hi, question number {n} <script>alert(1)</script>") },
            { "from": "bot", "at": "2026-11-20T01:58:02Z", "text": "I'm not sure about that & will get a person." },
            { "from": "visitor", "at": "2026-11-20T01:59:00Z", "text": format!("Refunds after {n} days?") }
        ]
    })
}

impl Rig {
    pub(crate) fn start(workspaces: &[&str]) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        let rig = Rig { db, kc: Keychain::start(), hs: HubSpot::start(), dir, tight: false };
        for ws in workspaces {
            ok(handoff(&rig.db).args(["init", "--workspace", ws, "--tz", "Europe/Berlin"]));
        }
        rig
    }

    pub(crate) fn cli(&self) -> Command {
        let mut c = handoff(&self.db);
        self.kc.apply(&mut c);
        c.env("HANDOFF_HUBSPOT_TIMEOUT_MS", "1500").env("HANDOFF_HUBSPOT_BACKOFF_MS", "200");
        if self.tight {
            c.env("HANDOFF_HUBSPOT_WINDOW_MS", "1000").env("HANDOFF_HUBSPOT_BATCH", "4");
        }
        c
    }

    pub(crate) fn connect(&self, ws: &str, token: &str, extra: &[&str]) -> std::process::Output {
        let mut c = self.cli();
        c.args(["hubspot", "connect", "-w", ws, "--token-stdin", "--base-url", &self.hs.url()]).args(extra);
        run_with_input(&mut c, &format!("{token}\n"))
    }

    pub(crate) fn import(&self, ws: &str, leads: &[Value]) {
        let file = self.dir.path().join(format!("leads-{}.ndjson", fastrand_name()));
        let body: Vec<String> = leads.iter().map(|l| l.to_string()).collect();
        std::fs::write(&file, body.join("\n")).unwrap();
        ok(self.cli().args(["import", "-w", ws]).arg(&file));
    }

    pub(crate) fn ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = json_lines(&ok(self.cli().args(["list", "--json"])))
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect();
        ids.sort();
        ids
    }

    pub(crate) fn show(&self, id: i64) -> Value {
        serde_json::from_str(&ok(self.cli().args(["show", &id.to_string(), "--json"]))).unwrap()
    }

    /// `outbox run` until no push waits (retries come due after their backoff).
    pub(crate) fn drain(&self) {
        for _ in 0..60 {
            ok(self.cli().args(["outbox", "run"]));
            let out = ok(self.cli().args(["outbox", "--json"]));
            let waiting = json_lines(&out)
                .iter()
                .filter(|j| {
                    j["kind"] == "hubspot_push" && (j["state"] == "pending" || j["state"] == "sending")
                })
                .count();
            if waiting == 0 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        panic!("pushes still waiting: {}", ok(self.cli().args(["outbox"])));
    }
}

/// 40 messages of ~3,000 characters each ('&' doubles as it is escaped): past HubSpot's note limit.
pub(crate) fn long_lead() -> Value {
    let mut l = lead("acme", 5, Some("long@example.com"));
    l["transcript"] = (0..40)
        .map(|i| json!({ "from": if i % 2 == 0 { "visitor" } else { "bot" }, "text": format!("long message {i} {}", "fish & chips ".repeat(230)) }))
        .collect();
    l
}

pub(crate) fn fastrand_name() -> String {
    format!("{:?}", std::time::Instant::now()).chars().filter(|c| c.is_ascii_digit()).collect()
}

pub(crate) fn run_with_input(cmd: &mut Command, input: &str) -> std::process::Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

pub(crate) fn contacts(s: &Value) -> Vec<(&String, &Value)> {
    s["contacts"].as_object().unwrap().iter().collect()
}

pub(crate) fn notes(s: &Value) -> Vec<&Value> {
    s["notes"].as_object().unwrap().values().collect()
}

pub(crate) fn contact_by_email<'a>(s: &'a Value, email: &str) -> (&'a String, &'a Value) {
    s["contacts"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, c)| c["email"] == email)
        .unwrap_or_else(|| panic!("no contact {email}: {s}"))
}

#[test]
pub(crate) fn each_handoff_becomes_one_contact_and_one_note_and_resolving_updates_the_tag() {
    let rig = Rig::start(&["acme"]);
    let out = rig.connect("acme", TOKEN, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("crm.objects.contacts.write"), "{said}");
    let s = rig.hs.state();
    let props: Vec<&str> =
        s["properties"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for p in
        ["chatbot_escalation", "chatbot_escalation_status", "chatbot_escalated_at", "chatbot_escalation_page"]
    {
        assert!(props.contains(&p), "property {p} not created: {props:?}");
    }

    // Two handoffs from one visitor, one from another, one with no email: all arrive after connecting.
    rig.import(
        "acme",
        &[
            lead("acme", 1, Some("dana@example.com")),
            lead("acme", 2, Some("Dana@Example.com")),
            lead("acme", 3, Some("lee@example.com")),
            lead("acme", 4, None),
            long_lead(),
        ],
    );
    rig.drain();
    let s = rig.hs.state();
    // The long transcript is cut to HubSpot's limit (the stand-in refuses longer notes), and says so.
    let (long_id, _) = contact_by_email(&s, "long@example.com");
    let long_note = notes(&s).into_iter().find(|n| n["contact_ids"] == json!([long_id])).unwrap();
    let body = long_note["properties"]["hs_note_body"].as_str().unwrap();
    assert!(body.chars().count() <= 65_536, "{} characters", body.chars().count());
    assert!(
        body.contains("The whole transcript is in Handoff Desk") && body.contains("Handoff Desk ref HD-")
    );
    assert!(body.contains("long message 0 ") && !body.contains("long message 39 "));
    assert_eq!(contacts(&s).len(), 3, "one contact per email: {}", s["contacts"]);
    assert_eq!(notes(&s).len(), 4, "one note per handoff with an email");
    let (dana_id, dana) = contact_by_email(&s, "dana@example.com");
    assert_eq!(dana["chatbot_escalation"], "knowledge_gap");
    assert_eq!(dana["chatbot_escalation_status"], "open");
    assert_eq!(dana["firstname"], "Dana");
    assert_eq!(dana["phone"], "+1 555 0100");
    assert!(dana["chatbot_escalation_page"].as_str().unwrap().starts_with("https://acme.test/pricing"));
    let dana_notes = notes(&s).into_iter().filter(|n| n["contact_ids"] == json!([dana_id])).count();
    assert_eq!(dana_notes, 2, "both of Dana's handoffs are notes on her one contact");
    for n in notes(&s).into_iter().filter(|n| n["contact_ids"] != json!([long_id])) {
        let body = n["properties"]["hs_note_body"].as_str().unwrap();
        assert!(body.contains("I&#39;m not sure about that &amp; will get a person."), "{body}");
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "transcript text is escaped: {body}");
        assert!(!body.contains("<script>"), "{body}");
        assert!(body.contains("Refunds after"), "the whole transcript: {body}");
        assert!(body.contains("Knowledge gap"), "the reason: {body}");
        assert!(body.contains("href=\"https://acme.test/pricing?n="), "the page: {body}");
    }
    let ids = rig.ids();
    let no_email = rig.show(ids[3]);
    assert_eq!(no_email["hubspot"]["state"], "no_email");
    assert!(no_email["hubspot"]["message"].as_str().unwrap().contains("no email"));

    // Pushing again (the owner's click) changes nothing in HubSpot's counts.
    let out = ok(rig.cli().args(["push", &ids[0].to_string(), &ids[2].to_string()]));
    assert!(out.contains("queued"), "{out}");
    let s = rig.hs.state();
    assert_eq!((contacts(&s).len(), notes(&s).len()), (3, 4));

    // Resolving Lee's handoff marks Lee's contact resolved.
    ok(rig.cli().args(["resolve", &ids[2].to_string()]));
    rig.drain();
    let s = rig.hs.state();
    assert_eq!(contact_by_email(&s, "lee@example.com").1["chatbot_escalation_status"], "resolved");
    assert_eq!(contact_by_email(&s, "dana@example.com").1["chatbot_escalation_status"], "open");
    assert_eq!((contacts(&s).len(), notes(&s).len()), (3, 4));
    let shown = ok(rig.cli().args(["show", &ids[2].to_string()]));
    assert!(shown.contains("HubSpot") && shown.contains("pushed"), "{shown}");
    rig.hs.assert_clean();
}

#[test]
pub(crate) fn a_request_that_breaks_the_spec_is_refused_and_recorded() {
    let hs = HubSpot::start();
    let c = reqwest::blocking::Client::new();
    let url = format!("{}/crm/v3/objects/contacts/batch/upsert", hs.url());
    // `id` is required in each input; a property value must be a string.
    for body in [
        json!({ "inputs": [{ "idProperty": "email", "properties": { "firstname": "A" } }] }),
        json!({ "inputs": [{ "idProperty": "email", "id": "a@b.test", "properties": { "firstname": 7 } }] }),
    ] {
        let r = c.post(&url).bearer_auth(TOKEN).json(&body).send().unwrap();
        assert_eq!(r.status().as_u16(), 400);
    }
    let r = c
        .get(format!("{}/crm/v3/objects/contacts/nowhere/else", hs.url()))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let s = hs.state();
    assert_eq!(s["violations"].as_array().unwrap().len(), 3, "{}", s["violations"]);
    assert!(s["violations"][0].as_str().unwrap().contains("'id' is a required property"));
}

#[test]
pub(crate) fn a_storm_of_429s_500s_hangs_and_a_kill_pushes_each_handoff_exactly_once_within_the_window() {
    let mut rig = Rig::start(&["acme"]);
    // A tight window so pacing matters: 8 requests per second at the stand-in;
    // the app is told 6 and uses 90 % of that, which leaves room for the
    // uneven delays between the app taking a slot and the request arriving.
    rig.tight = true;
    rig.hs.window(8, 1000);
    let out = rig.connect("acme", TOKEN, &["--rate", "6"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let leads: Vec<Value> =
        (0..24).map(|n| lead("acme", n, Some(&format!("visitor{}@example.com", n % 18)))).collect();
    rig.import("acme", &leads);

    // First run: HubSpot answers the notes, the process dies before committing.
    let out =
        rig.cli().args(["outbox", "run"]).env("HANDOFF_TEST_CRASH_AFTER_HUBSPOT", "1").output().unwrap();
    assert!(!out.status.success(), "the crash hook should have aborted the run");
    let after_crash = notes(&rig.hs.state()).len();
    assert!(after_crash > 0, "the first batch's notes reached HubSpot before the crash");

    // Then a storm: rate limits with Retry-After, server errors, a hang past the timeout.
    rig.hs.faults(json!([
        { "status": 429, "retry_after": 1, "times": 3, "path": "batch/upsert" },
        { "status": 500, "times": 2, "path": "notes/batch/create" },
        { "hang": 3, "times": 1, "path": "notes/batch/create" },
        { "status": 503, "times": 2, "path": "" },
        { "status": 429, "times": 2, "path": "associations" }
    ]));
    rig.drain();

    let s = rig.hs.state();
    assert_eq!(contacts(&s).len(), 18, "one contact per distinct email");
    let bodies: Vec<String> =
        notes(&s).iter().map(|n| n["properties"]["hs_note_body"].as_str().unwrap().to_string()).collect();
    assert_eq!(bodies.len(), 24, "one note per handoff, none doubled by the crash or the retries");
    for n in 0..24 {
        let mark = format!("question number {n} ");
        assert_eq!(
            bodies.iter().filter(|b| b.contains(&mark)).count(),
            1,
            "handoff {n} has exactly one note"
        );
    }
    let statuses: Vec<i64> =
        s["requests"].as_array().unwrap().iter().map(|r| r["status"].as_i64().unwrap_or(0)).collect();
    assert!(statuses.contains(&429) && statuses.contains(&500) && statuses.contains(&503), "{statuses:?}");
    for id in rig.ids() {
        assert_eq!(rig.show(id)["hubspot"]["state"], "pushed");
    }
    rig.hs.assert_clean();
}

#[test]
pub(crate) fn a_revoked_token_or_a_missing_scope_pauses_only_its_workspace_with_the_fix() {
    let rig = Rig::start(&["acme", "beta", "gamma"]);
    let all = [
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
        "crm.schemas.contacts.read",
        "crm.schemas.contacts.write",
    ];
    rig.hs.tokens(json!({ "tok-acme": all, "tok-beta": all, "tok-gamma": all,
                          "tok-noschema": ["crm.objects.contacts.read", "crm.objects.contacts.write", "crm.schemas.contacts.read"] }));

    // Connecting with a token that cannot create the properties names the scope and saves nothing.
    let out = rig.connect("gamma", "tok-noschema", &[]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("crm.schemas.contacts.write") && err.contains("Nothing was saved"), "{err}");
    let out = rig.connect("gamma", "wrong-token", &[]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("refused the token"), "{}", text(&out.stderr));

    for ws in ["acme", "beta", "gamma"] {
        // beta's owner lets the app set the lead status; the others leave it to their sales reps.
        let extra: &[&str] = if ws == "beta" { &["--lead-status"] } else { &[] };
        let out = rig.connect(ws, &format!("tok-{ws}"), extra);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    for (n, ws) in ["acme", "beta", "gamma"].into_iter().enumerate() {
        rig.import(ws, &[lead(ws, n, Some(&format!("{}@example.com", &ws[..1])))]);
    }
    // acme's token is revoked; gamma's loses the write scope.
    rig.hs.tokens(
        json!({ "tok-beta": all, "tok-gamma": ["crm.objects.contacts.read", "crm.schemas.contacts.read"] }),
    );
    ok(rig.cli().args(["outbox", "run"]));

    let s = rig.hs.state();
    assert_eq!(contacts(&s).len(), 1, "beta pushed while the others wait");
    assert_eq!(contact_by_email(&s, "b@example.com").1["hs_lead_status"], "NEW");
    let status = ok(rig.cli().args(["hubspot", "status"]));
    let acme = status.lines().skip_while(|l| !l.starts_with("acme")).nth(1).unwrap_or_default();
    assert!(
        acme.contains("PAUSED")
            && acme.contains("refused the token")
            && acme.contains("handoff hubspot connect --workspace acme"),
        "{status}"
    );
    let gamma = status.lines().skip_while(|l| !l.starts_with("gamma")).nth(1).unwrap_or_default();
    assert!(gamma.contains("PAUSED") && gamma.contains("crm.objects.contacts.write"), "{status}");
    let ids = rig.ids();
    assert_eq!(rig.show(ids[0])["hubspot"]["state"], "stopped");

    // Paused means no more calls for that workspace: another run sends nothing for acme.
    let before = rig.hs.state()["requests"].as_array().unwrap().len();
    ok(rig.cli().args(["outbox", "run"]));
    assert_eq!(rig.hs.state()["requests"].as_array().unwrap().len(), before);

    // A new token and a reconnect: acme's lead goes out.
    rig.hs.tokens(json!({ "tok-beta": all, "tok-acme2": all }));
    let out = rig.connect("acme", "tok-acme2", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // (gamma stays paused, so run until acme's lead is out rather than until the outbox is empty)
    for _ in 0..30 {
        ok(rig.cli().args(["outbox", "run"]));
        if rig.hs.state()["contacts"].as_object().unwrap().values().any(|c| c["email"] == "a@example.com") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let s = rig.hs.state();
    assert_eq!(contact_by_email(&s, "a@example.com").1.get("hs_lead_status"), None);
    assert_eq!(notes(&s).len(), 2);
    assert_eq!(rig.show(ids[2])["hubspot"]["state"], "stopped", "gamma still waits for its scope");
    rig.hs.assert_clean();
}

/// The notes the app made (not the ones the portal already had).
pub(crate) fn ours(s: &Value) -> Vec<String> {
    notes(s)
        .into_iter()
        .filter(|n| n["seeded"] != true)
        .map(|n| n["properties"]["hs_note_body"].as_str().unwrap().to_string())
        .collect()
}

/// Exactly one note of ours per handoff `0..n` (matched by its unique question).
pub(crate) fn assert_one_note_each(s: &Value, n: usize) {
    let bodies = ours(s);
    for i in 0..n {
        let mark = format!("question number {i} ");
        let count = bodies.iter().filter(|b| b.contains(&mark)).count();
        assert_eq!(count, 1, "handoff {i} has {count} notes");
    }
    assert_eq!(bodies.len(), n, "one note per handoff, no more");
}

/// Every batch call sent 1 to 100 inputs (the stand-in also records breaches
/// as violations; this says which call when one slips).
pub(crate) fn assert_batches_in_bounds(s: &Value) {
    for r in s["requests"].as_array().unwrap() {
        if let Some(n) = r["inputs"].as_i64() {
            assert!((1..=100).contains(&n), "{} {} sent {n} inputs", r["method"], r["path"]);
        }
    }
}

pub(crate) fn requests_to<'a>(s: &'a Value, path: &str) -> Vec<&'a Value> {
    s["requests"].as_array().unwrap().iter().filter(|r| r["path"].as_str().unwrap().contains(path)).collect()
}

pub(crate) fn push_jobs(rig: &Rig) -> Vec<Value> {
    json_lines(&ok(rig.cli().args(["outbox", "--json"])))
        .into_iter()
        .filter(|j| j["kind"] == "hubspot_push")
        .collect()
}

#[test]
pub(crate) fn contacts_that_already_have_notes_and_a_crash_after_the_notes_leave_one_note_per_handoff() {
    let rig = Rig::start(&["acme"]);
    assert!(rig.connect("acme", TOKEN, &[]).status.success());
    // 120 visitors HubSpot already knows, each with two older notes; two
    // associations a page, so every contact's note list is paged.
    let n = 120;
    let emails: Vec<String> = (0..n).map(|i| format!("visitor{i}@example.com")).collect();
    rig.hs.seed(&emails.iter().map(|e| (e.clone(), 2)).collect::<Vec<_>>());
    rig.hs.answers("documented", 2);
    let leads: Vec<Value> = (0..n).map(|i| lead("acme", i, Some(&emails[i]))).collect();
    rig.import("acme", &leads);

    // The first batch of 100: HubSpot creates the notes, the process dies before committing.
    let out =
        rig.cli().args(["outbox", "run"]).env("HANDOFF_TEST_CRASH_AFTER_HUBSPOT", "1").output().unwrap();
    assert!(!out.status.success(), "the crash hook should have aborted the run");
    assert_eq!(ours(&rig.hs.state()).len(), 100, "the first batch's notes reached HubSpot");

    rig.drain();
    let s = rig.hs.state();
    assert_one_note_each(&s, n);
    assert_batches_in_bounds(&s);
    // The retry looked: 100 contacts × 3 notes = 300 bodies, read 100 at a time.
    let reads: Vec<i64> =
        requests_to(&s, "/notes/batch/read").iter().map(|r| r["inputs"].as_i64().unwrap()).collect();
    assert_eq!(reads.iter().sum::<i64>(), 300, "every note of the contacts the crash left unsure: {reads:?}");
    for id in rig.ids() {
        assert_eq!(rig.show(id)["hubspot"]["state"], "pushed");
    }
    rig.hs.assert_clean();
}

#[test]
pub(crate) fn a_new_push_after_a_failed_or_unsure_one_never_adds_a_second_note() {
    let rig = Rig::start(&["acme"]);
    assert!(rig.connect("acme", TOKEN, &[]).status.success());
    rig.import(
        "acme",
        &(0..3).map(|i| lead("acme", i, Some(&format!("v{i}@example.com")))).collect::<Vec<_>>(),
    );
    let out =
        rig.cli().args(["outbox", "run"]).env("HANDOFF_TEST_CRASH_AFTER_HUBSPOT", "1").output().unwrap();
    assert!(!out.status.success());
    assert_eq!(ours(&rig.hs.state()).len(), 3);

    // The next try's look for those notes is refused: the pushes fail, and say
    // so without sending the owner to do anything that would double a note.
    rig.hs.faults(json!([{ "status": 400, "times": 1, "path": "associations" }]));
    ok(rig.cli().args(["outbox", "run"]));
    let ids = rig.ids();
    for id in &ids {
        let h = rig.show(*id)["hubspot"].clone();
        assert_eq!(h["state"], "failed", "{h}");
        let msg = h["message"].as_str().unwrap();
        assert!(msg.contains("no note was created") && msg.contains("Pushing again"), "{msg}");
        assert!(!msg.contains("Fix the contact"), "{msg}");
    }
    assert_eq!(ours(&rig.hs.state()).len(), 3, "nothing created while the check failed");

    // The owner pushes them again: new jobs, first attempts, and still one note each.
    let out = ok(rig.cli().args(["push", "--all-pending", "-w", "acme"]));
    assert!(out.contains("3 handoff(s) queued"), "{out}");
    rig.drain();
    let s = rig.hs.state();
    assert_one_note_each(&s, 3);
    for id in &ids {
        assert_eq!(rig.show(*id)["hubspot"]["state"], "pushed");
    }
    rig.hs.assert_clean();
}
