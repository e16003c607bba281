//! HTML → plain text for notification emails, shaped for field extraction.
//!
//! Invariants: the output never contains markup from the input (every tag is
//! dropped, `script`/`style`/`head`/`template` content with it), entities are
//! decoded once (so `&lt;b&gt;` comes out as the text `<b>`), and the layout
//! keeps what label/value extraction needs: table cells are separated by a
//! tab, rows and block elements end a line, paragraphs leave a blank line.
//! Link targets survive only as text, and only for `http(s)` links whose
//! target is not already their text ("Pricing <https://acme.test/pricing>").
//! The scan is a single linear pass; it never panics on broken markup.

/// Convert an HTML document or fragment to plain text.
pub fn to_text(html: &str) -> String {
    let mut out = Out { text: String::with_capacity(html.len() / 2), pending: Gap::None };
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut pre = 0usize;
    let mut link: Option<(String, usize)> = None;
    while i < bytes.len() {
        let Some(rel) = html.get(i..).and_then(|s| s.find(['<', '&'])) else {
            out.push_text(html.get(i..).unwrap_or_default(), pre > 0);
            break;
        };
        let at = i + rel;
        out.push_text(html.get(i..at).unwrap_or_default(), pre > 0);
        let rest = html.get(at..).unwrap_or_default();
        if rest.starts_with('&') {
            let (decoded, used) = entity(rest);
            out.push_text(&decoded, pre > 0);
            i = at + used.max(1);
            continue;
        }
        // '<' that does not open a tag is text.
        let next = bytes.get(at + 1).copied().unwrap_or(b' ');
        if !(next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?')) {
            out.push_text("<", pre > 0);
            i = at + 1;
            continue;
        }
        if rest.starts_with("<!--") {
            i = match rest.get(4..).and_then(|s| s.find("-->")) {
                Some(end) => at + 4 + end + 3,
                None => bytes.len(),
            };
            continue;
        }
        let end = tag_end(bytes, at);
        let tag = html.get(at + 1..end).unwrap_or_default();
        i = (end + 1).min(bytes.len());
        let closing = tag.starts_with('/');
        let name = tag_name(tag.trim_start_matches('/'));
        match name.as_ref() {
            "script" | "style" | "head" | "template" | "title" | "iframe" | "object" | "svg" if !closing => {
                i = skip_element(html, i, &name);
            }
            "br" => out.line(),
            "td" | "th" if !closing => out.cell(),
            "tr" | "li" | "dt" | "dd" | "option" => out.line(),
            "p" | "div" | "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "dl"
            | "blockquote" | "hr" | "section" | "article" | "header" | "footer" | "tbody" | "thead"
            | "form" | "center" => out.para(),
            "pre" => {
                out.para();
                pre = if closing { pre.saturating_sub(1) } else { pre + 1 };
            }
            "a" if !closing => {
                link = href(tag).map(|h| (h, out.text.len()));
            }
            "a" => {
                if let Some((target, start)) = link.take() {
                    let shown = out.text.get(start..).unwrap_or_default();
                    let bare = target.trim_start_matches("https://").trim_start_matches("http://");
                    if !shown.contains(bare.trim_end_matches('/')) {
                        out.push_text(" <", false);
                        out.push_text(&target, true);
                        out.push_text(">", true);
                    }
                }
            }
            _ => {}
        }
    }
    tidy(&out.text)
}

/// Pending layout break, applied before the next visible text.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Gap {
    None,
    Space,
    Cell,
    Line,
    Para,
}

struct Out {
    text: String,
    pending: Gap,
}

impl Out {
    fn bump(&mut self, g: Gap) {
        if g > self.pending {
            self.pending = g;
        }
    }
    fn line(&mut self) {
        self.bump(Gap::Line);
    }
    fn para(&mut self) {
        self.bump(Gap::Para);
    }
    fn cell(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.bump(Gap::Cell);
        }
    }
    fn push_text(&mut self, s: &str, keep_space: bool) {
        let mut rest = s;
        while !rest.is_empty() {
            // Visible characters go in as one run; each space or control character is a gap.
            let run = rest.find(|c: char| c.is_whitespace() || c.is_control()).unwrap_or(rest.len());
            if run > 0 {
                self.flush();
                self.text.push_str(&rest[..run]);
            }
            rest = &rest[run..];
            let Some(c) = rest.chars().next() else { break };
            if keep_space && c == '\n' {
                self.pending = Gap::None;
                self.text.push('\n');
            } else {
                self.bump(Gap::Space);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    fn flush(&mut self) {
        if self.text.is_empty() {
            self.pending = Gap::None;
            return;
        }
        match self.pending {
            Gap::None => {}
            Gap::Space => {
                if !self.text.ends_with(['\n', '\t', ' ']) {
                    self.text.push(' ');
                }
            }
            Gap::Cell => self.text.push('\t'),
            Gap::Line => self.text.push('\n'),
            Gap::Para => self.text.push_str("\n\n"),
        }
        self.pending = Gap::None;
    }
}

/// Trim every line and keep at most one blank line in a row.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = true;
    for line in s.split('\n') {
        let line = line.trim_matches(|c: char| c == ' ' || c == '\u{a0}');
        if line.trim().is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        blank = false;
    }
    out.truncate(out.trim_end().len());
    out
}

/// Index of the `>` closing the tag that opens at `start`, honouring quoted attributes.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote = None;
    let mut j = start + 1;
    while let Some(&b) = bytes.get(j) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return j,
            None => {}
        }
        j += 1;
    }
    bytes.len()
}

fn tag_name(tag: &str) -> std::borrow::Cow<'_, str> {
    let end = tag.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(tag.len());
    let name = &tag[..end];
    if name.bytes().any(|b| b.is_ascii_uppercase()) { name.to_ascii_lowercase().into() } else { name.into() }
}

/// Skip an element's content up to and including its closing tag.
fn skip_element(html: &str, from: usize, name: &str) -> usize {
    let rest = html.get(from..).unwrap_or_default();
    let mut pos = 0;
    while let Some(rel) = rest.get(pos..).and_then(|s| s.find("</")) {
        let at = pos + rel;
        let candidate = rest.get(at + 2..).unwrap_or_default();
        if candidate.len() >= name.len()
            && candidate.as_bytes().get(..name.len()).is_some_and(|b| b.eq_ignore_ascii_case(name.as_bytes()))
        {
            let close = tag_end(rest.as_bytes(), at);
            return from + (close + 1).min(rest.len());
        }
        pos = at + 2;
    }
    // An unclosed <head> should not swallow the body.
    if name == "head"
        && let Some(body) = find_ci(rest, "<body")
    {
        return from + body;
    }
    html.len()
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes().windows(n).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The `href` of an `<a …>` tag when it is an http(s) URL.
fn href(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find("href")?;
    let after = tag.get(at + 4..)?.trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let value = match after.chars().next()? {
        q @ ('"' | '\'') => after.get(1..)?.split(q).next()?,
        _ => after.split(|c: char| c.is_whitespace() || c == '>').next()?,
    };
    let mut decoded = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(p) = rest.find('&') {
        decoded.push_str(rest.get(..p)?);
        let (d, used) = entity(rest.get(p..)?);
        decoded.push_str(&d);
        rest = rest.get(p + used.max(1)..)?;
    }
    decoded.push_str(rest);
    let decoded = decoded.trim().to_string();
    let l = decoded.to_ascii_lowercase();
    ((l.starts_with("https://") || l.starts_with("http://")) && !decoded.contains(char::is_whitespace))
        .then_some(decoded)
}

/// Decode the entity at the start of `s` (which starts with `&`); returns the text and bytes used.
fn entity(s: &str) -> (String, usize) {
    let body: String =
        s.chars().skip(1).take(32).take_while(|c| c.is_ascii_alphanumeric() || *c == '#').collect();
    let has_semi = s.as_bytes().get(1 + body.len()) == Some(&b';');
    let used = 1 + body.len() + usize::from(has_semi);
    if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        return match code {
            Some(c) => {
                let ch = char::from_u32(c).filter(|c| *c != '\0').unwrap_or('\u{fffd}');
                (visible(ch), used)
            }
            None => ("&".into(), 1),
        };
    }
    match named(&body) {
        Some(ch) if has_semi || body.len() <= 6 => (visible(ch), used),
        _ => ("&".into(), 1),
    }
}

/// Zero-width and soft-hyphen characters vanish; everything else is kept.
fn visible(ch: char) -> String {
    match ch {
        '\u{200b}'..='\u{200f}' | '\u{ad}' | '\u{feff}' => String::new(),
        c => c.to_string(),
    }
}

fn named(name: &str) -> Option<char> {
    let c = match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" | "emsp" | "thinsp" => ' ',
        "zwnj" | "zwj" | "shy" | "lrm" | "rlm" => '\u{200b}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "euro" => '€',
        "trade" => '™',
        "rarr" => '→',
        "larr" => '←',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "times" => '×',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "sect" => '§',
        "iexcl" => '¡',
        "iquest" => '¿',
        "ordf" => 'ª',
        "ordm" => 'º',
        "szlig" => 'ß',
        _ => return latin1(name),
    };
    Some(c)
}

/// Accented Latin-1 letters: `&eacute;`, `&Uuml;`, `&ntilde;`, `&ccedil;`, …
fn latin1(name: &str) -> Option<char> {
    let mut chars = name.chars();
    let base = chars.next()?;
    let mark = chars.as_str();
    let upper = base.is_ascii_uppercase();
    let table: &[(&str, &str, &str)] = &[
        ("acute", "aeiouy", "áéíóúý"),
        ("grave", "aeiou", "àèìòù"),
        ("circ", "aeiou", "âêîôû"),
        ("uml", "aeiouy", "äëïöüÿ"),
        ("tilde", "ano", "ãñõ"),
        ("cedil", "c", "ç"),
        ("ring", "a", "å"),
        ("slash", "o", "ø"),
    ];
    let lower = base.to_ascii_lowercase();
    for (m, bases, out) in table {
        if *m == mark {
            let idx = bases.find(lower)?;
            let ch = out.chars().nth(idx)?;
            return Some(if upper { ch.to_uppercase().next().unwrap_or(ch) } else { ch });
        }
    }
    match name {
        "aelig" => Some('æ'),
        "AElig" => Some('Æ'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn tables_keep_cells_apart() {
        let t = to_text(
            "<table><tr><td>Name</td><td>Dana</td></tr><tr><td>Email</td><td>d@x.io</td></tr></table>",
        );
        assert_eq!(t, "Name\tDana\nEmail\td@x.io");
    }

    #[test]
    fn scripts_dropped_entities_decoded() {
        let t = to_text("<p>Hi &lt;script&gt;x&lt;/script&gt;<script>evil()</script> &amp; caf&eacute;</p>");
        assert_eq!(t, "Hi <script>x</script> & café");
    }

    #[test]
    fn links_keep_http_targets_only() {
        let t = to_text(
            r#"<a href="https://a.test/p?x=1&amp;y=2">Pricing</a> <a href="javascript:alert(1)">go</a>"#,
        );
        assert_eq!(t, "Pricing <https://a.test/p?x=1&y=2> go");
    }
}
