//! One test per platform layout in `tests/fixtures/email/`.

use super::*;
use handoff::{Author, Message, ParseStatus, RawKind};

/// Author and text of the first and last transcript lines, and the line count.
fn ends(h: &NewHandoff, n: usize, first: (Author, &str), last: (Author, &str)) {
    assert_eq!(h.transcript.len(), n, "{:#?}", h.transcript);
    let f = h.transcript.first().unwrap();
    let l = h.transcript.last().unwrap();
    assert_eq!((f.author, f.text.as_str()), first);
    assert_eq!((l.author, l.text.as_str()), last);
}

fn authors(t: &[Message]) -> Vec<Author> {
    t.iter().map(|m| m.author).collect()
}

#[test]
fn plain_text_labelled() {
    let h = parse("01_plain_labelled.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.platform.as_deref(), Some("email:labelled"));
    assert_eq!(h.raw_kind, RawKind::Email);
    assert_eq!(h.source_key, "msgid:handoff.7f3a91c2@convira.io");
    assert_eq!(h.message_id.as_deref(), Some("handoff.7f3a91c2@convira.io"));
    assert_eq!(h.subject.as_deref(), Some("[Convira] Handoff: Dana Reyes needs a human"));
    assert_eq!(h.sent_at, Some(utc("2026-11-20T07:04:12Z")));
    assert_eq!(h.bot.as_deref(), Some("Convira"));
    assert_eq!(h.visitor.name.as_deref(), Some("Dana Reyes"));
    assert_eq!(h.visitor.email.as_deref(), Some("dana.reyes@example.com"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+1 555 0100"));
    assert_eq!(h.page.url.as_deref(), Some("https://acme-plumbing.test/pricing"));
    assert_eq!(h.page.title.as_deref(), Some("Pricing - Acme Plumbing"));
    assert_eq!(h.reason_detail.as_deref(), Some("No article matched the question"));
    assert_eq!(h.confidence, Some(0.31));
    assert_eq!(h.question.as_deref(), Some("Do you offer refunds after 30 days?"));
    assert_eq!(h.promise.as_deref(), Some("We'll email you within 4 business hours"));
    assert_eq!(h.started_at, Some(utc("2026-11-20T06:58:00Z")));
    assert_eq!(h.escalated_at, Some(utc("2026-11-20T07:04:11Z")));
    ends(&h, 6, (Author::Visitor, "Hi"), (Author::Bot, "Done! We'll email you within 4 business hours."));
    let t = &h.transcript;
    assert_eq!(t[2].text, "Do you offer refunds after 30 days?\nI bought a water heater in September.");
    assert_eq!(
        t[3].text,
        "I'm sorry, I couldn't find an answer to that. Would you like me to\npass this to the team?"
    );
    assert_eq!(t[1].name.as_deref(), Some("Convira"));
    assert!(t.iter().all(|m| m.at.is_none()));
}

#[test]
fn html_table() {
    let h = parse("02_html_table.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.subject.as_deref(), Some("New handoff — Sam Patel"));
    assert_eq!(h.bot.as_deref(), Some("ChatNest"));
    assert_eq!(h.visitor.name.as_deref(), Some("Sam Patel"));
    assert_eq!(h.visitor.email.as_deref(), Some("sam.patel@example.net"));
    assert_eq!(h.visitor.phone.as_deref(), Some("(415) 555-0142"));
    assert_eq!(h.page.url.as_deref(), Some("https://brightsmile.test/book?service=implants&ref=ad"));
    assert_eq!(h.page.title.as_deref(), Some("Dental implants"));
    assert_eq!(h.reason_detail.as_deref(), Some("Visitor asked for a human"));
    assert_eq!(h.confidence, Some(0.82));
    assert_eq!(h.question.as_deref(), Some("Can I get a quote for two implants & a crown?"));
    // 2:32 PM at the Date header's -08:00.
    assert_eq!(h.started_at, Some(utc("2026-11-20T22:32:00Z")));
    ends(
        &h,
        5,
        (Author::Visitor, "Hi, how much are implants?"),
        (Author::Bot, "Sure — I’ve passed this to the BrightSmile team."),
    );
    let t = &h.transcript;
    assert_eq!(authors(t), [Author::Visitor, Author::Bot, Author::Visitor, Author::Visitor, Author::Bot]);
    assert_eq!(t[2].text, "Can I get a quote for two implants & a crown?\nPrefer \"all-in\" pricing.");
    assert_eq!(t[3].text, "I'd rather talk to a person.");
    assert_eq!(t[0].at, Some(utc("2026-11-20T22:32:00Z")));
    assert_eq!(t[4].at, Some(utc("2026-11-20T22:34:00Z")));
    assert_eq!(t[1].name.as_deref(), Some("Nestor (bot)"));
}

#[test]
fn bold_markdown_labels_and_bracket_times() {
    let h = parse("03_bold_markdown.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some("Aiko Tanaka"));
    assert_eq!(h.visitor.email.as_deref(), Some("aiko.tanaka@example.jp"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+81 3-5555-0199"));
    assert_eq!(h.page.url.as_deref(), Some("https://kitsune-tea.test/shop/matcha?variant=ceremonial"));
    assert_eq!(h.reason_detail.as_deref(), Some("Frustration detected (3 repeated questions)"));
    assert_eq!(h.escalated_at, Some(utc("2026-11-20T09:15:40Z")));
    assert_eq!(h.bot.as_deref(), Some("Helpwise"));
    ends(
        &h,
        6,
        (Author::Visitor, "Where is my order #5521?"),
        (Author::System, "Conversation transferred to the Kitsune Tea team"),
    );
    let t = &h.transcript;
    assert_eq!(t[2].text, "I did, it says \"label created\" for 9 days");
    assert_eq!(t[1].author, Author::Bot);
    assert_eq!(t[0].at, Some(utc("2026-11-20T09:12:00Z")));
    assert_eq!(t[5].at, Some(utc("2026-11-20T09:15:00Z")));
}

#[test]
fn multipart_alternative_fills_from_html() {
    let h = parse("04_multipart_alt.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some("Marco Rossi"));
    assert_eq!(h.visitor.email.as_deref(), Some("marco.rossi@example.it"));
    // Only the HTML part carries the phone and the confidence.
    assert_eq!(h.visitor.phone.as_deref(), Some("+39 02 5555 0173"));
    assert_eq!(h.confidence, Some(0.42));
    assert_eq!(h.page.url.as_deref(), Some("https://lakeside-rentals.test/boats/pontoon-22"));
    assert_eq!(h.reason_detail.as_deref(), Some("low confidence"));
    assert_eq!(h.bot.as_deref(), Some("Parley"));
    ends(
        &h,
        4,
        (Author::Bot, "Hi! Looking to rent a boat?"),
        (Author::Bot, "A team member will get back to you soon."),
    );
    let t = &h.transcript;
    assert_eq!(t[1].author, Author::Visitor);
    assert_eq!(t[1].text, "Can I take the pontoon out overnight?");
    // 9:58 AM and 10:01 AM at -05:00.
    assert_eq!(t[0].at, Some(utc("2026-11-21T14:58:00Z")));
    assert_eq!(t[3].at, Some(utc("2026-11-21T15:01:00Z")));
}

#[test]
fn german_quoted_printable() {
    let h = parse("05_german.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.subject.as_deref(), Some("Neue Übergabe: Jürgen Weiß"));
    assert_eq!(h.visitor.name.as_deref(), Some("Jürgen Weiß"));
    assert_eq!(h.visitor.email.as_deref(), Some("j.weiss@example.de"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+49 30 5555 0123"));
    assert_eq!(h.page.url.as_deref(), Some("https://fahrradwerk.test/e-bikes/trekking"));
    assert_eq!(h.page.title.as_deref(), Some("Trekking E-Bikes – Fahrradwerk Berlin"));
    assert_eq!(h.reason_detail.as_deref(), Some("Keine passende Antwort gefunden"));
    assert_eq!(h.question.as_deref(), Some("Kann ich das Rad vor dem Kauf probefahren?"));
    assert_eq!(h.promise.as_deref(), Some("Wir melden uns innerhalb von 4 Stunden."));
    assert_eq!(h.started_at, Some(utc("2026-11-20T13:32:00Z")));
    assert_eq!(h.escalated_at, Some(utc("2026-11-20T13:36:00Z")));
    ends(
        &h,
        5,
        (Author::Visitor, "Hallo!"),
        (Author::System, "Gespräch wurde an einen Mitarbeiter übergeben"),
    );
    let t = &h.transcript;
    assert_eq!(authors(t), [Author::Visitor, Author::Bot, Author::Visitor, Author::Bot, Author::System]);
    assert_eq!(t[2].text, "Kann ich das Rad vor dem Kauf probefahren?\nAm liebsten am Samstag.");
    assert_eq!(t[0].at, Some(utc("2026-11-20T13:32:00Z")));
    assert_eq!(t[4].at, Some(utc("2026-11-20T13:36:00Z")));
}

#[test]
fn french_base64() {
    let h = parse("06_french.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.subject.as_deref(), Some("Nouvelle demande : Élodie Martin"));
    assert_eq!(h.visitor.name.as_deref(), Some("Élodie Martin"));
    assert_eq!(h.visitor.email.as_deref(), Some("elodie.martin@example.fr"));
    assert_eq!(h.visitor.phone.as_deref(), Some("06 55 55 01 87"));
    assert_eq!(h.page.url.as_deref(), Some("https://boulangerie-dupont.test/commandes/gateaux"));
    assert_eq!(h.reason_detail.as_deref(), Some("Demande de parler à un humain"));
    assert_eq!(h.question.as_deref(), Some("Pouvez-vous livrer un gâteau de mariage à Lyon ?"));
    assert_eq!(h.started_at, Some(utc("2026-11-20T13:32:00Z")));
    ends(&h, 6, (Author::Visitor, "Bonjour"), (Author::System, "Conversation transférée à un conseiller"));
    assert_eq!(h.transcript[1].author, Author::Bot);
    assert_eq!(h.transcript[4].text, "Oui, merci");
}

#[test]
fn spanish_local_dates() {
    let h = parse("07_spanish.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.subject.as_deref(), Some("Nuevo traspaso: Lucía Fernández"));
    assert_eq!(h.visitor.name.as_deref(), Some("Lucía Fernández"));
    assert_eq!(h.visitor.email.as_deref(), Some("lucia.fernandez@example.es"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+34 655 55 01 21"));
    assert_eq!(h.page.url.as_deref(), Some("https://clinica-sonrisa.test/es/ortodoncia"));
    assert_eq!(h.reason_detail.as_deref(), Some("El bot no encontró respuesta"));
    assert_eq!(h.question.as_deref(), Some("¿Aceptan pagos a plazos para la ortodoncia?"));
    assert_eq!(h.started_at, Some(utc("2026-11-20T13:32:00Z")));
    assert_eq!(h.escalated_at, Some(utc("2026-11-20T13:35:00Z")));
    ends(
        &h,
        5,
        (Author::Visitor, "Hola, buenas tardes"),
        (Author::Agent, "Hola Lucía, soy Marta. Sí, ofrecemos financiación."),
    );
    let t = &h.transcript;
    assert_eq!(authors(t), [Author::Visitor, Author::Bot, Author::Visitor, Author::Bot, Author::Agent]);
    assert_eq!(t[0].name.as_deref(), Some("Lucía"));
    assert_eq!(t[4].at, Some(utc("2026-11-20T13:40:00Z")));
}

#[test]
fn canonical_json_attachment() {
    let h = parse("08_json_attachment.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok);
    assert_eq!(h.platform.as_deref(), Some("email:json"));
    assert_eq!(h.raw_kind, RawKind::Email);
    assert_eq!(h.source_key, "msgid:evt_01HZX8K2M4.mail@convira.io");
    assert_eq!(h.workspace_hint.as_deref(), Some("acme"));
    assert_eq!(h.bot.as_deref(), Some("Convira"));
    assert_eq!(h.subject.as_deref(), Some("[Convira] New handoff (structured)"));
    assert_eq!(h.sent_at, Some(utc("2026-11-20T02:04:15Z")));
    // The JSON wins over the summary text's "Name: Somebody Else".
    assert_eq!(h.visitor.name.as_deref(), Some("Dana Reyes"));
    assert_eq!(h.visitor.email.as_deref(), Some("dana@example.com"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+1 555 0100"));
    assert_eq!(h.page.url.as_deref(), Some("https://acme.test/pricing"));
    assert_eq!(h.page.title.as_deref(), Some("Pricing"));
    assert_eq!(h.reason_detail.as_deref(), Some("no article matched"));
    assert_eq!(h.confidence, Some(0.31));
    assert_eq!(h.question.as_deref(), Some("Do you offer refunds after 30 days?"));
    assert_eq!(h.escalated_at, Some(utc("2026-11-20T02:04:11Z")));
    ends(&h, 4, (Author::Visitor, "Hi"), (Author::Bot, "I'll pass this to the team."));
    assert_eq!(h.transcript[1].at, Some(utc("2026-11-20T01:58:02Z")));
}

#[test]
fn quoted_printable_latin1() {
    let h = parse("09_qp_latin1.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.subject.as_deref(), Some("Nouvelle demande - Zoë Château"));
    assert_eq!(h.visitor.name.as_deref(), Some("Zoë Château"));
    assert_eq!(h.visitor.email.as_deref(), Some("zoe.chateau@example.fr"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+33 1 55 55 01 44"));
    assert_eq!(h.page.url.as_deref(), Some("https://hotel-lumiere.test/fr/chambres/suite-deluxe"));
    assert_eq!(h.page.title.as_deref(), Some("Suite Deluxe - Hôtel Lumière"));
    assert_eq!(h.reason_detail.as_deref(), Some("Policy topic (cancellation)"));
    assert_eq!(h.question.as_deref(), Some("Puis-je annuler sans frais 48 h avant l'arrivée ?"));
    assert_eq!(h.escalated_at, Some(utc("2026-11-20T15:05:00Z")));
    ends(
        &h,
        4,
        (Author::Visitor, "Bonjour ! Je voudrais réserver la suite deluxe."),
        (
            Author::Bot,
            "Les conditions d'annulation sont gérées par notre équipe. Je transfère votre demande.",
        ),
    );
    assert_eq!(h.transcript[0].at, Some(utc("2026-11-20T15:01:00Z")));
    assert_eq!(h.transcript[0].name.as_deref(), Some("Zoë"));
}

#[test]
fn reply_to_is_the_visitor() {
    let h = parse("10_reply_to_visitor.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some("Priya Nair"));
    assert_eq!(h.visitor.email.as_deref(), Some("priya.nair@example.org"));
    assert_eq!(h.bot.as_deref(), Some("Convira"));
    assert_eq!(h.reason_detail.as_deref(), Some("Visitor asked for a human"));
    assert_eq!(h.question.as_deref(), Some("Can I pause my membership for two months?"));
    ends(
        &h,
        4,
        (Author::Visitor, "hello"),
        (Author::Bot, "I'll get someone from Northwind Yoga to help with that."),
    );
    assert_eq!(h.sent_at, Some(utc("2026-11-23T01:45:00Z")));
}

#[test]
fn value_on_the_next_line() {
    let h = parse("11_next_line.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some("Marcus Lee"));
    assert_eq!(h.visitor.email.as_deref(), Some("marcus.lee@example.com"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+44 20 7946 0958"));
    assert_eq!(h.reason_detail.as_deref(), Some("Pricing question for 40 seats"));
    ends(
        &h,
        3,
        (Author::Visitor, "Hi, we're looking at the Team plan for 40 seats.\nIs there a volume discount?"),
        (Author::Visitor, "Sure, thanks"),
    );
    assert_eq!(h.transcript[1].author, Author::Bot);
    assert_eq!(h.transcript[1].name.as_deref(), Some("Orbit Assistant"));
    assert_eq!(h.transcript[0].at, Some(utc("2026-11-23T09:14:00Z")));
    assert_eq!(h.transcript[2].at, Some(utc("2026-11-23T09:16:00Z")));
}

#[test]
fn forwarded_with_quoting_and_full_timestamps() {
    let h = parse("12_forwarded_brackets.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some("Noah Kim"));
    assert_eq!(h.visitor.email.as_deref(), Some("noah.kim@example.com"));
    assert_eq!(h.visitor.phone.as_deref(), Some("+1 555 0177"));
    assert_eq!(h.page.url.as_deref(), Some("https://acme-plumbing.test/emergency"));
    assert_eq!(h.reason_detail.as_deref(), Some("Human requested"));
    assert_eq!(h.subject.as_deref(), Some("Fwd: [Convira] Handoff: Noah Kim"));
    // Forwarded by a person: the bot is named by the transcript, not by From.
    assert_eq!(h.bot.as_deref(), Some("Convira"));
    ends(
        &h,
        4,
        (Author::Visitor, "My basement is flooding, can someone come today?"),
        (Author::Bot, "Done. The team will call you shortly."),
    );
    let t = &h.transcript;
    assert_eq!(
        t[1].text,
        "I'm sorry to hear that! Our emergency line is\n(555) 010-0911. Would you like a callback?"
    );
    assert_eq!(t[0].at, Some(utc("2026-11-20T09:14:05Z")));
    assert_eq!(t[3].at, Some(utc("2026-11-20T09:19:31Z")));
}

#[test]
fn hostile_html_stays_plain_text() {
    let h = parse("13_xss_html.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some("Eve Mallory"));
    assert_eq!(h.visitor.email.as_deref(), Some("eve@example.org"));
    // The javascript: link target is dropped; its visible text is the URL.
    assert_eq!(h.page.url.as_deref(), Some("https://shop.test/cart"));
    assert_eq!(h.question.as_deref(), Some("<b>Why</b> is checkout broken?"));
    let texts: Vec<&str> = h.transcript.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "<script>alert(1)</script>",
            "Sorry, I didn't understand that.",
            "<img src=x onerror=alert(document.cookie)>",
            "click javascript:alert(1) please",
            "[free money](javascript:alert('x')) &lt;b&gt;bold&lt;/b&gt;",
            "Let me get a human to help.",
        ]
    );
    assert_eq!(
        authors(&h.transcript),
        [Author::Visitor, Author::Bot, Author::Visitor, Author::Visitor, Author::Visitor, Author::Bot]
    );
    let all = format!("{:?}", (&h.visitor, &h.page, &h.question, &h.transcript, &h.bot));
    for gone in [
        "stealCookies",
        "injected",
        "hidden comment",
        "framed",
        "alert('real')",
        "alert('page')",
        "color: red",
    ] {
        assert!(!all.contains(gone), "{gone} leaked into {all}");
    }
}

#[test]
fn prose_only_is_kept_raw() {
    let h = parse("14_prose_only.eml");
    assert_eq!(h.parse_status, ParseStatus::Raw);
    assert_eq!(h.platform.as_deref(), Some("email:unrecognised"));
    assert_eq!(h.visitor, Default::default());
    assert!(h.transcript.is_empty());
    assert_eq!(h.subject.as_deref(), Some("A conversation needs your attention"));
    assert_eq!(h.source_key, "msgid:quill-digest-20261125@quill.example");
    assert!(
        h.parse_notes.iter().any(|n| n.contains("no visitor name, email or transcript")),
        "{:?}",
        h.parse_notes
    );
}

#[test]
fn am_pm_across_midnight() {
    let h = parse("15_ampm_midnight.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.email.as_deref(), Some("dana.r@example.com"));
    assert_eq!(h.reason_detail.as_deref(), Some("Wants a human"));
    // 11/20/2026 11:57 PM at -08:00 (AM/PM → month first).
    assert_eq!(h.started_at, Some(utc("2026-11-21T07:57:00Z")));
    ends(&h, 5, (Author::Visitor, "are you open tomorrow?"), (Author::Visitor, "ok"));
    let at: Vec<_> = h.transcript.iter().map(|m| m.at.unwrap()).collect();
    assert_eq!(
        at,
        [
            utc("2026-11-21T07:58:00Z"),
            utc("2026-11-21T07:58:00Z"),
            utc("2026-11-21T07:59:00Z"),
            utc("2026-11-21T08:02:00Z"),
            utc("2026-11-21T08:03:00Z"),
        ]
    );
    assert_eq!(h.transcript[3].author, Author::Bot);
}

#[test]
fn transcript_without_heading() {
    let h = parse("16_no_heading.eml");
    assert_eq!(h.parse_status, ParseStatus::Ok, "{:?}", h.parse_notes);
    assert_eq!(h.visitor.name.as_deref(), Some("Olivia Brown"));
    assert_eq!(h.visitor.phone.as_deref(), Some("0412 555 019"));
    assert_eq!(h.visitor.email, None);
    assert_eq!(h.bot.as_deref(), Some("Sprout Chat"));
    ends(
        &h,
        4,
        (Author::Visitor, "hi is anyone there"),
        (Author::Bot, "I'm not sure. I'll ask the team to call you."),
    );
}

#[test]
fn every_fixture_has_a_message_id_key() {
    for (name, raw) in emls(&fixture_dir()) {
        let h = parse_email(&raw, SourceKind::Imap);
        assert!(h.source_key.starts_with("msgid:"), "{name}: {}", h.source_key);
        assert_eq!(h.source, SourceKind::Imap);
    }
}
