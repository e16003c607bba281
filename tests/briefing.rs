//! The briefing: the summary holds the visitor's ask (hand-labelled asks of
//! the platform corpus, `tests/fixtures/briefing/asks.tsv`, ≥ 90 %), the tone
//! agrees with a labelled set of visitor messages in the parser's languages
//! (`tone.tsv`, ≥ 85 %), every demo and corpus handoff gets a briefing, the
//! visitor's history and the hot-lead mark, and the backfill for handoffs
//! stored before briefings existed.

use handoff::ingest::briefing::{facts, tone};
use handoff::ingest::{Parsed, email::parse_email, webhook::parse_webhook};
use handoff::model::{Author, BuyingSignal, Message, NewHandoff, Reason, SourceKind, Tone};
use handoff::store::NewWorkspace;
use handoff::{Store, briefing};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A corpus file read as an import or the relay reads it.
fn read(stem: &str) -> Option<NewHandoff> {
    let base = root().join("corpus").join(stem);
    if stem.starts_with("email/") {
        let raw = std::fs::read(format!("{}.eml", base.display())).ok()?;
        let mut h = parse_email(&raw, SourceKind::Import);
        handoff::ingest::reason::finish(&mut h);
        return Some(h);
    }
    let raw = std::fs::read(format!("{}.json", base.display())).ok()?;
    parse_webhook(&raw, SourceKind::Relay).into_iter().find_map(|p| match p {
        Parsed::Handoff(h) => Some(*h),
        _ => None,
    })
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn labelled(name: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(root().join("briefing").join(name))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (a, b) = l.split_once('\t').unwrap_or_else(|| panic!("no tab in {l:?}"));
            (a.to_string(), b.to_string())
        })
        .collect()
}

#[test]
fn the_summary_holds_the_visitors_ask() {
    let asks = labelled("asks.tsv");
    assert!(asks.len() >= 90, "{} labelled asks", asks.len());
    let mut hits = 0;
    let mut misses = Vec::new();
    for (stem, ask) in &asks {
        let h = read(stem).unwrap_or_else(|| panic!("{stem} is not read as a handoff"));
        let summary = facts(&h).summary;
        if flat(&summary).contains(&flat(ask)) {
            hits += 1;
        } else {
            misses.push(format!("{stem}: wanted {ask:?} in {summary:?}"));
        }
    }
    let share = hits as f64 / asks.len() as f64;
    println!(
        "briefing: the ask is in the summary for {hits}/{} corpus handoffs ({:.1} %)",
        asks.len(),
        100.0 * share
    );
    for m in &misses {
        println!("  miss {m}");
    }
    assert!(share >= 0.90, "ask coverage {:.1} % < 90 %:\n{}", 100.0 * share, misses.join("\n"));
}

#[test]
fn the_tone_agrees_with_a_labelled_set() {
    let set = labelled("tone.tsv");
    assert!(set.len() >= 60, "{} labelled examples", set.len());
    let mut agree = 0;
    let mut off = Vec::new();
    for (label, lines) in &set {
        let want: Tone = label.parse().unwrap_or_else(|_| panic!("bad label {label:?}"));
        let t: Vec<Message> = lines
            .split(" || ")
            .map(|text| Message { author: Author::Visitor, name: None, at: None, text: text.into() })
            .collect();
        let got = tone(&t, Reason::Other);
        if got == want {
            agree += 1;
        } else {
            off.push(format!("{lines:?}: labelled {label}, read {}", got.as_str()));
        }
    }
    let share = agree as f64 / set.len() as f64;
    println!("briefing: tone agrees on {agree}/{} labelled examples ({:.1} %)", set.len(), 100.0 * share);
    for o in &off {
        println!("  disagree {o}");
    }
    assert!(share >= 0.85, "tone agreement {:.1} % < 85 %:\n{}", 100.0 * share, off.join("\n"));
}

#[test]
fn every_corpus_handoff_has_a_briefing() {
    let mut n = 0;
    for kind in ["email", "webhook"] {
        for platform in std::fs::read_dir(root().join("corpus").join(kind)).unwrap().flatten() {
            for f in std::fs::read_dir(platform.path()).unwrap().flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                let Some(stem) = name.strip_suffix(".eml").or_else(|| name.strip_suffix(".json")) else {
                    continue;
                };
                if stem.ends_with(".expected") {
                    continue;
                }
                let rel = format!("{kind}/{}/{stem}", platform.file_name().to_string_lossy());
                let Some(h) = read(&rel) else { continue };
                let b = facts(&h);
                assert!(!b.summary.trim().is_empty(), "{rel}: empty summary");
                n += 1;
            }
        }
    }
    assert!(n >= 100, "only {n} corpus handoffs read");
}

#[test]
fn the_demo_stores_a_briefing_with_every_handoff() {
    let mut store = Store::open_in_memory().unwrap();
    handoff::demo::install(&mut store, 12, 2, chrono::Utc::now()).unwrap();
    let total = store.count(None).unwrap();
    assert!(total > 0);
    // Made at ingest: nothing is left for the backfill.
    assert_eq!(store.handoffs_without_briefing(10_000).unwrap(), Vec::<i64>::new());
    let ids = store.handoffs_without_briefing(0).unwrap();
    assert!(ids.is_empty());
    let hot = (1..=total)
        .filter_map(|id| store.briefing_facts(id).unwrap())
        .filter(|f| !f.signals.is_empty())
        .count();
    assert!(hot > 0, "no hot lead among {total} demo handoffs");
}

fn handoff_from(email: Option<&str>, phone: Option<&str>, key: &str, at: &str, text: &str) -> Parsed {
    let mut h = NewHandoff::raw(SourceKind::Import, handoff::model::RawKind::Json, text.as_bytes().to_vec());
    h.source_key = key.into();
    h.visitor.email = email.map(str::to_string);
    h.visitor.phone = phone.map(str::to_string);
    h.sent_at = Some(at.parse().unwrap());
    h.parse_status = handoff::model::ParseStatus::Ok;
    h.transcript = vec![Message { author: Author::Visitor, name: None, at: None, text: text.into() }];
    h.reason = Reason::KnowledgeGap;
    Parsed::Handoff(Box::new(h))
}

#[test]
fn history_hot_lead_and_backfill() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = store.create_workspace(&NewWorkspace::new("acme", "Acme", "Europe/Berlin")).unwrap();
    let other = store.create_workspace(&NewWorkspace::new("globex", "Globex", "Europe/Berlin")).unwrap();
    let items = vec![
        handoff_from(
            Some("dana@northwind.test"),
            None,
            "k1",
            "2026-11-02T09:00:00Z",
            "Do you ship to Norway?",
        ),
        handoff_from(
            None,
            Some("+1 (555) 010-0999"),
            "k2",
            "2026-11-03T09:00:00Z",
            "Is the shop open on Sunday?",
        ),
        handoff_from(
            Some("DANA@northwind.test"),
            Some("+15550100999"),
            "k3",
            "2026-11-05T09:00:00Z",
            "Can I get a quote for 40 seats and book a demo?",
        ),
        handoff_from(
            Some("someone@gmail.com"),
            None,
            "k4",
            "2026-11-06T09:00:00Z",
            "Hello, where is my parcel?",
        ),
    ];
    // Stored without facts (as before briefings existed): the backfill makes them.
    let out = store.ingest(&ws, items, chrono::Utc::now()).unwrap();
    let mut elsewhere =
        vec![handoff_from(Some("dana@northwind.test"), None, "k5", "2026-11-01T09:00:00Z", "Hi")];
    handoff::ingest::briefing::attach(&mut elsewhere);
    store.ingest(&other, elsewhere, chrono::Utc::now()).unwrap();
    let ids = out.inserted;
    assert_eq!(store.handoffs_without_briefing(100).unwrap(), ids);
    assert_eq!(briefing::backfill(&mut store).unwrap(), 4);
    assert!(store.handoffs_without_briefing(100).unwrap().is_empty());

    let b = briefing::of(&mut store, ids[2]).unwrap();
    assert_eq!(b.facts.company.as_deref(), Some("northwind.test"));
    assert_eq!(b.facts.signals, vec![BuyingSignal::Quote, BuyingSignal::Demo]);
    assert!(b.hot_lead);
    assert!(b.facts.summary.starts_with("Asks: “Can I get a quote for 40 seats"), "{}", b.facts.summary);
    // Same address in another case and the same phone written differently, in
    // this workspace only, newest first; not the later handoff.
    let seen: Vec<i64> = b.history.iter().map(|p| p.id).collect();
    assert_eq!(seen, vec![ids[1], ids[0]]);
    assert!(b.history.iter().all(|p| p.workspace == "acme"));

    let first = briefing::of(&mut store, ids[0]).unwrap();
    assert!(first.history.is_empty());
    assert!(!first.hot_lead);
    let free = briefing::of(&mut store, ids[3]).unwrap();
    assert_eq!(free.facts.company, None);
    assert_eq!(free.facts.tone, Tone::Calm);
}

#[test]
fn history_spans_the_workspaces_of_one_client_and_never_another_clients() {
    let mut store = Store::open_in_memory().unwrap();
    let ws = |store: &Store, slug: &str, client: Option<&str>| {
        let mut w = store.create_workspace(&NewWorkspace::new(slug, slug, "Europe/Berlin")).unwrap();
        w.settings.client = client.map(str::to_string);
        store.update_workspace(&w).unwrap();
        store.workspace(slug).unwrap().unwrap()
    };
    let site = ws(&store, "northwind-site", Some("Northwind Group"));
    let shop = ws(&store, "northwind-shop", Some("  northwind group "));
    let other = ws(&store, "globex", Some("Globex"));
    let alone = ws(&store, "solo", None);
    let now = chrono::Utc::now();
    let from =
        |key: &str| vec![handoff_from(Some("dana@northwind.test"), None, key, "2026-11-02T09:00:00Z", "Hi")];
    let in_shop = store.ingest(&shop, from("k1"), now - chrono::Duration::hours(3)).unwrap().inserted[0];
    store.ingest(&other, from("k2"), now - chrono::Duration::hours(2)).unwrap();
    store.ingest(&alone, from("k3"), now - chrono::Duration::hours(1)).unwrap();
    let on_site = store.ingest(&site, from("k4"), now).unwrap().inserted[0];

    let b = briefing::of(&mut store, on_site).unwrap();
    let seen: Vec<(i64, &str)> = b.history.iter().map(|p| (p.id, p.workspace.as_str())).collect();
    assert_eq!(
        seen,
        vec![(in_shop, "northwind-shop")],
        "the same client's shop, not Globex's nor a lone workspace's"
    );

    // A workspace with no client keeps to itself, both ways.
    let mut shop = store.workspace("northwind-shop").unwrap().unwrap();
    shop.settings.client = None;
    store.update_workspace(&shop).unwrap();
    assert!(briefing::of(&mut store, on_site).unwrap().history.is_empty());
    let later = store.ingest(&alone, from("k5"), now + chrono::Duration::hours(1)).unwrap().inserted[0];
    let seen: Vec<String> =
        briefing::of(&mut store, later).unwrap().history.iter().map(|p| p.workspace.clone()).collect();
    assert_eq!(seen, vec!["solo".to_string()]);
}
