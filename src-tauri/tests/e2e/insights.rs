//! The insights screen against the real core: last month's figures of a
//! demo workspace are the ones `handoff metrics` computes, and the month's
//! bot conversations read from Chatwoot in the window.

use crate::World;
use crate::keychain::Keychain;
use crate::web::Web;
use chrono::{TimeZone, Utc};
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
    open_insights(&s, "bergblick-hotel", &month.to_string());
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

/// The bot's conversations read from Chatwoot in the window: the inbox's
/// address and a token typed once, then one click for the month before. The
/// server is a stand-in answering in Chatwoot's format (no Chatwoot runs here).
#[test]
fn the_months_conversations_are_read_from_chatwoot_in_the_window() {
    const PATH: &str = "/api/v2/accounts/3/reports/summary";
    let world = World::demo(40);
    let store = world.store();
    let ws = store.workspace("bergblick-hotel").unwrap().unwrap();
    let tz = ws.tz();
    let month = Month::of(Utc::now(), tz).previous();
    let kc = Keychain::start();
    let web = Web::start();
    let summary = |n: u32| {
        format!(r#"{{"conversations_count":{n},"incoming_messages_count":1873,"resolutions_count":377}}"#)
    };
    web.route(PATH, "application/json; charset=utf-8", &summary(412));

    let driver = world.driver_with_keychain(&kc);
    let s = driver.session();
    open_insights(&s, "bergblick-hotel", &month.to_string());
    s.click(&s.wait("[data-testid=chatwoot-open]", 30));
    let address = format!("{}/app/accounts/3/inbox/7", web.url());
    s.type_into(&s.wait("[data-testid=chatwoot-address]", 10), &address);
    s.type_into(&s.wait("[data-testid=chatwoot-token]", 10), "cw-e2e-admin-token");
    s.click(&s.wait("[data-testid=chatwoot-read]", 10));
    s.until("Chatwoot's count", 30, |s| {
        s.inner_text("[data-testid=chatwoot-done]").contains("412 conversations")
    });

    // The month's bounds in the workspace's zone, Chatwoot's `until` inclusive.
    let (since, until) = bounds(tz, month.to_string().as_str());
    assert_eq!(web.seen(), vec![format!("127.0.0.1{PATH}?type=inbox&id=7&since={since}&until={until}")]);
    assert!(
        web.headers()[0].iter().any(|h| h == "api_access_token: cw-e2e-admin-token"),
        "{:?}",
        web.headers()
    );
    assert_eq!(kc.lookup("bergblick-hotel/chatwoot").as_deref(), Some("cw-e2e-admin-token"));
    let file = std::fs::read(&world.db).unwrap();
    assert!(!file.windows(18).any(|w| w == b"cw-e2e-admin-token"), "the token is not in the data file");

    // The figures table counts with it: the escalation rate is handoffs / 412.
    s.until("the count in the figures", 30, |s| {
        s.inner_text("[data-testid=figure-row-bot]").contains("412")
            && s.prop("[data-testid=conversations-input]", "value") == "412"
    });
    let handoffs: f64 = cell(&s, "figure-row-handoffs").parse().unwrap();
    assert_eq!(cell(&s, "figure-row-escalation"), format!("{:.0} %", handoffs / 412.0 * 100.0));
    s.wait("[data-testid=conversations-source]", 10);
    s.wait("[data-testid=chatwoot-read-again]", 10); // the form has closed: one click next time
    s.screenshot("insights-chatwoot");

    // The month before: one click, with the kept address and token.
    web.route(PATH, "application/json; charset=utf-8", &summary(388));
    let before = month.previous();
    s.set_input("[data-testid=insights-month]", &before.to_string());
    s.until("the month before", 30, |s| {
        s.inner_text("[data-testid=figure-table] thead").contains(&before.to_string())
    });
    s.click(&s.wait("[data-testid=chatwoot-read-again]", 30));
    s.until("the month before's count", 30, |s| {
        s.prop("[data-testid=conversations-input]", "value") == "388"
    });
    let (since, until) = bounds(tz, before.to_string().as_str());
    assert_eq!(web.seen()[1], format!("127.0.0.1{PATH}?type=inbox&id=7&since={since}&until={until}"));
    assert_eq!(store.conversations(ws.id, &before.to_string()).unwrap(), Some((388, "chatwoot".to_string())));
}

/// The first figure (this month) of a figures-table row.
fn cell(s: &crate::driver::Session, row: &str) -> String {
    let v = s.script(
        "const r = document.querySelector(`[data-testid=${arguments[0]}]`); return r ? r.cells[1].innerText : ''",
        serde_json::json!([row]),
    );
    v.as_str().unwrap_or_default().trim().to_string()
}

/// Unix seconds of "YYYY-MM"'s first instant in `tz`, and of a second before the next month's.
fn bounds(tz: impl TimeZone, month: &str) -> (i64, i64) {
    let (y, m) = month.split_once('-').unwrap();
    let (y, m): (i32, u32) = (y.parse().unwrap(), m.parse().unwrap());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let start = tz.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().unwrap().timestamp();
    let next = tz.with_ymd_and_hms(ny, nm, 1, 0, 0, 0).single().unwrap().timestamp();
    (start, next - 1)
}

/// Intercom's count in the window: the region (here the stand-in's address)
/// and token kept by the CLI, then the window counts every conversation of
/// the month, not only Fin's. The server answers in Intercom's format.
#[test]
fn the_months_conversations_are_read_from_intercom_in_the_window() {
    use std::io::Write;
    const PATH: &str = "/conversations/search";
    let world = World::demo(40);
    let tz = world.store().workspace("bergblick-hotel").unwrap().unwrap().tz();
    let month = Month::of(Utc::now(), tz).previous();
    let kc = Keychain::start();
    let web = Web::start();
    web.route(
        PATH,
        "application/json",
        r#"{"type":"conversation.list","total_count":287,"conversations":[]}"#,
    );
    let mut keep = crate::cli();
    kc.apply(&mut keep).env("HANDOFF_DB", &world.db);
    keep.args(["conversations", "-w", "bergblick-hotel", "--month", &month.previous().to_string()])
        .args(["--from-intercom", &web.url(), "--token-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = keep.spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "ic-e2e-token").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let driver = world.driver_with_keychain(&kc);
    let s = driver.session();
    open_insights(&s, "bergblick-hotel", &month.to_string());
    s.wait("[data-testid=intercom-read-again]", 30);
    s.click(&s.find_by_script(
        "return Array.from(document.querySelectorAll('button')).find(b => b.textContent === 'Change the region, count or token')",
        serde_json::json!([]),
    ).unwrap());
    assert_eq!(s.prop("[data-testid=intercom-region]", "value"), web.url(), "the kept address is chosen");
    s.click(&s.wait("[data-testid=intercom-every]", 10));
    s.click(&s.wait("[data-testid=intercom-read]", 10));
    s.until("Intercom's count", 30, |s| {
        s.inner_text("[data-testid=intercom-done]")
            == format!("Intercom counts 287 conversations in {month}.")
    });
    let body: serde_json::Value = serde_json::from_str(&web.bodies()[1]).unwrap();
    let (since, until) = bounds(tz, &month.to_string());
    assert_eq!(
        body["query"]["value"],
        serde_json::json!([
            {"field": "created_at", "operator": ">", "value": since},
            {"field": "created_at", "operator": "<", "value": until},
        ]),
        "every conversation of the month, no Fin filter"
    );
    assert!(web.headers()[1].iter().any(|h| h.eq_ignore_ascii_case("authorization: Bearer ic-e2e-token")));
    s.until("the count in the figures", 30, |s| {
        s.prop("[data-testid=conversations-input]", "value") == "287"
    });
    assert_eq!(
        s.inner_text("[data-testid=conversations-source]"),
        "This month's count was read from Intercom."
    );
    s.screenshot("insights-intercom");
}

/// The Insights screen of `workspace` at `month`, once the inbox is ready.
fn open_insights(s: &crate::driver::Session, workspace: &str, month: &str) {
    s.wait("[data-testid=inbox][data-state=ready]", 60);
    s.click(&s.wait("[data-testid=nav-insights]", 10));
    s.select("[data-testid=insights-workspace]", workspace);
    s.set_input("[data-testid=insights-month]", month);
}
