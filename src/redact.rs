//! PII redaction for text that leaves the machine: HubSpot notes,
//! backup-contact emails, chat alerts (Slack, Teams). A workspace opts in
//! ([`crate::model::PrivacySettings::redact`]); [`for_workspace`] is what
//! every sender calls, [`redact`] the masking itself.
//!
//! What is masked, in this order (so a card number is never half-taken for a phone):
//! - email addresses → `[email]`;
//! - IBANs: two capital letters, two check digits, then letters and digits
//!   in groups of four (a space between groups or none), valid under ISO 13616's mod-97 check → `[IBAN]`;
//! - card-like numbers: 13–19 digits, spaces or dashes allowed between
//!   groups, passing the Luhn check (ISO/IEC 7812) → `[card]`;
//! - phone numbers: 7–15 digits (E.164's maximum is 15) with an optional
//!   leading `+`, spaces, dots, dashes and brackets between → `[phone]`.
//!
//! Dates and times (`2026-11-20`, `10:30`) have too few digits in a run or
//! the wrong separators and stay; an order number that happens to pass the
//! Luhn check is masked (a false positive is the safe side).

use crate::model::Workspace;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b").ok());
// Written in capitals, in groups of four or unbroken (the paper and electronic formats).
static IBAN: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b").ok());
static CARD: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\b[0-9](?:[ \-]?[0-9]){12,18}\b").ok());
// A whole run of digits and separators; its digit count decides.
static PHONE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:\+|\b)[0-9](?:[ .\-]?\(?[0-9]\)?)*").ok());
static DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:[0-9]{4}[\-./][0-9]{1,2}[\-./][0-9]{1,2}|[0-9]{1,2}[\-./][0-9]{1,2}[\-./][0-9]{2,4})$")
        .ok()
});

fn iban_valid(s: &str) -> bool {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if !(15..=34).contains(&s.len()) {
        return false;
    }
    let (head, tail) = s.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum.is_multiple_of(10)
}

fn replace<'a>(
    text: Cow<'a, str>,
    re: &Option<Regex>,
    label: &str,
    keep: impl Fn(&str) -> bool,
) -> Cow<'a, str> {
    let Some(re) = re else { return text };
    if !re.is_match(&text) {
        return text;
    }
    let out = re.replace_all(&text, |c: &regex::Captures<'_>| {
        let m = c.get(0).map_or("", |m| m.as_str());
        if keep(m) { m.to_string() } else { label.to_string() }
    });
    Cow::Owned(out.into_owned())
}

/// Mask phone numbers, card-like numbers, IBANs and email addresses in `text`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let t = replace(Cow::Borrowed(text), &EMAIL, "[email]", |_| false);
    let t = replace(t, &IBAN, "[IBAN]", |m| !iban_valid(m));
    let t = replace(t, &CARD, "[card]", |m| {
        let d: Vec<u32> = m.chars().filter_map(|c| c.to_digit(10)).collect();
        !luhn_valid(&d)
    });
    replace(t, &PHONE, "[phone]", |m| {
        let n = m.chars().filter(char::is_ascii_digit).count();
        let date = DATE.as_ref().is_some_and(|d| d.is_match(m.trim()));
        date || !(7..=15).contains(&n)
    })
}

/// `text` as it may leave the machine for workspace `ws`: masked when the
/// workspace asks for redaction, unchanged otherwise.
pub fn for_workspace<'a>(ws: &Workspace, text: &'a str) -> Cow<'a, str> {
    if ws.settings.privacy.redact { redact(text) } else { Cow::Borrowed(text) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::redact;

    #[test]
    fn masks_what_identifies_a_person_or_an_account() {
        let cases = [
            ("mail me at dana.reyes+shop@example.co.uk please", "mail me at [email] please"),
            ("call +1 (555) 010-0200 after 5", "call [phone] after 5"),
            ("my mobile is 0171 2345678.", "my mobile is [phone]."),
            ("card 4111 1111 1111 1111 expired", "card [card] expired"),
            ("card 4111-1111-1111-1111", "card [card]"),
            ("IBAN DE89 3704 0044 0532 0130 00 for the refund", "IBAN [IBAN] for the refund"),
            ("iban GB82WEST12345698765432", "iban [IBAN]"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn leaves_ordinary_text_and_numbers_alone() {
        for input in [
            "Do you offer refunds after 30 days?",
            "We open at 09:00 on 2026-11-20.",
            "Delivered 20.11.2026, invoice dated 11/20/2026",
            "Order 12345 of 3 items, total 149.90 EUR",
            "Room 101, floor 2",
            "",
            "Grüße aus Köln 🌧",
        ] {
            assert_eq!(redact(input), input);
        }
    }

    #[test]
    fn numbers_failing_their_check_digits_are_left_alone() {
        // 16 digits, Luhn-invalid: too long for a phone (E.164: 15 at most), not a card.
        assert_eq!(redact("ref 1234 5678 9012 3456"), "ref 1234 5678 9012 3456");
        // An IBAN with a wrong check digit is not masked as an IBAN.
        assert_eq!(redact("DE00 3704 0044 0532 0130 00"), "DE00 3704 0044 0532 0130 00");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in ["+", "@", "a@b", "+++++++++", "\u{0}\u{1}", "DE", "1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6-7-8-9"] {
            let _ = redact(s);
        }
    }
}
