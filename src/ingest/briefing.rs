//! The briefing's facts, read offline from one handoff (no network, no
//! model): an extractive summary, the visitor's tone, buying signals and the
//! company behind the address.
//!
//! Decisions:
//! - **The ask comes first, in the visitor's words.** The summary's first
//!   sentence is the question the source names, else the visitor's last
//!   substantive message before the bot failed ([`super::reason::derive_question`]);
//!   a long message is cut to its first question sentence. The second sentence
//!   is what the bot could not do: its own failure line quoted when it wrote
//!   one, else the reason in words. Nothing is paraphrased.
//! - **Tone** looks at the visitor's lines only: frustrated (the reason
//!   reader's frustration words, capitals, "!!!", the same question twice, or
//!   the bot's own "frustration" reason) outranks urgent (time pressure: urgent,
//!   asap, right now, a deadline, something down); else calm. Patterns cover
//!   the languages the parser reads (English, German, French, Spanish,
//!   Portuguese, Italian, Dutch, Czech, Japanese).
//! - **Buying signals** (price, quote, booking, demo) come from the visitor's
//!   lines and the question, never from the bot's sales talk.
//! - **Company**: the visitor's address domain unless it is a freemail
//!   provider or a domain reserved for examples (RFC 2606: `example.*`,
//!   `*.example`, `*.invalid`).

use super::Parsed;
use super::reason::{Pat, is_bot_failure, is_frustrated, is_human_ask, normalize, pat};
use crate::model::{Author, BriefingFacts, BuyingSignal, Message, NewHandoff, Reason, Tone};
use std::sync::LazyLock;

/// The longest ask kept whole; a longer message is cut to its question sentence.
const ASK_MAX: usize = 220;
/// The longest bot line quoted.
const BOT_MAX: usize = 140;

#[rustfmt::skip]
pat!(URGENT, [
    r"\burgent", r"\basap\b", r"\bas soon as possible\b", r"\bimmediately\b", r"\bright now\b",
    r"\bright away\b", r"\bemergency\b", r"\bdeadline", r"\btime.sensitive\b", r"\bcritical\b",
    r"\b(is|are|went|site|server|shop|store|system|app|website|checkout|payments?) (is )?down\b",
    r"\boutage", r"\blocked out\b", r"\bwithin the (hour|next hour)\b", r"\bin the next (hour|\d+ (minutes|hours))\b",
    r"\b(need|needs|needed) (it|this|an answer|a reply|help) (today|tonight|now|by)\b",
    r"\bbefore (tonight|tomorrow|noon|the end of (the )?day)\b", r"\bby (tonight|tomorrow|end of day|eod)\b",
    r"\bdringend", r"\bsofort\b", r"\bschnellstmöglich", r"\bso schnell wie möglich\b", r"\bnotfall",
    r"\beilig\b", r"\bheute noch\b", r"\burgence", r"\bimmédiatement\b", r"\btout de suite\b",
    r"\bau plus vite\b", r"\bdès que possible\b", r"\burgente", r"\burgencia", r"\binmediatamente\b",
    r"\bcuanto antes\b", r"\blo antes posible\b", r"\bahora mismo\b", r"\bemergencia", r"\bimediatamente\b",
    r"\bo mais rápido\b", r"\bagora mesmo\b", r"\bemergência", r"\bsubito\b", r"\bimmediatamente\b",
    r"\bal più presto\b", r"\bemergenza", r"\bspoed", r"\bzo snel mogelijk\b", r"\bnaléhav", r"\bihned\b",
    r"\bokamžitě\b", r"\bco nejdříve\b", r"至急", r"緊急", r"急ぎ", r"すぐに",
]);
#[rustfmt::skip]
pat!(PRICE, [
    r"\bpric(e|es|ed|ing)\b", r"\bhow much\b", r"\bcosts?\b", r"\bpreis", r"\bwas kostet\b", r"\bkosten\b",
    r"\bprix\b", r"\btarif", r"\bcombien\b", r"\bprecio", r"\bcu[aá]nto cuesta\b", r"\bpreço", r"\bquanto custa\b",
    r"\bprezz", r"\bquanto costa\b", r"\bprijs", r"\bwat kost\b", r"\bkolik stojí\b", r"\bcen(a|y|ík)\b",
    r"価格", r"料金", r"いくら",
]);
#[rustfmt::skip]
pat!(QUOTE, [
    r"\bquotes?\b", r"\bquotation", r"\bestimate\b", r"\bproposal\b", r"\bangebot\b", r"\bkostenvoranschlag",
    r"\bdevis\b", r"\bcotizaci", r"\bpresupuesto", r"\bor[cç]amento", r"\bcotação", r"\bpreventivo",
    r"\bofferte\b", r"\bnabídk", r"見積",
]);
#[rustfmt::skip]
pat!(BOOKING, [
    r"\bbook(ing|ed)?\b", r"\breserv(e|ation|ations)\b", r"\bappointment", r"\btable for\b",
    r"\bschedule (a|an) (call|meeting|visit|viewing|consultation)\b", r"\bbuchen\b", r"\bbuchung",
    r"\breservier", r"\btermin\b", r"\bréserv", r"\brendez-vous\b", r"\breserva", r"\bcita\b", r"\bagendar\b",
    r"\bprenot", r"\breserveren\b", r"\bboeken\b", r"\bafspraak\b", r"\brezerv", r"予約",
]);
#[rustfmt::skip]
pat!(DEMO, [
    r"\bdemo\b", r"\bdemonstration\b", r"\bfree trial\b", r"\btrial\b", r"\bwalkthrough\b", r"\bvorführung",
    r"\btestversion", r"\bdémo\b", r"\bessai gratuit\b", r"\bdemostraci", r"\bprueba gratuita\b",
    r"\bdemonstração\b", r"\bteste grátis\b", r"\bprova gratuita\b", r"\bproefversie\b", r"デモ", r"無料トライアル",
]);

/// Booking words that ask for a demo, not a booking.
const DEMO_BOOKING: &[&str] =
    &["book a demo", "book the demo", "book demo", "book a free trial", "booking a demo"];

/// Freemail providers: an address there names a person, not a company.
#[rustfmt::skip]
const FREEMAIL: &[&str] = &[
    "gmail.com", "googlemail.com", "ymail.com", "rocketmail.com", "msn.com", "icloud.com", "me.com", "mac.com",
    "aol.com", "web.de", "t-online.de", "freenet.de", "posteo.de", "mailbox.org", "proton.me",
    "protonmail.com", "pm.me", "mail.com", "mail.ru", "zoho.com", "orange.fr", "wanadoo.fr", "free.fr",
    "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "alice.it", "tiscali.it", "hey.com", "fastmail.com",
    "fastmail.fm", "tutanota.com", "tuta.io", "qq.com", "163.com", "126.com", "naver.com", "seznam.cz",
    "centrum.cz", "email.cz", "bol.com.br", "uol.com.br", "terra.com.br", "btinternet.com", "sky.com",
    "comcast.net", "verizon.net", "att.net", "ziggo.nl", "kpnmail.nl", "telenet.be", "bluewin.ch",
];
/// Freemail providers with a domain per country (`yahoo.co.uk`, `gmx.de`, `hotmail.fr`).
const FREEMAIL_FAMILIES: &[&str] = &["yahoo", "hotmail", "outlook", "live", "gmx", "yandex"];

/// Fill each handoff's briefing facts, just before the batch is stored.
pub fn attach(items: &mut [Parsed]) {
    for item in items {
        if let Parsed::Handoff(h) = item
            && h.briefing.is_none()
        {
            h.briefing = Some(facts(h));
        }
    }
}

/// The briefing facts of one handoff as read.
pub fn facts(h: &NewHandoff) -> BriefingFacts {
    facts_of(
        h.question.as_deref().filter(|_| !h.question_derived),
        &h.transcript,
        h.visitor.email.as_deref(),
        h.reason,
        h.reason_detail.as_deref(),
    )
}

/// The briefing facts from the parts they are made of; `question` only when
/// the source named it (a derived one is found again in the transcript).
pub fn facts_of(
    question: Option<&str>,
    transcript: &[Message],
    email: Option<&str>,
    reason: Reason,
    reason_detail: Option<&str>,
) -> BriefingFacts {
    BriefingFacts {
        summary: summary(question, transcript, reason, reason_detail),
        tone: tone(transcript, reason),
        signals: signals(question, transcript),
        company: email.and_then(company),
    }
}

/// One or two sentences: the ask, then what the bot could not do.
///
/// `question` is the question the source itself named (not one derived from
/// the transcript). Without one, the ask is the visitor's first substantive
/// message, followed by the one the bot failed on when that is another and
/// not a bare request for a person.
pub fn summary(
    question: Option<&str>,
    transcript: &[Message],
    reason: Reason,
    detail: Option<&str>,
) -> String {
    let given = question.map(str::trim).filter(|q| !q.is_empty()).map(str::to_string);
    let first = given.clone().or_else(|| super::reason::first_ask(transcript));
    let failed = super::reason::derive_question(transcript)
        .filter(|f| given.is_none() && first.as_deref() != Some(f.as_str()) && !is_human_ask(f));
    let failure = bot_failure_line(transcript);
    let then = match (&failure, reason) {
        (Some(line), _) => format!("The bot replied: “{}”", clip(line, BOT_MAX)),
        (None, Reason::KnowledgeGap) => match detail.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => format!("The bot had no answer ({}).", clip(d, 80)),
            None => "The bot had no answer.".to_string(),
        },
        (None, Reason::LowConfidence) => "The bot was not sure of its answer.".to_string(),
        (None, Reason::HumanRequest) => "They asked for a person.".to_string(),
        (None, Reason::Frustration) => "They were frustrated with the bot.".to_string(),
        (None, Reason::PolicyTopic) => "The bot leaves this topic to people.".to_string(),
        (None, Reason::HighIntent) => "A buying question the bot passes on.".to_string(),
        (None, Reason::Other) => String::new(),
    };
    let ask = match (first.or_else(|| failed.clone()), failed) {
        (Some(a), Some(f)) if a != f => {
            format!("Asks: “{}”, then “{}”", ask_sentence(&a, ASK_MAX / 2), ask_sentence(&f, ASK_MAX / 2))
        }
        (Some(a), _) => format!("Asks: “{}”", ask_sentence(&a, ASK_MAX)),
        (None, _) if transcript.is_empty() => {
            return "No question could be read from this handoff: open the original below.".to_string();
        }
        (None, _) => "No clear question in the transcript.".to_string(),
    };
    if then.is_empty() { ask } else { format!("{ask} {then}") }
}

/// The first bot line (in the bot phase) saying it could not answer.
fn bot_failure_line(transcript: &[Message]) -> Option<&str> {
    transcript
        .iter()
        .take_while(|m| m.author != Author::Agent)
        .find(|m| m.author == Author::Bot && is_bot_failure(&m.text))
        .map(|m| first_sentence(m.text.trim()))
}

/// A long ask cut to its first question sentence, else to its start.
fn ask_sentence(ask: &str, max: usize) -> String {
    let flat = ask.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let question = sentences(&flat).find(|s| s.contains('?') || s.contains('？'));
    clip(question.unwrap_or(&flat), max)
}

/// Sentences of flat text, ending at `.`, `!`, `?` (and their full-width forms).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?', '。', '！', '？']).map(str::trim).filter(|s| !s.is_empty())
}

fn first_sentence(text: &str) -> &str {
    sentences(text).next().unwrap_or(text)
}

/// At most `max` characters, whitespace flattened, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out: String = flat.chars().take(max).collect();
    if let Some(cut) = out.rfind(' ').filter(|&i| i > max / 2) {
        out.truncate(cut);
    }
    out.push('…');
    out
}

/// The visitor's tone from their lines (see the module header).
pub fn tone(transcript: &[Message], reason: Reason) -> Tone {
    let visitor = || transcript.iter().filter(|m| m.author == Author::Visitor).map(|m| m.text.as_str());
    let mut seen: Vec<String> = Vec::new();
    let mut repeated = false;
    for text in visitor() {
        let norm = normalize(text);
        if norm.split(' ').count() >= 3 {
            repeated |= seen.contains(&norm);
            seen.push(norm);
        }
    }
    if reason == Reason::Frustration || repeated || visitor().any(is_frustrated) {
        Tone::Frustrated
    } else if visitor().any(|t| URGENT.is_match(t)) {
        Tone::Urgent
    } else {
        Tone::Calm
    }
}

/// Buying signals in the visitor's lines and the question.
pub fn signals(question: Option<&str>, transcript: &[Message]) -> Vec<BuyingSignal> {
    let texts: Vec<&str> = transcript
        .iter()
        .filter(|m| m.author == Author::Visitor)
        .map(|m| m.text.as_str())
        .chain(question)
        .collect();
    let pats: [(&LazyLock<Pat>, BuyingSignal); 4] = [
        (&PRICE, BuyingSignal::Price),
        (&QUOTE, BuyingSignal::Quote),
        (&BOOKING, BuyingSignal::Booking),
        (&DEMO, BuyingSignal::Demo),
    ];
    // "Book a demo" is a demo, not a booking.
    let no_demo = |t: &&str| {
        let l = t.to_lowercase();
        let cut = DEMO_BOOKING.iter().fold(l, |acc, d| acc.replace(d, " "));
        BOOKING.is_match(&cut)
    };
    pats.into_iter()
        .filter(|(p, s)| match s {
            BuyingSignal::Booking => texts.iter().any(no_demo),
            _ => texts.iter().any(|t| p.is_match(t)),
        })
        .map(|(_, s)| s)
        .collect()
}

/// The company's domain behind an address, unless freemail or an example domain.
pub fn company(email: &str) -> Option<String> {
    let domain = email.trim().rsplit_once('@')?.1.trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let reserved = labels.first() == Some(&"example")
        || labels.iter().rev().nth(1) == Some(&"example")
        || matches!(labels.last(), Some(&"example") | Some(&"invalid") | Some(&"localhost"));
    let free = FREEMAIL.contains(&domain.as_str())
        || labels.first().is_some_and(|first| FREEMAIL_FAMILIES.contains(first));
    (!reserved && !free).then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(author: Author, text: &str) -> Message {
        Message { author, name: None, at: None, text: text.into() }
    }

    #[test]
    fn the_ask_comes_first_then_the_bot_failure_quoted() {
        let t = [
            m(Author::Visitor, "Hi"),
            m(Author::Visitor, "Do you ship to Norway?"),
            m(Author::Bot, "I couldn't find anything about that. Let me connect you."),
        ];
        let s = summary(None, &t, Reason::KnowledgeGap, None);
        assert_eq!(
            s,
            "Asks: “Do you ship to Norway?” The bot replied: “I couldn't find anything about that.”"
        );
    }

    #[test]
    fn a_long_ask_is_cut_to_its_question() {
        let long =
            format!("{} Can I pay by invoice? {}", "We run a shop. ".repeat(12), "Thanks. ".repeat(10));
        let s = summary(Some(&long), &[], Reason::HumanRequest, None);
        assert_eq!(s, "Asks: “Can I pay by invoice?” They asked for a person.");
    }

    #[test]
    fn companies_are_not_freemail_or_examples() {
        assert_eq!(company("Dana@Northwind-Traders.co.uk").as_deref(), Some("northwind-traders.co.uk"));
        for free in
            ["a@gmail.com", "b@yahoo.co.uk", "c@gmx.de", "d@hotmail.fr", "e@example.com", "f@x.example"]
        {
            assert_eq!(company(free), None, "{free}");
        }
        assert_eq!(company("not an address"), None);
    }

    #[test]
    fn signals_come_from_the_visitor_not_the_bot() {
        let t = [
            m(Author::Bot, "Ask me about pricing or book a demo!"),
            m(Author::Visitor, "Can I get a quote for 40 seats?"),
        ];
        assert_eq!(signals(None, &t), vec![BuyingSignal::Quote]);
    }
}
