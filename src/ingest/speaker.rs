//! Speaker lines and who is speaking: "Visitor: …", "[10:32] Dana: …",
//! "10:32 AM - Bot: …", "Dana (10:32): …", "Dana Reyes (Visitor): …",
//! "Marcus Lee · 9:14 AM" (words on the next lines), and table rows.
//!
//! Invariants: a line is a speaker line only when its prefix is a plausible
//! name (at most five words, not a field label, not a URL scheme); roles are
//! recognised from words in English, German, French, Spanish, Portuguese,
//! Italian, Dutch and Japanese, and bot
//! words win over agent words, which win over visitor words ("AI Agent" is a
//! bot, "Customer Support" an agent).

use super::dates;
use crate::model::Author;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

const NAME: &str = r"[\p{L}\p{N}][\p{L}\p{N}\p{M} .'’&@_+-]{0,47}";
pub(super) const TIME: &str = r"(?:\d{4}-\d{2}-\d{2}[ T]|\d{1,2}[./]\d{1,2}[./]\d{2,4},?\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?(?:\s*(?:UTC|GMT|Z))?";

// The shapes are read by hand around these two patterns, which are only ever
// run as DFA matches: capture groups over Unicode classes cost a backtracker
// pass per line, which made transcripts the slowest part of an import.
static IS_NAME: LazyLock<Regex> = LazyLock::new(|| dates::re(&format!(r"^{NAME}$")));
static TIME_START: LazyLock<Regex> = LazyLock::new(|| dates::re(&format!(r"^{TIME}")));
pub(super) static IS_TIME: LazyLock<Regex> = LazyLock::new(|| dates::re(&format!(r"^{TIME}$")));

/// A speaker line: who, when, and the first line of text.
pub(super) struct Speaker<'t> {
    pub name: &'t str,
    pub stamp: Option<&'t str>,
    pub role_hint: Option<Author>,
    pub text: &'t str,
}

/// The raw parts of a speaker line, before the name is judged.
struct Parts<'t> {
    name: &'t str,
    stamp: Option<&'t str>,
    text: &'t str,
}

/// Recognise a speaker line in one of the shapes this module reads.
pub(super) fn speaker_line(line: &str) -> Option<Speaker<'_>> {
    if line.contains('\t') {
        return cells(line);
    }
    let first = line.chars().next()?;
    let parts = if first == '[' || first == '(' {
        bracket(line)
    } else if first.is_ascii_digit() {
        lead_time(line)
    } else {
        None
    };
    let parts = parts
        .or_else(|| if line.contains(['(', '[']) { name_paren(line) } else { None })
        .or_else(|| if line.bytes().any(|b| b.is_ascii_digit()) { name_time(line) } else { None })
        .or_else(|| plain(line))?;
    let Parts { mut name, mut stamp, text } = parts;
    let mut role_hint = None;
    if let Some(inner) = stamp
        && !IS_TIME.is_match(inner)
        && dates::parts(inner).time.is_none()
    {
        // "Dana Reyes (Visitor)" or "Visitor (Dana Reyes)": a role, not a time.
        stamp = None;
        match (role_word(inner), role_word(name)) {
            (Some(r), _) => role_hint = Some(r),
            (None, Some(r)) if plausible_name(inner) => {
                role_hint = Some(r);
                name = inner;
            }
            _ => return None,
        }
    }
    if !plausible_name(name) || (stamp.is_none() && is_label(name)) {
        return None;
    }
    if text.starts_with("//") {
        return None;
    }
    Some(Speaker { name, stamp, role_hint, text })
}

/// "Name: text" — the name is everything before the first colon.
fn plain(line: &str) -> Option<Parts<'_>> {
    let (name, text) = line.split_once([':', '：'])?;
    let name = name.trim_end();
    IS_NAME.is_match(name).then(|| Parts { name: name.trim(), stamp: None, text: text.trim() })
}

/// "[10:32] Dana: text", "(10:32) - Dana: text".
fn bracket(line: &str) -> Option<Parts<'_>> {
    let inner = &line[1..];
    let close = inner.find([']', ')'])?;
    let stamp = &inner[..close];
    if stamp.is_empty() || stamp.chars().count() > 40 {
        return None;
    }
    let rest = strip_dash(inner[close + 1..].trim_start(), &['-', '–', '—', '|']);
    let p = plain(rest)?;
    Some(Parts { stamp: Some(stamp.trim()), ..p })
}

/// "10:32 AM - Bot: text", "2026-11-20 10:32 Dana: text".
fn lead_time(line: &str) -> Option<Parts<'_>> {
    let t = TIME_START.find(line)?;
    let rest = strip_dash(line[t.end()..].trim_start(), &['-', '–', '—', '|', '•', '·']);
    let p = plain(rest)?;
    Some(Parts { stamp: Some(t.as_str().trim()), ..p })
}

/// "Dana Reyes (10:32): text", "Dana Reyes (Visitor)", "Visitor [Dana]: text".
fn name_paren(line: &str) -> Option<Parts<'_>> {
    let open = line.find(['(', '['])?;
    let name = line[..open].trim_end();
    let after = &line[open + 1..];
    let close = after.find([')', ']'])?;
    let stamp = &after[..close];
    if stamp.is_empty() || stamp.chars().count() > 40 || !IS_NAME.is_match(name) {
        return None;
    }
    let text = trailing_text(&after[close + 1..])?;
    Some(Parts { name: name.trim(), stamp: Some(stamp.trim()), text })
}

/// "Marcus Lee · 9:14 AM", "Dana - 10:32: text", "Dana at 10:32".
fn name_time(line: &str) -> Option<Parts<'_>> {
    const SEPS: [char; 7] = ['-', '–', '—', '•', '·', '|', ','];
    // The name is the shortest prefix that leaves a separator and a time.
    for (i, c) in line.char_indices().skip(1) {
        let sep_len = if SEPS.contains(&c) {
            c.len_utf8()
        } else if word_at(line, i) {
            2
        } else {
            continue;
        };
        let name = line[..i].trim_end();
        if !IS_NAME.is_match(name) {
            if name.chars().count() > 48 {
                return None;
            }
            continue;
        }
        let rest = line[i + sep_len..].trim_start();
        let Some(t) = TIME_START.find(rest) else { continue };
        if let Some(text) = trailing_text(&rest[t.end()..]) {
            return Some(Parts { name: name.trim(), stamp: Some(t.as_str().trim()), text });
        }
    }
    None
}

/// The word "at" standing alone at byte `i`.
fn word_at(line: &str, i: usize) -> bool {
    let b = line.as_bytes();
    b.get(i..i + 2) == Some(b"at")
        && i > 0
        && !line[..i].chars().next_back().is_some_and(char::is_alphanumeric)
        && !line[i + 2..].chars().next().is_some_and(char::is_alphanumeric)
}

/// After a stamp: nothing, or a colon and the text.
fn trailing_text(rest: &str) -> Option<&str> {
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix([':', '：']).map(str::trim)
}

/// Drop one leading separator and the space after it.
fn strip_dash<'t>(s: &'t str, seps: &[char]) -> &'t str {
    s.strip_prefix(seps).map_or(s, str::trim_start)
}

/// Table rows: "time, name, text", "name, time, text" or "name, text".
fn cells(line: &str) -> Option<Speaker<'_>> {
    let c: Vec<&str> = line.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect();
    let (name, stamp, text) = match c.as_slice() {
        [t, n, x, ..] if IS_TIME.is_match(t) => (*n, Some(*t), *x),
        [n, t, x, ..] if IS_TIME.is_match(t) => (*n, Some(*t), *x),
        [n, x] => (n.trim_end_matches([':', '：']), None, *x),
        _ => return None,
    };
    let name = name.trim_end_matches([':', '：']).trim();
    if !plausible_name(name) || is_label(name) || (stamp.is_none() && role_word(name).is_none()) {
        return None;
    }
    Some(Speaker { name, stamp, role_hint: None, text })
}

/// A person's or product's name: capitalised words ("Dana Reyes", "Max von Berg").
pub(super) fn looks_like_person(name: &str) -> bool {
    let ws: Vec<&str> = name.split_whitespace().collect();
    ws.len() <= 4
        && ws.iter().enumerate().all(|(i, w)| {
            let c = w.chars().next().unwrap_or(' ');
            c.is_uppercase() || c.is_ascii_digit() || (i > 0 && PARTICLES.contains(w))
        })
}

fn plausible_name(name: &str) -> bool {
    let words = name.split_whitespace().count();
    (1..=5).contains(&words)
        && name.chars().any(char::is_alphabetic)
        && !IS_TIME.is_match(name)
        && !SCHEMES.contains(name.to_ascii_lowercase().as_str())
}

/// Words that start non-speaker lines ("Note: …", "Email: …", any field label),
/// unless they are role words ("Visitor", "Bot").
fn is_label(name: &str) -> bool {
    role_word(name).is_none()
        && (super::fields::is_label(name) || NOT_SPEAKERS.contains(name.to_lowercase().as_str()))
}

fn set(words: &'static str) -> HashSet<&'static str> {
    words.split('|').map(str::trim).filter(|w| !w.is_empty()).collect()
}

static PARTICLES: LazyLock<HashSet<&str>> = LazyLock::new(|| set("de|la|van|von|da|del|le|du|di|der|den|y"));
static SCHEMES: LazyLock<HashSet<&str>> = LazyLock::new(|| set("http|https|mailto|javascript|data|ftp|tel"));
/// Words seen before a colon in notifications and messages that are not speakers.
static NOT_SPEAKERS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("note|notes|ps|p.s|tip|important|warning|hinweis|remarque|nota|re|fwd|fw|subject|from|\
        to|cc|date|sent|von|an|betreff|datum|de|à|objet|para|asunto|enviado|fecha|link|source|\
        status|priority|summary|zusammenfassung|résumé|resumen|details|answer|antwort|réponse|\
        respuesta|order|ticket|id|also|update|edit|example|problem|issue|error|info|thanks|hi|\
        hello|hey|ok|yes|no|address|reference|ref|invoice|account|model|serial|booking|\
        reservation|total|price|cost|size|color|colour|quantity|qty|step|option|reply|message|\
        time|bestellung|adresse|rechnung|danke|commande|facture|merci|pedido|factura|dirección|\
        gracias|assunto|oggetto|onderwerp|件名|備考|注意|obrigado|obrigada|grazie|bedankt|\
        ordine|bestelling|encomenda|fattura|factuur|fatura|indirizzo|endereço|adres|prezzo|prijs|\
        preço|resposta|risposta|antwoord|riepilogo|samenvatting")
});
static SYSTEM: LazyLock<HashSet<&str>> =
    LazyLock::new(|| set("system|systeme|système|sistema|notification|platform|systeem|システム|通知"));
static BOT: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("bot|chatbot|assistant|ai|ki|ia|virtual|assistent|assistentin|asistente|robot|\
        automated|autoresponder|gpt|robô|assistente|virtuale|virtuele|ボット|チャットボット|\
        アシスタント|自動応答|ai アシスタント")
});
static AGENT: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("agent|support|team|operator|staff|human|rep|representative|advisor|mitarbeiter|\
        mitarbeiterin|berater|beraterin|kundenservice|conseiller|conseillère|opérateur|équipe|\
        agente|asesor|asesora|soporte|equipo|operador|atendente|suporte|equipe|equipa|\
        operatore|operatrice|supporto|assistenza|consulente|medewerker|medewerkster|\
        klantenservice|ondersteuning|オペレーター|オペレータ|担当者|スタッフ|サポート|エージェント|\
        担当")
});
static VISITOR: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("visitor|customer|user|guest|you|client|besucher|besucherin|kunde|kundin|nutzer|\
        benutzer|gast|visiteur|visiteuse|utilisateur|utilisatrice|invité|vous|visitante|cliente|\
        usuario|usuaria|invitado|usted|usuário|usuária|utilizador|convidado|você|visitatore|\
        visitatrice|utente|ospite|bezoeker|klant|gebruiker|訪問者|お客様|顧客|ユーザー|来訪者|ゲスト")
});

/// Map a speaker to an author by the known visitor and bot names, then by role words.
pub(super) fn role(name: &str, visitor: Option<&str>, bot: Option<&str>) -> Option<Author> {
    let n = name.trim().to_lowercase();
    let same = |known: Option<&str>| {
        known.map(str::trim).filter(|k| !k.is_empty()).is_some_and(|k| {
            let k = k.to_lowercase();
            n == k
                || k.split_whitespace().next() == Some(n.as_str())
                || n.split_whitespace().next() == Some(k.as_str())
        })
    };
    if same(visitor) {
        Some(Author::Visitor)
    } else if same(bot) {
        Some(Author::Bot)
    } else {
        role_word(name)
    }
}

/// Role words in English, German, French, Spanish, Portuguese, Italian, Dutch
/// and Japanese ("Visitor", "Kunde", "AI assistant", "訪問者", "bezoeker").
pub fn role_word(name: &str) -> Option<Author> {
    let ws: Vec<std::borrow::Cow<'_, str>> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| if w.chars().any(char::is_uppercase) { w.to_lowercase().into() } else { w.into() })
        .collect();
    let has = |set: &HashSet<&str>| ws.iter().any(|w| set.contains(w.as_ref()));
    if has(&SYSTEM) {
        Some(Author::System)
    } else if has(&BOT) {
        Some(Author::Bot)
    } else if has(&AGENT) {
        Some(Author::Agent)
    } else if has(&VISITOR) {
        Some(Author::Visitor)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_words() {
        assert_eq!(role_word("Customer Support"), Some(Author::Agent));
        assert_eq!(role_word("AI Agent"), Some(Author::Bot));
        assert_eq!(role_word("Besucher"), Some(Author::Visitor));
        assert_eq!(role_word("Dana"), None);
        assert_eq!(role_word("訪問者"), Some(Author::Visitor));
        assert_eq!(role_word("ボット"), Some(Author::Bot));
        assert_eq!(role_word("オペレーター"), Some(Author::Agent));
        assert_eq!(role_word("Visitante"), Some(Author::Visitor));
        assert_eq!(role_word("Atendente"), Some(Author::Agent));
        assert_eq!(role_word("Visitatore"), Some(Author::Visitor));
        assert_eq!(role_word("Operatore"), Some(Author::Agent));
        assert_eq!(role_word("Bezoeker"), Some(Author::Visitor));
        assert_eq!(role_word("Medewerker"), Some(Author::Agent));
        assert_eq!(role_word("Assistente virtuale"), Some(Author::Bot));
    }

    #[test]
    fn shapes() {
        let s = speaker_line("Dana Reyes (Visitor): hi").unwrap();
        assert_eq!((s.name, s.role_hint, s.text), ("Dana Reyes", Some(Author::Visitor), "hi"));
        let s = speaker_line("Marcus Lee · 9:14 AM").unwrap();
        assert_eq!((s.name, s.stamp, s.text), ("Marcus Lee", Some("9:14 AM"), ""));
        let s = speaker_line("[2026-11-20 10:32 UTC] - Dana Reyes: hi there").unwrap();
        assert_eq!((s.name, s.stamp, s.text), ("Dana Reyes", Some("2026-11-20 10:32 UTC"), "hi there"));
        let s = speaker_line("10:32 AM – Bot: Hello! How can I help?").unwrap();
        assert_eq!((s.name, s.stamp, s.text), ("Bot", Some("10:32 AM"), "Hello! How can I help?"));
        let s = speaker_line("Anne-Marie Dubois - 10:32: bonjour").unwrap();
        assert_eq!((s.name, s.stamp, s.text), ("Anne-Marie Dubois", Some("10:32"), "bonjour"));
        let s = speaker_line("José Müller at 9:14 PM").unwrap();
        assert_eq!((s.name, s.stamp, s.text), ("José Müller", Some("9:14 PM"), ""));
        let s = speaker_line("Kundin (14:02): Wann öffnen Sie?").unwrap();
        assert_eq!((s.name, s.stamp, s.role_hint), ("Kundin", Some("14:02"), None));
        assert!(speaker_line("A very long sentence that goes on and on well past any name: text").is_none());
        assert!(speaker_line("https://acme.test/x").is_none());
        assert!(speaker_line("Page title: Pricing").is_none());
    }
}
