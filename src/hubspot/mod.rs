//! Leads to HubSpot: each handoff becomes a contact (upserted by email),
//! tagged as a chatbot escalation through the app's own contact properties,
//! with the transcript as a note on the contact — through the durable outbox
//! ([`worker`]), paced below the portal's rate window.
//!
//! The token lives in the OS keychain (key [`TOKEN_KEY`]); the portal's
//! address and choices in the workspace settings.

pub mod client;
mod failures;
mod note;
mod note_calls;
mod options;
pub mod worker;

pub use client::{ApiError, BATCH_MAX, Client, Failure, Upserted};
pub use note::{NOTE_LIMIT, note_html, note_ref};
pub use note_calls::{NOTE_TO_CONTACT, NoteInput};

use crate::model::{Handoff, HubspotSettings, Reason};
use serde_json::{Map, Value, json};

/// Keychain entry of a workspace's HubSpot token.
pub const TOKEN_KEY: &str = "hubspot";

/// The scopes the token needs, and why.
pub const SCOPES: [(&str, &str); 4] = [
    ("crm.objects.contacts.read", "find notes an interrupted push left"),
    ("crm.objects.contacts.write", "upsert contacts and attach transcript notes"),
    ("crm.schemas.contacts.read", "check the escalation properties exist"),
    ("crm.schemas.contacts.write", "create the escalation properties once"),
];

/// The escalation reason (enumeration: one option per reason).
pub const PROP_REASON: &str = "chatbot_escalation";
/// Open or resolved.
pub const PROP_STATUS: &str = "chatbot_escalation_status";
/// When the bot handed over.
pub const PROP_AT: &str = "chatbot_escalated_at";
/// The page the chat started on.
pub const PROP_PAGE: &str = "chatbot_escalation_page";

fn options(values: &[(&str, &str)]) -> Value {
    Value::Array(
        values
            .iter()
            .enumerate()
            .map(|(i, (value, label))| json!({ "label": label, "value": value, "hidden": false, "displayOrder": i }))
            .collect(),
    )
}

/// The contact properties the app creates once per portal.
pub fn property_definitions() -> Vec<Value> {
    let reasons: Vec<(&str, &str)> = Reason::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
    let common = |name: &str, label: &str, description: &str| {
        json!({ "name": name, "label": label, "groupName": "contactinformation",
                "description": format!("Set by Handoff Desk: {description}") })
    };
    let defs = [
        (
            common(
                PROP_REASON,
                "Chatbot escalation",
                "why the website chatbot handed this visitor to a person",
            ),
            json!({ "type": "enumeration", "fieldType": "select", "options": options(&reasons) }),
        ),
        (
            common(PROP_STATUS, "Chatbot escalation status", "whether the escalation is still open"),
            json!({ "type": "enumeration", "fieldType": "select",
                 "options": options(&[("open", "Open"), ("resolved", "Resolved")]) }),
        ),
        (
            common(PROP_AT, "Chatbot escalated at", "when the chatbot handed over"),
            json!({ "type": "datetime", "fieldType": "date" }),
        ),
        (
            common(PROP_PAGE, "Chatbot escalation page", "the page the chat started on"),
            json!({ "type": "string", "fieldType": "text" }),
        ),
    ];
    defs.into_iter()
        .map(|(base, extra)| {
            let mut m = base.as_object().cloned().unwrap_or_default();
            m.extend(extra.as_object().cloned().unwrap_or_default());
            Value::Object(m)
        })
        .collect()
}

/// The contact properties for a handoff: who, the escalation tag, the page.
/// `first_push` adds `hs_lead_status` when the owner opted in.
pub fn contact_properties(h: &Handoff, settings: &HubspotSettings, first_push: bool) -> Map<String, Value> {
    let mut p = Map::new();
    let mut put = |k: &str, v: &str| {
        if !v.trim().is_empty() {
            p.insert(k.to_string(), Value::String(v.trim().to_string()));
        }
    };
    if let Some(name) = &h.visitor.name {
        let mut parts = name.split_whitespace();
        if let Some(first) = parts.next() {
            put("firstname", first);
            put("lastname", &parts.collect::<Vec<_>>().join(" "));
        }
    }
    if let Some(phone) = &h.visitor.phone {
        put("phone", phone);
    }
    put(PROP_REASON, h.reason.as_str());
    put(PROP_STATUS, crate::store::escalation_status(h.status));
    put(
        PROP_AT,
        &h.escalated_at.unwrap_or(h.received_at).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    );
    if let Some(url) = &h.page.url {
        put(PROP_PAGE, url);
    }
    if settings.lead_status && first_push {
        put("hs_lead_status", "NEW");
    }
    p
}

/// Make sure the app's properties exist in the portal with every option this
/// build writes (an older build's property gets the new options added).
pub fn ensure_properties(client: &Client) -> Result<(), ApiError> {
    for def in property_definitions() {
        let name = def["name"].as_str().unwrap_or_default();
        match client.property(name)? {
            None => client.create_property(&def)?,
            Some(existing) => {
                let want = def["options"].as_array().cloned().unwrap_or_default();
                let have: Vec<Value> = existing["options"].as_array().cloned().unwrap_or_default();
                let missing: Vec<&Value> =
                    want.iter().filter(|w| !have.iter().any(|h| h["value"] == w["value"])).collect();
                if !missing.is_empty() {
                    let mut all = have.clone();
                    all.extend(missing.into_iter().cloned());
                    client.set_property_options(name, &Value::Array(all))?;
                }
            }
        }
    }
    Ok(())
}

/// The words for a failure that pauses a portal: what happened, what to do.
pub fn pause_message(workspace: &str, e: &ApiError) -> String {
    match &e.failure {
        Failure::Auth => format!(
            "HubSpot refused the token for workspace {workspace:?} ({}). It was revoked, expired or mistyped: create a new one in HubSpot (Development → your app → Auth) and run `handoff hubspot connect --workspace {workspace}`. Pushes for this workspace wait until then.",
            e.message
        ),
        Failure::Scope(scopes) => format!(
            "the HubSpot token of workspace {workspace:?} lacks the scope {} ({}). Add it to the app in HubSpot, then run `handoff hubspot connect --workspace {workspace}`. Pushes for this workspace wait until then.",
            scopes.join(" or "),
            e.message
        ),
        _ => e.to_string(),
    }
}
