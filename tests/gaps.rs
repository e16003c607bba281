//! The gap checklist: grouping by meaning (the shipped model) and by wording
//! (the fallback), the checklist's ranking, check-offs that persist and carry
//! over as "still asked", the owner's sent answers offered as drafts, the
//! exports, and the CLI.
//!
//! The model is fetched by scripts/setup (scripts/fetch-model); without it
//! these tests fail, they do not skip.

use crate::support::{handoff, json_lines, ok};
use chrono::{DateTime, Utc};
use handoff::Store;
use handoff::gaps::{self, Grouper, ItemState, embed::Embedder, export};
use handoff::ingest::Parsed;
use handoff::metrics::Month;
use handoff::model::*;
use handoff::store::NewWorkspace;

fn model() -> Grouper {
    match Embedder::find() {
        Ok(e) => Grouper::Model(Box::new(e)),
        Err(why) => panic!("{why}"),
    }
}

fn z(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Groups as sets of input positions, for order-free comparisons.
fn group_of(lines: &[&str], grouper: &Grouper) -> Vec<usize> {
    gaps::cluster_lines(lines, grouper).unwrap().into_iter().map(|a| a.group.unwrap()).collect()
}

const QUESTIONS: &[&str] = &[
    "Do you offer refunds after 30 days?",                   // 0 refunds
    "Can I get my money back if I return it after a month?", // 1 refunds
    "what's your refund policy after 30 days",               // 2 refunds
    "Do you ship to Canada?",                                // 3 shipping to Canada
    "can you deliver my order to canada",                    // 4 shipping to Canada
    "Do you ship internationally to Canada?",                // 5 shipping to Canada
    "Are you open on Sundays?",                              // 6 Sunday hours
    "What are your opening hours on Sunday?",                // 7 Sunday hours
    "Is the X200 waterproof?",                               // 8 alone
    "Can I pay by invoice?",                                 // 9 alone
];

#[test]
fn near_duplicates_group_together_and_unrelated_questions_stay_apart() {
    let g = group_of(QUESTIONS, &model());
    assert_eq!(g[0], g[1], "refund paraphrases: {g:?}");
    assert_eq!(g[0], g[2], "refund paraphrases: {g:?}");
    assert_eq!(g[3], g[4], "shipping paraphrases: {g:?}");
    assert_eq!(g[3], g[5], "shipping paraphrases: {g:?}");
    assert_eq!(g[6], g[7], "opening-hours paraphrases: {g:?}");
    let topics = [g[0], g[3], g[6], g[8], g[9]];
    for (i, a) in topics.iter().enumerate() {
        for b in &topics[i + 1..] {
            assert_ne!(a, b, "unrelated topics merged: {g:?}");
        }
    }
}

#[test]
fn the_same_input_gives_the_same_groups_and_labels() {
    let mut lines: Vec<String> = QUESTIONS.iter().map(|s| s.to_string()).collect();
    // Enough questions that ties and chains matter: CLINC150 validation slice.
    let path = crate::support::shared("datasets/clinc150/data_full.json");
    let data: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    lines.extend(
        data["val"].as_array().unwrap().iter().step_by(30).map(|q| q[0].as_str().unwrap().to_string()),
    );
    let first = gaps::cluster_lines(&lines, &model()).unwrap();
    let again = gaps::cluster_lines(&lines, &model()).unwrap();
    assert_eq!(first, again);
    let groups = first.iter().filter_map(|a| a.group).max().unwrap();
    assert!(groups > 10 && groups < lines.len(), "{groups} groups for {} lines", lines.len());
    let lexical = Grouper::Lexical("test".into());
    assert_eq!(
        gaps::cluster_lines(&lines, &lexical).unwrap(),
        gaps::cluster_lines(&lines, &lexical).unwrap()
    );
}

#[test]
fn the_lexical_fallback_groups_by_wording() {
    let lexical = Grouper::Lexical("test".into());
    let lines = [
        "Do you offer refunds after 30 days?",
        "do you offer refunds after 60 days",
        "Is the X200 waterproof?",
        "is the x200 waterproof in the rain",
        "Can I pay by invoice?",
    ];
    let g = group_of(&lines, &lexical);
    assert_eq!(g[0], g[1], "{g:?}");
    assert_eq!(g[2], g[3], "{g:?}");
    assert_ne!(g[0], g[2], "{g:?}");
    assert_ne!(g[4], g[0], "{g:?}");
    assert_ne!(g[4], g[2], "{g:?}");
}

#[test]
fn odd_input_does_not_break_grouping() {
    let lines =
        ["", "   ", "你好，你们发货到加拿大吗？", "¿Tienen tallas grandes?", "👋", &"a".repeat(20_000), "x"];
    for grouper in [model(), Grouper::Lexical("test".into())] {
        let out = gaps::cluster_lines(&lines, &grouper).unwrap();
        assert_eq!(out.len(), lines.len());
        assert_eq!((out[0].group, out[1].group), (None, None));
        assert!(out[2..].iter().all(|a| a.group.is_some() && a.label.is_some()));
        assert_eq!(out.iter().map(|a| a.line).collect::<Vec<_>>(), (1..=lines.len()).collect::<Vec<_>>());
    }
    assert!(gaps::cluster_lines::<&str>(&[], &model()).unwrap().is_empty());
}

struct Q<'a> {
    key: &'a str,
    at: &'a str,
    reason: Reason,
    email: Option<&'a str>,
    page: &'a str,
    question: &'a str,
}

fn q<'a>(key: &'a str, at: &'a str, email: Option<&'a str>, page: &'a str, question: &'a str) -> Q<'a> {
    Q { key, at, reason: Reason::KnowledgeGap, email, page, question }
}

fn parsed(q: &Q<'_>) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Json, q.key.as_bytes().to_vec());
    h.source_key = q.key.into();
    h.parse_status = ParseStatus::Ok;
    h.reason = q.reason;
    h.visitor.email = q.email.map(String::from);
    h.page.url = Some(format!("https://shop.example{}", q.page));
    h.question = Some(q.question.into());
    h.sent_at = Some(z(q.at));
    Parsed::Handoff(Box::new(h))
}

fn october() -> Vec<Q<'static>> {
    vec![
        q(
            "r1",
            "2026-10-02T09:00:00Z",
            Some("ann@x.test"),
            "/pricing",
            "Do you offer refunds after 30 days?",
        ),
        q(
            "r2",
            "2026-10-09T09:00:00Z",
            Some("bob@x.test"),
            "/faq",
            "Can I get my money back if I return it after a month?",
        ),
        q(
            "r3",
            "2026-10-20T09:00:00Z",
            Some("cat@x.test"),
            "/pricing",
            "what's your refund policy after 30 days",
        ),
        // The same visitor twice counts once.
        q("s1", "2026-10-03T09:00:00Z", Some("dan@x.test"), "/shipping", "Do you ship to Canada?"),
        q(
            "s2",
            "2026-10-04T09:00:00Z",
            Some("DAN@x.test"),
            "/shipping",
            "can you deliver my order to canada",
        ),
        q("s3", "2026-10-05T09:00:00Z", None, "/", "Do you ship internationally to Canada?"),
        q(
            "x1",
            "2026-10-06T09:00:00Z",
            Some("eve@x.test"),
            "/products/x200",
            "Is the X200 waterproof? <script>alert(1)</script>",
        ),
        // 23:30 in Berlin on 31 Oct is still October there.
        q("h1", "2026-10-31T22:30:00Z", Some("fay@x.test"), "/", "Are you open on Sundays?"),
    ]
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gaps.db");
    let mut store = Store::open(&path).unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("shop", "Corner Shop", "Europe/Berlin")).unwrap();
    let mut items: Vec<Parsed> = october().iter().map(parsed).collect();
    // Not content gaps: a request for a person, and a gap resolved as not a lead.
    let mut human =
        q("p1", "2026-10-07T09:00:00Z", Some("gus@x.test"), "/", "Can I talk to someone about refunds?");
    human.reason = Reason::HumanRequest;
    items.push(parsed(&human));
    items.push(parsed(&q(
        "spam",
        "2026-10-08T09:00:00Z",
        Some("bot@spam.test"),
        "/",
        "Do you offer refunds after 30 days?",
    )));
    store.ingest(&ws, items, z("2026-11-01T00:00:00Z")).unwrap();
    let spam = store
        .list(&Default::default())
        .unwrap()
        .into_iter()
        .find(|h| h.visitor.email.as_deref() == Some("bot@spam.test"))
        .unwrap();
    store.resolve(spam.id, Resolution::NotALead, z("2026-10-08T10:00:00Z")).unwrap();
    (dir, path, ws)
}

#[test]
fn the_checklist_ranks_by_distinct_visitors_and_leaves_out_what_is_not_a_gap() {
    let (_dir, path, ws) = setup();
    let mut store = Store::open(&path).unwrap();
    let oct = Month::parse("2026-10").unwrap();
    let list = gaps::build(&mut store, &ws, oct, &model()).unwrap();
    assert_eq!(list.questions, 8, "8 content-gap questions (not the human request, not the spam)");
    let shape: Vec<(usize, usize)> = list.items.iter().map(|i| (i.visitors, i.handoffs.len())).collect();
    assert_eq!(shape, vec![(3, 3), (2, 3), (1, 1), (1, 1)], "{:#?}", list.items);
    let refunds = &list.items[0];
    assert!(refunds.label.to_lowercase().contains("refund") || refunds.label.contains("money back"));
    assert_eq!(refunds.pages[0], ("https://shop.example/pricing".to_string(), 2));
    assert_eq!(refunds.first_seen, z("2026-10-02T09:00:00Z"));
    assert_eq!(refunds.last_seen, z("2026-10-20T09:00:00Z"));
    assert!(list.items[1].label.to_lowercase().contains("canada"));
    assert!(list.items.iter().all(|i| i.state == ItemState::Open));
    // Every question was embedded once and stored.
    let stored: i64 =
        store.conn().query_row("SELECT count(*) FROM question_vectors", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 8, "only content gaps are embedded");
    // November (Berlin) has nothing yet.
    let nov = gaps::build(&mut store, &ws, Month::parse("2026-11").unwrap(), &model()).unwrap();
    assert!(nov.items.is_empty());
    assert!(export::markdown(&nov, ws.tz()).contains("No unanswered questions this month"));
}

#[test]
fn check_offs_persist_and_a_recurring_gap_is_still_asked() {
    let (_dir, path, ws) = setup();
    let oct = Month::parse("2026-10").unwrap();
    let nov = Month::parse("2026-11").unwrap();
    {
        let mut store = Store::open(&path).unwrap();
        let it = gaps::check(
            &mut store,
            &ws,
            oct,
            1,
            Some("added /faq#refunds"),
            &model(),
            z("2026-10-30T12:00:00Z"),
        )
        .unwrap();
        assert!(it.label.to_lowercase().contains("refund") || it.label.contains("money back"));
        let again = gaps::check(&mut store, &ws, oct, 1, None, &model(), z("2026-10-30T12:00:00Z"));
        assert!(again.unwrap_err().to_string().contains("already checked off"));
        assert!(
            gaps::check(&mut store, &ws, oct, 99, None, &model(), Utc::now())
                .unwrap_err()
                .to_string()
                .contains("no item 99")
        );
    }
    // A new process: the state is in the file. A late October question joins
    // the checked group without reopening it.
    let mut store = Store::open(&path).unwrap();
    let late =
        q("r4", "2026-10-25T09:00:00Z", Some("hal@x.test"), "/", "Do you refund orders after 30 days?");
    store.ingest(&ws, vec![parsed(&late)], z("2026-10-25T09:00:00Z")).unwrap();
    let list = gaps::build(&mut store, &ws, oct, &model()).unwrap();
    let done: Vec<_> = list.items.iter().filter(|i| matches!(i.state, ItemState::Done { .. })).collect();
    assert_eq!(done.len(), 1, "{:#?}", list.items);
    assert_eq!(done[0].visitors, 4);
    assert!(matches!(&done[0].state, ItemState::Done { note: Some(n), .. } if n == "added /faq#refunds"));

    // November: refunds asked again (new wording), and a new topic.
    let november = [
        q(
            "n1",
            "2026-11-03T09:00:00Z",
            Some("ivy@x.test"),
            "/faq",
            "Can I still return it for a refund after 30 days?",
        ),
        q("n2", "2026-11-04T09:00:00Z", Some("jon@x.test"), "/", "Do you do gift wrapping?"),
    ];
    store.ingest(&ws, november.iter().map(parsed).collect(), z("2026-11-05T00:00:00Z")).unwrap();
    let list = gaps::build(&mut store, &ws, nov, &model()).unwrap();
    assert_eq!(list.items.len(), 2, "{:#?}", list.items);
    let refunds = list.items.iter().find(|i| i.label.to_lowercase().contains("refund")).unwrap();
    assert!(
        matches!(&refunds.state, ItemState::StillAsked { month, note: Some(n), .. } if month == "2026-10" && n == "added /faq#refunds"),
        "{:?}",
        refunds.state
    );
    let wrapping = list.items.iter().find(|i| i.label.contains("gift")).unwrap();
    assert_eq!(wrapping.state, ItemState::Open);
    let md = export::markdown(&list, ws.tz());
    assert!(md.contains("**Still asked**: checked off in 2026-10 (added /faq\\#refunds)"), "{md}");

    // Unchecking reopens October's item; November's is then simply open.
    let reopened = gaps::uncheck(&mut store, &ws, oct, done[0].rank, &model()).unwrap();
    assert_eq!(reopened.state, ItemState::Open);
    let list = gaps::build(&mut store, &ws, nov, &model()).unwrap();
    assert!(list.items.iter().all(|i| i.state == ItemState::Open));
    assert!(
        gaps::uncheck(&mut store, &ws, oct, 1, &model()).unwrap_err().to_string().contains("not checked off")
    );
}

#[test]
fn markdown_and_csv_exports() {
    let (_dir, path, ws) = setup();
    let mut store = Store::open(&path).unwrap();
    let oct = Month::parse("2026-10").unwrap();
    gaps::check(
        &mut store,
        &ws,
        oct,
        2,
        Some("=HYPERLINK(\"http://evil\")"),
        &model(),
        z("2026-10-30T12:00:00Z"),
    )
    .unwrap();
    let list = gaps::build(&mut store, &ws, oct, &model()).unwrap();

    let md = export::markdown(&list, ws.tz());
    assert!(md.starts_with("# Content gaps: Corner Shop, October 2026\n"), "{md}");
    assert!(
        md.contains("8 questions the bot could not answer, from 7 visitors, in 4 topics (3 still to write)"),
        "{md}"
    );
    assert!(md.contains(&format!("## 1. {}", list.items[0].label)), "{md}");
    assert!(md.contains("- [ ] **3 visitors** (3 chats), 2 Oct – 20 Oct"), "{md}");
    assert!(md.contains("- [x] **2 visitors** (3 chats), 3 Oct – 5 Oct"), "{md}");
    assert!(md.contains("- Done 30 Oct: =HYPERLINK(\"http://evil\")"), "{md}");
    // Visitors' words cannot become markup in a rendered email.
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"), "{md}");
    assert!(!md.contains("<script>"), "{md}");
    // 31 Oct 23:30 in Berlin.
    assert!(md.contains("**1 visitor** (1 chat), 31 Oct"), "{md}");

    let csv_text = export::csv(&list, ws.tz()).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..6], ["rank", "question", "visitors", "chats", "state", "note"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][0], "1");
    assert_eq!(&rows[0][2], "3");
    assert_eq!(&rows[1][4], "done");
    // A note that a spreadsheet would run as a formula is kept as text.
    assert_eq!(&rows[1][5], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(&rows[1][6], "2026-10");
    assert_eq!(&rows[2][7], "2026-10-31", "dates in the workspace's zone (23:30 in Berlin)");
    assert!(rows[0][10].contains("what's your refund policy after 30 days"));
}

/// The id of the handoff ingested under `key`.
fn id_of(store: &Store, key: &str) -> i64 {
    store.conn().query_row("SELECT id FROM handoffs WHERE source_key = ?1", [key], |r| r.get(0)).unwrap()
}

/// Queue `mail` and have the SMTP server take it at `at`, as the outbox worker would.
fn deliver(store: &mut Store, ws: &Workspace, mail: &handoff::store::NewReply, at: DateTime<Utc>) {
    let (reply_id, job_id) = store.queue_reply(ws, mail, at).unwrap();
    let job = store.claim_job(&["smtp_send"], at).unwrap().unwrap();
    assert_eq!(job.id, job_id);
    store.reply_delivered(job_id, reply_id, ws, at).unwrap();
}

/// The workspace's pre-filled reply to handoff `id` with `answer` written in.
fn answered(store: &Store, ws: &Workspace, id: i64, answer: &str) -> handoff::store::NewReply {
    use handoff::reply;
    let h = store.handoff(id).unwrap().unwrap();
    let mut draft = reply::draft(ws, &h, handoff::store::ReplyKind::Reply);
    draft.body = draft.body.replace(reply::ANSWER_MARKER, answer);
    reply::reply_to_visitor(ws, &h, handoff::store::ReplyKind::Reply, &draft).unwrap()
}

const REFUND_ANSWER: &str = "Yes: within 60 days of delivery, unused and in the original box.\n\nStart one on our returns page and we email a label.";

#[test]
fn an_answer_the_owner_sent_to_a_content_gap_is_offered_as_the_items_draft() {
    let (_dir, path, mut ws) = setup();
    let mut store = Store::open(&path).unwrap();
    ws.settings.smtp = Some(handoff::model::SmtpIdentity {
        from_name: Some("Dana at Corner Shop".into()),
        ..crate::support::smtp::plain_identity(2525)
    });
    store.update_workspace(&ws).unwrap();
    let (r1, r2, r3) = (id_of(&store, "r1"), id_of(&store, "r2"), id_of(&store, "r3"));
    // Refunds: r2's answer (resolved as a content gap) is the one; r3 was
    // answered later but only resolved as answered; r1 had no email reply.
    let sent_r2 = z("2026-10-10T08:00:00Z");
    let mail = answered(&store, &ws, r2, REFUND_ANSWER);
    assert!(mail.body_text.contains("> Can I get my money back"), "the template quotes the question");
    deliver(&mut store, &ws, &mail, sent_r2);
    store.resolve(r2, Resolution::ContentGap, z("2026-10-10T09:00:00Z")).unwrap();
    let mail = answered(&store, &ws, r3, "Within 30 days, yes.");
    deliver(&mut store, &ws, &mail, z("2026-10-21T08:00:00Z"));
    store.resolve(r3, Resolution::Answered, z("2026-10-21T09:00:00Z")).unwrap();
    store.resolve(r1, Resolution::ContentGap, z("2026-10-03T09:00:00Z")).unwrap();
    // Shipping: the owner rewrote the greeting and signed off by hand, so the
    // template no longer matches; the quote and the signature still come off.
    let s1 = id_of(&store, "s1");
    let mut mail = answered(&store, &ws, s1, "unused");
    mail.body_text = "Hello Dan!\n\nYou asked:\n\n> Do you ship to Canada?\n\nWe ship to Canada with DHL; \
                      it takes 5 to 7 days.\n\nCheers,\nDana\n-- \nCorner Shop"
        .into();
    deliver(&mut store, &ws, &mail, z("2026-10-04T08:00:00Z"));
    store.resolve(s1, Resolution::ContentGap, z("2026-10-04T09:00:00Z")).unwrap();
    // X200: a content gap without a reply. Sundays: replied, but resolved as policy.
    store.resolve(id_of(&store, "x1"), Resolution::ContentGap, z("2026-10-07T09:00:00Z")).unwrap();
    let h1 = id_of(&store, "h1");
    let mail = answered(&store, &ws, h1, "We are closed on Sundays.");
    deliver(&mut store, &ws, &mail, z("2026-11-02T08:00:00Z"));
    store.resolve(h1, Resolution::Policy, z("2026-11-02T09:00:00Z")).unwrap();

    let list = gaps::build(&mut store, &ws, Month::parse("2026-10").unwrap(), &model()).unwrap();
    let with = |id: i64| list.items.iter().find(|i| i.handoffs.contains(&id)).unwrap();
    let refunds = with(r2).draft_answer.clone().expect("a draft from r2's reply");
    assert_eq!(refunds.text, REFUND_ANSWER, "the answer alone, without greeting, quote or signature");
    assert_eq!((refunds.handoff_id, refunds.sent_at), (r2, sent_r2));
    assert_eq!(refunds.by.as_deref(), Some("Dana at Corner Shop"));
    let shipping = with(s1).draft_answer.clone().expect("a draft from s1's reply");
    assert_eq!(shipping.text, "We ship to Canada with DHL; it takes 5 to 7 days.");
    assert_eq!(with(id_of(&store, "x1")).draft_answer, None, "resolved as a gap, never answered by email");
    assert_eq!(with(h1).draft_answer, None, "answered, but resolved as policy");

    let md = export::markdown(&list, ws.tz());
    assert!(
        md.contains(
            "- Draft answer (from Dana at Corner Shop's reply): Yes: within 60 days of delivery, unused \
             and in the original box. Start one on our returns page and we email a label.\n"
        ),
        "{md}"
    );
    assert_eq!(md.matches("- Draft answer").count(), 2, "{md}");
    let csv_text = export::csv(&list, ws.tz()).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().next_back(), Some("draft_answer"));
    let drafts: Vec<String> =
        reader.records().map(|r| r.unwrap().iter().next_back().unwrap().to_string()).collect();
    let refunds_row = list.items.iter().position(|i| i.handoffs.contains(&r2)).unwrap();
    assert_eq!(drafts[refunds_row], REFUND_ANSWER);
    assert_eq!(drafts.iter().filter(|d| d.is_empty()).count(), list.items.len() - 2);
}

#[test]
fn the_answer_in_a_reply_leaves_the_template_behind() {
    use handoff::gaps::checklist::answer_in_reply;
    let template = "Hi Ann,\n\nYou asked:\n\n> Refunds?\n\n[Write your answer here]\n\nBest regards,\nDana\n";
    // Exactly the template with the marker replaced, CRLF line ends and all.
    let sent = template
        .replace("[Write your answer here]", "Yes.\n\n> not a quote of the question")
        .replace('\n', "\r\n");
    assert_eq!(
        answer_in_reply(&sent, Some(template)).as_deref(),
        Some("Yes.\n\n> not a quote of the question")
    );
    // No template to go by: greeting, quote with its lead-in and sign-off go.
    let edited = "Good morning Ann,\n\nOn Monday you wrote:\n> Refunds?\n> After a month?\n\nYes, for 60 days.\nKeep the box.\n\nThanks!\nDana";
    assert_eq!(answer_in_reply(edited, None).as_deref(), Some("Yes, for 60 days.\nKeep the box."));
    assert_eq!(
        answer_in_reply(edited, Some("no marker in this one")).as_deref(),
        Some("Yes, for 60 days.\nKeep the box.")
    );
    // A lead-in that quotes nothing stays; a signature separator ends the answer.
    assert_eq!(
        answer_in_reply("Here is how:\n\nOpen the app.\n--\nDana, Corner Shop", None).as_deref(),
        Some("Here is how:\n\nOpen the app.")
    );
    // Nothing but template: no answer.
    assert_eq!(answer_in_reply("Hi Ann,\n\n> Refunds?\n\nBest regards,\nDana", None), None);
    assert_eq!(answer_in_reply(&template.replace("[Write your answer here]", "  "), Some(template)), None);
}

#[test]
fn the_checklist_says_when_it_falls_back_to_wording() {
    let (_dir, path, ws) = setup();
    let mut store = Store::open(&path).unwrap();
    let why = gaps::embed::missing_message(&[std::path::PathBuf::from("/nowhere")]);
    let list =
        gaps::build(&mut store, &ws, Month::parse("2026-10").unwrap(), &Grouper::Lexical(why)).unwrap();
    assert_eq!(list.method, gaps::Method::Lexical);
    let md = export::markdown(&list, ws.tz());
    assert!(
        md.contains("> Grouped by wording only: the question\\-grouping model")
            || md.contains("> Grouped by wording only: the question-grouping model"),
        "{md}"
    );
    assert!(md.contains("scripts/fetch\\-model") || md.contains("scripts/fetch-model"), "{md}");
    assert_eq!(list.questions, 8);
}

#[test]
fn cli_gaps_on_the_demo_data_and_cluster_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    ok(handoff(&db).args(["demo", "--per-client", "60", "--months", "2"]));
    // The demo's content-gap questions were embedded as they arrived.
    let store = Store::open(&db).unwrap();
    let (gaps_n, vectors): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM handoffs WHERE trim(coalesce(question, '')) <> ''
                       AND (reason IN ('knowledge_gap', 'low_confidence') OR resolution = 'content_gap')
                       AND coalesce(resolution, '') <> 'not_a_lead'),
                    (SELECT count(*) FROM question_vectors)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(gaps_n > 10 && vectors == gaps_n, "{vectors} vectors for {gaps_n} content-gap questions");
    drop(store);
    let md = ok(handoff(&db).args(["gaps", "-w", "acme-plumbing"]));
    assert!(md.starts_with("# Content gaps: Acme Plumbing & Heating, "), "{md}");
    assert!(md.contains("## 1. ") && md.contains("- [ ] **"), "{md}");
    assert!(!md.contains("Grouped by wording only"), "the model is installed: {md}");

    ok(handoff(&db).args(["gaps", "-w", "acme-plumbing", "check", "1", "--note", "added /faq#warranty"]));
    let out = dir.path().join("acme.csv");
    ok(handoff(&db).args(["gaps", "-w", "acme-plumbing", "--format", "csv", "-o"]).arg(&out));
    let csv_text = std::fs::read_to_string(&out).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!((&first[0], &first[4], &first[5]), ("1", "done", "added /faq#warranty"));
    let json = ok(handoff(&db).args(["gaps", "--format", "json"]));
    assert_eq!(json_lines(&json).len(), 3, "one checklist per demo workspace");
    let fails = crate::support::fails(handoff(&db).args(["gaps", "check", "1"]));
    assert!(crate::support::text(&fails.stderr).contains("say which workspace"));

    let file = dir.path().join("questions.txt");
    std::fs::write(&file, QUESTIONS.join("\n") + "\n\nDo you ship to Canada?\n").unwrap();
    let lines = json_lines(&ok(handoff(&db).args(["gaps", "cluster"]).arg(&file)));
    assert_eq!(lines.len(), QUESTIONS.len() + 2);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["group"], 1);
    assert_eq!(lines[QUESTIONS.len()]["group"], serde_json::Value::Null);
    assert_eq!(lines[QUESTIONS.len() + 1]["group"], lines[3]["group"]);
    assert_eq!(lines[1]["label"], lines[0]["label"]);
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"caf\xe9?\n").unwrap();
    let fails = crate::support::fails(handoff(&db).args(["gaps", "cluster"]).arg(&bad));
    assert!(crate::support::text(&fails.stderr).contains("is not UTF-8"));
}

#[test]
fn the_engine_embeds_new_questions_in_the_background() {
    let (_dir, path, _ws) = setup();
    let count = || -> i64 {
        Store::open(&path)
            .unwrap()
            .conn()
            .query_row("SELECT count(*) FROM question_vectors", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(), 0, "ingest alone stores no vectors");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let engine = handoff::sync::Engine::start(path.clone(), None, Default::default()).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while count() < 8 {
            assert!(std::time::Instant::now() < deadline, "the engine embedded {} of 8 questions", count());
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        engine.stop().await;
    });
    assert_eq!(count(), 8, "content gaps only, each once");
}
