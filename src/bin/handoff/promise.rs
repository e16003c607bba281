//! `handoff promise due`: the promise calculator. A zone, business hours,
//! holidays, a receipt time and a promise sentence in; the due time (UTC and
//! local), whether it arrived after hours, how the sentence was read and the
//! reminder out. Needs no data file: it is for checking a set-up before (or
//! without) a workspace, and for testing the calendar from outside.

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use clap::Subcommand;
use handoff::BusinessHours;
use handoff::promise::{Calendar, SpanSource, calculate};

#[derive(Subcommand)]
pub(crate) enum PromiseCmd {
    /// When is a promise due? e.g. `handoff promise due --tz America/New_York --hours "mon-fri
    /// 09:00-17:00" --received 2026-11-20T22:00:00Z "within one business day"`.
    Due(DueArgs),
}

#[derive(clap::Args)]
pub(crate) struct DueArgs {
    /// IANA time zone, e.g. Europe/Berlin.
    #[arg(long)]
    tz: String,
    /// Opening hours, e.g. "mon-fri 09:00-17:00, sat 10:00-14:00" (split shifts "mon 09:00-12:00
    /// 14:00-18:00", night shifts "fri 22:00-06:00", "24:00" for midnight).
    #[arg(long)]
    hours: String,
    /// Closed on these dates (YYYY-MM-DD, comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = date)]
    holidays: Vec<NaiveDate>,
    /// When the handoff arrived: RFC 3339 ("2026-11-20T22:00:00Z"), or a local
    /// "2026-11-20T17:00" read in --tz.
    #[arg(long)]
    received: String,
    /// The promise sentence ("We'll get back to you within 4 business hours").
    text: String,
    /// Business minutes to use when the sentence names no time (a workspace's default promise).
    #[arg(long)]
    default_minutes: Option<u32>,
    /// The reminder's lead in business minutes (0: none).
    #[arg(long, default_value_t = 30)]
    reminder_minutes: u32,
    /// One JSON object: due_at, due_local, after_hours, understood_as, reminder_at, clock_from, …
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: PromiseCmd) -> Result<()> {
    let PromiseCmd::Due(a) = cmd;
    let zone = a.tz.trim();
    let any_case = || chrono_tz::TZ_VARIANTS.iter().copied().find(|t| t.name().eq_ignore_ascii_case(zone));
    let tz: Tz = zone.parse().ok().or_else(any_case).ok_or_else(|| {
        anyhow::anyhow!("{zone:?} is not a time zone; use an IANA name such as Europe/Berlin")
    })?;
    let hours = BusinessHours::parse_week(&a.hours, a.holidays).context("--hours")?;
    let received = received(&a.received, tz)?;
    let cal = Calendar::new(hours, tz);
    let c = calculate(&a.text, a.default_minutes, received, &cal, a.reminder_minutes);
    let utc = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, false);
    let due = c.due.as_ref();
    if a.json {
        let v = serde_json::json!({
            "received": utc(received),
            "received_local": local(received),
            "time_zone": tz.name(),
            "hours": cal.hours().week_text(),
            "after_hours": c.after_hours,
            "understood_as": c.understood_as,
            "source": c.source.map(|s| match s { SpanSource::Text => "text", SpanSource::Default => "default" }),
            "clock_from": due.map(|d| utc(d.clock_from)),
            "due_at": due.map(|d| utc(d.due_at)),
            "due_local": due.map(|d| local(d.due_at)),
            "reminder_at": c.reminder_at.map(utc),
            "reminder_local": c.reminder_at.map(local),
        });
        println!("{v}");
        return Ok(());
    }
    let label = |t: DateTime<Utc>| format!("{} ({})", cal.local_label(t), utc(t));
    println!("Hours      {} in {}", cal.hours().week_text(), tz.name());
    let state = if c.after_hours { "after hours" } else { "open" };
    println!("Received   {}: {state}", label(received));
    println!("Understood {}", c.understood_as);
    match due {
        Some(d) => {
            if d.clock_from > received {
                println!("Clock from {}", label(d.clock_from));
            }
            println!("Due        {}", label(d.due_at));
            match c.reminder_at {
                Some(r) => println!("Reminder   {}", label(r)),
                None => println!("Reminder   none"),
            }
        }
        None => println!("Due        never: nothing to count"),
    }
    Ok(())
}

/// A holiday, spaces around it allowed.
fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date like 2026-12-25"))
}

/// RFC 3339 (a space for the T allowed), or a local wall time without offset read in `tz`.
fn received(s: &str, tz: Tz) -> Result<DateTime<Utc>> {
    let s = s.trim();
    let t_form = match (s.get(..10), s.get(10..)) {
        (Some(day), Some(rest)) if rest.starts_with(' ') => format!("{day}T{}", rest.trim_start()),
        _ => s.to_string(),
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(&t_form) {
        return Ok(t.with_timezone(&Utc));
    }
    let wall = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .with_context(|| format!("cannot read --received {s:?}: use RFC 3339, e.g. 2026-11-20T22:00:00Z"))?;
    tz.from_local_datetime(&wall)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{wall} does not exist in {tz} (a clock change skips it)"))
}
