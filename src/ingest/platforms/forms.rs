//! Form plugins' and form builders' "new submission" mails: a lead a visitor
//! left in a website form, read as a handoff whose one message is what the
//! visitor wrote (reason `other` unless the words say more).
//!
//! Layout sources (fixed markers the evidence rests on):
//! - Contact Form 7, `rocklobster-in/contact-form-7`
//!   `includes/contact-form-template.php`: body "From: NAME <EMAIL>",
//!   "Subject:", "Message Body:", a "-- " signature line and the footer
//!   "This e-mail was sent from a contact form on SITE (URL)" (and its
//!   translations, e.g. ja "差出人:", "題名:", "メッセージ本文:",
//!   "…のお問い合わせフォームから送信されました").
//! - WPForms (`wpforms-lite` email templates): subject "New Entry: FORM",
//!   plain-text `{all_fields}` as "--- Label ---" blocks, HTML rows with
//!   `<strong>Label</strong>`, footer "Sent from SITE".
//! - Gravity Forms (`GFCommon::get_submitted_fields`): the `{all_fields}`
//!   table, label rows `bgcolor="#EAF2FA"`, values under them; subject
//!   "New submission from FORM".
//! - Jotform (sender jotform.com, `emailFieldsTable` of question/value rows),
//!   Typeform (sender typeform.com, each question above its answer) and
//!   HubSpot form notifications (sender hubspot.com, subject "form
//!   submission", "Page submitted on").
//!
//! Fields are read from label/value pairs in any of the layouts above, the
//! labels classified by words (name, email, phone, page, message), so a form
//! with its own field names still reads.

use super::{Evidence, Mail, Reading, Recogniser, message};
use crate::model::{Author, Message};
use regex::Regex;
use std::sync::LazyLock;

/// Form plugins and form builders.
pub struct Forms;

/// Contact Form 7's footer, in the languages its translations ship.
const CF7_FOOTERS: &[&str] = &[
    "This e-mail was sent from a contact form on",
    "のお問い合わせフォームから送信されました",
    "Diese E-Mail wurde von einem Kontaktformular",
    "Cet e-mail a été envoyé via le formulaire de contact",
    "Este mensaje se ha enviado desde un formulario de contacto",
    "Este e-mail foi enviado de um formulário de contato",
    "Questa e-mail è stata inviata da un modulo di contatto",
    "Deze e-mail is verzonden vanaf een contactformulier",
];

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    crate::ingest::dates::re(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
});
static URL: LazyLock<Regex> = LazyLock::new(|| crate::ingest::dates::re(r#"(?i)https?://[^\s<>"'\])]+"#));

impl Recogniser for Forms {
    fn name(&self) -> &'static str {
        "forms"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        if let Some(f) = CF7_FOOTERS.iter().find(|f| mail.body_has(f)) {
            return Some(Evidence::new(90, format!("Contact Form 7's footer \"{f}\"")));
        }
        let html = mail.html_lower();
        if html.contains("bgcolor=\"#eaf2fa\"") && html.contains("font-family: sans-serif; font-size:12px") {
            return Some(Evidence::new(85, "Gravity Forms' {all_fields} table (label rows #EAF2FA)"));
        }
        let blocks = mail.text.lines().filter(|l| dashed_label(l).is_some()).count();
        let entry = mail.subject_has("New Entry:");
        if html.contains("wpforms") || blocks >= 2 {
            let score = if entry { 88 } else { 75 };
            return Some(Evidence::new(
                score,
                "WPForms' notification ('--- Label ---' fields or wpforms markup)",
            ));
        }
        if mail.from_domain_is("jotform.com") {
            return Some(Evidence::new(90, "sender domain jotform.com"));
        }
        if mail.from_domain_is("typeform.com") && mail.subject_has("response") {
            return Some(Evidence::new(90, "sender domain typeform.com; subject names a new response"));
        }
        if mail.from_domain_is("hubspot.com") && mail.subject_has("form submission") {
            return Some(Evidence::new(85, "sender domain hubspot.com; subject 'form submission'"));
        }
        None
    }

    fn read(&self, mail: &Mail) -> Reading {
        let mut found = pairs(&mail.text);
        if found.iter().all(|(k, _)| kind(k).is_none()) && mail.html.is_some() {
            found = pairs(mail.html_text());
        }
        let mut r = Reading { platform_name: Some(product(mail).to_string()), ..Reading::default() };
        let (mut first, mut last, mut body) = (None, None, None);
        let f = &mut r.fields;
        for (label, value) in &found {
            let v = value.trim();
            match kind(label) {
                Some(Kind::From) => {
                    let email = EMAIL.find(v);
                    if f.email.is_none() {
                        f.email = email.map(|m| m.as_str().to_string());
                    }
                    let name = email.and_then(|m| v.get(..m.start())).unwrap_or(v);
                    let name = name.trim().trim_end_matches(['<', '(', ' ']).trim();
                    if f.name.is_none() && !name.is_empty() && !name.contains('@') {
                        f.name = Some(name.to_string());
                    }
                }
                Some(Kind::Name) if f.name.is_none() && !v.contains('@') => f.name = Some(v.to_string()),
                Some(Kind::First) => first = first.or(Some(v)),
                Some(Kind::Last) => last = last.or(Some(v)),
                Some(Kind::Email) if f.email.is_none() => {
                    f.email = EMAIL.find(v).map(|m| m.as_str().to_string());
                }
                Some(Kind::Phone)
                    if f.phone.is_none() && v.chars().filter(char::is_ascii_digit).count() >= 5 =>
                {
                    f.phone = Some(v.to_string());
                }
                Some(Kind::Page) if f.page_url.is_none() => {
                    f.page_url = URL.find(v).map(|m| m.as_str().to_string());
                }
                Some(Kind::Message) if body.is_none() && !v.is_empty() => body = Some(v.to_string()),
                _ => {}
            }
        }
        let joined = [first, last].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if f.name.is_none() && !joined.is_empty() {
            f.name = Some(joined);
        }
        if f.email.is_none() {
            f.email = mail
                .reply_to_addr
                .clone()
                .filter(|a| !a.starts_with("noreply") && !a.starts_with("no-reply"));
        }
        let nothing = f.email.is_none() && f.phone.is_none() && body.is_none();
        if nothing {
            r.not_a_handoff = Some(format!("a {} mail with no submitted fields", product(mail)));
            return r;
        }
        if let Some(b) = body {
            let text = b.split_whitespace().collect::<Vec<_>>().join(" ");
            let visitor: Message = message(Author::Visitor, f.name.as_deref(), None, &text);
            f.question = Some(text);
            r.transcript = vec![visitor];
        }
        r
    }
}

fn product(mail: &Mail) -> &'static str {
    if CF7_FOOTERS.iter().any(|f| mail.body_has(f)) {
        "Contact Form 7"
    } else if mail.from_domain_is("jotform.com") {
        "Jotform"
    } else if mail.from_domain_is("typeform.com") {
        "Typeform"
    } else if mail.from_domain_is("hubspot.com") {
        "HubSpot Forms"
    } else if mail.html_lower().contains("bgcolor=\"#eaf2fa\"") {
        "Gravity Forms"
    } else {
        "WPForms"
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    From,
    Name,
    First,
    Last,
    Email,
    Phone,
    Page,
    Message,
}

/// What a form label asks for, by its words.
fn kind(label: &str) -> Option<Kind> {
    let l = label.trim().trim_matches(|c: char| "*:：".contains(c) || c.is_whitespace()).to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| l.contains(w));
    if l.is_empty() || l.chars().count() > 80 {
        return None;
    }
    Some(if l == "from" || l == "差出人" || l == "von" || l == "de" {
        Kind::From
    } else if has(&["e-mail", "email", "メール", "correo", "courriel"]) {
        Kind::Email
    } else if has(&["phone", "mobile", "電話", "telefon", "teléfono", "telefone", "携帯"])
        || ["tel", "tel.", "tél", "tél."].contains(&l.as_str())
    {
        Kind::Phone
    } else if has(&["first name", "vorname", "prénom"]) {
        Kind::First
    } else if has(&["last name", "surname", "nachname", "family name", "姓"]) {
        Kind::Last
    } else if has(&["name", "名前", "氏名", "nombre", "nom", "nome", "naam"])
        && !has(&["company", "business", "organi", "user", "file", "会社"])
    {
        Kind::Name
    } else if has(&[
        "page url",
        "page submitted on",
        "embed url",
        "referer",
        "referrer",
        "source url",
        "ページ",
    ]) {
        Kind::Page
    } else if has(&[
        "message",
        "comment",
        "enquiry",
        "inquiry",
        "question",
        "details",
        "help with",
        "how can we",
        "本文",
        "お問い合わせ内容",
        "メッセージ",
        "nachricht",
        "mensaje",
        "mensagem",
        "messaggio",
        "bericht",
    ]) {
        Kind::Message
    } else {
        return None;
    })
}

/// "--- Label ---" (WPForms' plain text) → the label.
fn dashed_label(line: &str) -> Option<&str> {
    let l = line.trim().strip_prefix("--- ")?.strip_suffix(" ---")?.trim();
    (!l.is_empty()).then_some(l)
}

/// Label/value pairs in the layouts of the module header, in order.
fn pairs(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> =
        text.lines().map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        i += 1;
        if line.is_empty() || *line == "--" {
            continue;
        }
        // "--- Label ---" then value lines up to the next block.
        if let Some(label) = dashed_label(line) {
            let value = take_block(&lines, &mut i, |l| dashed_label(l).is_some());
            out.push((label.to_string(), value));
            continue;
        }
        if let Some((label, value)) = line.split_once('\t') {
            let value = value.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
            if kind(label).is_some() && !value.is_empty() {
                out.push((label.to_string(), value.to_string()));
                continue;
            }
        }
        let colon = line.find([':', '：']).filter(|&at| at > 0 && at <= 60);
        if let Some(at) = colon {
            let (label, rest) = line.split_at(at);
            let value = rest.trim_start_matches([':', '：']).trim();
            if let Some(k) = kind(label) {
                if !value.is_empty() {
                    let value = if k == Kind::Page && !URL.is_match(value) {
                        // "Page submitted on: Title" with the address on the next line.
                        lines.get(i).filter(|l| URL.is_match(l)).map_or(value.to_string(), |u| u.to_string())
                    } else {
                        value.to_string()
                    };
                    out.push((label.to_string(), value));
                } else {
                    // "Message Body:" with the message below, up to the signature.
                    let value = take_block(&lines, &mut i, |l| l.starts_with("-- ") || l == "--");
                    out.push((label.to_string(), value));
                }
                continue;
            }
        }
        // A label alone (table rows, Typeform's question above its answer).
        if kind(line).is_some() && !line.contains('@') && !URL.is_match(line) {
            let next = lines.get(i..).unwrap_or_default().iter().position(|l| !l.is_empty());
            if let Some(value) = next.and_then(|n| lines.get(i + n)) {
                let value = value.trim_start_matches('\t').trim();
                if kind(value).is_none() && !value.is_empty() {
                    out.push((line.to_string(), value.to_string()));
                    i += next.unwrap_or(0) + 1;
                }
            }
        }
    }
    out
}

/// Lines from `i` up to one `stop` accepts (or the end), joined; `i` moves past them.
fn take_block(lines: &[&str], i: &mut usize, stop: impl Fn(&str) -> bool) -> String {
    let mut value = Vec::new();
    while let Some(l) = lines.get(*i) {
        if stop(l) {
            break;
        }
        value.push(*l);
        *i += 1;
    }
    value.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::email::mail_of;

    #[test]
    fn contact_form_7_default_mail() {
        let raw = b"From: Site <wordpress@site.test>\r\nSubject: Site \"Hi\"\r\n\r\nFrom: Dana Reyes <dana@example.com>\r\nSubject: Hi\r\n\r\nMessage Body:\r\nDo you deliver\r\non Sundays?\r\n\r\n-- \r\nThis e-mail was sent from a contact form on Site (https://site.test)\r\n";
        let mail = mail_of(raw).unwrap();
        assert!(Forms.recognise(&mail).is_some_and(|e| e.score >= 90));
        let r = Forms.read(&mail);
        assert_eq!(r.fields.name.as_deref(), Some("Dana Reyes"));
        assert_eq!(r.fields.email.as_deref(), Some("dana@example.com"));
        assert_eq!(r.transcript.first().map(|m| m.text.as_str()), Some("Do you deliver on Sundays?"));
    }

    #[test]
    fn wpforms_blocks_and_unrelated_mail() {
        let raw = b"From: Site <wordpress@site.test>\r\nSubject: New Entry: Contact\r\n\r\n--- Name ---\r\n\r\nAna Silva\r\n\r\n--- Email ---\r\n\r\nana@example.test\r\n\r\n--- Comment or Message ---\r\n\r\nOla\r\n";
        let mail = mail_of(raw).unwrap();
        assert!(Forms.recognise(&mail).is_some());
        let r = Forms.read(&mail);
        assert_eq!(r.fields.name.as_deref(), Some("Ana Silva"));
        assert_eq!(r.fields.email.as_deref(), Some("ana@example.test"));
        let other = mail_of(b"From: a@b.test\r\nSubject: hello\r\n\r\nName: x\r\n").unwrap();
        assert!(Forms.recognise(&other).is_none());
    }
}
