//! Claims as IMAP keywords: `$HandoffClaimed` for mail programs, plus one
//! keyword per claimer that carries who it is.
//!
//! A keyword is an IMAP atom: ASCII without spaces, brackets, quotes, `%`,
//! `*` or `\`. The claimer keyword is `$HD:` + name + `~` + address, every
//! byte outside `[A-Za-z0-9.@_+-]` written `=XX`, so any name survives the
//! trip. Dovecot caps a keyword at 50 characters by default: past that the
//! name is dropped and only the address is kept.

use crate::store::Teammate;

/// Set on a claimed handoff's message, for people reading the mailbox.
pub const CLAIMED: &str = "$HandoffClaimed";
/// Starts every claimer keyword.
pub const PREFIX: &str = "$HD:";
/// The longest keyword Dovecot takes by default (`mail_max_keyword_length`).
pub const MAX_LEN: usize = 50;

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'@' | b'_' | b'+' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("={b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The keyword that says `who` claimed a message; `None` when even the
/// address alone is too long for a keyword.
pub fn claimer(who: &Teammate) -> Option<String> {
    let email = encode(&who.email.trim().to_ascii_lowercase());
    let full = format!("{PREFIX}{}~{email}", encode(who.name.trim()));
    if full.len() <= MAX_LEN {
        return Some(full);
    }
    let short = format!("{PREFIX}~{email}");
    (short.len() <= MAX_LEN).then_some(short)
}

/// Who a claimer keyword names; `None` for any other keyword.
pub fn parse(keyword: &str) -> Option<Teammate> {
    let rest = keyword.strip_prefix(PREFIX)?;
    let (name, email) = rest.rsplit_once('~')?;
    let email = decode(email)?;
    if email.is_empty() {
        return None;
    }
    Some(Teammate { name: decode(name)?, email })
}

/// The claimers among a message's flags, in a fixed order: by keyword, so
/// that when two teammates' keywords landed together every app picks the
/// same holder (the first).
pub fn claimers<'a>(flags: impl IntoIterator<Item = &'a str>) -> Vec<(String, Teammate)> {
    let mut found: Vec<(String, Teammate)> =
        flags.into_iter().filter_map(|f| parse(f).map(|t| (f.to_string(), t))).collect();
    found.sort_by_key(|a| a.0.to_ascii_lowercase());
    found.dedup_by(|a, b| a.1.same(&b.1));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, email: &str) -> Teammate {
        Teammate { name: name.into(), email: email.into() }
    }

    #[test]
    fn names_and_addresses_survive_as_atoms() {
        for who in [t("Dana", "dana@acme.test"), t("José (Ñ)", "j.n+d@acme.test"), t("", "x@y.z")] {
            let kw = claimer(&who).unwrap();
            assert!(kw.len() <= MAX_LEN, "{kw}");
            assert!(
                kw.bytes().all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b)),
                "{kw} is not an IMAP atom"
            );
            let back = parse(&kw).unwrap();
            assert_eq!(back.name, who.name);
            assert_eq!(back.email, who.email.to_ascii_lowercase());
        }
    }

    #[test]
    fn a_long_name_is_dropped_but_the_address_kept() {
        let who = t("Maximilian Alexander von Hohenberg-Schwarzenstein", "max@acme.test");
        let kw = claimer(&who).unwrap();
        assert_eq!(parse(&kw).unwrap(), t("", "max@acme.test"));
        assert!(claimer(&t("", &format!("{}@acme.test", "a".repeat(60)))).is_none());
    }

    #[test]
    fn other_keywords_are_not_claimers_and_the_order_is_fixed() {
        assert!(parse(CLAIMED).is_none());
        assert!(parse("$Forwarded").is_none());
        assert!(parse("$HD:broken=Z~a@b").is_none());
        let a = claimer(&t("Ana", "ana@acme.test")).unwrap();
        let b = claimer(&t("Bo", "bo@acme.test")).unwrap();
        let one = claimers([b.as_str(), "\\Seen", a.as_str()]);
        let two = claimers([a.as_str(), b.as_str()]);
        assert_eq!(one, two);
        assert_eq!(one[0].1.email, "ana@acme.test");
    }
}
