//! A notification a person forwarded: the platform's original inside the
//! forwarder's mail, under the mail program's forward header block (Gmail's
//! "---------- Forwarded message ---------", Outlook's "From: … Sent: …"
//! block, Apple Mail's "Begin forwarded message:", and their German, French,
//! Spanish, Portuguese, Italian and Dutch forms).
//!
//! [`unwrap`] gives the original as a [`Mail`] of its own — the original's
//! sender and subject, the text below the block — so the platform
//! recognisers see the platform's mail, not the forwarder's, and the generic
//! reader never takes the forwarder's own address for the visitor's.
//!
//! Invariant: only a block with at least a From line and one of Date/Sent or
//! Subject counts; anything else leaves the mail as it is.

use super::platforms::Mail;

/// Lines that open a forwarded message.
const MARKERS: &[&str] = &[
    "forwarded message",
    "original message",
    "begin forwarded message",
    "weitergeleitete nachricht",
    "ursprüngliche nachricht",
    "anfang der weitergeleiteten nachricht",
    "message transféré",
    "message d'origine",
    "mensaje reenviado",
    "mensaje original",
    "mensagem encaminhada",
    "mensagem original",
    "messaggio inoltrato",
    "messaggio originale",
    "doorgestuurd bericht",
    "oorspronkelijk bericht",
    "転送されたメッセージ",
];

const FROM: &[&str] = &["from", "von", "de", "da", "van", "差出人", "送信者"];
const DATE: &[&str] = &[
    "date",
    "sent",
    "datum",
    "gesendet",
    "envoyé",
    "enviado",
    "fecha",
    "data",
    "inviato",
    "verzonden",
    "日付",
    "送信日時",
];
const SUBJECT: &[&str] =
    &["subject", "betreff", "objet", "asunto", "assunto", "oggetto", "onderwerp", "件名"];
const TO: &[&str] = &["to", "an", "à", "para", "a", "aan", "cc", "宛先"];

/// The forwarded original, when `mail` is a person's forward of one.
pub fn unwrap(mail: &Mail) -> Option<Mail> {
    let body = mail.body();
    let lines: Vec<&str> = body.lines().collect();
    let (start, after_marker) = block_start(&lines)?;
    // Outlook's bare block is only a forward when the subject says so: a
    // notification may itself list "From:" and "Date:" lines.
    if !after_marker && !mail.subject.as_deref().is_some_and(forwarded_subject) {
        return None;
    }
    let mut from = None;
    let mut date = None;
    let mut subject = None;
    let mut i = start;
    while let Some(line) = lines.get(i) {
        let line = line.trim().trim_start_matches('>').trim().trim_matches('*').trim();
        if line.is_empty() {
            if from.is_some() {
                break;
            }
            i += 1;
            continue;
        }
        let Some((label, value)) = line.split_once([':', '：']) else {
            if after_marker && from.is_none() && i < start + 2 {
                i += 1;
                continue;
            }
            break;
        };
        let label = label.trim().trim_matches('*').trim().to_lowercase();
        let value = value.trim().trim_matches('*').trim();
        if FROM.contains(&label.as_str()) {
            from = Some(value.to_string());
        } else if DATE.contains(&label.as_str()) {
            date = Some(value.to_string());
        } else if SUBJECT.contains(&label.as_str()) {
            subject = Some(value.to_string());
        } else if !TO.contains(&label.as_str()) && !label.starts_with("reply") {
            break;
        }
        i += 1;
    }
    let from = from?;
    if date.is_none() && subject.is_none() {
        return None;
    }
    let (from_name, from_addr) = address(&from);
    let text = lines.get(i..).unwrap_or_default().join("\n").trim_start().to_string();
    Some(Mail {
        from_addr,
        from_name,
        subject,
        sent_at: date
            .as_deref()
            .and_then(|d| super::dates::parse(d, mail.offset.unwrap_or(chrono::FixedOffset::east_opt(0)?)))
            .or(mail.sent_at),
        offset: mail.offset,
        text,
        attachments: mail.attachments.clone(),
        ..Mail::default()
    })
}

/// "Fwd: …", "FW: …", "WG: …", "TR: …", "RV: …", "Enc: …", "I: …", "Doorst: …".
pub fn forwarded_subject(s: &str) -> bool {
    let head = s.trim_start().split(':').next().unwrap_or_default().trim().to_lowercase();
    s.contains(':')
        && ["fwd", "fw", "wg", "tr", "rv", "enc", "i", "doorst", "fwd", "転送"].contains(&head.as_str())
}

/// Where the header block starts (the line after a marker, or an Outlook
/// "From:" line followed by a "Sent:"/"Date:" line), and whether a marker opened it.
fn block_start(lines: &[&str]) -> Option<(usize, bool)> {
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim().trim_matches(['-', '_', '=', ' ', '*']).to_lowercase();
        if !l.is_empty() && l.len() <= 60 && MARKERS.iter().any(|m| l.contains(m)) {
            return Some((i + 1, true));
        }
        let label =
            |s: &str| s.trim().trim_matches('*').split_once(':').map(|(a, _)| a.trim().to_lowercase());
        if label(line).is_some_and(|a| FROM.contains(&a.as_str()))
            && lines.get(i + 1).and_then(|n| label(n)).is_some_and(|a| DATE.contains(&a.as_str()))
        {
            return Some((i, false));
        }
    }
    None
}

/// "Chatwoot <notifications@chatwoot.com>", "notifications@chatwoot.com",
/// "Chatwoot [mailto:notifications@chatwoot.com]" → (name, lower-case address).
fn address(s: &str) -> (Option<String>, Option<String>) {
    let addr_start = s.find(['<', '[']);
    let (name, rest) = match addr_start {
        Some(i) => (s.get(..i).unwrap_or_default(), s.get(i..).unwrap_or_default()),
        None => ("", s),
    };
    let addr = rest
        .trim_matches(['<', '>', '[', ']', ' '])
        .trim_start_matches("mailto:")
        .split_whitespace()
        .find(|w| w.contains('@'))
        .map(|a| a.trim_matches(['<', '>', '[', ']', '"', '\'']).to_lowercase());
    let name = name.trim().trim_matches(['"', '\'']).trim();
    (Some(name.to_string()).filter(|n| !n.is_empty() && !n.contains('@')), addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fwd(body: &str) -> Mail {
        Mail { subject: Some("Fwd: New conversation".into()), text: body.into(), ..Mail::default() }
    }

    #[test]
    fn gmail_outlook_and_apple_forwards_give_the_original_sender_subject_and_text() {
        let gmail = "Sam here, see below\n\n---------- Forwarded message ---------\nFrom: Chatwoot <notifications@chatwoot.com>\nDate: Thu, Nov 20, 2026 at 2:04 AM\nSubject: New conversation #42\nTo: <sam@acme.test>\n\nHi Sam,\nA new conversation was created.";
        let m = unwrap(&fwd(gmail)).unwrap();
        assert_eq!(m.from_addr.as_deref(), Some("notifications@chatwoot.com"));
        assert_eq!(m.from_name.as_deref(), Some("Chatwoot"));
        assert_eq!(m.subject.as_deref(), Some("New conversation #42"));
        assert!(m.text.starts_with("Hi Sam,"));

        let outlook = "FYI\n\n________________________________\nFrom: Tidio <no-reply@tidio.net>\nSent: Thursday, November 20, 2026 2:04 AM\nTo: Sam Owner <sam@acme.test>\nSubject: New message from Dana\n\nDana wrote: hello";
        let m = unwrap(&fwd(outlook)).unwrap();
        assert_eq!(m.from_addr.as_deref(), Some("no-reply@tidio.net"));
        assert_eq!(m.text, "Dana wrote: hello");

        let german = "---------- Weitergeleitete Nachricht ---------\nVon: Userlike <noreply@userlike.com>\nDatum: Do., 20. Nov. 2026 um 02:04\nBetreff: Chatprotokoll\nAn: <sam@acme.test>\n\nProtokoll";
        assert_eq!(unwrap(&fwd(german)).unwrap().subject.as_deref(), Some("Chatprotokoll"));
    }

    #[test]
    fn a_mail_without_a_forward_block_is_left_alone() {
        assert!(unwrap(&fwd("Name: Dana\nFrom: the pricing page\nEmail: dana@example.com")).is_none());
        assert!(unwrap(&fwd("Hello\nFrom: Dana\n\nthanks")).is_none());
    }
}
