//! The calls on transcript notes: create them on their contacts, find the
//! notes a contact already has (paged), read their bodies. Each is a batch
//! call split at [`BATCH_MAX`] inputs; none is sent without inputs.

use super::client::{ApiError, BATCH_MAX, CallResult, Client, Failure};
use serde_json::{Value, json};
use std::collections::HashMap;

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
    /// Create notes, each associated with its contact (any number, in
    /// batches of [`BATCH_MAX`]). Returns their ids in input order.
    pub fn create_notes(&self, inputs: &[NoteInput]) -> CallResult<Vec<String>> {
        let mut ids = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(BATCH_MAX) {
            ids.extend(self.create_notes_chunk(chunk)?);
        }
        Ok(ids)
    }

    fn create_notes_chunk(&self, inputs: &[NoteInput]) -> CallResult<Vec<String>> {
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

    /// The notes associated with each of these contacts: contact id → note
    /// ids (any number of contacts, in batches of [`BATCH_MAX`], following
    /// each contact's paging cursor until its list ends).
    pub fn contact_notes(&self, contact_ids: &[String]) -> CallResult<HashMap<String, Vec<String>>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        let mut todo: Vec<(String, Option<String>)> =
            contact_ids.iter().map(|id| (id.clone(), None)).collect();
        // A bound on pages, in case an answer keeps handing back the same cursor.
        for _ in 0..1000 {
            if todo.is_empty() {
                break;
            }
            let mut next = Vec::new();
            for chunk in todo.chunks(BATCH_MAX) {
                let inputs: Vec<Value> = chunk
                    .iter()
                    .map(|(id, after)| match after {
                        Some(a) => json!({ "id": id, "after": a }),
                        None => json!({ "id": id }),
                    })
                    .collect();
                let (_, v) = self.call(
                    reqwest::Method::POST,
                    "/crm/v4/associations/contact/note/batch/read",
                    Some(&json!({ "inputs": inputs })),
                    &["crm.objects.contacts.read"],
                )?;
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
                    if let Some(after) = r["paging"]["next"]["after"].as_str() {
                        next.push((from.to_string(), Some(after.to_string())));
                    }
                }
            }
            todo = next;
        }
        Ok(out)
    }

    /// The bodies of these notes: note id → body (any number, read in
    /// batches of [`BATCH_MAX`]).
    pub fn note_bodies(&self, note_ids: &[String]) -> CallResult<HashMap<String, String>> {
        let mut out = HashMap::new();
        for chunk in note_ids.chunks(BATCH_MAX) {
            let body = json!({
                "inputs": chunk.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
                "properties": ["hs_note_body"],
                "propertiesWithHistory": [],
            });
            let (_, v) = self.call(
                reqwest::Method::POST,
                "/crm/v3/objects/notes/batch/read",
                Some(&body),
                &["crm.objects.contacts.read"],
            )?;
            out.extend(v["results"].as_array().into_iter().flatten().filter_map(|r| {
                Some((r["id"].as_str()?.to_string(), r["properties"]["hs_note_body"].as_str()?.to_string()))
            }));
        }
        Ok(out)
    }
}
