//! The alert outbox worker: posts due `slack_alert` / `teams_alert` jobs,
//! blocking (call it off the async runtime).
//!
//! Per job: dropped (`cancelled`) if its handoff no longer needs anyone; a
//! posting slot taken on the service (pacing shared by every process through
//! the data file, and any hold a 429 set); `posted_at` committed; the POST;
//! the outcome committed. A 429 holds the whole service for its Retry-After
//! and the job waits it out (the request was refused, so nothing arrived);
//! a 5xx or a connection that never opened is retried with backoff; other
//! refusals stop the job with the service's words and what to do; a request
//! cut off after it was written (timeout, reset) is `unsure`, never re-posted
//! on its own, so a channel never sees an alert twice.

use super::{Alert, slack, teams};
use crate::error::Result;
use crate::model::{AlertChannel, Workspace};
use crate::reply::worker::{Backoff, JobReport};
use crate::store::{ALERT_KINDS, AlertJob, Job, Store};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Test hook: abort after the service accepted an alert and before that is
/// committed (the worst moment for a crash).
pub const CRASH_AFTER_POST_ENV: &str = "HANDOFF_TEST_CRASH_AFTER_ALERT";
/// Test hook: abort after an alert job was claimed and before its request.
pub const CRASH_BEFORE_POST_ENV: &str = "HANDOFF_TEST_CRASH_BEFORE_ALERT";

/// The longest pacing wait slept through inline; longer waits reschedule.
const MAX_INLINE_WAIT: Duration = Duration::from_secs(2);

/// How alerts are posted.
#[derive(Debug, Clone, Copy)]
pub struct AlertOptions {
    /// Bound on each HTTP call.
    pub timeout: Duration,
    /// The least time between two posts to one service of one workspace
    /// (Slack: about one a second per webhook; Teams: four a second).
    pub min_gap: Duration,
    /// Retry pacing after 5xx and network errors.
    pub backoff: Backoff,
    /// The wait after a 429 that names none.
    pub default_retry_after: Duration,
}

impl Default for AlertOptions {
    fn default() -> Self {
        AlertOptions {
            timeout: Duration::from_secs(20),
            min_gap: Duration::from_millis(1100),
            backoff: Backoff { min: Duration::from_secs(5), max: Duration::from_secs(900) },
            default_retry_after: Duration::from_secs(30),
        }
    }
}

/// Where the worker reads a workspace's webhook URL (the keychain, in the app).
pub type UrlSource<'a> = &'a dyn Fn(&Workspace, AlertChannel) -> std::result::Result<String, String>;

/// Post every due alert now.
pub fn run_due(
    store: &mut Store,
    url: UrlSource<'_>,
    clock: &dyn Fn() -> DateTime<Utc>,
    opts: AlertOptions,
) -> Result<Vec<JobReport>> {
    // Made for the first job only: building one loads the system's CA
    // certificates, which most rounds (no alert due) need not pay for.
    let mut client = None;
    let mut out = Vec::new();
    while let Some(job) = store.claim_job(&ALERT_KINDS, clock())? {
        let client = match &mut client {
            Some(c) => c,
            None => {
                client.insert(reqwest::blocking::Client::builder().timeout(opts.timeout).build().map_err(
                    |e| crate::Error::Invalid(format!("cannot start an HTTP client for alerts: {e}")),
                )?)
            }
        };
        out.push(run_one(store, client, url, &job, clock, opts)?);
    }
    Ok(out)
}

fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::seconds(1))
}

fn run_one(
    store: &mut Store,
    client: &reqwest::blocking::Client,
    url: UrlSource<'_>,
    job: &Job,
    clock: &dyn Fn() -> DateTime<Utc>,
    opts: AlertOptions,
) -> Result<JobReport> {
    let report =
        |state, message: String| JobReport { job_id: job.id, handoff_id: job.handoff_id, state, message };
    let alert: AlertJob = match serde_json::from_str(&job.payload) {
        Ok(a) => a,
        Err(e) => {
            let msg = format!("alert job #{} is unreadable ({e}); it was stopped", job.id);
            store.fail_job(job.id, &msg, clock())?;
            return Ok(report("failed", msg));
        }
    };
    let service = alert.channel.label();
    let ws = store.workspace_by_id(job.workspace_id)?;
    let h = store.handoff(alert.handoff_id)?;
    let (Some(ws), Some(h)) = (ws, h) else {
        let msg = format!("{service} alert #{}: its handoff or workspace was deleted; nothing sent", job.id);
        store.cancel_job(job.id, &msg, clock())?;
        return Ok(report("cancelled", msg));
    };
    if !store.alert_actionable(h.id, alert.event)? {
        let msg = format!(
            "{service} alert about #{} dropped: it was answered, claimed, resolved or its promise met before the alert went out",
            h.id
        );
        store.cancel_job(job.id, &msg, clock())?;
        return Ok(report("cancelled", msg));
    }
    let Some(route) = ws.settings.alerts.route(alert.channel).filter(|r| r.events.contains(&alert.event))
    else {
        let msg = format!(
            "{service} alerts for {:?} were turned off before this one went out; nothing sent",
            ws.slug
        );
        store.cancel_job(job.id, &msg, clock())?;
        return Ok(report("cancelled", msg));
    };
    let _ = route;
    let hook = match url(&ws, alert.channel) {
        Ok(u) => u,
        Err(e) if e.contains("holds no secret") => {
            let msg = format!(
                "no {service} webhook URL for {:?} in the keychain: `handoff alerts set {} --workspace {} --url-stdin`, then `handoff outbox resend {}`",
                ws.slug,
                alert.channel.as_str(),
                ws.slug,
                job.id
            );
            store.fail_job(job.id, &msg, clock())?;
            return Ok(report("failed", msg));
        }
        Err(e) => {
            store.retry_job(job.id, clock() + opts.backoff.after(job.attempts), &e)?;
            return Ok(report("pending", e));
        }
    };
    // A posting slot: the pacing gap and any hold a 429 set.
    // After sleeping until the slot, that instant is "now" (the caller's clock may stand still).
    let mut now = clock();
    loop {
        match store.alert_slot(ws.id, alert.channel, chrono(opts.min_gap), now)? {
            None => break,
            Some((until, why)) => {
                let wait = (until - now).to_std().unwrap_or_default();
                if wait > MAX_INLINE_WAIT {
                    let msg = why.unwrap_or_else(|| format!("waiting for its turn on {service}"));
                    // Waiting is not a try.
                    store.retry_job(job.id, until, &msg)?;
                    store.conn().execute(
                        "UPDATE outbox SET attempts = max(attempts - 1, 0) WHERE id = ?1",
                        [job.id],
                    )?;
                    return Ok(report("pending", msg));
                }
                std::thread::sleep(wait);
                now = until.max(clock());
            }
        }
    }
    let promise = store.promise(h.id)?;
    // The briefing is made (and stored) here if ingest did not; an alert goes out without one rather than not at all.
    let briefing = crate::briefing::of(store, h.id).ok();
    let content = Alert::new(&alert, &ws, &h, promise.as_ref(), briefing.as_ref());
    let body = match alert.channel {
        AlertChannel::Slack => slack::message(&content),
        AlertChannel::Teams => teams::message(&content),
    };
    if std::env::var_os(CRASH_BEFORE_POST_ENV).is_some() {
        std::process::abort();
    }
    store.mark_posted(job.id, clock())?;
    match client.post(&hook).json(&body).send() {
        Ok(resp) => {
            let status = resp.status();
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let said: String = resp.text().unwrap_or_default().chars().take(200).collect();
            if status.is_success() {
                if std::env::var_os(CRASH_AFTER_POST_ENV).is_some() {
                    std::process::abort();
                }
                store.finish_job(job.id, clock())?;
                return Ok(report("done", format!("posted to {service}: {}", content.summary_line())));
            }
            if status.as_u16() == 429 {
                let wait = retry_after.unwrap_or(opts.default_retry_after);
                let until = clock() + chrono(wait);
                let msg = format!(
                    "{service} asked to slow down (429); waiting until {} UTC",
                    until.format("%H:%M:%S")
                );
                store.hold_alerts(ws.id, alert.channel, until, &msg)?;
                store.retry_job(job.id, until, &msg)?;
                return Ok(report("pending", msg));
            }
            if status.is_server_error() {
                let msg = format!("{service} answered {status} ({}); it will be retried", said.trim());
                store.retry_job(job.id, clock() + opts.backoff.after(job.attempts), &msg)?;
                return Ok(report("pending", msg));
            }
            let msg = refused(alert.channel, status.as_u16(), said.trim(), &ws.slug, job.id);
            store.fail_job(job.id, &msg, clock())?;
            Ok(report("failed", msg))
        }
        Err(e) if e.is_connect() => {
            let msg = format!("cannot reach {service} ({e}); it will be retried");
            store.retry_job(job.id, clock() + opts.backoff.after(job.attempts), &msg)?;
            Ok(report("pending", msg))
        }
        Err(e) => {
            let msg = format!(
                "the {service} request broke off after it was sent ({e}), so it may have arrived; not re-posted, so it cannot show twice. Look in the channel, then `handoff outbox resend {}` if it is missing.",
                job.id
            );
            store.mark_unsure(job.id, &msg)?;
            Ok(report("unsure", msg))
        }
    }
}

fn refused(channel: AlertChannel, status: u16, said: &str, slug: &str, job: i64) -> String {
    let fix = format!(
        "connect it again (`handoff alerts set {} --workspace {slug} --url-stdin`), then `handoff outbox resend {job}`",
        channel.as_str()
    );
    let why = match (channel, status) {
        (AlertChannel::Slack, 404) | (AlertChannel::Slack, 410) | (AlertChannel::Slack, 403) => {
            "the webhook was removed, its channel archived, or posting there is not allowed"
        }
        (AlertChannel::Teams, 404) | (AlertChannel::Teams, 401) | (AlertChannel::Teams, 403) => {
            "the workflow was deleted, turned off, or its URL is wrong"
        }
        (_, 400) => "the message was refused as malformed (a bug: please report it with this text)",
        _ => "the service refused the message",
    };
    format!("{} refused the alert ({status} {said}): {why}; {fix}", channel.label())
}
