//! The insights screen against the real core: last month's figures of a
//! demo workspace are the ones `handoff metrics` computes.

use crate::World;
use chrono::Utc;
use handoff::metrics::{self, Month};

#[test]
fn insights_show_the_cores_monthly_figures() {
    let world = World::demo(40);
    let store = world.store();
    let ws = store.workspace("bergblick-hotel").unwrap().unwrap();
    let month = Month::of(Utc::now(), ws.tz()).previous();
    let want = metrics::monthly(&store, &ws, month, Utc::now()).unwrap();
    assert!(want.handoffs > 0, "the demo has handoffs in {month}");

    let driver = world.driver();
    let s = driver.session();
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.click(&s.wait("[data-testid=nav-insights]", 10));
    s.select("[data-testid=insights-workspace]", "bergblick-hotel");
    s.set_input("[data-testid=insights-month]", &month.to_string());
    let handoffs = want.handoffs.to_string();
    s.until("the month's handoff count", 30, |s| {
        s.all("[data-testid=insights][data-state=ready]").len() == 1
            && s.inner_text("[data-testid=figure-handoffs-value]") == handoffs
    });
    let kept = want.promises_kept.map_or("—".to_string(), |k| format!("{} %", (k * 100.0).round()));
    assert_eq!(s.inner_text("[data-testid=figure-promises-kept-value]"), kept);
    let bars = s.script(
        "return Array.from(document.querySelectorAll('[data-testid=chart-reasons] [data-testid=bar]')).map(b => Number(b.getAttribute('data-value')))",
        serde_json::json!([]),
    );
    let counts: Vec<i64> = serde_json::from_value(bars).unwrap();
    assert_eq!(
        counts,
        want.by_reason.iter().map(|r| r.count).collect::<Vec<_>>(),
        "one bar per reason, in the core's order"
    );
    s.screenshot("insights");
}
