//! The SMTP outbox worker: sends due `smtp_send` jobs one at a time, blocking
//! (call it off the async runtime). Each job's outcome is committed right
//! after the server answers; see [`crate::store::JobState`] for the states.

use super::smtp::{self, Failure};
use crate::error::Result;
use crate::model::SourceKind;
use crate::oauth::OAuthError;
use crate::secrets::{Keychain, SMTP_KEY, SecretError};
use crate::store::{Job, ReplyKind, SeenAnswer, SmtpJob, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;

/// The outbox kind this worker handles.
pub const KIND: &str = crate::store::SMTP_KIND;

/// Test hook: when this environment variable is set, the process aborts right
/// after the SMTP server accepted a message and before the outcome is
/// committed — the worst moment for a crash. Used by the crash test.
pub const CRASH_AFTER_SEND_ENV: &str = "HANDOFF_TEST_CRASH_AFTER_SEND";

/// Retry pacing for failed sends.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Delay after the first failure; doubles per attempt.
    pub min: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { min: Duration::from_secs(30), max: Duration::from_secs(3600) }
    }
}

impl Backoff {
    /// The delay after `attempts` tries, with ±20 % jitter.
    pub fn after(&self, attempts: i64) -> chrono::Duration {
        let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
        let d = self.min.saturating_mul(2u32.saturating_pow(exp)).min(self.max);
        chrono::Duration::from_std(d.mul_f64(0.8 + fastrand::f64() * 0.4))
            .unwrap_or_else(|_| chrono::Duration::minutes(1))
    }
}

/// What happened to one job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobReport {
    /// The job.
    pub job_id: i64,
    /// The handoff.
    pub handoff_id: Option<i64>,
    /// `done`, `pending` (will retry), `failed` or `unsure`.
    pub state: &'static str,
    /// For people.
    pub message: String,
}

/// Send every due SMTP job now. `now` is read per job from `clock`.
pub fn run_due(
    store: &mut Store,
    keychain: Option<&Keychain>,
    clock: &dyn Fn() -> DateTime<Utc>,
    backoff: Backoff,
) -> Result<Vec<JobReport>> {
    let mut out = Vec::new();
    while let Some(job) = store.claim_job(&[KIND], clock())? {
        out.push(run_one(store, keychain, &job, clock, backoff)?);
    }
    Ok(out)
}

fn run_one(
    store: &mut Store,
    keychain: Option<&Keychain>,
    job: &Job,
    clock: &dyn Fn() -> DateTime<Utc>,
    backoff: Backoff,
) -> Result<JobReport> {
    let report =
        |state, message: String| JobReport { job_id: job.id, handoff_id: job.handoff_id, state, message };
    let payload: SmtpJob = match serde_json::from_str(&job.payload) {
        Ok(p) => p,
        Err(e) => {
            let msg = format!("outbox job #{} is unreadable ({e}); it was stopped", job.id);
            store.fail_job(job.id, &msg, clock())?;
            return Ok(report("failed", msg));
        }
    };
    let reply = store.stored_reply(payload.reply_id)?;
    let ws = store.workspace_by_id(job.workspace_id)?;
    let (Some(reply), Some(ws)) = (reply, ws) else {
        let msg = format!("outbox job #{}: its email or workspace was deleted; nothing sent", job.id);
        store.fail_job(job.id, &msg, clock())?;
        return Ok(report("failed", msg));
    };
    let Some(identity) = ws.settings.smtp.clone() else {
        let msg = format!(
            "workspace {:?} has no reply identity: `handoff smtp set --workspace {} …`, then `handoff outbox resend {}`",
            ws.slug, ws.slug, job.id
        );
        store.fail_job(job.id, &msg, clock())?;
        return Ok(report("failed", msg));
    };
    let password = match smtp_login(keychain, &ws.slug, &identity, job.id) {
        Ok(p) => p,
        Err((msg, true)) => {
            store.retry_job(job.id, clock() + backoff.after(job.attempts), &msg)?;
            return Ok(report("pending", msg));
        }
        Err((msg, false)) => {
            store.fail_job(job.id, &msg, clock())?;
            return Ok(report("failed", msg));
        }
    };
    // In team mode a reply to the visitor names the teammate, so the Bcc copy
    // in the shared mailbox tells the others who answered.
    let teammate = (reply.reply.kind != ReplyKind::BackupAlert).then(|| crate::team::identity(&ws)).flatten();
    let message = match smtp::build(&reply.reply, identity.bcc.as_deref(), teammate.as_ref()) {
        Ok(m) => m,
        Err(e) => {
            store.fail_job(job.id, &e.message, clock())?;
            return Ok(report("failed", e.message));
        }
    };
    // Committed before the conversation starts: a crash before this point
    // sent nothing and the job is simply tried again.
    store.mark_posted(job.id, clock())?;
    let mut sent = smtp::send(&identity, password.as_deref(), &message);
    if identity.oauth.is_some() && sent.as_ref().is_err_and(|e| e.failure == Failure::Refused) {
        // The access token was refused (expired early, revoked): refresh once.
        crate::oauth::forget(&ws.slug, SMTP_KEY);
        match smtp_login(keychain, &ws.slug, &identity, job.id) {
            Ok(fresh) => sent = smtp::send(&identity, fresh.as_deref(), &message),
            Err((msg, retry)) => {
                sent = Err(smtp::SendError {
                    failure: if retry { Failure::Retry } else { Failure::Refused },
                    message: msg,
                })
            }
        }
    }
    match sent {
        Ok(()) => {
            if std::env::var_os(CRASH_AFTER_SEND_ENV).is_some() {
                std::process::abort();
            }
            // In team mode the first contact is the reply's Date: the time every
            // teammate's app reads off the Bcc or Sent copy, so all agree on it.
            let at = teammate
                .as_ref()
                .and_then(|_| message.headers().get_raw("Date"))
                .and_then(|d| chrono::DateTime::parse_from_rfc2822(d.trim()).ok())
                .map_or_else(clock, |d| d.with_timezone(&chrono::Utc));
            store.reply_delivered(job.id, reply.id, &ws, at)?;
            if let Some(me) = teammate {
                let relayed =
                    store.handoff(reply.reply.handoff_id)?.is_some_and(|h| h.source == SourceKind::Relay);
                let answer = SeenAnswer {
                    handoff_id: reply.reply.handoff_id,
                    // Bare, as the Bcc copy's is read back, so both are one answer.
                    message_id: reply.reply.message_id.trim().trim_matches(['<', '>']).to_string(),
                    by: me,
                    at,
                };
                // Relay handoffs have no mailbox copy: the relay records the answer (`shared` = 0 until then).
                store.record_answer(&answer, true, !relayed)?;
            }
            Ok(report("done", format!("sent to {}: {}", reply.reply.to, reply.reply.subject)))
        }
        Err(e) => match e.failure {
            Failure::Retry => {
                store.retry_job(job.id, clock() + backoff.after(job.attempts), &e.message)?;
                Ok(report("pending", e.message))
            }
            Failure::Permanent | Failure::Refused => {
                store.fail_job(job.id, &e.message, clock())?;
                Ok(report("failed", e.message))
            }
            Failure::Unknown => {
                store.mark_unsure(job.id, &format!("{}. Not retried, so it cannot go out twice: check your Sent folder, then `handoff outbox resend {}` if it is missing.", e.message, job.id))?;
                Ok(report("unsure", e.message))
            }
        },
    }
}

/// The SMTP login's secret: the password, or a current access token for a
/// Google/Microsoft sign-in. `Err((message, retry))`: nothing to log in with.
fn smtp_login(
    keychain: Option<&Keychain>,
    slug: &str,
    identity: &crate::model::SmtpIdentity,
    job_id: i64,
) -> Result<Option<String>, (String, bool)> {
    if identity.user.is_none() {
        return Ok(None);
    }
    let Some(k) = keychain else {
        return Err((
            "the keychain is not available to read the SMTP login; it will be retried".into(),
            true,
        ));
    };
    match crate::oauth::smtp_secret(k, slug, identity) {
        Ok(p) => Ok(p),
        Err(OAuthError::Keychain(SecretError::Missing { .. })) => Err((
            format!(
                "no SMTP password or sign-in for {slug:?} in the keychain: `handoff smtp set --workspace {slug} …`, then `handoff outbox resend {job_id}`"
            ),
            false,
        )),
        Err(e) if e.is_transient() || matches!(e, OAuthError::Keychain(_)) => Err((e.to_string(), true)),
        Err(e) => Err((format!("{e} Then `handoff outbox resend {job_id}`."), false)),
    }
}
