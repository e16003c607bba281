//! Webhook bodies: every shared platform sample, the canonical shape, hostile
//! input, source-key stability, and the published JSON Schema.

use chrono::{DateTime, TimeZone, Utc};
use handoff::ingest::adapters::parse_time;
use handoff::ingest::canonical::json_schema;
use handoff::ingest::webhook::parse_webhook;
use handoff::ingest::{Parsed, Skipped};
use handoff::model::{Author, NewHandoff, ParseStatus, Reason, SourceKind};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/payloads/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(body: &[u8]) -> Vec<Parsed> {
    parse_webhook(body, SourceKind::Relay)
}

fn handoff(p: Parsed) -> NewHandoff {
    match p {
        Parsed::Handoff(h) => *h,
        Parsed::Skipped(s) => panic!("expected a handoff, got skipped: {s:?}"),
        Parsed::Answer(a) => panic!("expected a handoff, got a team reply: {a:?}"),
    }
}

fn one_handoff(body: &[u8]) -> NewHandoff {
    let mut out = parse(body);
    assert_eq!(out.len(), 1, "{out:?}");
    handoff(out.remove(0))
}

fn one_skipped(body: &[u8]) -> Skipped {
    let mut out = parse(body);
    assert_eq!(out.len(), 1, "{out:?}");
    match out.remove(0) {
        Parsed::Skipped(s) => s,
        Parsed::Handoff(h) => panic!("expected skipped, got a handoff: {h:?}"),
        Parsed::Answer(a) => panic!("expected skipped, got a team reply: {a:?}"),
    }
}

fn utc(s: &str) -> Option<DateTime<Utc>> {
    Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
}

fn unix(secs: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(secs, 0).single()
}

fn notes(h: &NewHandoff) -> String {
    h.parse_notes.join(" | ")
}

// ---- every shared platform sample ----

#[test]
fn every_fixture_parses_without_panic() {
    let dir = format!("{}/tests/fixtures/payloads", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json" || e == "jsonc") {
            let out = parse(&std::fs::read(&path).unwrap());
            assert!(!out.is_empty(), "{path:?} gave nothing");
            n += 1;
        }
    }
    assert!(n >= 18, "only {n} fixtures");
}

#[test]
fn chatwoot_status_open_with_agent_bot_message_is_a_handoff() {
    let h = one_handoff(&fixture("chatwoot.conversation_status_changed.bot-handoff-to-agent.captured.json"));
    assert_eq!(h.platform.as_deref(), Some("chatwoot"));
    assert_eq!(h.source_key, "event:chatwoot:1:24:m15001");
    assert_eq!(h.visitor.name.as_deref(), Some("Alex Example"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+5490000000001"));
    assert_eq!(h.visitor.email, None);
    assert_eq!(h.bot.as_deref(), Some("ChatsappAI-Bot"));
    assert_eq!(h.transcript.len(), 1);
    assert_eq!(h.transcript[0].author, Author::Bot);
    assert_eq!(h.transcript[0].name.as_deref(), Some("ChatsappAI-Bot"));
    assert!(h.transcript[0].text.starts_with("Tu conversación ha sido asignada a un agente."));
    assert_eq!(h.started_at, unix(1_696_896_133));
    assert_eq!(h.escalated_at, unix(1_696_896_263));
    // The visitor said nothing in this payload: no reason can be inferred, no question derived.
    assert_eq!(h.reason, Reason::Other);
    assert_eq!(h.question, None);
    assert_eq!(h.parse_status, ParseStatus::Ok, "{}", notes(&h));
}

#[test]
fn chatwoot_bot_handover_message_is_the_same_handoff_as_its_status_change() {
    let msg = one_handoff(&fixture("chatwoot.message_created.bot-handover.json"));
    let status =
        one_handoff(&fixture("chatwoot.conversation_status_changed.bot-handoff-to-agent.captured.json"));
    assert_eq!(msg.source_key, status.source_key);
    assert_eq!(msg.visitor.name.as_deref(), Some("Alex Example"));
    assert_eq!(msg.transcript[0].author, Author::Bot);
    assert_eq!(msg.escalated_at, utc("2023-10-10T00:04:23Z"));
}

#[test]
fn chatwoot_plain_message_is_skipped_and_the_jsonc_sample_is_read_leniently() {
    let s = one_skipped(&fixture("chatwoot.message_created.docs-sample.jsonc"));
    assert_eq!(s.platform, "chatwoot");
    assert_eq!(s.event, "message_created");
    assert_eq!(s.source_key, "event:chatwoot:1:1:m1");
    assert!(s.why.contains("no hand-over signal"), "{}", s.why);
}

#[test]
fn chatwoot_reopen_from_resolved_is_skipped() {
    let body = br#"{"event":"conversation_status_changed","id":7,"status":"open","account_id":3,"timestamp":1700000000,
        "changed_attributes":[{"status":{"previous_value":"resolved","current_value":"open"}}],"meta":{"sender":{"name":"X"}}}"#;
    let s = one_skipped(body);
    assert!(s.why.contains("reopened from resolved"), "{}", s.why);
    let resolved =
        br#"{"event":"conversation_status_changed","id":7,"status":"resolved","account_id":3,"meta":{}}"#;
    assert!(one_skipped(resolved).why.contains("changed to resolved"));
}

#[test]
fn intercom_admin_assigned_is_a_handoff() {
    let h = one_handoff(&fixture("intercom.conversation.admin.assigned.fixture.json"));
    assert_eq!(h.platform.as_deref(), Some("intercom"));
    assert_eq!(h.source_key, "event:intercom:137324500000000:6073773149");
    assert_eq!(h.visitor.name.as_deref(), Some("Bob Dylan"));
    assert_eq!(h.visitor.email.as_deref(), Some("bob.dylan@rei.com"));
    assert_eq!(h.transcript.len(), 2);
    assert_eq!((h.transcript[0].author, h.transcript[0].text.as_str()), (Author::Agent, "hi Bob"));
    assert_eq!((h.transcript[1].author, h.transcript[1].text.as_str()), (Author::System, "Assigned to Andy"));
    assert_eq!(h.started_at, unix(1_596_634_805));
    assert_eq!(h.escalated_at, unix(1_596_635_008));
    assert_eq!(h.sent_at, unix(1_596_635_010));
    assert_eq!(h.page.url, None, "conversation_web is Intercom's inbox, not the visitor's page");
    assert_eq!(h.reason, Reason::Other);
    assert_eq!(h.parse_status, ParseStatus::Ok);
}

#[test]
fn intercom_admin_closed_is_skipped() {
    let s = one_skipped(&fixture("intercom.conversation.admin.closed.fixture.json"));
    assert_eq!(s.platform, "intercom");
    assert_eq!(s.event, "conversation.admin.closed");
    assert_eq!(s.source_key, "event:intercom:137324500000000:6073838784");
    assert!(s.why.contains("closed"), "{}", s.why);
}

#[test]
fn intercom_v2_with_fin_and_html_bodies() {
    let body = br#"{"type":"notification_event","topic":"conversation.admin.assigned","id":"notif_9","created_at":1763603900,
      "data":{"item":{"type":"conversation","id":"555","created_at":1763603880,
        "source":{"id":"s1","body":"<p>Do you ship to <b>Canada</b>?</p>","url":"https://shop.test/shipping",
                  "author":{"type":"lead","id":"c1","name":"Mia","email":"mia@example.com"}},
        "custom_attributes":{"handoff_reason":"Fin could not answer"},
        "conversation_parts":{"conversation_parts":[
          {"id":"p1","part_type":"comment","body":"<p>I&#39;m not sure &amp; I can&rsquo;t find that.</p>","created_at":1763603890,"author":{"type":"bot","name":"Fin"}},
          {"id":"p2","part_type":"assignment","body":null,"created_at":1763603895,"author":{"type":"bot","name":"Fin"},"assigned_to":{"type":"team","name":"Support"}}]}}}}"#;
    let h = one_handoff(body);
    assert_eq!(h.source_key, "event:intercom:555:p2");
    assert_eq!(h.page.url.as_deref(), Some("https://shop.test/shipping"));
    assert_eq!(h.visitor.email.as_deref(), Some("mia@example.com"));
    assert_eq!(h.transcript[0].text, "Do you ship to Canada?");
    assert_eq!(h.transcript[1].text, "I'm not sure & I can\u{2019}t find that.");
    assert_eq!(h.bot.as_deref(), Some("Fin"));
    assert_eq!(h.reason_detail.as_deref(), Some("Fin could not answer"));
    assert_eq!(h.reason, Reason::KnowledgeGap);
    assert!(!h.reason_inferred, "the custom attribute's wording maps to a reason");
    assert_eq!(h.question.as_deref(), Some("Do you ship to Canada?"));
    assert_eq!(h.escalated_at, unix(1_763_603_895));
}

#[test]
fn livechat_chat_transferred_is_a_partial_handoff() {
    let h = one_handoff(&fixture("livechat.chat_transferred.docs-sample.jsonc"));
    assert_eq!(h.platform.as_deref(), Some("livechat"));
    assert!(
        h.source_key.starts_with("event:livechat:PJ0MRSHTDG:K600PKZON8:chat_transferred:"),
        "{}",
        h.source_key
    );
    assert_eq!(h.reason, Reason::HumanRequest);
    assert_eq!(h.reason_detail.as_deref(), Some("manual"));
    assert!(!h.reason_inferred);
    assert_eq!(h.escalated_at, utc("2019-12-09T12:01:18.909Z"));
    assert_eq!(h.parse_status, ParseStatus::Partial);
    assert!(notes(&h).contains("not strict JSON"), "{}", notes(&h));
    assert!(notes(&h).contains("open chat PJ0MRSHTDG in LiveChat"), "{}", notes(&h));
    assert!(h.transcript.is_empty());
}

#[test]
fn livechat_incoming_chat_and_user_added_are_skipped() {
    let s = one_skipped(&fixture("livechat.incoming_chat.docs-sample.jsonc"));
    assert_eq!((s.platform.as_str(), s.event.as_str()), ("livechat", "incoming_chat"));
    assert!(s.source_key.starts_with("event:livechat:PJ0MRSHTDG:incoming_chat:"), "{}", s.source_key);
    assert!(s.why.contains("new chat"), "{}", s.why);
    let s = one_skipped(&fixture("livechat.user_added_to_chat.docs-sample.jsonc"));
    assert_eq!(s.event, "user_added_to_chat");
    assert!(s.why.contains("chat_transferred"), "{}", s.why);
}

#[test]
fn sunshine_message_and_pass_to_bot_are_skipped() {
    let s = one_skipped(&fixture("sunshine-conversations.conversation-message.spec-example.json"));
    assert_eq!((s.platform.as_str(), s.event.as_str()), ("sunshine", "conversation:message"));
    assert_eq!(s.source_key, "event:sunshine:f52b01137aa6c250bc7251fa:5f74a0d52b5315fc007e798a");
    let s = one_skipped(&fixture("sunshine-conversations.switchboard-passControl.spec-example.json"));
    assert_eq!(s.event, "switchboard:passControl");
    assert!(s.why.contains("to the bot integration \"bot\""), "{}", s.why);
}

#[test]
fn sunshine_pass_control_to_agents_is_a_handoff() {
    let h = one_handoff(&fixture("sunshine-conversations.switchboard-passControl.to-agent.json"));
    assert_eq!(h.platform.as_deref(), Some("sunshine"));
    assert_eq!(h.source_key, "event:sunshine:f52b01137aa6c250bc7251fa:6a1f0c3e9b2d4e7f8a901b2c");
    assert_eq!(h.reason, Reason::KnowledgeGap);
    assert_eq!(h.reason_detail.as_deref(), Some("no answer found"));
    assert!(!h.reason_inferred);
    assert_eq!(h.visitor.name.as_deref(), Some("Steve Rogers"));
    assert_eq!(h.visitor.email.as_deref(), Some("steve@example.com"));
    assert_eq!(h.escalated_at, utc("2026-11-20T02:04:11Z"));
    assert_eq!(h.parse_status, ParseStatus::Ok);
}

// ---- canonical JSON ----

#[test]
fn canonical_full_example_from_design() {
    let h = one_handoff(&fixture("canonical.full.json"));
    assert_eq!(h.source_key, "event:canonical:evt_01HZX3K9Q7V2");
    assert_eq!(h.platform.as_deref(), Some("canonical"));
    assert_eq!(h.workspace_hint.as_deref(), Some("acme"));
    assert_eq!(h.bot.as_deref(), Some("Convira"));
    assert_eq!(h.reason, Reason::KnowledgeGap);
    assert!(!h.reason_inferred);
    assert_eq!(h.reason_detail.as_deref(), Some("no article matched"));
    assert_eq!(h.confidence, Some(0.31));
    assert_eq!(h.visitor.name.as_deref(), Some("Dana Reyes"));
    assert_eq!(h.visitor.email.as_deref(), Some("dana@example.com"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+1 555 0100"));
    assert_eq!(h.page.url.as_deref(), Some("https://acme.test/pricing"));
    assert_eq!(h.page.title.as_deref(), Some("Pricing"));
    assert_eq!(h.started_at, utc("2026-11-20T01:58:00Z"));
    assert_eq!(h.escalated_at, utc("2026-11-20T02:04:11Z"));
    assert_eq!(h.promise.as_deref(), Some("We'll email you within 4 business hours"));
    assert_eq!(h.question.as_deref(), Some("Do you offer refunds after 30 days?"));
    assert!(!h.question_derived);
    assert_eq!(h.transcript.len(), 6);
    assert_eq!(h.transcript[1].name.as_deref(), Some("Convira"));
    assert_eq!(h.parse_status, ParseStatus::Ok);
    assert!(h.parse_notes.is_empty(), "{}", notes(&h));
}

#[test]
fn canonical_minimal() {
    let body = fixture("canonical.minimal.json");
    let h = one_handoff(&body);
    assert_eq!(h.source_key, handoff::model::content_key(&body));
    assert_eq!(h.visitor.email.as_deref(), Some("sam@example.org"));
    assert_eq!(h.question.as_deref(), Some("Can I change my delivery address after ordering?"));
    assert_eq!(h.reason, Reason::Other);
    assert_eq!(h.parse_status, ParseStatus::Ok);
}

#[test]
fn canonical_array_gives_one_handoff_each() {
    let out = parse(&fixture("canonical.array.json"));
    assert_eq!(out.len(), 2);
    let mut it = out.into_iter().map(handoff);
    let (a, b) = (it.next().unwrap(), it.next().unwrap());
    assert_eq!(a.source_key, "event:canonical:evt_A1");
    assert_eq!(a.reason, Reason::HumanRequest);
    assert_eq!(a.question, None, "a bare request for a person is not a question");
    assert!(b.source_key.starts_with("sha256:"));
    assert_ne!(a.source_key, b.source_key);
    assert_eq!(b.reason, Reason::HighIntent);
    assert_eq!(b.visitor.phone.as_deref(), Some("+34 600 000 000"));
    // Each item keeps its own item as raw, so re-importing one item is idempotent.
    assert!(String::from_utf8_lossy(&b.raw).starts_with('{'));
}

#[test]
fn canonical_unknown_reason_wording_is_kept_and_the_reason_inferred() {
    let h = one_handoff(&fixture("canonical.unknown-reason.json"));
    assert_eq!(h.reason, Reason::HumanRequest);
    assert!(h.reason_inferred);
    assert_eq!(h.reason_detail.as_deref(), Some("escalation_rule_7"));
    let n = notes(&h);
    assert!(n.contains("\"escalation_rule_7\" not recognised"), "{n}");
    assert!(n.contains("visitor asked: 'Can I talk to a real person?'"), "{n}");
    assert_eq!(h.question.as_deref(), Some("My invoice shows the wrong VAT number"));
    assert!(h.question_derived);
}

#[test]
fn canonical_bad_types_keep_every_other_field() {
    let h = one_handoff(&fixture("canonical.bad-types.json"));
    assert_eq!(h.source_key, "event:canonical:48213");
    assert_eq!(h.confidence, Some(0.31));
    assert_eq!(h.reason, Reason::LowConfidence);
    assert_eq!(h.started_at, utc("2025-11-20T01:58:00Z"));
    assert_eq!(h.escalated_at, utc("2026-11-20T02:04:11Z"));
    assert_eq!(h.transcript.len(), 2);
    assert_eq!(h.transcript[0].author, Author::Visitor);
    assert_eq!(h.transcript[1].author, Author::Bot);
    assert_eq!(h.question.as_deref(), Some("Does the Pro plan include SSO?"));
    assert_eq!(h.parse_status, ParseStatus::Partial);
    let n = notes(&h);
    assert!(n.contains("confidence was the text \"0.31\"; read as 0.31"), "{n}");
    assert!(n.contains("transcript line 3 left out: no \"text\""), "{n}");
    assert!(n.contains("transcript line 4 left out: expected an object"), "{n}");
}

#[test]
fn canonical_out_of_range_confidence_is_dropped() {
    let h = one_handoff(br#"{"reason":"low confidence","confidence":31,"question":"q?"}"#);
    assert_eq!(h.confidence, None);
    assert!(notes(&h).contains("not between 0 and 1"));
}

#[test]
fn canonical_german_conversation_infers_reason_and_question() {
    let h = one_handoff(&fixture("canonical.de.json"));
    assert_eq!(h.reason, Reason::KnowledgeGap);
    assert!(h.reason_inferred);
    assert_eq!(h.question.as_deref(), Some("Liefert ihr auch in die Schweiz?"));
}

// ---- broken and hostile input ----

#[test]
fn broken_json_is_kept_raw_with_the_place_it_broke() {
    let h = one_handoff(&fixture("canonical.broken.json"));
    assert_eq!(h.parse_status, ParseStatus::Raw);
    let n = notes(&h);
    assert!(n.contains("not valid JSON"), "{n}");
    assert!(n.contains("line 5, column 19"), "{n}");
    assert!(n.contains("missing comma"), "{n}");
    assert_eq!(h.raw, fixture("canonical.broken.json"));
}

#[test]
fn truncated_body_says_it_ends_too_early() {
    let h = one_handoff(br#"{"id": "evt_cut", "visitor": {"name": "Dana"#);
    assert_eq!(h.parse_status, ParseStatus::Raw);
    assert!(notes(&h).contains("ends too early"), "{}", notes(&h));
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep = vec![b'['; 100_000];
    let h = one_handoff(&deep);
    assert_eq!(h.parse_status, ParseStatus::Raw);
    assert!(notes(&h).contains("nests more than 128 levels"), "{}", notes(&h));
    // Also deep but with a comment, so the strict parser fails first for another reason.
    let mut commented = b"// c\n".to_vec();
    commented.extend(std::iter::repeat_n(b'{', 50_000));
    assert_eq!(one_handoff(&commented).parse_status, ParseStatus::Raw);
}

#[test]
fn ten_megabyte_strings_are_cut_not_choked_on() {
    let big = "a".repeat(10 << 20);
    let body = format!(
        r#"{{"question":"{big}","visitor":{{"name":"{big}"}},"transcript":[{{"from":"visitor","text":"{big}"}}]}}"#
    );
    let h = one_handoff(body.as_bytes());
    assert_eq!(h.question.as_ref().map(|q| q.chars().count()), Some(2001));
    assert_eq!(h.visitor.name.as_ref().map(|q| q.chars().count()), Some(2001));
    assert_eq!(h.transcript[0].text.chars().count(), 10_001);
    assert!(
        notes(&h).contains("question was 10485760 bytes long; cut to its first 2000 characters"),
        "{}",
        notes(&h)
    );
    assert_eq!(notes(&h).matches("question was").count(), 1, "cut once: {}", notes(&h));
    assert_eq!(h.raw.len(), body.len(), "the raw body keeps everything");
    let unknown = format!(r#"{{"blob":"{big}"}}"#);
    assert_eq!(one_handoff(unknown.as_bytes()).parse_status, ParseStatus::Raw);
}

#[test]
fn nul_and_control_characters_never_reach_text() {
    let h = one_handoff(br#"{"question":"why\u0000 not?\n","visitor":{"name":"Bad\u0007Name"},"transcript":[{"from":"visitor","text":"a\u0000b\nc"}]}"#);
    assert_eq!(h.question.as_deref(), Some("why not?"));
    assert_eq!(h.visitor.name.as_deref(), Some("BadName"));
    assert_eq!(h.transcript[0].text, "ab\nc");
    // A raw NUL inside a string is not strict JSON; the lenient read takes it and tidying drops it.
    let h = one_handoff(b"{\"question\":\"a\0b\",\"visitor\":{}}");
    assert_eq!(h.question.as_deref(), Some("ab"));
    assert!(notes(&h).contains("read leniently"), "{}", notes(&h));
    // A NUL outside any string breaks both readers.
    let h = one_handoff(b"{\"question\":\0\"a\"}");
    assert_eq!(h.parse_status, ParseStatus::Raw);
    assert!(notes(&h).contains("line 1, column 13"), "{}", notes(&h));
    assert!(!notes(&h).contains('\0'));
}

#[test]
fn invalid_utf8_is_replaced_and_noted() {
    let mut body = br#"{"question":"caf"#.to_vec();
    body.push(0xE9); // Latin-1 é
    body.extend_from_slice(br#"?","visitor":{"name":"Zo"#);
    body.push(0xFF);
    body.extend_from_slice(br#""}}"#);
    let h = one_handoff(&body);
    assert_eq!(h.question.as_deref(), Some("caf\u{FFFD}?"));
    assert_eq!(h.parse_status, ParseStatus::Partial);
    assert!(notes(&h).contains("not valid UTF-8 from byte 16 (line 1, column 17)"), "{}", notes(&h));
    let garbage = [0xFFu8, 0xFE, 0x00, 0x81, b'{'];
    assert_eq!(one_handoff(&garbage).parse_status, ParseStatus::Raw);
}

#[test]
fn empty_scalar_and_unknown_json_are_raw_with_a_reason() {
    for (body, says) in [
        (&b"   "[..], "empty"),
        (b"42", "a JSON number, not an object"),
        (b"[]", "empty JSON array"),
        (b"[1, 2]", "item 1 of 2"),
        (br#"{"hello":"world","n":1}"#, "top-level keys are hello, n"),
        (b"\xEF\xBB\xBF{\"event\":\"something_else\"}", "top-level keys are event"),
    ] {
        let h = one_handoff(body);
        assert_eq!(h.parse_status, ParseStatus::Raw);
        assert!(notes(&h).contains(says), "{body:?}: {}", notes(&h));
        assert_eq!(h.raw, body);
    }
}

#[test]
fn lenient_read_accepts_comments_and_trailing_commas() {
    let body = b"{\n // from the docs\n \"question\": \"Is there a student discount?\",\n \"visitor\": {\"name\": 'Jo',},\n}";
    let h = one_handoff(body);
    assert_eq!(h.question.as_deref(), Some("Is there a student discount?"));
    assert_eq!(h.visitor.name.as_deref(), Some("Jo"));
    assert!(notes(&h).contains("read leniently"));
}

// ---- source keys ----

#[test]
fn same_body_twice_gives_the_same_key_and_different_events_different_keys() {
    for name in [
        "chatwoot.conversation_status_changed.bot-handoff-to-agent.captured.json",
        "intercom.conversation.admin.assigned.fixture.json",
        "livechat.chat_transferred.docs-sample.jsonc",
        "canonical.minimal.json",
        "canonical.array.json",
    ] {
        let key = |p: &Parsed| match p {
            Parsed::Handoff(h) => h.source_key.clone(),
            Parsed::Skipped(s) => s.source_key.clone(),
            Parsed::Answer(a) => a.message_id.clone(),
        };
        let a: Vec<String> = parse(&fixture(name)).iter().map(key).collect();
        let b: Vec<String> = parse(&fixture(name)).iter().map(key).collect();
        assert_eq!(a, b, "{name}");
    }
    let assigned = parse(&fixture("intercom.conversation.admin.assigned.fixture.json"));
    let closed = parse(&fixture("intercom.conversation.admin.closed.fixture.json"));
    let (Parsed::Handoff(a), Parsed::Skipped(c)) = (&assigned[0], &closed[0]) else { panic!() };
    assert_ne!(a.source_key, c.source_key, "two events on one conversation");

    let transfer = String::from_utf8(fixture("livechat.chat_transferred.docs-sample.jsonc")).unwrap();
    let second = transfer.replace("\"position\": 42", "\"position\": 3");
    let k1 = one_handoff(transfer.as_bytes()).source_key;
    let k2 = one_handoff(second.as_bytes()).source_key;
    assert_ne!(k1, k2, "a second transfer of the same chat");
}

#[test]
fn hostile_ids_do_not_bloat_keys() {
    let id = "x".repeat(5_000);
    let h = one_handoff(format!(r#"{{"id":"{id}","question":"q","visitor":{{}}}}"#).as_bytes());
    assert!(h.source_key.starts_with("event:canonical:h") && h.source_key.len() < 40, "{}", h.source_key);
}

// ---- shared helpers ----

#[test]
fn times_in_every_platform_format() {
    use serde_json::json;
    let t = utc("2020-03-03T13:05:57Z");
    assert_eq!(parse_time(&json!(1_583_240_757)), t);
    assert_eq!(parse_time(&json!(1_583_240_757_000_i64)), t);
    assert_eq!(parse_time(&json!("2020-03-03T13:05:57Z")), t);
    assert_eq!(parse_time(&json!("2020-03-03T15:05:57+02:00")), t);
    assert_eq!(parse_time(&json!("2020-03-03 13:05:57 UTC")), t);
    assert_eq!(parse_time(&json!("Tue Mar 03 2020 06:05:57 GMT-0700 (Mountain Standard Time)")), t);
    assert_eq!(parse_time(&json!("1583240757")), t);
    assert_eq!(parse_time(&json!("3. März 2020, 13:05:57")), t);
    assert_eq!(parse_time(&json!("yesterday")), None);
    assert_eq!(parse_time(&json!(-5)), None);
    assert_eq!(parse_time(&json!(1e300)), None);
}

// ---- the published schema ----

#[test]
fn schema_file_is_up_to_date() {
    let path = format!("{}/schemas/handoff.schema.json", env!("CARGO_MANIFEST_DIR"));
    let schema = json_schema();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(format!("{}/schemas", env!("CARGO_MANIFEST_DIR"))).unwrap();
        std::fs::write(&path, &schema).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == schema,
        "{path} is out of date with CanonicalHandoff; regenerate it with UPDATE_SCHEMA=1 cargo test --test integration schema"
    );
    let v: serde_json::Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(v["title"], "Handoff Desk canonical handoff");
    assert!(v["properties"]["transcript"].is_object());
}
