//! What a failed push does to its jobs and to the portal, and the words for
//! it. Token or scope trouble pauses the portal until reconnected; a 429
//! holds every request to the portal, in every process, until HubSpot's wait
//! has passed; a server error retries the batch together after one backoff; a
//! refusal ends the jobs with the call HubSpot refused named, and never
//! suggests anything that could double a note (pushing again is safe: a push
//! whose note may exist looks for it first).

use super::options::PushOptions;
use super::{Failure, pause_message};
use crate::error::Result;
use crate::model::Workspace;
use crate::reply::worker::JobReport;
use crate::store::{Job, Store};
use chrono::{DateTime, Utc};

/// Which call of a push failed: it decides what a refusal means for the lead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Stage {
    /// Creating the app's contact properties.
    Properties,
    /// Upserting the contacts.
    Contacts,
    /// Looking for the note an earlier try may have left.
    Lookup,
    /// Creating the transcript notes.
    Notes,
}

/// What a refusal at `stage` means for the lead, and what to do. Pushing
/// again is always safe: a push whose note may exist looks for it first.
pub(super) fn refused_message(stage: Stage, why: &str) -> String {
    match stage {
        Stage::Contacts => format!(
            "HubSpot refused this visitor's contact details ({why}). Nothing was created for this handoff. Correct the contact in HubSpot if the details are wrong there, then push again."
        ),
        Stage::Notes => format!(
            "HubSpot refused the transcript note ({why}). The contact is up to date; no note was added. Pushing again tries the note again."
        ),
        Stage::Lookup => format!(
            "HubSpot refused the check for a note an earlier try may have left ({why}), so no note was created rather than risk a second one. Pushing again repeats the check first."
        ),
        Stage::Properties => format!(
            "HubSpot refused to create the app's escalation properties ({why}). Check the portal's contact properties (Settings → Properties in HubSpot), then push again."
        ),
    }
}

/// Token or scope trouble: the portal waits (its jobs stay pending) until reconnected.
pub(super) fn pause(
    store: &mut Store,
    ws: &Workspace,
    jobs: &[Job],
    message: &str,
    now: DateTime<Utc>,
    out: &mut Vec<JobReport>,
) -> Result<()> {
    store.hubspot_stop(ws.id, message, now)?;
    for j in jobs {
        store.retry_job(j.id, now, message)?;
        if let Some(h) = j.handoff_id {
            store.push_paused(h, message, now)?;
        }
        out.push(JobReport {
            job_id: j.id,
            handoff_id: j.handoff_id,
            state: "pending",
            message: message.to_string(),
        });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn failed_batch(
    store: &mut Store,
    ws: &Workspace,
    jobs: &[Job],
    e: &super::ApiError,
    stage: Stage,
    clock: &dyn Fn() -> DateTime<Utc>,
    opts: PushOptions,
    out: &mut Vec<JobReport>,
) -> Result<()> {
    let now = clock();
    let mut settle = |store: &mut Store, next: DateTime<Utc>, msg: &str| -> Result<()> {
        for j in jobs {
            store.retry_job(j.id, next, msg)?;
            out.push(JobReport {
                job_id: j.id,
                handoff_id: j.handoff_id,
                state: "pending",
                message: msg.to_string(),
            });
        }
        Ok(())
    };
    match &e.failure {
        Failure::Auth | Failure::Scope(_) => pause(store, ws, jobs, &pause_message(&ws.slug, e), now, out),
        Failure::RateLimited(wait) => {
            // The whole portal waits, in every process: no request before `until`.
            let until =
                now + chrono::Duration::from_std(*wait).unwrap_or_else(|_| chrono::Duration::seconds(10));
            let local = until.with_timezone(&ws.tz()).format("%H:%M:%S");
            let msg = if wait.as_secs() >= 3600 {
                format!(
                    "HubSpot's API limit for this portal is used up ({}); pushes wait until {local} and go out then",
                    e.message
                )
            } else {
                format!(
                    "HubSpot asked to slow down ({}); every push to this portal waits until {local} ({:.0} s)",
                    e.message,
                    wait.as_secs_f64().ceil()
                )
            };
            store.hubspot_hold(ws.id, until, &msg)?;
            settle(store, until, &msg)
        }
        Failure::Transient => {
            // One backoff for the batch, so it is retried together.
            let attempts = jobs.iter().map(|j| j.attempts).max().unwrap_or(1);
            settle(store, now + opts.backoff.after(attempts), &e.to_string())
        }
        Failure::Rejected => {
            let msg = refused_message(stage, &e.message);
            for j in jobs {
                match j.handoff_id {
                    Some(h) => store.push_ended(j.id, h, "failed", &msg, now)?,
                    None => store.fail_job(j.id, &msg, now)?,
                }
                out.push(JobReport {
                    job_id: j.id,
                    handoff_id: j.handoff_id,
                    state: "failed",
                    message: msg.clone(),
                });
            }
            Ok(())
        }
    }
}
