//! The inbox and the handoff pane against the real core: the demo inbox
//! opens sorted due first, filters and search narrow it, a handoff opens
//! with its transcript, and resolving it from the pane reaches the data file.

use crate::World;
use handoff::model::{Reason, Resolution, Status};
use handoff::store::InboxFilter;

#[test]
fn the_demo_inbox_filters_searches_opens_and_resolves() {
    let world = World::demo(40);
    let store = world.store();
    let open =
        store.inbox(&InboxFilter { limit: 100_000, ..Default::default() }, chrono::Utc::now()).unwrap();
    assert!(open.len() > 20, "the demo has open handoffs");
    let driver = world.driver();
    let s = driver.session();

    // Ready, with the rows in the core's order (the first screenful).
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    let first_ids = |s: &crate::driver::Session| -> Vec<i64> {
        s.all("[data-testid=inbox-row]").iter().filter_map(|r| s.attr(r, "data-id")?.parse().ok()).collect()
    };
    let shown = first_ids(&s);
    assert!(shown.len() >= 5, "rows are shown: {shown:?}");
    let want: Vec<i64> = open.iter().take(shown.len()).map(|e| e.handoff.id).collect();
    assert_eq!(shown, want, "due first, as the core orders them");
    s.screenshot("inbox");

    // Filter by workspace and reason: every row shown is of that kind.
    s.select("[data-testid=workspace-filter]", "koala-dental");
    s.select("[data-testid=reason-filter]", "knowledge_gap");
    let expect: Vec<i64> = store
        .inbox(
            &InboxFilter {
                workspace_id: Some(store.workspace("koala-dental").unwrap().unwrap().id),
                reason: Some(Reason::KnowledgeGap),
                limit: 100_000,
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .unwrap()
        .iter()
        .map(|e| e.handoff.id)
        .collect();
    assert!(!expect.is_empty(), "the demo has koala knowledge gaps");
    s.until("the filtered rows", 20, |s| {
        let ids = first_ids(s);
        !ids.is_empty() && ids == expect[..ids.len().min(expect.len())]
    });
    s.screenshot("inbox-filtered");

    // Clear the filters, search: only matches remain.
    s.select("[data-testid=workspace-filter]", "");
    s.select("[data-testid=reason-filter]", "");
    let search = s.wait("[data-testid=search]", 10);
    s.click(&search);
    // A word the data surely has in an open handoff (the demo's statuses
    // depend on the day it is generated): that visitor's surname.
    let word = open
        .iter()
        .find_map(|e| e.handoff.visitor.name.as_deref()?.split_whitespace().last().map(str::to_string))
        .unwrap();
    s.type_into(&search, &format!("{word}\u{E007}"));
    let hits: Vec<i64> = store
        .search(&word, None, handoff::store::SearchOrder::Relevance, 1000)
        .unwrap()
        .hits
        .iter()
        .filter(|h| !matches!(h.handoff.status, Status::Resolved | Status::Lost))
        .map(|h| h.handoff.id)
        .collect();
    assert!(!hits.is_empty(), "an open handoff mentions {word}");
    s.until("only search hits", 20, |s| {
        let ids = first_ids(s);
        !ids.is_empty() && ids.iter().all(|id| hits.contains(id))
    });

    // Open the first hit with the keyboard: j selects, Enter opens.
    s.script("document.activeElement && document.activeElement.blur()", serde_json::json!([]));
    s.keys("j");
    let mut target = 0;
    s.until("j selects a row", 10, |s| {
        let selected = s.all("[data-testid=inbox-row][aria-selected=true]");
        target = selected.first().and_then(|r| s.attr(r, "data-id")?.parse().ok()).unwrap_or(0);
        target != 0
    });
    assert!(hits.contains(&target), "the selected row is a hit");
    s.keys("\u{E007}");
    let pane = s.wait(&format!("[data-testid=handoff-view][data-id=\"{target}\"]"), 20);
    let detail = store.detail(target).unwrap();
    let lines = s.all("[data-testid=transcript-line]");
    assert_eq!(lines.len(), detail.transcript.len(), "every transcript line is shown");
    if let (Some(first), Some(line)) = (detail.transcript.first(), lines.first()) {
        assert_eq!(s.attr(line, "data-author").as_deref(), Some(first.author.as_str()));
        assert!(s.text(line).contains(first.text.lines().next().unwrap_or_default().trim()));
    }
    if let Some(name) = &detail.handoff.visitor.name {
        assert_eq!(s.text(&s.wait("[data-testid=visitor-name]", 5)), *name);
    }
    assert!(s.text(&pane).len() > 20);
    s.screenshot("handoff");

    // Resolve as a content gap from the pane.
    let resolve = s.wait("[data-testid=action-resolve]", 10);
    s.click(&resolve);
    let gap = s.wait("[data-testid=resolve-content_gap]", 10);
    s.click(&gap);
    s.until("the status reads resolved", 20, |s| {
        s.all("[data-testid=status]")
            .first()
            .map(|e| s.text(e).to_lowercase().contains("resolved"))
            .unwrap_or(false)
    });
    let after = world.store();
    assert_eq!(after.handoff(target).unwrap().unwrap().status, Status::Resolved);
    assert_eq!(after.resolution(target).unwrap(), Some(Resolution::ContentGap));
    s.screenshot("handoff-resolved");
}
