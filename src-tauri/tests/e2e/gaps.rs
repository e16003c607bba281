//! The gap checklist in the window: last month's unanswered questions of a
//! demo workspace, grouped and ranked as the core ranks them; checking the
//! top item off with a note reaches the data file.

use crate::World;
use chrono::Utc;
use handoff::gaps::{self, Grouper, ItemState};
use handoff::metrics::Month;

#[test]
fn a_gap_is_checked_off_with_a_note_from_the_window() {
    let world = World::demo(40);
    let mut store = world.store();
    let ws = store.workspace("acme-plumbing").unwrap().unwrap();
    let month = Month::of(Utc::now(), ws.tz()).previous();
    let grouper = Grouper::load();
    let want = gaps::build(&mut store, &ws, month, &grouper).unwrap();
    assert!(!want.items.is_empty(), "the demo has gaps in {month}");

    let driver = world.driver();
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.click(&s.wait("[data-testid=nav-gaps]", 10));
    s.select("[data-testid=gaps-workspace]", "acme-plumbing");
    s.set_input("[data-testid=gaps-month]", &month.to_string());
    s.until("the month's checklist", 60, |s| {
        s.all("[data-testid=gaps][data-state=ready]").len() == 1
            && s.all("[data-testid=gap-item]").len() == want.items.len()
    });
    let shown = s.script(
        "return Array.from(document.querySelectorAll('[data-testid=gap-label]')).map(e => e.textContent)",
        serde_json::json!([]),
    );
    let labels: Vec<String> = serde_json::from_value(shown).unwrap();
    let expect: Vec<String> = want.items.iter().map(|i| i.label.clone()).collect();
    assert_eq!(labels, expect, "ranked as the core ranks them");
    s.screenshot("gaps");

    s.click(&s.wait("[data-testid=gap-item][data-rank=\"1\"] [data-testid=gap-check]", 10));
    let note = s.wait("[data-testid=gap-note]", 10);
    s.type_into(&note, "added /faq#warranty");
    s.click(&s.wait("[data-testid=gap-confirm]", 10));
    s.wait("[data-testid=gap-item][data-rank=\"1\"][data-state=done]", 30);
    s.screenshot("gaps-checked");

    let after = gaps::build(&mut world.store(), &ws, month, &grouper).unwrap();
    let top = after.items.iter().find(|i| i.rank == 1).unwrap();
    match &top.state {
        ItemState::Done { note, .. } => assert_eq!(note.as_deref(), Some("added /faq#warranty")),
        other => panic!("item 1 is {other:?}, not done"),
    }
}
