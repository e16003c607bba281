//! The HubSpot outbox worker: pushes due `hubspot_push` jobs, a batch (≤ 100)
//! per workspace at a time, blocking (call it off the async runtime).
//!
//! Per batch: one upsert of the contacts by email, then one batch of notes for
//! the handoffs that have none yet. Every batch call is split at HubSpot's 100
//! inputs, and none is made without inputs.
//!
//! A handoff never gets two notes: before a notes create is sent, its push is
//! marked as tried (committed); while a push is marked and its note id is
//! unknown, whichever job pushes it next — a retry, a new push after a failure,
//! another process — first looks among the contact's notes for one ending
//! with the handoff's reference, and adopts it.
//!
//! Every request takes a slot in the portal's ten-second window first
//! (shared by all processes through the database), so the outbox paces itself
//! below HubSpot's limit instead of running into 429s. When HubSpot asks to
//! slow down anyway (429, Retry-After), the whole portal holds — every batch,
//! every process — until the wait has passed; a server error's backoff keeps
//! the batch together.

use super::NoteInput;
use super::client::ContactInput;
use super::failures::{Stage, failed_batch, pause, refused_message};
use super::{Client, Failure, ensure_properties};
use crate::error::Result;
use crate::model::Workspace;
use crate::reply::worker::JobReport;
use crate::store::{HandoffDetail, Job, Store};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Mutex;
use std::time::Duration;

/// Test hook: abort right after HubSpot created the notes and before their ids
/// are committed — the worst moment for a crash. Used by the crash test.
pub const CRASH_AFTER_NOTES_ENV: &str = "HANDOFF_TEST_CRASH_AFTER_HUBSPOT";

/// The longest wait a request sleeps through before it is sent; a longer
/// hold makes the call fail unsent, and its jobs wait out the hold instead.
const MAX_INLINE_WAIT: Duration = Duration::from_secs(15);

pub use super::options::PushOptions;

/// Where the worker gets a workspace's token (the keychain, in the app).
pub type TokenSource<'a> = &'a dyn Fn(&Workspace) -> std::result::Result<String, String>;

/// Push every due job now.
pub fn run_due(
    store: &mut Store,
    token: TokenSource<'_>,
    clock: &dyn Fn() -> DateTime<Utc>,
    opts: PushOptions,
) -> Result<Vec<JobReport>> {
    store.queue_automatic_pushes(clock())?;
    let mut out = Vec::new();
    // One client per portal for the whole run: its connections are kept alive.
    let mut clients = HashMap::new();
    loop {
        let jobs = store.claim_push_batch(opts.batch.clamp(1, 100), clock())?;
        if jobs.is_empty() {
            return Ok(out);
        }
        run_batch(store, token, &mut clients, clock, opts, jobs, &mut out)?;
    }
}

/// A client for a workspace whose every call first takes a slot in the
/// portal's window (through its own connection to the same database).
pub fn paced_client(store: &Store, ws: &Workspace, token: &str, opts: PushOptions) -> Result<Client> {
    let settings = ws.settings.hubspot.clone().unwrap_or_default();
    let mut client =
        Client::new(&settings.base_url, token, opts.timeout).map_err(|e| crate::Error::Invalid(e.message))?;
    if let Some(path) = store.path() {
        let pace_store = Mutex::new(Store::open(path)?);
        let max = ((f64::from(settings.rate_per_10s) * opts.window_share).floor() as u32).max(1);
        let window =
            chrono::Duration::from_std(opts.window).unwrap_or_else(|_| chrono::Duration::seconds(10));
        let ws_id = ws.id;
        client.set_pacer(Box::new(move || {
            let Ok(mut s) = pace_store.lock() else { return Ok(()) };
            // A database hiccup must not stop pushes; it only costs pacing for this call.
            while let Ok(Some(wait)) = s.pace_take(ws_id, max, window, Utc::now()) {
                let wait = wait.to_std().unwrap_or(Duration::from_millis(10));
                // A long hold (HubSpot's daily limit, a long Retry-After) is
                // not slept through: the call fails unsent and the jobs wait.
                if wait > MAX_INLINE_WAIT {
                    return Err(wait);
                }
                std::thread::sleep(wait);
            }
            Ok(())
        }));
    }
    Ok(client)
}

struct Item {
    job: Job,
    detail: HandoffDetail,
    email: String,
    note_id: Option<String>,
    /// A note create was sent for this handoff and its outcome is unknown.
    note_may_exist: bool,
    first_push: bool,
}

fn run_batch(
    store: &mut Store,
    token: TokenSource<'_>,
    clients: &mut HashMap<i64, Rc<Client>>,
    clock: &dyn Fn() -> DateTime<Utc>,
    opts: PushOptions,
    jobs: Vec<Job>,
    out: &mut Vec<JobReport>,
) -> Result<()> {
    let report = |job: &Job, state: &'static str, message: String| JobReport {
        job_id: job.id,
        handoff_id: job.handoff_id,
        state,
        message,
    };
    let Some(ws) = store.workspace_by_id(jobs[0].workspace_id)? else {
        for j in &jobs {
            store.fail_job(j.id, "its workspace was deleted", clock())?;
        }
        return Ok(());
    };
    let settings = ws.settings.hubspot.clone().unwrap_or_default();
    let client = match clients.get(&ws.id) {
        Some(c) => Rc::clone(c),
        None => {
            let secret = match token(&ws) {
                Ok(t) => t,
                Err(why) => {
                    let msg = format!(
                        "{why}. Run `handoff hubspot connect --workspace {}`; pushes wait until then.",
                        ws.slug
                    );
                    return pause(store, &ws, &jobs, &msg, clock(), out);
                }
            };
            let c = Rc::new(paced_client(store, &ws, &secret, opts)?);
            clients.insert(ws.id, Rc::clone(&c));
            c
        }
    };

    if !store.hubspot_portal(ws.id)?.is_some_and(|p| p.properties_ready) {
        if let Err(e) = ensure_properties(&client) {
            return failed_batch(store, &ws, &jobs, &e, Stage::Properties, clock, opts, out);
        }
        store.hubspot_properties_ready(ws.id)?;
    }

    // What each job pushes: the handoff as it is now.
    let mut items: Vec<Item> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for job in jobs {
        let Some(hid) = job.handoff_id else {
            store.fail_job(job.id, "a push job without a handoff", clock())?;
            continue;
        };
        if !seen.insert(hid) {
            store.finish_job(job.id, clock())?;
            continue;
        }
        let detail = match store.detail(hid) {
            Ok(d) => d,
            Err(crate::Error::NoSuchHandoff(_)) => {
                store.fail_job(job.id, "the handoff was deleted; nothing pushed", clock())?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let email = detail.handoff.visitor.email.clone().unwrap_or_default().trim().to_lowercase();
        if !crate::model::is_email_address(&email) {
            let msg = "cannot push: no email address for this visitor (HubSpot keys contacts by email). Add the contact in HubSpot by hand if you reach them another way.";
            store.push_ended(job.id, hid, "no_email", msg, clock())?;
            out.push(report(&job, "done", msg.to_string()));
            continue;
        }
        let record = store.push_record(hid)?;
        let note_id = record.as_ref().and_then(|r| r.note_id.clone());
        let note_may_exist = note_id.is_none() && record.as_ref().is_some_and(|r| r.note_tried_at.is_some());
        let first_push = record.as_ref().is_none_or(|r| r.contact_id.is_none());
        items.push(Item { job, detail, email, note_id, note_may_exist, first_push });
    }
    if items.is_empty() {
        return Ok(());
    }

    // 1. Contacts, one per email (the newest handoff's details win).
    let mut by_email: HashMap<&str, &Item> = HashMap::new();
    for it in &items {
        let keep = by_email
            .get(it.email.as_str())
            .is_none_or(|o| o.detail.handoff.received_at <= it.detail.handoff.received_at);
        if keep {
            by_email.insert(&it.email, it);
        }
    }
    let mut inputs: Vec<ContactInput> = by_email
        .values()
        .map(|it| ContactInput {
            email: it.email.clone(),
            properties: super::contact_properties(&it.detail.handoff, &settings, it.first_push),
        })
        .collect();
    inputs.sort_by(|a, b| a.email.cmp(&b.email));
    let upserted = match client.upsert_contacts(&inputs) {
        Ok(c) => c,
        Err(e) if e.failure == Failure::Rejected && items.len() > 1 => {
            // One bad record must not hold back the others: push them one by one
            // (the jobs are still claimed by this process).
            for it in items {
                run_batch(store, token, clients, clock, opts, vec![it.job], out)?;
            }
            return Ok(());
        }
        Err(e) => {
            let jobs: Vec<Job> = items.into_iter().map(|it| it.job).collect();
            return failed_batch(store, &ws, &jobs, &e, Stage::Contacts, clock, opts, out);
        }
    };
    let contacts = &upserted.ids;

    // 2. Notes for handoffs without one. Where a note create was sent before
    //    and its answer never recorded, adopt the note it may have left
    //    (found by the reference at its end) instead of creating another.
    let uncertain: Vec<String> = items
        .iter()
        .filter(|it| it.note_id.is_none() && it.note_may_exist)
        .filter_map(|it| contacts.get(&it.email).cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !uncertain.is_empty() {
        let found = client.contact_notes(&uncertain).and_then(|notes| {
            let ids: std::collections::BTreeSet<String> = notes.into_values().flatten().collect();
            client.note_bodies(&ids.into_iter().collect::<Vec<_>>())
        });
        match found {
            Ok(bodies) => {
                for it in items.iter_mut().filter(|it| it.note_id.is_none() && it.note_may_exist) {
                    let r = super::note_ref(&ws, &it.detail);
                    if let Some((id, _)) = bodies.iter().find(|(_, b)| b.contains(&r)) {
                        store.push_note_created(it.detail.handoff.id, id, clock())?;
                        it.note_id = Some(id.clone());
                    }
                }
            }
            Err(e) => {
                let jobs: Vec<Job> = items.into_iter().map(|it| it.job).collect();
                return failed_batch(store, &ws, &jobs, &e, Stage::Lookup, clock, opts, out);
            }
        }
    }
    let need: Vec<(usize, NoteInput)> = items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.note_id.is_none())
        .filter_map(|(i, it)| {
            let contact_id = contacts.get(&it.email)?.clone();
            Some((
                i,
                NoteInput {
                    contact_id,
                    timestamp: it
                        .detail
                        .handoff
                        .escalated_at
                        .unwrap_or(it.detail.handoff.received_at)
                        .to_rfc3339(),
                    body: super::note_html(&ws, &it.detail),
                },
            ))
        })
        .collect();
    if !need.is_empty() {
        // From here until the ids are recorded, a note may exist in HubSpot.
        let tried: Vec<i64> = need.iter().map(|(i, _)| items[*i].detail.handoff.id).collect();
        store.push_notes_tried(&tried, clock())?;
        let notes: Vec<NoteInput> = need.iter().map(|(_, n)| n.clone()).collect();
        match client.create_notes(&notes) {
            Ok(ids) => {
                if std::env::var_os(CRASH_AFTER_NOTES_ENV).is_some() {
                    std::process::abort();
                }
                for ((i, _), id) in need.iter().zip(ids) {
                    store.push_note_created(items[*i].detail.handoff.id, &id, clock())?;
                    items[*i].note_id = Some(id);
                }
            }
            Err(e) => {
                let jobs: Vec<Job> = items.into_iter().map(|it| it.job).collect();
                return failed_batch(store, &ws, &jobs, &e, Stage::Notes, clock, opts, out);
            }
        }
    }

    // 3. Done.
    let retry_at = clock() + opts.backoff.after(items.iter().map(|it| it.job.attempts).max().unwrap_or(1));
    for it in items {
        let Some(contact) = contacts.get(&it.email) else {
            let hid = it.detail.handoff.id;
            if let Some(why) = upserted.refused.get(&it.email) {
                let msg = refused_message(Stage::Contacts, why);
                store.push_ended(it.job.id, hid, "failed", &msg, clock())?;
                out.push(report(&it.job, "failed", msg));
            } else {
                let msg = format!(
                    "HubSpot neither listed a contact for {} nor said why; it will be retried",
                    it.email
                );
                store.retry_job(it.job.id, retry_at, &msg)?;
                out.push(report(&it.job, "pending", msg));
            }
            continue;
        };
        let synced = crate::store::escalation_status(it.detail.handoff.status);
        store.push_done(it.job.id, it.detail.handoff.id, contact, synced, clock())?;
        out.push(report(
            &it.job,
            "done",
            format!("#{} → HubSpot contact {contact} ({synced})", it.detail.handoff.id),
        ));
    }
    Ok(())
}
