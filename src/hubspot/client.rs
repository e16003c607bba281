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

pub(super) type CallResult<T> = std::result::Result<T, ApiError>;

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

/// HubSpot takes at most this many inputs in one batch call; every batch
/// call is split at it, and a call with no inputs is never made.
pub const BATCH_MAX: usize = 100;

/// Runs before every request: `Ok` once the portal's rate window has room,
/// `Err(wait)` when HubSpot asked the portal to hold off for longer than is
/// worth blocking for (the call then fails as rate-limited, unsent).
pub type Pacer = Box<dyn Fn() -> Result<(), Duration> + Send + Sync>;

/// A HubSpot API client for one portal.
pub struct Client {
    http: reqwest::blocking::Client,
    base: String,
    token: String,
    pacer: Option<Pacer>,
}

/// What a contacts upsert came to.
#[derive(Debug, Clone, Default)]
pub struct Upserted {
    /// Email (lower case) → contact id.
    pub ids: HashMap<String, String>,
    /// Emails HubSpot refused (a 207's errors), with its words.
    pub refused: HashMap<String, String>,
}

/// One contact to upsert: its email and the properties to set.
#[derive(Debug, Clone)]
pub struct ContactInput {
    /// The email, HubSpot's unique id for contacts.
    pub email: String,
    /// Property values (always strings).
    pub properties: serde_json::Map<String, Value>,
}

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
    pub fn set_pacer(&mut self, pacer: Pacer) {
        self.pacer = Some(pacer);
    }

    pub(super) fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        scopes: &[&str],
    ) -> CallResult<(u16, Value)> {
        if let Some(pace) = &self.pacer
            && let Err(wait) = pace()
        {
            return Err(ApiError {
                failure: Failure::RateLimited(wait),
                status: None,
                message: format!(
                    "HubSpot asked this portal to wait; nothing is sent for {:.0} s",
                    wait.as_secs_f64().ceil()
                ),
            });
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

    /// Upsert contacts by email (distinct emails, any number: sent in
    /// batches of [`BATCH_MAX`]).
    ///
    /// HubSpot's answer lists the contacts in no promised order, and which
    /// properties it echoes is not promised either. So each input carries
    /// its email as a property and as its `objectWriteTraceId`, results are
    /// matched by the trace id, then by the `email` property, and whatever is
    /// still unmatched is read back by email (`batch/read` with `idProperty`).
    pub fn upsert_contacts(&self, inputs: &[ContactInput]) -> CallResult<Upserted> {
        let mut out = Upserted::default();
        for chunk in inputs.chunks(BATCH_MAX) {
            self.upsert_chunk(chunk, &mut out)?;
        }
        Ok(out)
    }

    fn upsert_chunk(&self, inputs: &[ContactInput], out: &mut Upserted) -> CallResult<()> {
        let key = |e: &str| e.trim().to_lowercase();
        let body = json!({
            "inputs": inputs.iter().map(|c| {
                let mut properties = c.properties.clone();
                properties.insert("email".into(), Value::String(c.email.clone()));
                json!({
                    "idProperty": "email",
                    "id": c.email,
                    "objectWriteTraceId": key(&c.email),
                    "properties": properties,
                })
            }).collect::<Vec<_>>()
        });
        let (_, v) = self.call(
            reqwest::Method::POST,
            "/crm/v3/objects/contacts/batch/upsert",
            Some(&body),
            &["crm.objects.contacts.write"],
        )?;
        let wanted: std::collections::HashSet<String> = inputs.iter().map(|c| key(&c.email)).collect();
        for r in v["results"].as_array().into_iter().flatten() {
            let Some(id) = r["id"].as_str() else { continue };
            let by_trace = r["objectWriteTraceId"].as_str().map(key).filter(|e| wanted.contains(e));
            let by_email = r["properties"]["email"].as_str().map(key).filter(|e| wanted.contains(e));
            if let Some(email) = by_trace.or(by_email) {
                out.ids.insert(email, id.to_string());
            }
        }
        let missing: Vec<String> = wanted.iter().filter(|e| !out.ids.contains_key(*e)).cloned().collect();
        if !missing.is_empty() {
            for (email, id) in self.contacts_by_email(&missing)? {
                out.ids.insert(email, id);
            }
        }
        // 207: some inputs failed. Those HubSpot holds no contact for were refused.
        if let Some(first) = v["errors"].as_array().and_then(|e| e.first()) {
            let msg = first["message"].as_str().unwrap_or("some contacts were refused").to_string();
            for e in wanted.iter().filter(|e| !out.ids.contains_key(*e)) {
                out.refused.insert(e.clone(), msg.clone());
            }
        }
        Ok(())
    }

    /// Existing contacts by email (any number, read in batches): email (lower case) → id.
    pub fn contacts_by_email(&self, emails: &[String]) -> CallResult<HashMap<String, String>> {
        let mut out = HashMap::new();
        for chunk in emails.chunks(BATCH_MAX) {
            let body = json!({
                "idProperty": "email",
                "inputs": chunk.iter().map(|e| json!({ "id": e })).collect::<Vec<_>>(),
                "properties": ["email"],
                "propertiesWithHistory": [],
            });
            let (_, v) = self.call(
                reqwest::Method::POST,
                "/crm/v3/objects/contacts/batch/read",
                Some(&body),
                &["crm.objects.contacts.read"],
            )?;
            for r in v["results"].as_array().into_iter().flatten() {
                if let (Some(id), Some(email)) = (r["id"].as_str(), r["properties"]["email"].as_str()) {
                    out.insert(email.trim().to_lowercase(), id.to_string());
                }
            }
        }
        Ok(out)
    }
}
