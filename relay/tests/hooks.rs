//! Webhook authentication: signatures, hook tokens, unknown channels, and what
//! an accepted webhook looks like to the reader.

use base64::Engine as _;
use serde_json::Value;

use crate::support::{Harness, Relay, error_of, sha1_base64, sha1_hex, sha256_hex};

const SIGNED: &str = r#"
[[channels]]
id = "signed"
read_token = "signed-read-token-0123456789"
secret = "whsec-abc"
signature_prefix = "sha256="

[[channels]]
id = "intercom"
read_token = "intercom-read-token-0123456789"
secret = "intercom-secret"
signature_header = "X-Hub-Signature"
signature_algorithm = "sha1"
signature_prefix = "sha1="

[[channels]]
id = "b64"
read_token = "b64-read-token-0123456789"
secret = "b64-secret"
signature_header = "X-Signature"
signature_algorithm = "sha1"
signature_encoding = "base64"

[[channels]]
id = "tokened"
read_token = "tokened-read-token-0123456789"
hook_token = "hook-token-abcdefghijklmnop"
"#;

const BODY: &str = r#"{"id":"evt_1","question":"Do you ship to Canada?"}"#;

#[test]
fn a_signed_webhook_is_accepted_and_then_visible_to_its_reader() {
    let h = Harness::new(SIGNED);
    let relay = h.start();
    let sig = format!("sha256={}", sha256_hex("whsec-abc", BODY.as_bytes()));
    let res = relay.post(
        "signed",
        "",
        &[("X-Hub-Signature-256", &sig), ("content-type", "application/json")],
        BODY,
    );
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().unwrap()["id"].as_i64().unwrap();
    assert!(id > 0);

    let (status, page) = relay.events("signed-read-token-0123456789", "");
    assert_eq!(status, 200, "{page}");
    assert_eq!(Relay::ids(&page), vec![id]);
    let event = &page["events"][0];
    assert_eq!(event["body"], BODY);
    assert_eq!(event["content_type"], "application/json");
    assert!(event.get("body_base64").is_none());
    let at = event["received_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok() && at.ends_with('Z') && at.len() == 24, "{at}");
    assert_eq!(page["next"], id);
    assert!(page.get("gap").is_none());
}

#[test]
fn bad_and_missing_signatures_are_refused_and_not_stored() {
    let h = Harness::new(SIGNED);
    let relay = h.start();
    let wrong = format!("sha256={}", sha256_hex("not-the-secret", BODY.as_bytes()));
    let res = relay.post("signed", "", &[("X-Hub-Signature-256", &wrong)], BODY);
    assert_eq!(res.status(), 401);
    assert!(error_of(res).contains("does not match"));

    let tampered = format!("sha256={}", sha256_hex("whsec-abc", b"{}"));
    assert_eq!(relay.post("signed", "", &[("X-Hub-Signature-256", &tampered)], BODY).status(), 401);

    let res = relay.post("signed", "", &[], BODY);
    assert_eq!(res.status(), 401);
    assert!(error_of(res).contains("x-hub-signature-256"));

    assert_eq!(relay.post("signed", "", &[("X-Hub-Signature-256", "sha256=not-hex")], BODY).status(), 401);

    let (_, page) = relay.events("signed-read-token-0123456789", "");
    assert!(Relay::ids(&page).is_empty(), "refused webhooks must not be stored: {page}");
}

#[test]
fn intercom_sha1_hex_and_a_sha1_base64_channel_verify() {
    let h = Harness::new(SIGNED);
    let relay = h.start();
    let intercom = format!("sha1={}", sha1_hex("intercom-secret", BODY.as_bytes()));
    assert_eq!(relay.post("intercom", "", &[("X-Hub-Signature", &intercom)], BODY).status(), 202);
    let sha256_instead = format!("sha1={}", sha256_hex("intercom-secret", BODY.as_bytes()));
    assert_eq!(relay.post("intercom", "", &[("X-Hub-Signature", &sha256_instead)], BODY).status(), 401);

    let b64 = sha1_base64("b64-secret", BODY.as_bytes());
    assert_eq!(relay.post("b64", "", &[("X-Signature", &b64)], BODY).status(), 202);
    let hex_instead = sha1_hex("b64-secret", BODY.as_bytes());
    assert_eq!(relay.post("b64", "", &[("X-Signature", &hex_instead)], BODY).status(), 401);

    assert_eq!(Relay::ids(&relay.events("intercom-read-token-0123456789", "").1).len(), 1);
    assert_eq!(Relay::ids(&relay.events("b64-read-token-0123456789", "").1).len(), 1);
}

#[test]
fn the_hook_token_must_match() {
    let h = Harness::new(SIGNED);
    let relay = h.start();
    let res = relay.post("tokened", "?token=hook-token-abcdefghijklmnoX", &[], BODY);
    assert_eq!(res.status(), 401);
    assert!(error_of(res).contains("?token="));
    assert_eq!(relay.post("tokened", "", &[], BODY).status(), 401);
    assert_eq!(relay.post("tokened", "?token=hook-token-abcdefghijklmnop", &[], BODY).status(), 202);
    // Platforms may append their own parameters.
    assert_eq!(relay.post("tokened", "?source=x&token=hook-token-abcdefghijklmnop", &[], BODY).status(), 202);
    assert_eq!(Relay::ids(&relay.events("tokened-read-token-0123456789", "").1).len(), 2);
}

#[test]
fn unknown_channels_and_routes_are_404_with_a_json_error() {
    let h = Harness::new("");
    let relay = h.start();
    let res = relay.post("nope", "", &[], BODY);
    assert_eq!(res.status(), 404);
    assert!(error_of(res).contains("channel"));
    let res = relay.client.get(format!("{}/v2/anything", relay.url)).send().unwrap();
    assert_eq!(res.status(), 404);
    assert!(!error_of(res).is_empty());
    let res = relay.client.get(format!("{}/v1/hooks/plain", relay.url)).send().unwrap();
    assert_eq!(res.status(), 405);
    assert!(!error_of(res).is_empty());
    let res = relay.client.get(format!("{}/healthz", relay.url)).send().unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().unwrap(), "ok");
}

#[test]
fn any_bytes_are_accepted_and_non_utf8_comes_back_as_base64() {
    let h = Harness::new("");
    let relay = h.start();
    let raw: Vec<u8> = vec![0xff, 0xfe, b'h', b'i', 0];
    assert_eq!(relay.post("plain", "", &[], raw.clone()).status(), 202);
    assert_eq!(relay.post("plain", "", &[("content-type", "text/plain")], "not json {").status(), 202);
    let (_, page) = relay.events(crate::support::PLAIN_READ, "");
    let events = page["events"].as_array().unwrap();
    assert!(events[0].get("body").is_none());
    let decoded =
        base64::engine::general_purpose::STANDARD.decode(events[0]["body_base64"].as_str().unwrap());
    assert_eq!(decoded.unwrap(), raw);
    assert_eq!(events[0]["content_type"], Value::Null);
    assert_eq!(events[1]["body"], "not json {");
    assert_eq!(events[1]["content_type"], "text/plain");
}
