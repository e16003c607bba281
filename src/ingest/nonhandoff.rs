//! Mail that lands in a notification mailbox but is not a handoff: delivery
//! reports (bounces), calendar invitations, password resets and sign-in
//! codes, newsletters and other bulk mail. Such a message is still kept —
//! raw, with the reason — but never shown as a handoff someone must answer.
//!
//! Invariant: only signals a chatbot's handoff notification does not carry
//! count (a delivery-status part, a text/calendar part, bulk-mail headers,
//! fixed account-mail wording in the subject). A mail a platform recogniser
//! claims is never judged here, and neither is one whose body held a
//! transcript or a visitor's contact details with a question.

use super::dates;
use super::platforms::Mail;
use regex::Regex;
use std::sync::LazyLock;

static ACCOUNT_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)\b(?:reset (?:your )?password|password reset|passwort (?:zurücksetzen|vergessen)|réinitialis\w* (?:votre |de )?mot de passe|restablecer (?:tu |su )?contraseña|verify your (?:email|account)|confirm your (?:email|account|subscription)|verification code|sign-?in code|login code|security code|one-time (?:code|password)|two-factor|2fa code|new sign-?in|welcome to|your (?:invoice|receipt)|payment (?:received|failed)|trial (?:ends|expir))",
    )
});
static BOUNCE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)\b(?:undeliver(?:ed|able)|delivery (?:status notification|failure|has failed)|returned mail|mail delivery (?:failed|subsystem)|failure notice|nicht zustellbar|unzustellbar|non remis|no se pudo entregar)",
    )
});
static INVITE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)^\s*(?:updated )?(?:invitation|einladung|invitación|invitation mise à jour|accepted|declined|tentative)\s*:",
    )
});

/// Why this mail is not a handoff, when it clearly is not one.
pub fn classify(mail: &Mail, content_types: &[String]) -> Option<String> {
    let subject = mail.subject.as_deref().unwrap_or_default();
    let local = mail.from_addr.as_deref().and_then(|a| a.split('@').next()).unwrap_or_default();
    let has_type = |t: &str| content_types.iter().any(|c| c.eq_ignore_ascii_case(t));
    if has_type("message/delivery-status")
        || has_type("multipart/report")
        || local.eq_ignore_ascii_case("mailer-daemon")
        || local.eq_ignore_ascii_case("postmaster")
        || BOUNCE_SUBJECT.is_match(subject)
    {
        return Some("a delivery report (bounce), not a handoff".into());
    }
    if has_type("text/calendar") || has_type("application/ics") || INVITE_SUBJECT.is_match(subject) {
        return Some("a calendar invitation, not a handoff".into());
    }
    if ACCOUNT_SUBJECT.is_match(subject) {
        return Some("an account email (password, sign-in, billing or welcome), not a handoff".into());
    }
    let bulk = mail.header("list-unsubscribe").is_some()
        || mail.header("list-id").is_some()
        || mail.header("precedence").is_some_and(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "bulk" || p == "list"
        });
    if bulk {
        return Some(
            "a newsletter or other bulk mail (it has List-Unsubscribe/List-Id), not a handoff".into(),
        );
    }
    None
}
