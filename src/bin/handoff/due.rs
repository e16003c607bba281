//! What is due, from the command line: `due` (promises and follow-ups with
//! their countdowns), `callback` and `snooze`, with the times people type
//! ("tomorrow 9:00", "14:30") read in the workspace's time zone.

use crate::print;
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use handoff::promise::Calendar;
use handoff::{Store, Workspace};
use std::io::Write;

fn countdown(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let d = due - now;
    let (sign, d) = if d < Duration::zero() { ("overdue ", -d) } else { ("in ", d) };
    let (days, hours, mins) = (d.num_days(), d.num_hours() % 24, d.num_minutes() % 60);
    let span = if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else {
        format!("{mins}m")
    };
    format!("{sign}{span}")
}

pub fn due(store: &Store, workspace: Option<String>, all: bool, json: bool) -> Result<()> {
    let ws = workspace.map(|w| store.require_workspace(&w)).transpose()?;
    let now = Utc::now();
    let items = store.due(now, ws.map(|w| w.id), all)?;
    if json {
        for i in &items {
            println!("{}", serde_json::to_string(i)?);
        }
        return Ok(());
    }
    if items.is_empty() {
        println!("Nothing due. Every promise is kept or closed.");
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    for i in &items {
        let tz: Tz = i.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let local = i.due_at.with_timezone(&tz).format("%a %d %b %H:%M %Z");
        let who = i
            .handoff
            .visitor
            .name
            .as_deref()
            .or(i.handoff.visitor.email.as_deref())
            .unwrap_or("unknown visitor");
        let what = match i.kind.as_str() {
            "promise" => i.promise.as_ref().and_then(|p| p.text.clone()).unwrap_or_else(|| "reply".into()),
            "callback" => {
                format!("call back{}", i.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default())
            }
            _ => "second attempt".into(),
        };
        writeln!(
            out,
            "{:<16} {local:<22} #{:<6} {:<14} {:<26} {}",
            countdown(i.due_at, now),
            i.handoff.id,
            print::cut(&i.handoff.workspace, 14),
            print::cut(who, 26),
            print::cut(&what, 60)
        )?;
    }
    Ok(())
}

/// A time the owner types: RFC 3339, `YYYY-MM-DD HH:MM` or `HH:MM` / `tomorrow HH:MM`
/// in the workspace's zone, or `+2h` / `+30m` / `+1d` from now.
pub fn parse_when(s: &str, tz: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(rest) = s.strip_prefix('+') {
        let (num, unit) = rest.split_at(rest.len().saturating_sub(1));
        if let Ok(n) = num.parse::<i64>() {
            match unit {
                "m" => return Ok(now + Duration::minutes(n)),
                "h" => return Ok(now + Duration::hours(n)),
                "d" => return Ok(now + Duration::days(n)),
                _ => {}
            }
        }
    }
    let local_today = now.with_timezone(&tz).date_naive();
    let (date, time) = if let Some(t) = s.strip_prefix("tomorrow ") {
        (local_today.succ_opt().unwrap_or(local_today), t)
    } else if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
        return local(dt, tz);
    } else {
        (local_today, s)
    };
    let time = NaiveTime::parse_from_str(time, "%H:%M")
        .with_context(|| format!("cannot read the time {s:?}: use \"2026-11-24 10:00\", \"tomorrow 10:00\", \"15:30\", \"+2h\" or an RFC 3339 time"))?;
    local(date.and_time(time), tz)
}

fn local(dt: NaiveDateTime, tz: Tz) -> Result<DateTime<Utc>> {
    tz.from_local_datetime(&dt)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{dt} does not exist in {tz} (a clock change skips it); pick another time"))
}

fn workspace_of(store: &Store, id: i64) -> Result<Workspace> {
    let h = store.handoff(id)?.ok_or(handoff::Error::NoSuchHandoff(id))?;
    store.workspace_by_id(h.workspace_id)?.context("the handoff's workspace is gone")
}

pub fn callback(store: &mut Store, id: i64, at: &str, note: Option<String>) -> Result<()> {
    let ws = workspace_of(store, id)?;
    let when = parse_when(at, ws.tz(), Utc::now())?;
    store.schedule_callback(id, when, note.as_deref(), Utc::now())?;
    println!("Callback for #{id} at {}.", Calendar::for_workspace(&ws).local_label(when));
    Ok(())
}

pub fn snooze(store: &mut Store, id: i64, until: Option<String>) -> Result<()> {
    let ws = workspace_of(store, id)?;
    let when = until.map(|u| parse_when(&u, ws.tz(), Utc::now())).transpose()?;
    store.snooze(id, when, Utc::now())?;
    match when {
        Some(t) => println!("#{id} snoozed until {}.", Calendar::for_workspace(&ws).local_label(t)),
        None => println!("#{id} is back in the inbox."),
    }
    Ok(())
}
