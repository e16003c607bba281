//! The monthly report as one self-contained HTML page with print CSS (A4,
//! no scripts, no outside resources): open it in any browser and print.
//! Every text is escaped.

use super::{MonthReport, figure_rows};
use std::fmt::Write;

const STYLE: &str = "
body { font: 11pt/1.45 system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1d2430;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 20pt; margin: 0 0 .2rem; } h2 { font-size: 13pt; margin: 1.6rem 0 .5rem; border-bottom: 1px solid #d5dae1; }
.sub { color: #5b6472; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #eceff3; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: .7rem; background: #3b6fd4; vertical-align: middle; margin-right: .4rem; }
.state { font-size: 9pt; padding: 0 .35rem; border-radius: .3rem; background: #eceff3; }
.state.done { background: #d9f2e3; } .state.still_asked { background: #fde5cf; }
.advice li { margin: .3rem 0; } .paste { border: 1px dashed #9aa3b1; padding: .5rem .7rem; }
@page { size: A4; margin: 16mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr, li { break-inside: avoid; } }
";

/// `text` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page.
pub fn render(r: &MonthReport) -> String {
    let mut h = String::new();
    let title = format!("{} — chatbot handoffs, {}", r.workspace_name, r.month);
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"sub\">Monthly report for {} · made {}</p>",
        escape(&r.workspace_name),
        r.month,
        r.made_at.format("%Y-%m-%d")
    );
    h.push_str("<h2>The month in figures</h2><table><thead><tr><th></th>");
    let _ = write!(
        h,
        "<th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        r.month,
        r.month.previous()
    );
    for (label, this, before) in figure_rows(r) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(label),
            escape(&this),
            escape(&before)
        );
    }
    h.push_str("</tbody></table>");

    h.push_str("<h2>Why the bot handed over</h2><table><tbody>");
    for s in &r.metrics.by_reason {
        let width = (s.share * 100.0).round();
        let _ = write!(
            h,
            "<tr><td>{}</td><td><span class=\"bar\" style=\"width:{width}%\"></span></td><td class=\"num\">{}</td></tr>",
            escape(s.reason.label()),
            s.count
        );
    }
    if r.metrics.by_reason.is_empty() {
        h.push_str("<tr><td>No handoffs this month.</td></tr>");
    }
    h.push_str("</tbody></table>");

    h.push_str("<h2>Content to write: the gap checklist</h2>");
    if r.gaps.is_empty() {
        h.push_str("<p>No questions the bot could not answer this month.</p>");
    } else {
        h.push_str("<table><thead><tr><th>Question</th><th class=\"num\">Visitors</th><th>State</th></tr></thead><tbody>");
        for g in &r.gaps {
            let state = match g.state.as_str() {
                "done" => "done",
                "still_asked" => "asked again",
                _ => "to write",
            };
            let note =
                g.note.as_deref().map(|n| format!("<br><small>{}</small>", escape(n))).unwrap_or_default();
            let _ = write!(
                h,
                "<tr><td>{}{note}</td><td class=\"num\">{}</td><td><span class=\"state {}\">{state}</span></td></tr>",
                escape(&g.label),
                g.visitors,
                escape(&g.state)
            );
        }
        h.push_str("</tbody></table>");
    }

    h.push_str("<h2>Honest promises</h2><ul class=\"advice\">");
    for a in &r.advice.advice {
        let _ = write!(h, "<li>{}</li>", escape(a));
    }
    if r.advice.advice.is_empty() {
        h.push_str("<li>No promises were made this month.</li>");
    }
    h.push_str("</ul>");
    if let Some(w) = &r.advice.suggested_wording {
        let _ = write!(h, "<p>A promise to paste into the bot:</p><p class=\"paste\">{}</p>", escape(w));
    }
    h.push_str("</body></html>\n");
    h
}
