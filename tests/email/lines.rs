//! `parse_lines`: every line shape, continuation lines and author mapping.

use super::*;
use handoff::ingest::transcript::parse_lines;
use handoff::{Author, Message};

fn who(msgs: &[Message]) -> Vec<(Author, &str)> {
    msgs.iter().map(|m| (m.author, m.text.as_str())).collect()
}

fn authors_of(msgs: &[Message]) -> Vec<Author> {
    msgs.iter().map(|m| m.author).collect()
}

fn day() -> Option<DateTime<Utc>> {
    Some(utc("2026-11-20T12:00:00Z"))
}

#[test]
fn role_prefixes() {
    let m = parse_lines("Visitor: Hi\nBot: Hello!\nAgent: Sam here.\nSystem: Conversation closed", None);
    assert_eq!(
        who(&m),
        [
            (Author::Visitor, "Hi"),
            (Author::Bot, "Hello!"),
            (Author::Agent, "Sam here."),
            (Author::System, "Conversation closed")
        ]
    );
    assert_eq!(m[0].name.as_deref(), Some("Visitor"));
    assert!(m.iter().all(|m| m.at.is_none()));
}

#[test]
fn bracketed_times() {
    let m = parse_lines("[10:32] Dana: Hi there\n[10:33] Bot: Hello Dana", day());
    assert_eq!(who(&m), [(Author::Visitor, "Hi there"), (Author::Bot, "Hello Dana")]);
    assert_eq!(m[0].name.as_deref(), Some("Dana"));
    assert_eq!(m[0].at, Some(utc("2026-11-20T10:32:00Z")));
    assert_eq!(m[1].at, Some(utc("2026-11-20T10:33:00Z")));
}

#[test]
fn leading_am_pm_times() {
    let m = parse_lines(
        "10:32 AM - Bot: Morning!\n12:15 PM — Agent: noon\n2:05 p.m. | Visitor: afternoon",
        day(),
    );
    assert_eq!(m.len(), 3);
    assert_eq!(m[0].at, Some(utc("2026-11-20T10:32:00Z")));
    assert_eq!(m[1].at, Some(utc("2026-11-20T12:15:00Z")));
    assert_eq!(m[2].at, Some(utc("2026-11-20T14:05:00Z")));
    assert_eq!(authors_of(&m), [Author::Bot, Author::Agent, Author::Visitor]);
}

#[test]
fn name_then_time() {
    let m = parse_lines(
        "Dana (10:32): Hi\nConvira Assistant (10:32): Hello\nDana Reyes (Visitor): still here",
        day(),
    );
    assert_eq!(who(&m), [(Author::Visitor, "Hi"), (Author::Bot, "Hello"), (Author::Visitor, "still here")]);
    assert_eq!(m[0].at, Some(utc("2026-11-20T10:32:00Z")));
    assert_eq!(m[2].at, None);
}

#[test]
fn speaker_header_lines_then_text() {
    let m = parse_lines("Dana · 9:14 AM\nHello\nsecond line\n\nBot · 9:15 AM\nHi Dana", day());
    assert_eq!(who(&m), [(Author::Visitor, "Hello\nsecond line"), (Author::Bot, "Hi Dana")]);
    assert_eq!(m[1].at, Some(utc("2026-11-20T09:15:00Z")));
}

#[test]
fn quoted_lines() {
    let m = parse_lines("> Visitor: quoted\n> > Bot: twice quoted\n>continued", None);
    assert_eq!(who(&m), [(Author::Visitor, "quoted"), (Author::Bot, "twice quoted\ncontinued")]);
}

#[test]
fn continuation_lines_belong_to_the_previous_speaker() {
    let text = "Visitor: I have two questions.\nOrder number: 5521\nand the delivery date\nBot: Let me check.\n\nThanks for chatting with us!";
    let m = parse_lines(text, None);
    assert_eq!(
        who(&m),
        [
            (Author::Visitor, "I have two questions.\nOrder number: 5521\nand the delivery date"),
            (Author::Bot, "Let me check."),
        ]
    );
}

#[test]
fn author_words_in_several_languages() {
    let cases = [
        ("Customer", Author::Visitor),
        ("User", Author::Visitor),
        ("Guest", Author::Visitor),
        ("You", Author::Visitor),
        ("Besucher", Author::Visitor),
        ("Visiteur", Author::Visitor),
        ("Cliente", Author::Visitor),
        ("AI Assistant", Author::Bot),
        ("Assistant", Author::Bot),
        ("Chatbot", Author::Bot),
        ("Asistente", Author::Bot),
        ("Support Agent", Author::Agent),
        ("Team member", Author::Agent),
        ("Customer Support", Author::Agent),
        ("Mitarbeiter", Author::Agent),
        ("System", Author::System),
    ];
    for (name, author) in cases {
        let m = parse_lines(&format!("{name}: words"), None);
        assert_eq!(m.len(), 1, "{name}");
        assert_eq!(m[0].author, author, "{name}");
    }
}

#[test]
fn unnamed_speakers_by_order_and_system_lines() {
    let m = parse_lines(
        "Dana: Hi\nConvira: Hello\nDana: refunds?\n*** Conversation transferred to a human ***\nSam: Hi Dana, Sam here",
        None,
    );
    assert_eq!(
        who(&m),
        [
            (Author::Visitor, "Hi"),
            (Author::Bot, "Hello"),
            (Author::Visitor, "refunds?"),
            (Author::System, "*** Conversation transferred to a human ***"),
            (Author::Agent, "Hi Dana, Sam here"),
        ]
    );
}

#[test]
fn table_rows_and_full_dates() {
    let m = parse_lines("10:32\tDana\tHi\n2026-11-21 08:00\tBot\tMorning", day());
    assert_eq!(who(&m), [(Author::Visitor, "Hi"), (Author::Bot, "Morning")]);
    assert_eq!(m[0].at, Some(utc("2026-11-20T10:32:00Z")));
    assert_eq!(m[1].at, Some(utc("2026-11-21T08:00:00Z")));
    // A full date needs no anchor; a bare time does.
    let m = parse_lines("[2026-11-20 09:14:05 UTC] Visitor: a\n[09:15] Bot: b", None);
    assert_eq!(m[0].at, Some(utc("2026-11-20T09:14:05Z")));
    assert_eq!(m[1].at, None);
}

#[test]
fn midnight_rollover() {
    let m = parse_lines("[23:58] Visitor: late\n[00:03] Bot: early", Some(utc("2026-11-20T23:50:00Z")));
    assert_eq!(m[0].at, Some(utc("2026-11-20T23:58:00Z")));
    assert_eq!(m[1].at, Some(utc("2026-11-21T00:03:00Z")));
}

#[test]
fn text_is_kept_verbatim() {
    let m = parse_lines(
        "Visitor: <script>alert(1)</script> &amp; **bold**\nBot: see https://acme.test/a?b=1",
        None,
    );
    assert_eq!(m[0].text, "<script>alert(1)</script> &amp; **bold**");
    assert_eq!(m[1].text, "see https://acme.test/a?b=1");
}

#[test]
fn prose_is_not_a_transcript() {
    assert!(parse_lines("", None).is_empty());
    assert!(parse_lines("Thanks for using our service.\nhttps://acme.test/x", None).is_empty());
}
