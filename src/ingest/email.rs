//! Notification emails → handoffs.
//!
//! Understood in order: a canonical JSON part (attachment, inline part or a
//! JSON block in the body); labelled fields ([`super::fields`]); transcript
//! lines ([`super::transcript`]); and Reply-To/From when the platform relays
//! the visitor's address. MIME (charsets, transfer encodings, broken
//! structure) is mail-parser's job; HTML bodies go through [`super::html`].
//!
//! Invariants: never panics and never fails; `raw` is the input verbatim;
//! only the first [`TEXT_CAP`] bytes of text are scanned (said in the notes);
//! what was not found is said in `parse_notes` in words a person can act on.

use super::canonical::{self, CanonicalHandoff};
use super::dates;
use super::fields::{self, Fields};
use super::platforms::{self, Mail};
use super::templates::{self, Taught};
use super::transcript::{self, Context, Transcript};
use super::{attached, forward, nonhandoff};
use crate::model::{Author, FormatTemplate, NewHandoff, ParseStatus, RawKind, SourceKind};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Offset, Utc};
use mail_parser::{Address, MessageParser, MimeHeaders, PartType};
use regex::Regex;
use std::sync::LazyLock;

/// Bytes of body text scanned for fields and transcript.
pub const TEXT_CAP: usize = 256 * 1024;
/// Bytes of HTML converted to text (the text is then capped again).
const HTML_CAP: usize = 1024 * 1024;
use super::canonical::PART_CAP;

static HANDOFF_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)hand-?off|hand-?over|escalat|eskal|escalad|\bchat|conversation|conversación|gespräch|visitor|besucher|visiteur|visitante|\bhuman\b|übergabe|traspaso|\bnew lead",
    )
});
static VIA: LazyLock<Regex> =
    LazyLock::new(|| dates::re(r"(?i)^\s*(.+?)\s+(?:via|through|über|par|vía|por medio de)\s+(.+?)\s*$"));
static PLATFORM_LOCAL: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)no-?reply|do-?not-?reply|notif|notify|mailer|bounce|alert|system|daemon|postmaster|robot|\bbot\b|automat",
    )
});
static FORWARDED: LazyLock<Regex> = LazyLock::new(|| dates::re(r"(?i)^\s*(?:fwd?|wg|tr|rv|enc)\s*:"));
static GENERIC_SENDER: LazyLock<Regex> = LazyLock::new(|| {
    dates::re(
        r"(?i)\s*[-|(]?\s*\b(?:notifications?|alerts?|notifier|mailer|benachrichtigungen|notificaciones)\b\)?\s*$",
    )
});
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| dates::re(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"));

/// The facts the email itself carries, independent of its body.
#[derive(Default)]
struct Envelope {
    message_id: Option<String>,
    subject: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    offset: Option<FixedOffset>,
    from_name: Option<String>,
    from_addr: Option<String>,
    reply_name: Option<String>,
    reply_addr: Option<String>,
}

/// Parse one RFC 5322 message. Never fails: see the module invariant in [`crate::ingest`].
pub fn parse_email(raw: &[u8], source: SourceKind) -> NewHandoff {
    parse_email_taught(raw, source, &[]).0
}

/// [`parse_email`] with the user's taught templates as recognisers too, and
/// what the templates made of it (read, no longer matching, or none for this sender).
pub fn parse_email_taught(raw: &[u8], source: SourceKind, taught: &[FormatTemplate]) -> (NewHandoff, Taught) {
    let mut outcome = Taught::None;
    let h = parse_inner(raw, source, taught, &mut outcome);
    (h, outcome)
}

fn parse_inner(
    raw: &[u8],
    source: SourceKind,
    taught: &[FormatTemplate],
    outcome: &mut Taught,
) -> NewHandoff {
    // mail-parser marks "cannot happen" states with debug assertions that
    // hostile input can reach; a broken message must not take the import down.
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(raw));
    let Ok(Some(msg)) = parsed else {
        let mut h = NewHandoff::raw(source, RawKind::Email, raw.to_vec());
        h.parse_notes.push(match parsed {
            Ok(_) => "not a readable email message (no headers or body found); kept as raw".into(),
            Err(_) => "the email's MIME structure is too broken to read; kept as raw".into(),
        });
        return h;
    };
    let env = envelope(&msg);
    if let Some(canon) = canonical::from_part(&msg) {
        return from_canonical(canon, raw, source, &env);
    }
    let mut notes = Vec::new();
    let (plain, html_src) = bodies(&msg, &mut notes);
    if let Some(canon) = canonical::from_text(&plain) {
        return from_canonical(canon, raw, source, &env);
    }
    let outer = mail_view(&msg, &env, plain, html_src);
    // A person's forward: the platform's original is what is read.
    let forwarded = forward::unwrap(&outer);
    let env = match &forwarded {
        Some(f) => forwarded_envelope(f, &env),
        None => env,
    };
    let mail = forwarded.as_ref().unwrap_or(&outer);
    *outcome = templates::apply(taught, mail);
    let (picked, reading) = match outcome {
        Taught::Read { evidence, reading, .. } => {
            (Some(("taught", evidence.clone())), Some((**reading).clone()))
        }
        Taught::Miss { note, .. } => {
            notes.push(note.clone());
            platforms::pick(mail).map_or((None, None), |(r, e)| (Some((r.name(), e)), Some(r.read(mail))))
        }
        Taught::None => {
            platforms::pick(mail).map_or((None, None), |(r, e)| (Some((r.name(), e)), Some(r.read(mail))))
        }
    };
    let mut read = read_text(&mail.text, &env);
    if !read.sufficient() && mail.html.is_some() {
        let text = cap(mail.html_text(), TEXT_CAP, &mut notes);
        if let Some(canon) = canonical::from_text(&text) {
            return from_canonical(canon, raw, source, &env);
        }
        let other = read_text(&text, &env);
        read.fields.fill_from(other.fields);
        if other.transcript.messages.len() > read.transcript.messages.len() {
            read.transcript = other.transcript;
        }
    }
    if read.transcript.messages.is_empty()
        && reading.as_ref().is_none_or(|r| r.transcript.is_empty())
        && let Some(t) = attached::transcript(mail, &context(&read.fields, &env, false))
    {
        notes.push("the transcript was read from the attached file".into());
        read.transcript = t;
    }
    if forwarded.is_some() {
        notes.push("forwarded by a person: the original notification inside was read".into());
    }
    let mut h = NewHandoff::keyed(source, RawKind::Email, raw.to_vec(), message_key(&env));
    h.parse_notes = notes;
    match (picked, reading) {
        (Some((name, evidence)), Some(reading)) => {
            if let Some(why) = reading.not_a_handoff {
                overlay(&mut h, &env);
                h.platform = Some(format!("email:{name}"));
                h.parse_notes.push(format!("{why}; kept as raw (read as a {name} notification)"));
                return h;
            }
            let mut fields = reading.fields;
            fields.fill_from(read.fields);
            let transcript = if reading.transcript.is_empty() {
                read.transcript
            } else {
                Transcript { messages: reading.transcript, lines: None }
            };
            assemble(&mut h, Read { fields, transcript }, &env);
            if h.bot.is_none() {
                h.bot = reading.platform_name;
            }
            h.platform = Some(format!("email:{name}"));
            h.parse_notes.insert(0, format!("read as a {name} notification: {}", evidence.why));
        }
        _ => {
            let telling = !read.transcript.messages.is_empty()
                || ((read.fields.email.is_some() || read.fields.phone.is_some())
                    && read.fields.question.is_some());
            let verdict =
                if telling { None } else { nonhandoff::classify(mail, &nonhandoff::content_types(&msg)) };
            match verdict {
                Some(why) => {
                    overlay(&mut h, &env);
                    h.platform = Some("email:not-a-handoff".into());
                    h.parse_notes.push(format!("{why}; kept as raw"));
                }
                None => assemble(&mut h, read, &env),
            }
        }
    }
    h
}

/// The envelope of a forwarded original: its sender, subject and date; the
/// outer mail's Message-ID (the one that arrived).
fn forwarded_envelope(f: &Mail, outer: &Envelope) -> Envelope {
    Envelope {
        message_id: outer.message_id.clone(),
        // The handoff keeps the subject that arrived ("Fwd: …"): replies thread to it.
        subject: outer.subject.clone().or_else(|| f.subject.clone()),
        sent_at: f.sent_at.or(outer.sent_at),
        offset: outer.offset,
        from_name: f.from_name.clone(),
        from_addr: f.from_addr.clone(),
        reply_name: None,
        reply_addr: None,
    }
}

/// The view a platform recogniser gets of a raw email (for recognisers'
/// own tests); `None` when the bytes are no readable email.
pub fn mail_of(raw: &[u8]) -> Option<Mail> {
    let msg = MessageParser::default().parse(raw)?;
    let env = envelope(&msg);
    let mut notes = Vec::new();
    let (plain, html_src) = bodies(&msg, &mut notes);
    Some(mail_view(&msg, &env, plain, html_src))
}

/// The mail as the platform recognisers see it.
fn mail_view(msg: &mail_parser::Message<'_>, env: &Envelope, text: String, html: Option<String>) -> Mail {
    let headers = msg
        .headers_raw()
        .take(200)
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().chars().take(2000).collect()))
        .collect();
    let attachments = msg
        .attachments()
        .take(PART_CAP)
        .filter_map(|a| {
            let name = a.attachment_name().unwrap_or_default().to_string();
            let ct = a
                .content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()).to_ascii_lowercase())
                .unwrap_or_default();
            let lower = name.to_ascii_lowercase();
            let texty = ct.starts_with("text/")
                || ct == "application/json"
                || [".txt", ".html", ".htm", ".json", ".csv", ".md"].iter().any(|e| lower.ends_with(e));
            if !texty {
                return None;
            }
            let body = a
                .text_contents()
                .map(str::to_string)
                .unwrap_or_else(|| String::from_utf8_lossy(a.contents()).into_owned());
            Some((name, ct, cut(&body, TEXT_CAP).to_string()))
        })
        .collect();
    Mail {
        from_addr: env.from_addr.as_deref().map(str::to_lowercase),
        from_name: env.from_name.clone(),
        reply_to_addr: env.reply_addr.as_deref().map(str::to_lowercase),
        reply_to_name: env.reply_name.clone(),
        subject: env.subject.clone(),
        headers,
        text,
        html,
        attachments,
        sent_at: env.sent_at,
        offset: env.offset,
        ..Mail::default()
    }
}

/// Fields and transcript read from one body.
struct Read {
    fields: Fields,
    transcript: Transcript,
}

impl Read {
    fn sufficient(&self) -> bool {
        let f = &self.fields;
        (f.email.is_some() || f.phone.is_some())
            && (!self.transcript.messages.is_empty() || f.question.is_some())
    }
}

fn read_text(text: &str, env: &Envelope) -> Read {
    let lines: Vec<&str> = text.lines().collect();
    let offset = env.offset.unwrap_or(Utc.fix());
    match transcript::find_section(&lines) {
        Some(start) => {
            let head = lines.get(..start).unwrap_or_default();
            let mut fields = fields::extract(head, None, offset);
            let body = lines.get(start..).unwrap_or_default();
            let mut t = transcript::parse_slice(body, &context(&fields, env, false));
            let end = t.lines.as_ref().map_or(0, |r| r.end);
            if let Some(r) = &mut t.lines {
                *r = r.start + start..r.end + start;
            }
            let tail = body.get(end..).unwrap_or_default();
            fields.fill_from(fields::extract(tail, None, offset));
            Read { fields, transcript: t }
        }
        None => {
            let fields = fields::extract(&lines, None, offset);
            let t = transcript::parse_slice(&lines, &context(&fields, env, true));
            Read { fields, transcript: t }
        }
    }
}

/// What the transcript reader should know: names, a time anchor, the offset.
fn context<'a>(f: &'a Fields, env: &'a Envelope, strict: bool) -> Context<'a> {
    let from_bot =
        env.from_name.as_deref().map(|n| VIA.captures(n).and_then(|c| c.get(2)).map_or(n, |m| m.as_str()));
    Context {
        visitor: f.name.as_deref(),
        bot: f.bot.as_deref().or(from_bot),
        anchor: f.started.or(f.escalated).or(env.sent_at),
        offset: Some(env.offset.unwrap_or(Utc.fix())),
        strict,
    }
}

/// Put what was read into the handoff and judge how well it was understood.
fn assemble(h: &mut NewHandoff, read: Read, env: &Envelope) {
    let Read { fields: f, transcript: t } = read;
    overlay(h, env);
    h.transcript = t.messages;
    h.visitor.name = f.name.or_else(|| {
        h.transcript
            .iter()
            .filter(|m| m.author == Author::Visitor)
            .find_map(|m| m.name.clone().filter(|n| transcript::role_word(n).is_none()))
    });
    h.visitor.email = f.email;
    h.visitor.phone = f.phone;
    h.page.url = f.page_url;
    h.page.title = f.page_title;
    if let Some(reason) = f.reason.as_deref().and_then(super::reason::map_wording) {
        h.reason = reason;
    }
    h.reason_detail = f.reason.clone();
    h.confidence = f.confidence;
    h.question = f.question;
    h.promise = f.promise;
    h.started_at = f.started;
    h.escalated_at = f.escalated;
    h.bot = f.bot;
    h.parse_notes.extend(f.notes);

    let body_found = h.visitor != Default::default()
        || h.page != Default::default()
        || !h.transcript.is_empty()
        || h.question.is_some()
        || f.reason.is_some()
        || h.started_at.is_some()
        || h.escalated_at.is_some();
    let via = env.from_name.as_deref().is_some_and(|n| VIA.is_match(n));
    let looks_like_handoff =
        body_found || via || env.subject.as_deref().is_some_and(|s| HANDOFF_SUBJECT.is_match(s));
    if looks_like_handoff {
        relayed_visitor(h, env);
        if h.visitor.email.is_none() {
            h.visitor.email = h
                .transcript
                .iter()
                .filter(|m| m.author == Author::Visitor)
                .find_map(|m| EMAIL.find(&m.text).map(|e| e.as_str().to_string()));
        }
    }
    let found = body_found || h.visitor.email.is_some() || h.visitor.name.is_some();
    if found && h.bot.is_none() {
        h.bot = bot_from(env).or_else(|| bot_from_transcript(h));
    }
    let contact = h.visitor.email.is_some() || h.visitor.phone.is_some();
    let conversation = !h.transcript.is_empty() || h.question.is_some();
    h.reason_inferred = found && f.reason.as_deref().and_then(super::reason::map_wording).is_none();
    if contact && conversation {
        h.parse_status = ParseStatus::Ok;
        h.platform = Some("email:labelled".into());
    } else if found {
        h.parse_status = ParseStatus::Partial;
        h.platform = Some("email:labelled".into());
        if !contact {
            h.parse_notes.push("no visitor email or phone number found in this email".into());
        }
        if !conversation {
            h.parse_notes.push("no transcript or unanswered question found in this email".into());
        }
    } else {
        h.parse_status = ParseStatus::Raw;
        h.platform = Some("email:unrecognised".into());
        h.parse_notes.push("no visitor name, email or transcript found in this email; kept as raw".into());
    }
}

/// The source key a Message-ID gives.
fn message_key(env: &Envelope) -> Option<String> {
    env.message_id.as_ref().map(|id| format!("msgid:{id}"))
}

/// The email's own facts: key, Message-ID, subject, sent time.
fn overlay(h: &mut NewHandoff, env: &Envelope) {
    if let Some(key) = message_key(env) {
        h.source_key = key;
    }
    h.message_id = env.message_id.clone();
    h.subject = env.subject.clone();
    h.sent_at = env.sent_at;
}

fn from_canonical(canon: CanonicalHandoff, raw: &[u8], source: SourceKind, env: &Envelope) -> NewHandoff {
    let mut h = canon.into_new(source, raw.to_vec());
    h.raw_kind = RawKind::Email;
    h.platform = Some("email:json".into());
    let event_key = h.source_key.starts_with("event:").then(|| h.source_key.clone());
    overlay(&mut h, env);
    if env.message_id.is_none()
        && let Some(k) = event_key
    {
        h.source_key = k;
    }
    if h.bot.is_none() {
        h.bot = bot_from(env);
    }
    relayed_visitor(&mut h, env);
    h
}

/// The bot or product name from the From display name ("Convira", "Dana via Convira" → "Convira",
/// "Parley Notifications" → "Parley"); none when a person forwarded the notification.
fn bot_from(env: &Envelope) -> Option<String> {
    if env.subject.as_deref().is_some_and(|s| FORWARDED.is_match(s)) {
        return None;
    }
    let name = env.from_name.as_deref()?.trim();
    let name = VIA.captures(name).and_then(|c| c.get(2)).map_or(name, |m| m.as_str());
    let name = GENERIC_SENDER.replace(name, "");
    let name = name.trim().trim_matches(['"', '\'', '-', '|', ' ']);
    (!name.is_empty() && name.chars().count() <= 60).then(|| name.to_string())
}

/// The bot's own name as the transcript shows it ("Convira"), when it is not just "Bot".
fn bot_from_transcript(h: &NewHandoff) -> Option<String> {
    h.transcript
        .iter()
        .filter(|m| m.author == Author::Bot)
        .find_map(|m| m.name.clone().filter(|n| transcript::role_word(n).is_none()))
}

/// Reply-To set to the visitor, or "Dana Reyes via Convira" in From: the visitor's name and address.
fn relayed_visitor(h: &mut NewHandoff, env: &Envelope) {
    let from_domain =
        env.from_addr.as_deref().and_then(|a| a.rsplit_once('@')).map(|(_, d)| d.to_lowercase());
    let is_platform = |addr: &str| {
        let (local, domain) = addr.rsplit_once('@').unwrap_or((addr, ""));
        PLATFORM_LOCAL.is_match(local) || from_domain.as_deref() == Some(domain.to_lowercase().as_str())
    };
    let via_name = env
        .from_name
        .as_deref()
        .and_then(|n| VIA.captures(n))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim_matches(['"', '\'', ' ']).to_string());
    if let Some(addr) = env.reply_addr.as_deref()
        && !is_platform(addr)
    {
        if h.visitor.email.is_none() {
            h.visitor.email = Some(addr.to_string());
        }
        if h.visitor.name.is_none() {
            h.visitor.name = env
                .reply_name
                .clone()
                .filter(|n| Some(n) != env.from_name.as_ref() && !n.contains('@'))
                .or(via_name.clone());
        }
    }
    if let Some(name) = via_name {
        if h.visitor.name.is_none() {
            h.visitor.name = Some(name);
        }
        if h.visitor.email.is_none()
            && let Some(addr) = env.from_addr.as_deref()
            && !PLATFORM_LOCAL.is_match(addr.split('@').next().unwrap_or(addr))
        {
            h.visitor.email = Some(addr.to_string());
        }
    }
}

fn envelope(msg: &mail_parser::Message<'_>) -> Envelope {
    let first = |a: Option<&Address<'_>>| {
        let a = a?.first()?;
        let name = a.name().map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let addr = a.address().map(|s| s.trim().to_string()).filter(|s| s.contains('@'));
        Some((name, addr))
    };
    let (from_name, from_addr) = first(msg.from()).unwrap_or_default();
    let (reply_name, reply_addr) = first(msg.reply_to()).unwrap_or_default();
    let (sent_at, offset) = msg.date().and_then(date).map_or((None, None), |(d, o)| (Some(d), Some(o)));
    let message_id = msg
        .message_id()
        .map(|id| id.trim().trim_matches(['<', '>']).trim().to_string())
        .filter(|id| !id.is_empty() && id.len() <= 995);
    Envelope {
        message_id,
        subject: msg.subject().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        sent_at,
        offset,
        from_name,
        from_addr,
        reply_name,
        reply_addr,
    }
}

fn date(d: &mail_parser::DateTime) -> Option<(DateTime<Utc>, FixedOffset)> {
    let day = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?;
    let time = NaiveTime::from_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second))?;
    let secs = i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60;
    let offset = FixedOffset::east_opt(if d.tz_before_gmt { -secs } else { secs })?;
    Some((dates::resolve(day, time, offset)?, offset))
}

/// The plain text bodies (capped) and the HTML body source, if any.
fn bodies(msg: &mail_parser::Message<'_>, notes: &mut Vec<String>) -> (String, Option<String>) {
    let mut plain = String::new();
    let mut html_src: Option<String> = None;
    // mail-parser lists a lone text part under both text and HTML bodies: visit each part once.
    let mut ids: Vec<u32> =
        msg.text_body.iter().chain(msg.html_body.iter()).take(PART_CAP).copied().collect();
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    for id in ids {
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(t) if plain.len() < TEXT_CAP => {
                if !plain.is_empty() {
                    plain.push('\n');
                }
                plain.push_str(t);
            }
            PartType::Html(h) if html_src.is_none() => {
                html_src = Some(cut(h, HTML_CAP).to_string());
            }
            _ => {}
        }
    }
    (cap(&plain, TEXT_CAP, notes), html_src)
}

fn cut(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

fn cap(s: &str, max: usize, notes: &mut Vec<String>) -> String {
    if s.len() > max {
        let note = format!(
            "only the first {} KB of the email's text were read for fields and transcript",
            max / 1024
        );
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    cut(s, max).to_string()
}
