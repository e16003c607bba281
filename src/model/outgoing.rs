//! An email the app writes (a reply, a second attempt, the backup contact's
//! alert), ready to queue: made by `reply` and `promise::notices`, kept by the
//! store.

use super::Workspace;
use serde::{Deserialize, Serialize};

/// What an email is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// The first answer to the visitor.
    Reply,
    /// Writing again after no answer.
    SecondAttempt,
    /// To the backup contact: a promise is about to break.
    BackupAlert,
}

impl ReplyKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Reply => "reply",
            ReplyKind::SecondAttempt => "second_attempt",
            ReplyKind::BackupAlert => "backup_alert",
        }
    }

    /// From the stored name (an unknown name reads as a reply).
    pub fn parse(s: &str) -> ReplyKind {
        match s {
            "second_attempt" => ReplyKind::SecondAttempt,
            "backup_alert" => ReplyKind::BackupAlert,
            _ => ReplyKind::Reply,
        }
    }
}

/// An email ready to queue. The Message-ID is fixed here, before the first
/// try, so every try sends the same message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReply {
    /// The handoff it belongs to.
    pub handoff_id: i64,
    /// What it is for.
    pub kind: ReplyKind,
    /// `<…@…>`, unique.
    pub message_id: String,
    /// The notification it answers, for threading.
    pub in_reply_to: Option<String>,
    /// From address (with display name, RFC 5322 form).
    pub from: String,
    /// To address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
}

/// The From line of the workspace's reply identity (`"Name" <address>`, or the
/// bare address), or `None` when it has none.
pub fn reply_from(ws: &Workspace) -> Option<String> {
    let id = ws.settings.smtp.as_ref()?;
    Some(match &id.from_name {
        Some(n) => format!("\"{}\" <{}>", n.replace('"', "'"), id.from_address),
        None => id.from_address.clone(),
    })
}

/// Whether `s` reads as an email address: something before the `@`, a
/// domain with a dot that neither starts nor ends it, no spaces (what the
/// mail server or HubSpot makes of the rest is theirs to say). The one
/// check for addresses people type (the reply identity, the backup contact)
/// and for a lead's address before it goes to HubSpot.
pub fn is_email_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::is_email_address;

    #[test]
    fn addresses_people_type_are_told_apart_from_near_misses() {
        for ok in ["dana@acme.test", "d.reyes+chat@mail.acme.co.uk"] {
            assert!(is_email_address(ok), "{ok}");
        }
        for bad in ["", "dana", "@acme.test", "dana@acme", "dana@.acme", "dana@acme.", "da na@acme.test"] {
            assert!(!is_email_address(bad), "{bad:?}");
        }
    }
}
