//! Team mode: teammates' apps share one mailbox (or relay channel) and see
//! each other's claims and answers without any server of ours.
//!
//! - A claim is an IMAP keyword on the handoff's message ([`keywords`]), or a
//!   record on the relay for relay handoffs. Claiming writes the claim to the
//!   store first and then to the server; offline, it waits in the store and
//!   the engine sends it on reconnect ([`crate::store::Settled`]).
//! - An answer is the reply itself: sent with the shared address in Bcc and
//!   marked with [`TEAMMATE_HEADER`], so every app that reads the shared
//!   mailbox matches the copy to its handoff by In-Reply-To/References. In the
//!   shared Sent folder a reply from any mail program counts too, by its From
//!   ([`mail_reply`]; the store matches it by thread, or by visitor and subject).
//! - Who a teammate is comes from the workspace's [`TeamSettings`], falling
//!   back to the reply identity.

pub mod keywords;
pub mod mailbox;
pub mod share;

pub use crate::model::{TeamReply, Teammate, bare_subject};
use crate::model::{TeamSettings, Workspace};
use crate::store::TeamState;
use chrono::{DateTime, Utc};
use mail_parser::{HeaderValue, MessageParser};

/// Marks a reply sent by Handoff Desk in team mode, naming the teammate:
/// `X-Handoff-Desk-Teammate: Dana <dana@acme.test>`.
pub const TEAMMATE_HEADER: &str = "X-Handoff-Desk-Teammate";

/// This app's teammate in `ws`, when team mode is on: the team settings'
/// name and address, else the reply identity's.
pub fn identity(ws: &Workspace) -> Option<Teammate> {
    let team: &TeamSettings = ws.settings.team.as_ref()?;
    let smtp = ws.settings.smtp.as_ref();
    let email = Some(team.email.trim())
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .or_else(|| smtp.map(|s| s.from_address.clone()))?;
    let name = Some(team.name.trim())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .or_else(|| smtp.and_then(|s| s.from_name.clone()))
        .unwrap_or_default();
    Some(Teammate { name, email })
}

/// Whether a teammate's claim has gone stale: older than the workspace's
/// limit and nobody has answered since.
pub fn is_stale(state: &TeamState, ws: &Workspace, now: DateTime<Utc>) -> bool {
    let limit = ws.settings.team.as_ref().map_or(120, |t| t.stale_after_minutes).max(1);
    state.claim.as_ref().is_some_and(|c| {
        now - c.at > chrono::Duration::minutes(i64::from(limit))
            && !state.answers.iter().any(|a| a.at >= c.at)
    })
}

/// What to tell a teammate about to answer: someone else answered or holds
/// the handoff. `None` when it is free, or ours.
pub fn warning(
    state: &TeamState,
    me: Option<&Teammate>,
    ws: &Workspace,
    now: DateTime<Utc>,
) -> Option<String> {
    let tz: chrono_tz::Tz = ws.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let when = |at: DateTime<Utc>| at.with_timezone(&tz).format("%b %-d, %H:%M").to_string();
    let others = |t: &Teammate| me.is_none_or(|m| !m.same(t));
    if let Some(a) = state.answers.iter().rev().find(|a| !a.mine && others(&a.by)) {
        return Some(format!(
            "{} already answered this visitor ({}). Another reply means they hear from you twice.",
            a.by.label(),
            when(a.at)
        ));
    }
    let c = state.claim.as_ref().filter(|c| !c.mine && others(&c.by))?;
    if is_stale(state, ws, now) {
        return Some(format!(
            "{} claimed this at {} and has not answered: the claim is stale. Check with them, or answer it.",
            c.by.label(),
            when(c.at)
        ));
    }
    Some(format!("{} claimed this at {}. Ask them before you answer.", c.by.label(), when(c.at)))
}

/// What to tell people when a claim could not be sent yet.
pub fn not_yet(e: impl std::fmt::Display) -> String {
    format!("not shared with the team yet ({e}); it will be sent when the server is reachable")
}

/// `Dana <dana@acme.test>` for [`TEAMMATE_HEADER`].
pub fn header_value(t: &Teammate) -> String {
    let name: String = t.name.chars().filter(|c| !matches!(c, '<' | '>' | '\r' | '\n' | '"')).collect();
    format!("{} <{}>", name.trim(), t.email.trim())
}

fn parse_header_value(v: &str) -> Option<Teammate> {
    let v = v.trim();
    let (name, email) = match v.rsplit_once('<') {
        Some((name, rest)) => (name.trim().trim_matches('"').trim(), rest.trim_end_matches('>').trim()),
        None => ("", v),
    };
    email.contains('@').then(|| Teammate { name: name.to_string(), email: email.to_string() })
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    let bare = |s: &str| s.trim().trim_matches(['<', '>']).trim().to_string();
    match v {
        HeaderValue::Text(t) => t.split_whitespace().map(bare).collect(),
        HeaderValue::TextList(list) => list.iter().map(|t| bare(t)).collect(),
        _ => Vec::new(),
    }
}

/// The team reply in a raw email, if it is one (it carries [`TEAMMATE_HEADER`]
/// and a Message-ID). Anything else, including unreadable mail, is `None`.
pub fn team_reply(raw: &[u8]) -> Option<TeamReply> {
    // Cheap test first: most mail is a notification, not a teammate's reply.
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len().min(64 * 1024));
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    if !head.contains(&TEAMMATE_HEADER.to_ascii_lowercase()) {
        return None;
    }
    mail_reply(raw).filter(|r| r.marked)
}

/// Any email read as a possible answer, as a reply saved in the shared Sent
/// folder by any mail program: by the teammate [`TEAMMATE_HEADER`] names,
/// else by its From (the account's owner). `None` without a Message-ID or a sender.
/// Whether it answers a handoff is the store's call (its In-Reply-To/References,
/// or its recipient and subject).
pub fn mail_reply(raw: &[u8]) -> Option<TeamReply> {
    let msg = std::panic::catch_unwind(|| MessageParser::default().parse(raw)).ok()??;
    let header = msg.header(TEAMMATE_HEADER).and_then(|v| v.as_text()).and_then(parse_header_value);
    let marked = header.is_some();
    let by = header.or_else(|| {
        let from = msg.from()?.first()?;
        let email = from.address()?.trim().to_string();
        email
            .contains('@')
            .then(|| Teammate { name: from.name().unwrap_or_default().trim().to_string(), email })
    })?;
    let message_id = msg.message_id()?.trim().trim_matches(['<', '>']).to_string();
    let mut parents = ids(msg.in_reply_to());
    for id in ids(msg.references()) {
        if !parents.contains(&id) {
            parents.push(id);
        }
    }
    parents.retain(|p| !p.is_empty());
    let to = [msg.to(), msg.cc()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address().map(|e| e.trim().to_ascii_lowercase()))
        .collect();
    let at = msg.date().and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0));
    let subject = msg.subject().map(str::to_string);
    Some(TeamReply { message_id, parents, by, at, raw: raw.to_vec(), marked, to, subject })
}

/// A reply without [`TEAMMATE_HEADER`] in the shared mailbox itself (the Bcc
/// copy of an answer sent from Gmail, Outlook, …) as an answer: it names a
/// handoff's notification in In-Reply-To/References, is addressed to that
/// handoff's visitor, and is not from the visitor (whose own answer to us
/// names the notification too). `visitor_of` gives the visitor's address of
/// the handoff whose notification has a Message-ID.
pub fn unmarked_answer(raw: &[u8], visitor_of: impl Fn(&str) -> Option<String>) -> Option<TeamReply> {
    // Cheap test first: only threaded mail can be an answer.
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len().min(64 * 1024));
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    if !head.contains("in-reply-to:") && !head.contains("references:") {
        return None;
    }
    let reply = mail_reply(raw)?;
    let visitor = reply.parents.iter().find_map(|p| visitor_of(p))?.to_ascii_lowercase();
    (!reply.by.email.eq_ignore_ascii_case(&visitor) && reply.to.contains(&visitor)).then_some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_reply_is_read_back_from_its_headers() {
        let raw = b"From: Leads <leads@acme.test>\r\nTo: v@x.test\r\nMessage-ID: <r1@acme.test>\r\n\
In-Reply-To: <n1@bot.test>\r\nReferences: <n0@bot.test> <n1@bot.test>\r\n\
X-Handoff-Desk-Teammate: Dana Reyes <dana@acme.test>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\nHi\r\n";
        let r = team_reply(raw).unwrap();
        assert_eq!(r.message_id, "r1@acme.test");
        assert_eq!(r.parents, vec!["n1@bot.test".to_string(), "n0@bot.test".to_string()]);
        assert_eq!(r.by, Teammate { name: "Dana Reyes".into(), email: "dana@acme.test".into() });
        assert_eq!(r.at.unwrap().to_rfc3339(), "2026-12-01T10:00:00+00:00");
    }

    #[test]
    fn ordinary_mail_and_a_header_without_an_address_are_not_team_replies() {
        assert!(team_reply(b"From: a@b.test\r\nMessage-ID: <x@y>\r\n\r\nbody").is_none());
        assert!(team_reply(b"Message-ID: <x@y>\r\nX-Handoff-Desk-Teammate: Dana\r\n\r\nbody").is_none());
        assert!(team_reply(b"\xff\xfe\x00garbage").is_none());
    }

    #[test]
    fn a_reply_from_a_mail_program_is_read_by_its_from() {
        let raw =
            b"From: Kim Park <leads@acme.test>\r\nTo: \"V\" <V@x.test>\r\nSubject: RE: Re: Your question\r\n\
Message-ID: <CAK1@mail.gmail.com>\r\nIn-Reply-To: <n1@bot.test>\r\n\r\nHi\r\n";
        assert!(team_reply(raw).is_none());
        let r = mail_reply(raw).unwrap();
        assert!(!r.marked);
        assert_eq!(r.by, Teammate { name: "Kim Park".into(), email: "leads@acme.test".into() });
        assert_eq!((r.parents, r.to), (vec!["n1@bot.test".to_string()], vec!["v@x.test".to_string()]));
        assert_eq!(bare_subject(r.subject.as_deref().unwrap()), "your question");
    }

    #[test]
    fn a_bcc_copy_from_a_mail_program_is_an_answer_but_the_visitors_own_reply_is_not() {
        let visitor_of = |id: &str| (id == "n1@bot.test").then(|| "V@x.test".to_string());
        let kim = b"From: Kim <kim@acme.test>\r\nTo: v@x.test\r\nBcc: leads@acme.test\r\nMessage-ID: <k1@gmail>\r\n\
In-Reply-To: <n1@bot.test>\r\n\r\nHi\r\n";
        assert_eq!(unmarked_answer(kim, visitor_of).unwrap().by.email, "kim@acme.test");
        let visitor = b"From: V <v@x.test>\r\nTo: leads@acme.test\r\nMessage-ID: <v2@x>\r\n\
References: <n1@bot.test> <k1@gmail>\r\n\r\nThanks\r\n";
        assert!(unmarked_answer(visitor, visitor_of).is_none());
        let unthreaded = b"From: Kim <kim@acme.test>\r\nTo: v@x.test\r\nMessage-ID: <k2@gmail>\r\n\r\nHi\r\n";
        assert!(unmarked_answer(unthreaded, visitor_of).is_none());
    }

    #[test]
    fn the_header_value_round_trips_and_strips_brackets_from_names() {
        let t = Teammate { name: "Dana <boss>".into(), email: "dana@acme.test".into() };
        assert_eq!(parse_header_value(&header_value(&t)).unwrap().name, "Dana boss");
    }
}
