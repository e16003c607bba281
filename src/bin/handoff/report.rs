//! Monthly reports from the command line: `metrics`.

use anyhow::Result;
use chrono::Utc;
use handoff::Store;
use handoff::metrics::{Month, MonthlyMetrics, monthly};
use std::io::Write;

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
    writeln!(out, "  Knowledge gaps        {}  ({trend})\n", m.knowledge_gaps)
}
