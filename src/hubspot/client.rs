//! The HubSpot calls Handoff Desk makes (see `../shared/reference/hubspot/NOTES.md`),
//! blocking, with every failure sorted into what the outbox should do about it.

use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// What a failed call means for the job.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// 429: wait this long, then try again (Retry-After, or HubSpot's own pacing advice).
    RateLimited(Duration),
    /// 5xx, a timeout, no network: try again later with backoff.
    Transient,
    /// 401: the token is wrong or revoked. Pause the portal.
    Auth,
    /// 403 MISSING_SCOPES (or another 403): pause the portal; the scopes it needs.
    Scope(Vec<String>),
    /// 400 and friends: this request will never work as it is.
    Rejected,
}

/// A failed call, for people.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// What to do about it.
    pub failure: Failure,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// HubSpot's own words (or the network's).
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "HubSpot answered {s}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

type CallResult<T> = std::result::Result<T, ApiError>;

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default, rename = "policyName")]
    policy_name: Option<String>,
    #[serde(default)]
    errors: Vec<ErrorDetail>,
}

#[derive(Deserialize, Default)]
struct ErrorDetail {
    #[serde(default)]
    context: HashMap<String, Vec<String>>,
}

/// A HubSpot API client for one portal.
pub struct Client {
    http: reqwest::blocking::Client,
    base: String,
    token: String,
    pacer: Option<Box<dyn Fn() + Send + Sync>>,
}

/// One contact to upsert: its email and the properties to set.
#[derive(Debug, Clone)]
pub struct ContactInput {
    /// The email, HubSpot's unique id for contacts.
    pub email: String,
    /// Property values (always strings).
    pub properties: serde_json::Map<String, Value>,
}

/// One note to create on a contact.
#[derive(Debug, Clone)]
pub struct NoteInput {
    /// The contact it belongs to.
    pub contact_id: String,
    /// When it happened (epoch ms or ISO 8601).
    pub timestamp: String,
    /// HTML body, at most 65,536 characters.
    pub body: String,
}

/// Association type: note → contact (HubSpot-defined).
pub const NOTE_TO_CONTACT: i64 = 202;

impl Client {
    /// A client for the portal at `base` (https://api.hubapi.com) with a
    /// private-app or static token. `timeout` bounds every call.
    pub fn new(base: &str, token: &str, timeout: Duration) -> CallResult<Client> {
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("HandoffDesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError {
                failure: Failure::Transient,
                status: None,
                message: format!("cannot set up HTTPS: {e}"),
            })?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            pacer: None,
        })
    }

    /// Run `pacer` before every request (it blocks until the rate window has room).
    pub fn set_pacer(&mut self, pacer: Box<dyn Fn() + Send + Sync>) {
        self.pacer = Some(pacer);
    }

    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        scopes: &[&str],
    ) -> CallResult<(u16, Value)> {
        if let Some(pace) = &self.pacer {
            pace();
        }
        let mut req = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().map_err(|e| ApiError {
            failure: Failure::Transient,
            status: None,
            message: if e.is_timeout() {
                format!("HubSpot did not answer in time ({}); it will be retried", self.base)
            } else {
                format!(
                    "cannot reach HubSpot at {} ({e}); it will be retried when the network is back",
                    self.base
                )
            },
        })?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(3600.0)));
        let text = resp.text().unwrap_or_default();
        if (200..300).contains(&status) {
            let value = if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or(Value::Null)
            };
            return Ok((status, value));
        }
        let err: ErrorBody = serde_json::from_str(&text).unwrap_or_default();
        let message =
            if err.message.is_empty() { text.chars().take(300).collect() } else { err.message.clone() };
        let failure = match status {
            429 => Failure::RateLimited(retry_after.unwrap_or(match err.policy_name.as_deref() {
                Some("DAILY") => Duration::from_secs(3600),
                Some("TEN_SECONDLY_ROLLING") => Duration::from_secs(10),
                _ => Duration::from_secs(1),
            })),
            401 => Failure::Auth,
            403 => {
                let mut named: Vec<String> =
                    err.errors.iter().flat_map(|e| e.context.values().flatten().cloned()).collect();
                if named.is_empty() || err.category.as_deref() != Some("MISSING_SCOPES") {
                    named = scopes.iter().map(|s| s.to_string()).collect();
                }
                Failure::Scope(named)
            }
            408 | 500..=599 => Failure::Transient,
            _ => Failure::Rejected,
        };
        Err(ApiError { failure, status: Some(status), message })
    }

    /// Whether the token is accepted and can read contacts.
    pub fn check(&self) -> CallResult<()> {
        self.call(
            reqwest::Method::GET,
            "/crm/v3/objects/contacts?limit=1",
            None,
            &["crm.objects.contacts.read"],
        )
        .map(|_| ())
    }

    /// A contact property's definition, or `None` when the portal has no such property.
    pub fn property(&self, name: &str) -> CallResult<Option<Value>> {
        match self.call(
            reqwest::Method::GET,
            &format!("/crm/v3/properties/contacts/{name}"),
            None,
            &["crm.schemas.contacts.read"],
        ) {
            Ok((_, v)) => Ok(Some(v)),
            Err(e) if e.status == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Create a contact property.
    pub fn create_property(&self, definition: &Value) -> CallResult<()> {
        match self.call(
            reqwest::Method::POST,
            "/crm/v3/properties/contacts",
            Some(definition),
            &["crm.schemas.contacts.write"],
        ) {
            Ok(_) => Ok(()),
            // Created meanwhile (another of the owner's machines): fine.
            Err(e) if e.status == Some(409) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Replace an enumeration property's options (send the full list).
    pub fn set_property_options(&self, name: &str, options: &Value) -> CallResult<()> {
        self.call(
            reqwest::Method::PATCH,
            &format!("/crm/v3/properties/contacts/{name}"),
            Some(&json!({ "options": options })),
            &["crm.schemas.contacts.write"],
        )
        .map(|_| ())
    }

    /// Upsert contacts by email (≤ 100, emails distinct). Returns email (lower case) → contact id.
    pub fn upsert_contacts(&self, inputs: &[ContactInput]) -> CallResult<HashMap<String, String>> {
        let body = json!({
            "inputs": inputs.iter().map(|c| json!({
                "idProperty": "email",
                "id": c.email,
                "properties": c.properties,
            })).collect::<Vec<_>>()
        });
        let (_, v) = self.call(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/upsert",
            Some(&body),
            &["crm.objects.contacts.write"],
        )?;
        let mut out = HashMap::new();
        for r in v["results"].as_array().into_iter().flatten() {
            if let (Some(id), Some(email)) = (r["id"].as_str(), r["properties"]["email"].as_str()) {
                out.insert(email.to_lowercase(), id.to_string());
            }
        }
        if let Some(first) = v["errors"].as_array().and_then(|e| e.first()) {
            // 207: some inputs failed; the ones that did not are in `results`.
            let msg = first["message"].as_str().unwrap_or("some contacts were refused").to_string();
            if out.is_empty() {
                return Err(ApiError { failure: Failure::Rejected, status: Some(207), message: msg });
            }
        }
        Ok(out)
    }

    /// Create notes, each associated with its contact. Returns their ids in input order.
    pub fn create_notes(&self, inputs: &[NoteInput]) -> CallResult<Vec<String>> {
        let body = json!({
            "inputs": inputs.iter().map(|n| json!({
                "properties": { "hs_timestamp": n.timestamp, "hs_note_body": n.body },
                "associations": [{
                    "to": { "id": n.contact_id },
                    "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_CONTACT }]
                }]
            })).collect::<Vec<_>>()
        });
        let (_, v) = self.call(
            reqwest::Method::POST,
            "/crm/v3/objects/notes/batch/create",
            Some(&body),
            &["crm.objects.contacts.write"],
        )?;
        let ids: Vec<String> = v["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["id"].as_str().map(String::from))
            .collect();
        if ids.len() != inputs.len() {
            return Err(ApiError {
                failure: Failure::Transient,
                status: None,
                message: format!(
                    "HubSpot created {} of {} notes; the rest will be retried",
                    ids.len(),
                    inputs.len()
                ),
            });
        }
        // Batch create answers in input order; match by body to be sure.
        let mut by_body: HashMap<&str, &str> = HashMap::new();
        for r in v["results"].as_array().into_iter().flatten() {
            if let (Some(b), Some(id)) = (r["properties"]["hs_note_body"].as_str(), r["id"].as_str()) {
                by_body.insert(b, id);
            }
        }
        Ok(inputs
            .iter()
            .zip(ids.iter())
            .map(|(n, fallback)| {
                by_body.get(n.body.as_str()).map_or_else(|| fallback.clone(), |s| s.to_string())
            })
            .collect())
    }

    /// The notes associated with each of these contacts: contact id → note ids.
    pub fn contact_notes(&self, contact_ids: &[String]) -> CallResult<HashMap<String, Vec<String>>> {
        let body = json!({ "inputs": contact_ids.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>() });
        let (_, v) = self.call(
            reqwest::Method::POST,
            "/crm/v4/associations/contact/note/batch/read",
            Some(&body),
            &["crm.objects.contacts.read"],
        )?;
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for r in v["results"].as_array().into_iter().flatten() {
            let Some(from) = r["from"]["id"].as_str() else { continue };
            for to in r["to"].as_array().into_iter().flatten() {
                let id = match &to["toObjectId"] {
                    Value::Number(n) => n.to_string(),
                    Value::String(s) => s.clone(),
                    _ => continue,
                };
                out.entry(from.to_string()).or_default().push(id);
            }
        }
        Ok(out)
    }

    /// The bodies of these notes: note id → body.
    pub fn note_bodies(&self, note_ids: &[String]) -> CallResult<HashMap<String, String>> {
        let body = json!({
            "inputs": note_ids.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
            "properties": ["hs_note_body"],
            "propertiesWithHistory": [],
        });
        let (_, v) = self.call(
            reqwest::Method::POST,
            "/crm/v3/objects/notes/batch/read",
            Some(&body),
            &["crm.objects.contacts.read"],
        )?;
        Ok(v["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some((r["id"].as_str()?.to_string(), r["properties"]["hs_note_body"].as_str()?.to_string()))
            })
            .collect())
    }
}
