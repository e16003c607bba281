//! Output for people: tables, a readable transcript, and JSON lines for scripts.
//! Times are shown in each handoff's workspace time zone.

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff::store::HandoffDetail;
use handoff::{Handoff, ParseStatus, Store};
use std::collections::HashMap;
use std::io::Write;

pub fn path(store: &Store) -> String {
    store.path().map(|p| p.display().to_string()).unwrap_or_else(|| "(memory)".into())
}

pub fn json_lines(rows: &[Handoff]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for r in rows {
        serde_json::to_writer(&mut out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

pub fn workspaces(store: &Store) -> Result<()> {
    let all = store.workspaces()?;
    if all.is_empty() {
        println!(
            "No workspaces yet. `handoff init --workspace NAME --tz ZONE` creates one; `handoff demo` adds sample ones."
        );
    }
    for w in all {
        println!(
            "{:<20} {:<28} {:<20} {:>6} handoffs  {}",
            w.slug,
            cut(&w.name, 28),
            w.time_zone,
            store.count(Some(w.id))?,
            w.default_promise.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

fn zones(store: &Store) -> Result<HashMap<i64, Tz>> {
    Ok(store.workspaces()?.into_iter().map(|w| (w.id, w.tz())).collect())
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%b %d %H:%M").to_string()
}

pub fn table(store: &Store, rows: &[Handoff]) -> Result<()> {
    if rows.is_empty() {
        println!(
            "No handoffs match. `handoff list` without filters shows everything; `handoff import` brings some in."
        );
        return Ok(());
    }
    let zones = zones(store)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:>6}  {:<16} {:<12}    {:<17} {:<14} {:<22} {:<20} QUESTION",
        "ID", "WORKSPACE", "RECEIVED", "REASON", "STATUS", "VISITOR", "PAGE"
    )?;
    for h in rows {
        let tz = zones.get(&h.workspace_id).copied().unwrap_or(chrono_tz::UTC);
        let flag = match h.parse_status {
            ParseStatus::Raw => "RAW",
            ParseStatus::Partial => "~",
            ParseStatus::Ok => "",
        };
        let visitor = h.visitor.name.as_deref().or(h.visitor.email.as_deref()).unwrap_or("(unknown)");
        let page = h.page.url.as_deref().map(page_path).unwrap_or_default();
        let question = h.question.as_deref().or(h.subject.as_deref()).unwrap_or("");
        writeln!(
            out,
            "{:>6}  {:<16} {:<12} {:<3} {:<17} {:<14} {:<22} {:<20} {}{}",
            h.id,
            cut(&h.workspace, 16),
            local(h.received_at, tz),
            if h.after_hours { "AH" } else { "" },
            h.reason.label(),
            h.status.as_str(),
            cut(visitor, 22),
            cut(&page, 20),
            if flag.is_empty() { String::new() } else { format!("[{flag}] ") },
            cut(question, 60)
        )?;
    }
    Ok(())
}

fn page_path(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    match rest.find('/') {
        Some(i) => rest[i..].to_string(),
        None => "/".into(),
    }
}

pub fn detail(d: &HandoffDetail) -> Result<()> {
    let h = &d.handoff;
    let tz: Tz = d.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let when = |t: DateTime<Utc>| t.with_timezone(&tz).format("%a %b %d %Y, %H:%M %Z").to_string();
    let mut out = std::io::stdout().lock();
    writeln!(out, "Handoff #{} · {} · {}", h.id, h.workspace, h.status.as_str())?;
    writeln!(out, "{}", "─".repeat(60))?;
    let field = |out: &mut std::io::StdoutLock<'_>, k: &str, v: Option<&str>| -> std::io::Result<()> {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            writeln!(out, "{k:<12}{}", cut(v, 400))?;
        }
        Ok(())
    };
    field(&mut out, "Visitor", h.visitor.name.as_deref())?;
    field(&mut out, "Email", h.visitor.email.as_deref())?;
    field(&mut out, "Phone", h.visitor.phone.as_deref())?;
    let page = match (&h.page.title, &h.page.url) {
        (Some(t), Some(u)) => Some(format!("{t} — {u}")),
        (t, u) => t.clone().or(u.clone()),
    };
    field(&mut out, "Page", page.as_deref())?;
    let mut reason = h.reason.label().to_string();
    if let Some(w) = &h.reason_detail {
        reason.push_str(&format!(" (bot said: {w})"));
    }
    if h.reason_inferred {
        reason.push_str(" [inferred from the transcript]");
    }
    if let Some(c) = h.confidence {
        reason.push_str(&format!(", confidence {c:.2}"));
    }
    field(&mut out, "Reason", Some(&reason))?;
    field(&mut out, "Question", h.question.as_deref())?;
    let received = format!("{}{}", when(h.received_at), if h.after_hours { "  [after hours]" } else { "" });
    field(&mut out, "Received", Some(&received))?;
    if let Some(p) = &d.promise {
        let origin = if p.origin == handoff::PromiseOrigin::Default { " (workspace default)" } else { "" };
        field(&mut out, "Promised", Some(&format!("{}{origin}", p.text.as_deref().unwrap_or(""))))?;
        let mut due = format!("{} — {}", when(p.due_at), p.state.as_str());
        if let Some(m) = p.met_at {
            due.push_str(&format!(", contacted {} by {}", when(m), p.met_by.as_deref().unwrap_or("reply")));
        }
        if let Some(c) = p.clock_from.filter(|c| *c > h.received_at) {
            due.push_str(&format!(" (arrived after hours: the clock started {})", when(c)));
        }
        field(&mut out, "Reply due", Some(&due))?;
    } else {
        field(&mut out, "Promised", h.promise.as_deref())?;
    }
    if let Some(r) = d.resolution {
        field(&mut out, "Resolution", Some(r.as_str()))?;
    }
    if let Some(c) = &d.team.claim {
        let who = if c.mine {
            format!("you ({})", c.by.label())
        } else {
            format!("{} <{}>", c.by.label(), c.by.email)
        };
        let note = c.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
        field(&mut out, "Claimed by", Some(&format!("{who}, {}{note}", when(c.at))))?;
    }
    for a in &d.team.answers {
        field(&mut out, "Answered by", Some(&format!("{}, {}", a.by.label(), when(a.at))))?;
    }
    if let Some(p) = &d.hubspot {
        let text = match (p.state.as_str(), &p.contact_id) {
            ("pushed", Some(c)) => format!(
                "pushed {} — contact {c}{}",
                p.pushed_at.map(when).unwrap_or_default(),
                p.note_id.as_ref().map(|n| format!(", note {n}")).unwrap_or_default()
            ),
            (state, _) => {
                format!("{state}{}", p.message.as_ref().map(|m| format!(" — {m}")).unwrap_or_default())
            }
        };
        field(&mut out, "HubSpot", Some(&text))?;
    }
    field(&mut out, "Bot", h.bot.as_deref())?;
    if h.parse_status != ParseStatus::Ok {
        writeln!(out, "\n⚑ Not fully understood ({}):", h.parse_status.as_str())?;
        for n in &h.parse_notes {
            writeln!(out, "  - {}", printable(n))?;
        }
        writeln!(
            out,
            "  The original is kept: `handoff show {} --raw` prints it ({} bytes).",
            h.id, d.raw_size
        )?;
    }
    if !d.transcript.is_empty() {
        writeln!(out, "\nTranscript")?;
        for m in &d.transcript {
            let who = m.name.clone().unwrap_or_else(|| m.author.as_str().to_string());
            let at =
                m.at.map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
                    .unwrap_or_else(|| "     ".into());
            let text = printable(&m.text);
            let mut lines = text.lines();
            writeln!(out, "  {at}  {:<10} {}", format!("{who}:"), lines.next().unwrap_or(""))?;
            for more in lines {
                writeln!(out, "  {:5}  {:<10} {more}", "", "")?;
            }
        }
    }
    let pending: Vec<_> = d.follow_ups.iter().filter(|f| f.done_at.is_none()).collect();
    if !pending.is_empty() {
        writeln!(out, "\nFollow-ups")?;
        for f in pending {
            writeln!(
                out,
                "  {}  {}{}",
                when(f.due_at),
                f.kind.as_str().replace('_', " "),
                f.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
            )?;
        }
    }
    writeln!(out, "\nTimeline")?;
    for e in &d.events {
        writeln!(out, "  {}  {:<10} {}", when(e.at), e.kind, printable(e.detail.as_deref().unwrap_or("")))?;
    }
    Ok(())
}

pub fn doctor(store: &Store) -> Result<()> {
    println!("Database: {}", path(store));
    println!("Schema version: {}", handoff::store::SCHEMA_VERSION);
    let problems = store.integrity_check()?;
    if problems.is_empty() {
        println!("Integrity: ok");
    } else {
        println!("Integrity: {} problem(s):", problems.len());
        for p in problems.iter().take(20) {
            println!("  {p}");
        }
        println!("Copy the file aside before anything else, then report these lines.");
    }
    println!("Workspaces: {}  Handoffs: {}", store.workspaces()?.len(), store.count(None)?);
    Ok(())
}

/// Text from a visitor, safe for a terminal: escape sequences and other control
/// characters (which could rewrite the screen) become spaces; line breaks stay.
fn printable(s: &str) -> String {
    s.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { ' ' } else { c }).collect()
}

/// At most `n` characters, with an ellipsis when cut; control characters shown as spaces.
pub fn cut(s: &str, n: usize) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if clean.chars().count() <= n {
        clean
    } else {
        format!("{}…", clean.chars().take(n.saturating_sub(1)).collect::<String>())
    }
}
