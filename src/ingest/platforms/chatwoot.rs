//! Chatwoot (and its forks) notification emails.
//!
//! Layout sources (chatwoot/chatwoot):
//! - `app/mailers/agent_notifications/conversation_notifications_mailer.rb`:
//!   the agent notifications' subjects, always English ("Maria, A new
//!   conversation [ID - 1423] has been created in Website Chat.", "… has been
//!   assigned to you.", "… New message in your assigned conversation [ID - N].",
//!   "… You have been mentioned in conversation [ID - N]"), sent from
//!   `MAILER_SENDER_EMAIL` (default `Chatwoot <accounts@chatwoot.com>`);
//! - `app/views/mailers/agent_notifications/conversation_notifications_mailer/*.liquid`:
//!   `conversation_creation` ("A new conversation (#N) has been created in
//!   INBOX. <strong>CONTACT</strong> wrote:" then the recent messages as
//!   `<h4>SENDER</h4>` + a bubble), `conversation_assignment` ("Time to save
//!   the world. A new conversation has been assigned to you"),
//!   `assigned_conversation_new_message` / `participating_…` ("<b>SENDER</b>
//!   wrote:" + a blockquote), `conversation_mention` (an agent's note in a
//!   blockquote, then the recent messages); all link
//!   `/app/accounts/A/conversations/N` ("to get cracking");
//! - `app/mailers/conversation_reply_mailer.rb#conversation_transcript` +
//!   `app/views/mailers/conversation_reply_mailer/conversation_transcript.html.erb`:
//!   subject `[#N] ` + `conversations.reply.transcript_subject` from
//!   `config/locales/*.yml` ("Conversation Transcript", pt_BR "Transcrição da
//!   conversa", de "Gesprächsprotokoll"), each message a `<b>SENDER</b>` row
//!   then its text and a time ("Nov 20, 10:02 AM -03");
//! - `app/views/layouts/mailer/base.liquid`: the layout, "Powered by Chatwoot".
//!
//! Who is who: the contact is named by "<strong>X</strong> wrote:" in a
//! creation mail; "You" is the agent reading; bot-like senders (Captain, …Bot,
//! Assistant) are the bot. A transcript names nobody's role: its first
//! non-bot sender is taken as the visitor, later people as agents.
//! Chatwoot's account mails (password reset, reports) are not handoffs.

use super::{Evidence, Mail, Reading, Recogniser, message};
use crate::ingest::dates::{self, re};
use crate::ingest::html::to_text;
use crate::model::{Author, Message};
use chrono::{DateTime, Datelike, FixedOffset, Utc};
use regex::Regex;
use std::sync::LazyLock;

/// Chatwoot (and its forks).
pub struct Chatwoot;

/// The agent notifications' subjects (English only in the mailer).
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:a new conversation \[ID - \d+\] has been (?:created|assigned)|new message in your (?:assigned|participating) conversation \[ID - \d+\]|you have been mentioned in conversation \[ID - \d+\]|\[ID - \d+\])",
    )
});
/// The transcript's subject: `[#N] ` + the locale's transcript_subject.
static TRANSCRIPT_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*\[#\d+\]\s*(?:conversation transcript|transcrição da conversa|gesprächsprotokoll|transcripción de la conversación|transcription de la conversation|trascrizione della conversazione|gesprekstranscript|transcript)",
    )
});
/// The conversation link every agent notification carries.
static CONVERSATION_LINK: LazyLock<Regex> = LazyLock::new(|| re(r"/app/accounts/\d+/conversations/\d+"));
/// "<strong>Dana</strong> wrote:" (and the forks' translations).
static WROTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?is)<(?:strong|b)>\s*([^<]{1,120}?)\s*</(?:strong|b)>\s*(?:wrote|escreveu|escribió|schrieb|a écrit|ha scritto)\s*:",
    )
});
/// The blockquote after "wrote:" (new message, mention).
static BLOCKQUOTE: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<blockquote[^>]*>(.*?)</blockquote>"));
/// A recent message's sender heading.
static H4: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<h4[^>]*>(.*?)</h4>"));
/// Where the recent messages end.
static TAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?is)<p>\s*<a [^>]*>\s*View Message|Click <a |<div class="footer"|</table>\s*</td>\s*</tr>\s*</table>"#,
    )
});
/// A transcript row: `<td><b>SENDER</b> …</td></tr><tr><td style="padding-bottom: 32px;">TEXT</td>`.
static TRANSCRIPT_ROW: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?is)<td>\s*<b>([^<]{0,120})</b>(.*?)</td>\s*</tr>\s*<tr>\s*<td style="padding-bottom:\s*32px;?">(.*?)</td>"#,
    )
});
/// The time line closing a transcript message.
static TIME_P: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?is)<p style="[^"]*color:\s*#899096[^"]*">(.*?)</p>"#));
/// "From: x@y" under an email inbox's sender.
static FROM_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)From:\s*([^\s<>,]+@[^\s<>,]+)"));
/// Senders that are the bot.
static BOT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:\bbot\b|bot$|\bcaptain\b|\bassistant\b|\bassistente\b|\bassistent\b|\bai\b|agentbot)")
});

impl Recogniser for Chatwoot {
    fn name(&self) -> &'static str {
        "chatwoot"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let subject = mail.subject.as_deref().unwrap_or("");
        if let Some(m) = SUBJECT.find(subject) {
            let score = if m.as_str().len() > 12 { 92 } else { 60 };
            return Some(Evidence::new(score, format!("Chatwoot notification subject ('{}')", m.as_str())));
        }
        let html = mail.html.as_deref().unwrap_or("");
        let link = CONVERSATION_LINK.is_match(html) || CONVERSATION_LINK.is_match(&mail.text);
        let fixed = [
            "to get cracking",
            "A new conversation (#",
            "been mentioned in a conversation",
            "a new message in your",
        ]
        .iter()
        .find(|w| mail.body_has(w));
        if let (true, Some(w)) = (link, fixed) {
            return Some(Evidence::new(85, format!("Chatwoot conversation link and template wording '{w}'")));
        }
        if TRANSCRIPT_SUBJECT.is_match(subject) && TRANSCRIPT_ROW.is_match(html) {
            return Some(Evidence::new(88, "Chatwoot transcript subject '[#N] …' and its message rows"));
        }
        if mail.from_domain_is("chatwoot.com") {
            return Some(Evidence::new(70, "sender domain chatwoot.com"));
        }
        None
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut r = Reading { platform_name: Some("Chatwoot".into()), ..Reading::default() };
        let html = mail.html.as_deref().unwrap_or("");
        let subject = mail.subject.as_deref().unwrap_or("");
        let rows: Vec<_> = TRANSCRIPT_ROW.captures_iter(html).collect();
        if TRANSCRIPT_SUBJECT.is_match(subject) && !rows.is_empty() {
            read_transcript(mail, &rows, &mut r);
            return r;
        }
        let about_conversation = SUBJECT.is_match(subject)
            || CONVERSATION_LINK.is_match(html)
            || CONVERSATION_LINK.is_match(&mail.text);
        if !about_conversation {
            r.not_a_handoff = Some("a Chatwoot account or report email, not about a conversation".into());
            return r;
        }
        let wrote = WROTE.captures(html).and_then(|c| c.get(1)).map(|m| clean(m.as_str()));
        let creation = mail.body_has("A new conversation (#") || subject.contains("has been created in");
        let mention = subject.contains("mentioned in") || mail.body_has("been mentioned in a conversation");
        let contact = if creation { wrote.clone() } else { None };
        r.transcript.extend(recent_messages(html, contact.as_deref()));
        // The note or new message in the blockquote right after "wrote:": the latest line.
        if !creation
            && let Some(who) = wrote.as_deref()
            && let Some(q) = BLOCKQUOTE.captures(html).and_then(|c| c.get(1))
        {
            let text = clean(&to_text(q.as_str()));
            let author = if mention { Author::Agent } else { role_of(who, None) };
            if !text.is_empty() && text != "Message content not available" {
                r.transcript.push(message(author, Some(who), None, &text));
            }
        }
        r.fields.name = contact.or_else(|| {
            r.transcript.iter().find(|m| m.author == Author::Visitor).and_then(|m| m.name.clone())
        });
        // An assignment names nobody: the mail's own time is when it was handed over.
        r.fields.escalated = mail.sent_at;
        r
    }
}

/// The `<h4>SENDER</h4>` + bubble messages, up to the template's tail.
fn recent_messages(html: &str, contact: Option<&str>) -> Vec<Message> {
    let heads: Vec<_> = H4.captures_iter(html).filter_map(|c| c.get(0).zip(c.get(1))).collect();
    let mut out = Vec::new();
    for (i, (whole, name)) in heads.iter().enumerate() {
        let start = whole.end();
        let next = heads.get(i + 1).map_or(html.len(), |(w, _)| w.start());
        let chunk = html.get(start..next).unwrap_or("");
        let chunk = TAIL.find(chunk).map_or(chunk, |m| chunk.get(..m.start()).unwrap_or(chunk));
        let text = clean(&to_text(chunk).replace("Attachment [Click here to view]", ""));
        let name = clean(&to_text(name.as_str()));
        if text.is_empty() {
            continue;
        }
        let author = match role_of(&name, contact) {
            _ if matches!(name.as_str(), "You" | "Você" | "Sie" | "Tú" | "Vous") => Author::Agent,
            // In a new conversation's mail, whoever answered before any agent saw it is the bot.
            Author::Agent if contact.is_some() => Author::Bot,
            other => other,
        };
        out.push(message(author, Some(&name), None, &text));
    }
    out
}

/// A sender's role: the contact (or anyone, when the contact is unknown) is
/// the visitor unless the name reads as a bot.
fn role_of(name: &str, contact: Option<&str>) -> Author {
    if contact.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
        Author::Visitor
    } else if BOT_NAME.is_match(name) {
        Author::Bot
    } else if contact.is_some() {
        Author::Agent
    } else {
        Author::Visitor
    }
}

/// The conversation transcript mail: sender rows with text and a time.
fn read_transcript(mail: &Mail, rows: &[regex::Captures<'_>], r: &mut Reading) {
    let Some(offset) = mail.offset.or_else(|| FixedOffset::east_opt(0)) else { return };
    let mut visitor: Option<String> = None;
    for c in rows {
        let name = clean(&to_text(c.get(1).map_or("", |m| m.as_str())));
        let meta = c.get(2).map_or("", |m| m.as_str());
        let body = c.get(3).map_or("", |m| m.as_str());
        let time_html = TIME_P.captures(body).and_then(|t| t.get(1)).map(|m| m.as_str());
        let at = time_html.and_then(|t| stamp(&to_text(t), mail.sent_at, offset));
        let body = TIME_P.replace(body, "");
        let text = clean(&to_text(&body));
        if text.is_empty() {
            continue;
        }
        let author = if BOT_NAME.is_match(&name) {
            Author::Bot
        } else if visitor.is_none() || visitor.as_deref() == Some(name.as_str()) {
            if visitor.is_none() {
                visitor = Some(name.clone());
                r.fields.email = FROM_LINE
                    .captures(&to_text(meta))
                    .and_then(|m| m.get(1))
                    .map(|m| m.as_str().to_lowercase());
            }
            Author::Visitor
        } else {
            Author::Agent
        };
        r.transcript.push(message(author, Some(&name), at, &text));
    }
    r.fields.name = visitor.filter(|v| !v.is_empty());
    r.fields.started = r.transcript.first().and_then(|m| m.at);
}

/// "Nov 20, 10:02 AM -03" (no year: the mail's year, or the year before
/// when that date would lie after the mail).
fn stamp(text: &str, sent: Option<DateTime<Utc>>, offset: FixedOffset) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let p = dates::parts(text);
    let sent = sent?;
    let anchor = dates::local_date(sent, offset);
    let date = dates::complete(&p, anchor)?;
    let zone = p.offset.or_else(|| short_offset(text)).unwrap_or(offset);
    let at = dates::resolve(date, p.time?, zone)?;
    if at > sent + chrono::Duration::days(1) {
        let date = date.with_year(date.year() - 1)?;
        return dates::resolve(date, p.time?, zone);
    }
    Some(at)
}

/// A trailing "-03" / "+0530" / "UTC" zone as Ruby's `%Z` writes it.
fn short_offset(text: &str) -> Option<FixedOffset> {
    let last = text.split_whitespace().last()?;
    if matches!(last, "UTC" | "GMT") {
        return FixedOffset::east_opt(0);
    }
    let (sign, digits) = match last.as_bytes().first()? {
        b'+' => (1, last.get(1..)?),
        b'-' => (-1, last.get(1..)?),
        _ => return None,
    };
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits.get(..2)?.parse::<i32>().ok()?, digits.get(2..)?.parse::<i32>().ok()?),
        _ => return None,
    };
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Collapse whitespace.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_zone_suffixes() {
        assert_eq!(short_offset("Nov 20, 10:02 AM -03"), FixedOffset::west_opt(3 * 3600));
        assert_eq!(short_offset("Nov 20, 10:02 AM +0530"), FixedOffset::east_opt(5 * 3600 + 1800));
        assert_eq!(short_offset("Nov 20, 10:02 AM UTC"), FixedOffset::east_opt(0));
        assert_eq!(short_offset("Nov 20, 10:02 AM CET"), None);
    }

    #[test]
    fn bot_names() {
        assert_eq!(role_of("Captain", None), Author::Bot);
        assert_eq!(role_of("Acme Bot", None), Author::Bot);
        assert_eq!(role_of("Dana Reyes", Some("Dana Reyes")), Author::Visitor);
        assert_eq!(role_of("Robert", None), Author::Visitor);
    }
}

#[cfg(test)]
mod webhook_fixtures {
    use crate::ingest::Parsed;

    /// The Chatwoot webhook corpus: handoffs where the expected JSON says so, skipped otherwise.
    #[test]
    fn the_webhook_folder_matches_its_expectations() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/webhook/chatwoot");
        for f in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = f.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".json") || name.ends_with(".expected.json") {
                continue;
            }
            let want: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(path.with_file_name(name.replace(".json", ".expected.json")))
                    .unwrap(),
            )
            .unwrap();
            let parsed = crate::ingest::webhook::parse_webhook(
                &std::fs::read(&path).unwrap(),
                crate::model::SourceKind::Relay,
            );
            let handoff = parsed.iter().find_map(|p| match p {
                Parsed::Handoff(h) => Some(h),
                _ => None,
            });
            if std::env::var("HANDOFF_DEBUG_FIXTURES").is_ok()
                && let Some(h) = handoff
            {
                eprintln!(
                    "{name}: {:?} {:?} {:?} {:?} {:?}",
                    h.visitor, h.page.url, h.reason, h.escalated_at, h.transcript
                );
            }
            assert_eq!(handoff.is_some(), want["handoff"] == true, "{name}");
        }
    }
}
