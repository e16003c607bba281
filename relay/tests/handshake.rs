//! URL validation handshakes per channel: each answered as its platform
//! expects, wrong verify tokens refused, nothing stored, and channels without
//! a handshake answering as before.

use serde_json::{Value, json};

use crate::support::{Harness, PLAIN_READ, Relay, error_of};

const CHANNELS: &str = r#"
[[channels]]
id = "intercom"
read_token = "intercom-read-token-0123456789"
hook_token = "intercom-hook-token-0123456789"
handshake = "intercom"

[[channels]]
id = "meta"
read_token = "meta-read-token-0123456789"
handshake = "meta"
verify_token = "my-verify-token"

[[channels]]
id = "slack"
read_token = "slack-read-token-0123456789"
handshake = "slack"
verify_token = "slack-verification-token"

[[channels]]
id = "grid"
read_token = "grid-read-token-0123456789"
handshake = "event_grid"

[[channels]]
id = "graph"
read_token = "graph-read-token-0123456789"
handshake = "ms_graph"

[[channels]]
id = "echo"
read_token = "echo-read-token-0123456789"
handshake = "challenge"
"#;

const READ_TOKENS: [&str; 7] = [
    "intercom-read-token-0123456789",
    "meta-read-token-0123456789",
    "slack-read-token-0123456789",
    "grid-read-token-0123456789",
    "graph-read-token-0123456789",
    "echo-read-token-0123456789",
    PLAIN_READ,
];

fn assert_nothing_stored(relay: &Relay) {
    for token in READ_TOKENS {
        let (status, page) = relay.events(token, "");
        assert_eq!(status, 200, "{page}");
        assert!(Relay::ids(&page).is_empty(), "a handshake was stored: {page}");
    }
}

fn hook(relay: &Relay, channel: &str, query: &str) -> String {
    format!("{}/v1/hooks/{channel}{query}", relay.url)
}

#[test]
fn intercom_head_is_answered_200_without_a_body() {
    let h = Harness::new(CHANNELS);
    let relay = h.start();
    let res =
        relay.client.head(hook(&relay, "intercom", "?token=intercom-hook-token-0123456789")).send().unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().unwrap().len(), 0);
    // The URL's hook token is checked as for webhooks.
    let res = relay.client.head(hook(&relay, "intercom", "?token=wrong-wrong-wrong-wrong")).send().unwrap();
    assert_eq!(res.status(), 401);
    // A channel configured for no HEAD handshake answers as before.
    assert_eq!(relay.client.head(hook(&relay, "plain", "")).send().unwrap().status(), 405);
    assert_eq!(relay.client.head(hook(&relay, "meta", "")).send().unwrap().status(), 405);
    assert_nothing_stored(&relay);
}

#[test]
fn meta_verify_request_echoes_the_challenge_only_with_the_right_token() {
    let h = Harness::new(CHANNELS);
    let relay = h.start();
    let ok = relay
        .client
        .get(hook(
            &relay,
            "meta",
            "?hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444",
        ))
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert_eq!(ok.text().unwrap(), "1158201444");

    let wrong = relay
        .client
        .get(hook(&relay, "meta", "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444"))
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 403);
    let message = error_of(wrong);
    assert!(message.contains("verify token") && !message.contains("my-verify-token"), "{message}");
    let missing = relay
        .client
        .get(hook(&relay, "meta", "?hub.mode=subscribe&hub.challenge=1158201444"))
        .send()
        .unwrap();
    assert_eq!(missing.status(), 403);
    assert_nothing_stored(&relay);
}

#[test]
fn slack_url_verification_is_answered_and_a_wrong_token_refused() {
    let h = Harness::new(CHANNELS);
    let relay = h.start();
    let body = json!({"token": "slack-verification-token", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"});
    let res = relay.post("slack", "", &[("content-type", "application/json")], body.to_string());
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
    );
    let wrong = json!({"token": "nope", "challenge": "abc", "type": "url_verification"});
    assert_eq!(relay.post("slack", "", &[], wrong.to_string()).status(), 403);
    assert_nothing_stored(&relay);
    // An ordinary event on the same channel is a webhook like any other.
    let event = json!({"type": "event_callback", "event": {"type": "message", "text": "hi"}});
    assert_eq!(relay.post("slack", "", &[], event.to_string()).status(), 202);
}

#[test]
fn event_grid_validation_returns_the_code_and_cloudevents_options_is_allowed() {
    let h = Harness::new(CHANNELS);
    let relay = h.start();
    let body = json!([{
        "id": "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
        "topic": "/subscriptions/xx/resourceGroups/yy",
        "subject": "",
        "data": {"validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", "validationUrl": "https://rp-eastus2.eventgrid.azure.net/x"},
        "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
        "eventTime": "2018-01-25T22:12:19.4556811Z",
        "metadataVersion": "1",
        "dataVersion": "1"
    }]);
    let res = relay.post("grid", "", &[("aeg-event-type", "SubscriptionValidation")], body.to_string());
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"validationResponse": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"})
    );

    let res = relay
        .client
        .request(reqwest::Method::OPTIONS, hook(&relay, "grid", ""))
        .header("WebHook-Request-Origin", "eventemitter.example.com")
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["webhook-allowed-origin"], "eventemitter.example.com");
    assert_eq!(
        relay.client.request(reqwest::Method::OPTIONS, hook(&relay, "plain", "")).send().unwrap().status(),
        405
    );
    assert_nothing_stored(&relay);
    // A notification (no validation header) is stored as usual.
    assert_eq!(relay.post("grid", "", &[("aeg-event-type", "Notification")], "[{}]").status(), 202);
}

#[test]
fn graph_and_plain_challenges_are_echoed_as_text() {
    let h = Harness::new(CHANNELS);
    let relay = h.start();
    let res = relay.post("graph", "?validationToken=Validation%3A%20Testing%20client%20application", &[], "");
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert_eq!(res.text().unwrap(), "Validation: Testing client application");
    let res = relay.client.get(hook(&relay, "echo", "?challenge=abc123")).send().unwrap();
    assert_eq!((res.status().as_u16(), res.text().unwrap()), (200, "abc123".to_string()));
    assert_nothing_stored(&relay);
}

#[test]
fn gets_that_are_no_configured_handshake_keep_the_old_answer() {
    let h = Harness::new(CHANNELS);
    let relay = h.start();
    for (channel, query) in [
        ("plain", "?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1"),
        ("plain", "?challenge=1"),
        ("nosuch", "?challenge=1"),
        ("meta", ""),
        ("meta", "?challenge=1"),
        ("intercom", "?token=intercom-hook-token-0123456789"),
        ("echo", ""),
    ] {
        let res = relay.client.get(hook(&relay, channel, query)).send().unwrap();
        assert_eq!(res.status(), 405, "GET {channel}{query}");
    }
    assert_nothing_stored(&relay);
}

#[test]
fn handshake_settings_are_checked_at_startup() {
    use handoff_relay::config::Config;
    use std::path::Path;
    let parse = |extra: &str| {
        let text = format!("[[channels]]\nid = \"a\"\nread_token = \"rrrrrrrrrrrrrrrrrrrr\"\n{extra}");
        Config::parse(&text, Path::new("relay.toml"), Path::new("."), &|_| None)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert!(parse("handshake = \"meta\"\nverify_token = \"v\"\n").is_ok());
    assert!(parse("handshake = \"slack\"\n").is_ok());
    assert!(parse("handshake = \"intercom\"\n").is_ok());
    assert!(parse("handshake = \"meta\"\n").unwrap_err().contains("verify_token"));
    assert!(parse("handshake = \"zendesk\"\n").unwrap_err().contains("handshake"));
    assert!(parse("verify_token = \"v\"\n").unwrap_err().contains("no handshake"));
    assert!(parse("handshake = \"intercom\"\nverify_token = \"v\"\n").unwrap_err().contains("not used"));
}
