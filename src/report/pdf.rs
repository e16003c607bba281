//! The monthly report as a PDF (A4), written with `pdf-writer` in the
//! standard Helvetica fonts every PDF reader carries (ISO 32000-1 §9.6.2.2),
//! so no font file ships with the app. Text is encoded in WinAnsiEncoding
//! (Windows code page 1252, ISO 32000-1 Annex D); a character outside it is
//! printed as "?". Lines are wrapped on Helvetica's advance widths (Adobe's
//! AFM metrics, averaged by character class: within a few per cent).

use super::{MonthReport, figure_rows};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const W: f32 = 595.0;
const H: f32 = 842.0;
const MARGIN: f32 = 50.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// cp1252's characters at bytes 0x80–0x9F.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}',
    '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// `text` in WinAnsiEncoding, "?" for what it cannot hold.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c as u32 {
            0x20..=0x7e | 0xa0..=0xff => c as u32 as u8,
            _ => CP1252_HIGH.iter().position(|h| *h == c).map_or(b'?', |i| 0x80 + i as u8),
        })
        .collect()
}

/// Approximate Helvetica advance of `text` at `size` points.
fn width(text: &str, size: f32, bold: bool) -> f32 {
    let units: f32 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '\'' | '.' | ',' | ':' | ';' | '|' | '!' => 250.0,
            'f' | 't' | 'r' | 'I' | ' ' | '(' | ')' | '-' => 320.0,
            'm' | 'w' | 'M' | 'W' => 850.0,
            c if c.is_uppercase() => 690.0,
            c if c.is_ascii_digit() => 556.0,
            _ => 556.0,
        })
        .sum();
    units * size / 1000.0 * if bold { 1.06 } else { 1.0 }
}

/// Words of `text` in lines no wider than `max` points.
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if width(&candidate, size, false) > max && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pages being laid out, top to bottom.
struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout { pages: vec![Content::new()], y: H - MARGIN }
    }
    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
    /// Room for `h` points, else a new page.
    fn need(&mut self, h: f32) {
        if self.y - h < MARGIN {
            self.pages.push(Content::new());
            self.y = H - MARGIN;
        }
    }
    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let encoded = win_ansi(text);
        let c = self.page();
        c.set_fill_rgb(0.11, 0.14, 0.19);
        c.begin_text();
        c.set_font(if bold { BOLD } else { REGULAR }, size);
        c.next_line(x, y);
        c.show(Str(&encoded));
        c.end_text();
    }
    fn para(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        for line in wrap(text, size, W - 2.0 * MARGIN - indent) {
            self.need(size * 1.4);
            self.y -= size * 1.4;
            let y = self.y;
            self.text_at(MARGIN + indent, y, size, bold, &line);
        }
    }
    fn heading(&mut self, text: &str) {
        self.need(40.0);
        self.y -= 14.0;
        self.para(text, 13.0, true, 0.0);
        self.y -= 4.0;
        let y = self.y;
        let c = self.page();
        c.set_stroke_rgb(0.83, 0.85, 0.88);
        c.set_line_width(0.7);
        c.move_to(MARGIN, y);
        c.line_to(W - MARGIN, y);
        c.stroke();
        self.y -= 4.0;
    }
    fn bar(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let c = self.page();
        c.set_fill_rgb(0.23, 0.44, 0.83);
        c.rect(x, y, w.max(0.5), h);
        c.fill_nonzero();
    }
}

/// The report as PDF bytes.
pub fn render(r: &MonthReport) -> Vec<u8> {
    let mut l = Layout::new();
    l.para(&r.workspace_name, 20.0, true, 0.0);
    l.para(
        &format!("Chatbot handoffs, monthly report for {} · made {}", r.month, r.made_at.format("%Y-%m-%d")),
        10.0,
        false,
        0.0,
    );

    l.heading("The month in figures");
    let (c1, c2) = (W - MARGIN - 140.0, W - MARGIN - 60.0);
    l.need(14.0);
    l.y -= 14.0;
    let y = l.y;
    l.text_at(c1, y, 9.0, true, &r.month.to_string());
    l.text_at(c2, y, 9.0, true, &r.month.previous().to_string());
    for (label, this, before) in figure_rows(r) {
        l.need(15.0);
        l.y -= 15.0;
        let y = l.y;
        l.text_at(MARGIN, y, 10.0, false, label);
        l.text_at(c1, y, 10.0, true, &this);
        l.text_at(c2, y, 10.0, false, &before);
    }

    l.heading("Why the bot handed over");
    let max = r.metrics.by_reason.iter().map(|s| s.count).max().unwrap_or(1).max(1) as f32;
    for s in &r.metrics.by_reason {
        l.need(16.0);
        l.y -= 16.0;
        let y = l.y;
        l.text_at(MARGIN, y, 10.0, false, s.reason.label());
        l.bar(MARGIN + 150.0, y - 1.0, 260.0 * s.count as f32 / max, 9.0);
        l.text_at(MARGIN + 420.0, y, 10.0, false, &s.count.to_string());
    }
    if r.metrics.by_reason.is_empty() {
        l.para("No handoffs this month.", 10.0, false, 0.0);
    }

    l.heading("Content to write: the gap checklist");
    if r.gaps.is_empty() {
        l.para("No questions the bot could not answer this month.", 10.0, false, 0.0);
    }
    for (i, g) in r.gaps.iter().enumerate() {
        let state = match g.state.as_str() {
            "done" => "[done]",
            "still_asked" => "[asked again]",
            _ => "[to write]",
        };
        let who = if g.visitors == 1 { "1 visitor".to_string() } else { format!("{} visitors", g.visitors) };
        l.para(&format!("{}. {} {} ({who})", i + 1, state, g.label), 10.0, false, 0.0);
        if let Some(n) = &g.note {
            l.para(&format!("Done: {n}"), 9.0, false, 14.0);
        }
    }

    l.heading("Honest promises");
    for a in &r.advice.advice {
        l.para(&format!("• {a}"), 10.0, false, 0.0);
    }
    if r.advice.advice.is_empty() {
        l.para("No promises were made this month.", 10.0, false, 0.0);
    }
    if let Some(w) = &r.advice.suggested_wording {
        l.y -= 6.0;
        l.para("A promise to paste into the bot:", 10.0, true, 0.0);
        l.para(w, 10.0, false, 14.0);
    }
    assemble(l.pages, &format!("{} — {}", r.workspace_name, r.month))
}

/// The document around the pages' content streams.
fn assemble(pages: Vec<Content>, title: &str) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let (regular, bold, info) = (Ref::new(3), Ref::new(4), Ref::new(5));
    let first = 6;
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(first + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(pages.len() as i32);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info).title(pdf_writer::TextStr(title)).producer(pdf_writer::TextStr("Handoff Desk"));
    for (i, content) in pages.into_iter().enumerate() {
        let id = page_ids[i];
        let content_id = Ref::new(id.get() + 1);
        let mut page = pdf.page(id);
        page.media_box(Rect::new(0.0, 0.0, W, H)).parent(tree).contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        resources.finish();
        page.finish();
        let data = content.finish();
        pdf.stream(content_id, &data);
    }
    pdf.finish()
}
