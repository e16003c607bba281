//! Sending over SMTP with lettre, and telling apart what a failure means for
//! the outbox: retry later, stop with a message, or "may have been sent".

use super::html_alternative;
use crate::model::{SmtpIdentity, SmtpTls};
use crate::store::NewReply;
use crate::store::Teammate;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::{Message, SmtpTransport, Transport};
use std::time::Duration;

/// Every SMTP step gives up after this long.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// What a failed send means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Nothing was sent (server unreachable, busy, 4xx): try again later.
    Retry,
    /// Nothing was sent and trying again will not help (rejected address, bad settings).
    Permanent,
    /// The server refused the login: nothing was sent. With a password that
    /// is final; with an OAuth sign-in a refreshed token may be taken.
    Refused,
    /// The connection broke while the message was being handed over: it may have been sent.
    Unknown,
}

/// A failed send, with a message for people.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    /// What it means for the outbox.
    pub failure: Failure,
    /// What happened and what to do.
    pub message: String,
}

fn mailbox(s: &str, what: &str) -> Result<Mailbox, SendError> {
    s.parse().map_err(|e| SendError {
        failure: Failure::Permanent,
        message: format!(
            "the {what} address {s:?} is not a valid email address ({e}); correct it and send again"
        ),
    })
}

/// The email as sent: plain text with an HTML alternative, its fixed
/// Message-ID, threaded to the notification it answers, Bcc when configured.
pub fn build(r: &NewReply, bcc: Option<&str>, teammate: Option<&Teammate>) -> Result<Message, SendError> {
    let mut b = Message::builder()
        .from(mailbox(&r.from, "From")?)
        .to(mailbox(&r.to, "To")?)
        .subject(r.subject.clone())
        .message_id(Some(r.message_id.clone()))
        .user_agent("Handoff Desk".into());
    if let Some(bcc) = bcc.filter(|b| !b.is_empty()) {
        b = b.bcc(mailbox(bcc, "Bcc")?);
    }
    if let Some(parent) = r.in_reply_to.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        // Stored Message-IDs are bare; the header needs its angle brackets.
        let parent = if parent.starts_with('<') { parent.to_string() } else { format!("<{parent}>") };
        b = b.in_reply_to(parent.clone()).references(parent);
    }
    if let Some(t) = teammate {
        b = b.header(TeammateHeader(crate::team::header_value(t)));
    }
    b.multipart(MultiPart::alternative_plain_html(r.body_text.clone(), html_alternative(&r.body_text)))
        .map_err(|e| SendError {
            failure: Failure::Permanent,
            message: format!("cannot build the email: {e}"),
        })
}

/// [`crate::team::TEAMMATE_HEADER`]: who on the team sent the reply.
#[derive(Debug, Clone)]
struct TeammateHeader(String);

impl Header for TeammateHeader {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str(crate::team::TEAMMATE_HEADER)
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(TeammateHeader(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

fn transport(id: &SmtpIdentity, password: Option<&str>) -> Result<SmtpTransport, SendError> {
    let builder = match id.tls {
        SmtpTls::Implicit => SmtpTransport::relay(&id.host),
        SmtpTls::Starttls => SmtpTransport::starttls_relay(&id.host),
        SmtpTls::Plain => Ok(SmtpTransport::builder_dangerous(&id.host)),
    }
    .map_err(|e| SendError {
        failure: Failure::Permanent,
        message: format!("cannot use SMTP server {}: {e}", id.host),
    })?;
    let mut builder = builder.port(id.port).timeout(Some(SMTP_TIMEOUT));
    if let (Some(user), Some(pw)) = (&id.user, password) {
        builder = builder.credentials(Credentials::new(user.clone(), pw.to_string()));
        if id.oauth.is_some() {
            // The secret is an access token: SASL XOAUTH2 (Google's and Microsoft's).
            builder = builder.authentication(vec![Mechanism::Xoauth2]);
        }
    }
    Ok(builder.build())
}

fn explain(id: &SmtpIdentity, e: &lettre::transport::smtp::Error, stage: &str) -> SendError {
    let server = format!("{}:{}", id.host, id.port);
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    // XOAUTH2 with an error challenge (Gmail's 334 + JSON) ends in lettre as
    // a client error: the token was refused all the same.
    let challenged = id.oauth.is_some() && e.to_string().contains("does not expect a challenge");
    if let (Some(provider), true) = (
        id.oauth,
        challenged || code.starts_with("535") || code.starts_with("534") || code.starts_with("530"),
    ) {
        return SendError {
            failure: Failure::Refused,
            message: format!(
                "the SMTP server {server} refused the {} sign-in for {:?} ({e}). If SMTP sending is turned off for the mailbox, turn it on (Microsoft 365: Microsoft 365 admin center → the user → Mail → Manage email apps → Authenticated SMTP); otherwise sign in again (`handoff smtp set --oauth {} …`)",
                match provider {
                    crate::discover::OAuthProvider::Google => "Google",
                    crate::discover::OAuthProvider::Microsoft => "Microsoft",
                },
                id.user.as_deref().unwrap_or(""),
                provider.as_str()
            ),
        };
    }
    if code.starts_with("535") || code.starts_with("534") || code.starts_with("530") {
        return SendError {
            failure: Failure::Refused,
            message: format!(
                "the SMTP server {server} refused the login for {:?} ({e}). Check the password (`handoff smtp set --password-stdin …`); Gmail and Outlook need an app password.",
                id.user.as_deref().unwrap_or("")
            ),
        };
    }
    if e.is_permanent() {
        return SendError {
            failure: Failure::Permanent,
            message: format!(
                "the SMTP server {server} rejected the email ({e}); correct the address or content and send again"
            ),
        };
    }
    if e.is_transient() {
        return SendError {
            failure: Failure::Retry,
            message: format!("the SMTP server {server} asked to try later ({e}); it will be retried"),
        };
    }
    if e.is_tls() {
        return SendError {
            failure: Failure::Permanent,
            message: format!(
                "TLS with {server} failed ({e}); check the TLS mode and port (465 implicit TLS, 587 STARTTLS)"
            ),
        };
    }
    match stage {
        "connect" => SendError {
            failure: Failure::Retry,
            message: format!(
                "cannot reach the SMTP server {server} ({e}); the email waits in the outbox and goes out when it is reachable"
            ),
        },
        _ => SendError {
            failure: Failure::Unknown,
            message: format!(
                "the connection to {server} broke while the email was being handed over ({e}); it may have been sent"
            ),
        },
    }
}

/// Log in and say hello, sending nothing: for "test connection" and `smtp set`.
pub fn check(id: &SmtpIdentity, password: Option<&str>) -> Result<(), SendError> {
    let t = transport(id, password)?;
    match t.test_connection() {
        Ok(true) => Ok(()),
        Ok(false) => Err(SendError {
            failure: Failure::Retry,
            message: format!("the SMTP server {}:{} did not answer NOOP", id.host, id.port),
        }),
        Err(e) => Err(explain(id, &e, "connect")),
    }
}

/// Send one email. The server is checked (connect, TLS, login) first, so a
/// failure there is known not to have sent anything; only a break during the
/// hand-over itself is [`Failure::Unknown`].
pub fn send(id: &SmtpIdentity, password: Option<&str>, message: &Message) -> Result<(), SendError> {
    check(id, password)?;
    let t = transport(id, password)?;
    t.send(message).map(|_| ()).map_err(|e| explain(id, &e, "send"))
}
