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
use mail_parser::MimeHeaders;
use regex::Regex;
use std::sync::LazyLock;

static ACCOUNT_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)\b(?:reset (?:your )?password|password reset|passwort (?:zurücksetzen|vergessen)|réinitialis\w* (?:votre |de )?mot de passe|restablecer (?:tu |su )?contraseña|verify your (?:email|account)|confirm your (?:email|account|subscription)|verification code|confirmation code|sign-?in code|login code|security code|security alert|one-time (?:code|password)|two-factor|2fa code|new sign-?in|welcome to|your (?:invoice|receipt)|receipt from|payment (?:received|failed)|trial (?:ends|expir)|redefin\w* (?:sua |a )?senha|reimposta\w* (?:la )?password|wachtwoord (?:opnieuw instellen|herstellen|resetten)|パスワード(?:の)?(?:再設定|リセット)|確認コード|認証コード)",
    )
});
static BOUNCE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)\b(?:undeliver(?:ed|able)|delivery (?:status notification|failure|has failed)|returned mail|mail delivery (?:failed|subsystem)|failure notice|nicht zustellbar|unzustellbar|non remis|no se pudo entregar)",
    )
});
static AUTO_REPLY_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)^\s*(?:automatic reply|auto(?:matische)?[ -]?(?:reply|antwort)|out of (?:the )?office|abwesenheitsnotiz|réponse automatique|respuesta automática|resposta automática|risposta automatica|automatisch antwoord|自動応答)\s*:?",
    )
});
static DIGEST_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)\b(?:weekly|monthly|daily)\b[^:]{0,40}\b(?:digest|report|summary|recap|stats)\b|\b(?:wöchentlich|wochen|monats)\w*(?:bericht|zusammenfassung)|\brapport (?:hebdomadaire|mensuel)|\binforme (?:semanal|mensual)|\bresumo semanal|\briepilogo settimanale|\bweekoverzicht|週次レポート|週間レポート",
    )
});
static INVITE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)^\s*(?:updated )?(?:invitation|einladung|invitación|invitation mise à jour|convite|invito|uitnodiging|accepted|declined|tentative|angenommen|abgelehnt|aceptado|rechazado|aceito|accettato|geaccepteerd|招待状?|承諾|辞退)\s*:",
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
    let auto_replied =
        mail.header("auto-submitted").is_some_and(|v| v.trim().eq_ignore_ascii_case("auto-replied"));
    if auto_replied || AUTO_REPLY_SUBJECT.is_match(subject) {
        return Some("an automatic reply (out of office), not a handoff".into());
    }
    if ACCOUNT_SUBJECT.is_match(subject) {
        return Some("an account email (password, sign-in, billing or welcome), not a handoff".into());
    }
    if DIGEST_SUBJECT.is_match(subject) {
        return Some("a periodic digest or report, not a handoff".into());
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

/// Every part's content type (the first 256 parts) ("multipart/report", "text/calendar").
pub fn content_types(msg: &mail_parser::Message<'_>) -> Vec<String> {
    msg.parts
        .iter()
        .take(256)
        .filter_map(|p| {
            let ct = p.content_type()?;
            Some(format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()).to_ascii_lowercase())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(subject: &str, headers: &[(&str, &str)]) -> Mail {
        Mail {
            subject: Some(subject.into()),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            from_addr: Some("someone@example.test".into()),
            ..Mail::default()
        }
    }

    #[test]
    fn account_digest_and_auto_replies() {
        for s in [
            "Slack confirmation code: ZKT-4Q9",
            "Security alert",
            "Your weekly chatbot report: 23 Nov - 29 Nov",
            "Automatic reply: Re: Your chat",
            "Redefinir sua senha",
            "パスワード再設定のお知らせ",
        ] {
            assert!(classify(&mail(s, &[]), &[]).is_some(), "{s}");
        }
        assert!(classify(&mail("Hi", &[("auto-submitted", "auto-replied")]), &[]).is_some());
    }

    #[test]
    fn handoff_subjects_are_left_alone() {
        for s in [
            "New chat from Dana Reyes",
            "Conversation transferred to you",
            "New submission from Contact us",
            "Re: weekly delivery question",
        ] {
            assert_eq!(classify(&mail(s, &[("auto-submitted", "auto-generated")]), &[]), None, "{s}");
        }
    }
}
