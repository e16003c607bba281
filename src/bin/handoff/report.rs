//! Monthly reports from the command line: `metrics` and `gaps`.

use anyhow::{Context, Result, bail};
use chrono::Utc;
use handoff::Store;
use handoff::gaps::{self, Grouper, export};
use handoff::metrics::{Month, MonthlyMetrics, monthly};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

fn mins(v: Option<i64>) -> String {
    match v {
        None => "—".into(),
        Some(m) if m >= 60 * 24 => format!("{}d {}h", m / 1440, (m % 1440) / 60),
        Some(m) if m >= 60 => format!("{}h {:02}m", m / 60, m % 60),
        Some(m) => format!("{m}m"),
    }
}

/// `handoff metrics`: one workspace or all, one month (default: this month in each workspace's zone).
pub fn metrics(store: &Store, workspace: Option<String>, month: Option<String>, json: bool) -> Result<()> {
    let workspaces = match workspace {
        Some(w) => vec![store.require_workspace(&w)?],
        None => store.workspaces()?,
    };
    let month = month.map(|m| Month::parse(&m)).transpose()?;
    let now = Utc::now();
    let mut out = std::io::stdout().lock();
    for ws in &workspaces {
        let m = monthly(store, ws, month.unwrap_or_else(|| Month::of(now, ws.tz())), now)?;
        if json {
            writeln!(out, "{}", serde_json::to_string(&m)?)?;
        } else {
            print(&mut out, &ws.name, &m)?;
        }
    }
    Ok(())
}

fn print(out: &mut impl Write, name: &str, m: &MonthlyMetrics) -> std::io::Result<()> {
    writeln!(out, "{name} ({}) — {}", m.workspace, m.month)?;
    writeln!(out, "  Handoffs              {}  ({} after hours)", m.handoffs, pct(m.after_hours_share))?;
    for r in &m.by_reason {
        writeln!(out, "    {:<20} {:>4}  {:>4}", r.reason.label(), r.count, pct(Some(r.share)))?;
    }
    writeln!(
        out,
        "  First reply           median {} (in open hours {}), p90 {}, {} of {} contacted",
        mins(m.first_reply_median_minutes),
        mins(m.first_reply_median_business_minutes),
        mins(m.first_reply_p90_minutes),
        m.replied,
        m.handoffs
    )?;
    writeln!(
        out,
        "  Promises kept         {}  ({} met, {} broken)   overdue now: {}",
        pct(m.promises_kept),
        m.promises_met,
        m.promises_breached,
        m.overdue_now
    )?;
    writeln!(out, "  Repeat visitors       {}", m.repeat_visitors)?;
    let trend = match m.knowledge_gaps - m.knowledge_gaps_previous {
        d if d < 0 => format!("down {} from {}", -d, m.knowledge_gaps_previous),
        0 => format!("same as last month ({})", m.knowledge_gaps_previous),
        d => format!("up {d} from {}", m.knowledge_gaps_previous),
    };
    writeln!(out, "  Knowledge gaps        {}  ({trend})", m.knowledge_gaps)?;
    let mut resolved: Vec<String> = m
        .by_resolution
        .iter()
        .map(|r| format!("{} {}", r.resolution.as_str().replace('_', " "), r.count))
        .collect();
    resolved.push(format!("{} unresolved", m.unresolved));
    writeln!(out, "  Resolutions           {}", resolved.join(", "))?;
    writeln!(
        out,
        "  Gaps found by people  {}  (resolved as content gap, though the bot gave another reason)\n",
        m.content_gaps_found_by_people
    )
}

fn gap_workspaces(store: &Store, workspace: Option<String>) -> Result<Vec<handoff::Workspace>> {
    Ok(match workspace {
        Some(w) => vec![store.require_workspace(&w)?],
        None => store.workspaces()?,
    })
}

/// `handoff gaps`: the checklist of one workspace or each, as Markdown, CSV or JSON.
pub fn gaps(
    store: &mut Store,
    workspace: Option<String>,
    month: Option<String>,
    format: &str,
    output: Option<PathBuf>,
) -> Result<()> {
    if !matches!(format, "md" | "csv" | "json") {
        bail!("unknown --format {format:?}: use md (Markdown), csv or json");
    }
    let workspaces = gap_workspaces(store, workspace)?;
    if format == "csv" && workspaces.len() > 1 {
        bail!("CSV holds one workspace's checklist: add --workspace (one of: {})", slugs(&workspaces));
    }
    let month = month.map(|m| Month::parse(&m)).transpose()?;
    let grouper = Grouper::load();
    if let Some(why) = grouper.fallback_reason() {
        eprintln!("note: {why}");
    }
    // Questions imported since the last look are embedded once and kept.
    if let Err(e) = grouper.index(store) {
        eprintln!("warning: gap checklist: {e}");
    }
    let mut text = String::new();
    for ws in &workspaces {
        let m = month.unwrap_or_else(|| Month::of(Utc::now(), ws.tz()));
        let list = gaps::build(store, ws, m, &grouper)?;
        match format {
            "csv" => text.push_str(&export::csv(&list, ws.tz())?),
            "json" => {
                text.push_str(&serde_json::to_string(&list)?);
                text.push('\n');
            }
            _ => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&export::markdown(&list, ws.tz()));
            }
        }
    }
    match output {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Wrote {}", path.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

fn slugs(ws: &[handoff::Workspace]) -> String {
    ws.iter().map(|w| w.slug.as_str()).collect::<Vec<_>>().join(", ")
}

/// `handoff gaps check N` (`note: Some`) and `handoff gaps uncheck N` (`None`).
pub fn gaps_check(
    store: &mut Store,
    workspace: Option<String>,
    month: Option<String>,
    item: usize,
    note: Option<Option<String>>,
) -> Result<()> {
    let mut workspaces = gap_workspaces(store, workspace)?;
    if workspaces.len() != 1 {
        bail!("say which workspace's checklist: --workspace (one of: {})", slugs(&workspaces));
    }
    let ws = workspaces.remove(0);
    let month = match month {
        Some(m) => Month::parse(&m)?,
        None => Month::of(Utc::now(), ws.tz()),
    };
    let grouper = Grouper::load();
    match note {
        Some(note) => {
            let it = gaps::check(store, &ws, month, item, note.as_deref(), &grouper, Utc::now())?;
            println!("Checked off {month} item {item}: {:?} ({} visitors).", it.label, it.visitors);
        }
        None => {
            let it = gaps::uncheck(store, &ws, month, item, &grouper)?;
            println!("Reopened {month} item {item}: {:?}.", it.label);
        }
    }
    Ok(())
}

/// `handoff gaps cluster FILE`: one JSON object per input line.
pub fn cluster(file: &Path, lexical: bool) -> Result<()> {
    let bytes = if file.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        b
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (byte {}); save it as UTF-8 and try again",
            file.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let lines: Vec<&str> = text.lines().collect();
    let grouper = if lexical { Grouper::Lexical("--lexical was given".into()) } else { Grouper::load() };
    if let Some(why) = grouper.fallback_reason() {
        eprintln!("note: {why}");
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for a in gaps::cluster_lines(&lines, &grouper)? {
        writeln!(out, "{}", serde_json::to_string(&a)?)?;
    }
    out.flush()?;
    Ok(())
}
