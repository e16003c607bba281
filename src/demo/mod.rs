//! Demo data: three client workspaces with a few hundred realistic handoffs
//! spread over recent months, all reasons, some after hours, some that the
//! parser can only keep raw.
//!
//! The demo is not written into the store directly: it renders real
//! notification emails (plain-text and HTML styles) and canonical webhook
//! JSON, and feeds them through the same parsers as live input, so the demo
//! also exercises ingest. Generation is deterministic for a seed and `now`.
//! The same renderer makes the benchmark corpus. The last hours are then
//! staged as a real morning ([`morning`]).

mod content;
pub mod morning;
mod render;

pub use render::{Sample, Style};

use crate::error::Result;
use crate::ingest::{Parsed, email, reason, webhook};
use crate::model::{Author, BusinessHours, SourceKind, Status};
use crate::store::{NewWorkspace, Store};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use content::{BOT_FAILURES, CLIENTS, Client, FIRST_NAMES, GREETINGS, LAST_NAMES, MAIL_DOMAINS};

/// What [`install`] created.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    /// Workspaces created (slugs); existing ones are reused.
    pub workspaces: Vec<String>,
    /// Handoffs stored.
    pub handoffs: usize,
    /// Of those, kept raw because the parser could not read them (on purpose).
    pub flagged: usize,
}

/// Create the demo workspaces (if missing) and fill them with `per_client`
/// handoffs each over the last `months` months before `now`.
pub fn install(store: &mut Store, per_client: usize, months: u32, now: DateTime<Utc>) -> Result<DemoSummary> {
    let mut summary = DemoSummary::default();
    let mut rng = fastrand::Rng::with_seed(0x0DE_0DE);
    for (ci, client) in CLIENTS.iter().enumerate() {
        let ws = match store.workspace(client.slug)? {
            Some(ws) => ws,
            None => store.create_workspace(&workspace_for(client))?,
        };
        summary.workspaces.push(ws.slug.clone());
        let mut items = Vec::with_capacity(per_client);
        for i in 0..per_client {
            let sample = sample(&mut rng, ci, i, months, now);
            let style = match i % 5 {
                0 | 1 => Style::PlainText,
                2 | 3 => Style::HtmlTable,
                _ => Style::Webhook,
            };
            items.push(parse_rendered(&sample.render(style), style));
        }
        // A notification the parser cannot read, kept raw and flagged.
        items.push(parse_rendered(&render::unreadable(client, ci, now), Style::PlainText));
        let out = store.ingest(&ws, items, now)?;
        summary.flagged += out.flagged;
        summary.handoffs += out.inserted.len();
        settle_statuses(store, &out.inserted, now, &mut rng)?;
    }
    morning::stage(store, now)?;
    Ok(summary)
}

/// `n` notification emails of mixed styles and clients, for benchmarks and crash tests.
pub fn notification_emails(n: usize, seed: u64, now: DateTime<Utc>) -> impl Iterator<Item = Vec<u8>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n).map(move |i| {
        let s = sample(&mut rng, i % CLIENTS.len(), i, 6, now);
        let style = if i % 2 == 0 { Style::PlainText } else { Style::HtmlTable };
        s.render(style)
    })
}

fn parse_rendered(bytes: &[u8], style: Style) -> Parsed {
    let mut parsed = match style {
        Style::Webhook => webhook::parse_webhook(bytes, SourceKind::Demo)
            .into_iter()
            .next()
            .unwrap_or_else(|| Parsed::Handoff(Box::new(email::parse_email(bytes, SourceKind::Demo)))),
        Style::PlainText | Style::HtmlTable => {
            Parsed::Handoff(Box::new(email::parse_email(bytes, SourceKind::Demo)))
        }
    };
    if let Parsed::Handoff(h) = &mut parsed {
        reason::finish(h);
        h.briefing = Some(crate::ingest::briefing::facts(h));
    }
    parsed
}

fn workspace_for(c: &Client) -> NewWorkspace {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    let mut hours = BusinessHours::default();
    match c.slug {
        "acme-plumbing" => {
            for d in 0..5 {
                hours.days[d] = vec![(t(8, 0), t(18, 0))];
            }
            hours.days[5] = vec![(t(9, 0), t(13, 0))];
        }
        "bergblick-hotel" => {
            for d in 0..6 {
                hours.days[d] = vec![(t(8, 0), t(12, 0)), (t(14, 0), t(19, 0))];
            }
        }
        _ => {
            for d in 0..5 {
                hours.days[d] = vec![(t(8, 30), t(17, 30))];
            }
        }
    }
    NewWorkspace {
        slug: c.slug.into(),
        name: c.name.into(),
        time_zone: c.tz.into(),
        hours,
        default_promise: Some(c.promise.into()),
        backup_contact: Some(format!("backup@{}", c.site.trim_start_matches("https://"))),
    }
}

/// One random conversation for client `ci`.
fn sample(rng: &mut fastrand::Rng, ci: usize, serial: usize, months: u32, now: DateTime<Utc>) -> Sample {
    let client = &CLIENTS[ci % CLIENTS.len()];
    let tz: chrono_tz::Tz = client.tz.parse().unwrap_or(chrono_tz::UTC);
    // Newer months busier: square the uniform draw towards zero days back.
    let span_days = (months.max(1) * 30) as f64;
    let back = (rng.f64() * rng.f64() * span_days) as i64;
    let local_day = (now - Duration::days(back)).with_timezone(&tz).date_naive();
    let after_hours = rng.f64() < 0.3;
    let (hour, minute) = if after_hours {
        (*[6u32, 7, 19, 20, 21, 22, 23, 0, 1].get(rng.usize(..9)).unwrap_or(&21), rng.u32(..60))
    } else {
        (rng.u32(9..17), rng.u32(..60))
    };
    let local = local_day.and_hms_opt(hour, minute, rng.u32(..60)).unwrap_or_default();
    let mut started = tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(now);
    if started > now {
        started = now - Duration::minutes(rng.i64(5..90));
    }

    let (reason, questions) = pick_weighted(rng, client);
    let question = questions[rng.usize(..questions.len())].replace("{n}", &rng.u32(2..40).to_string());
    let first = FIRST_NAMES[rng.usize(..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
    let ascii = |s: &str| -> String {
        s.chars()
            .filter_map(|c| match c {
                'ü' => Some('u'),
                'ö' => Some('o'),
                'é' => Some('e'),
                'ó' => Some('o'),
                '\'' => None,
                c => Some(c.to_ascii_lowercase()),
            })
            .collect()
    };
    let email = (rng.f64() > 0.05).then(|| {
        format!(
            "{}.{}{}@{}",
            ascii(first),
            ascii(last),
            serial % 97,
            MAIL_DOMAINS[rng.usize(..MAIL_DOMAINS.len())]
        )
    });
    let phone = (rng.f64() > 0.35).then(|| match client.tz {
        "Europe/Berlin" => format!("+49 8821 {:06}", rng.u32(..1_000_000)),
        "Australia/Sydney" => format!("+61 2 {:04} {:04}", rng.u32(..10_000), rng.u32(..10_000)),
        _ => format!("+1 718 555 {:04}", rng.u32(..10_000)),
    });
    let (path, title) = client.pages[rng.usize(..client.pages.len())];

    let mut t = started;
    let mut lines = Vec::new();
    let mut say = |author: Author, text: String, gap: i64, t: &mut DateTime<Utc>| {
        *t += Duration::seconds(gap);
        lines.push((author, *t, text));
    };
    say(Author::Visitor, GREETINGS[rng.usize(..GREETINGS.len())].to_string(), 0, &mut t);
    say(
        Author::Bot,
        format!("Hi! I'm {}, the {} assistant. How can I help?", client.bot, client.name),
        2,
        &mut t,
    );
    say(Author::Visitor, question.clone(), rng.i64(8..60), &mut t);
    let bot_turn = match reason {
        crate::model::Reason::HumanRequest => "Of course — I'll connect you with our team.".to_string(),
        crate::model::Reason::PolicyTopic => "That's something our team handles personally.".to_string(),
        crate::model::Reason::HighIntent => "Great — our team would love to help with that.".to_string(),
        _ => BOT_FAILURES[rng.usize(..BOT_FAILURES.len())].to_string(),
    };
    say(Author::Bot, format!("{bot_turn} What's the best email to reach you?"), 3, &mut t);
    say(
        Author::Visitor,
        email.clone().unwrap_or_else(|| "I'd rather not share my email".into()),
        rng.i64(10..40),
        &mut t,
    );
    say(Author::Bot, format!("Thanks, {first}! {}", client.promise), 2, &mut t);
    let escalated = t;
    let sent = escalated + Duration::seconds(rng.i64(1..20));

    Sample {
        client_index: ci,
        serial,
        bot: client.bot.to_string(),
        client_name: client.name.to_string(),
        site: client.site.to_string(),
        reason,
        reason_wording: render::wording(reason, rng),
        confidence: matches!(
            reason,
            crate::model::Reason::LowConfidence | crate::model::Reason::KnowledgeGap
        )
        .then(|| (rng.f64() * 0.5 * 100.0).round() / 100.0),
        name: format!("{first} {last}"),
        email,
        phone,
        page_url: format!("{}{}", client.site, path),
        page_title: title.to_string(),
        question,
        promise: client.promise.to_string(),
        started,
        escalated,
        sent,
        lines,
    }
}

fn pick_weighted<'a>(rng: &mut fastrand::Rng, c: &'a Client) -> (crate::model::Reason, &'a [&'static str]) {
    // Knowledge gaps dominate real escalation logs; weights per reason in table order.
    const WEIGHTS: [u32; 6] = [45, 12, 14, 7, 12, 10];
    let total: u32 = WEIGHTS.iter().take(c.questions.len()).sum();
    let mut roll = rng.u32(..total.max(1));
    for (i, (reason, qs)) in c.questions.iter().enumerate() {
        let w = WEIGHTS.get(i).copied().unwrap_or(1);
        if roll < w {
            return (*reason, qs);
        }
        roll -= w;
    }
    let (reason, qs) = &c.questions[0];
    (*reason, qs)
}

/// Older handoffs have been worked: replied, resolved or lost; the newest are still open.
fn settle_statuses(
    store: &mut Store,
    ids: &[i64],
    now: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Result<()> {
    for &id in ids {
        let Some(h) = store.handoff(id)? else { continue };
        let age = now - h.received_at;
        let status = if age > Duration::days(7) {
            if rng.f64() < 0.85 { Status::Resolved } else { Status::Lost }
        } else if age > Duration::days(2) {
            [Status::Replied, Status::WaitingOnVisitor, Status::Resolved][rng.usize(..3)]
        } else if age > Duration::hours(6) {
            [Status::New, Status::AwaitingReply, Status::Replied][rng.usize(..3)]
        } else {
            Status::New
        };
        if status != Status::New {
            // Someone answered first (on time or late: the promise says which), then closed it.
            let at = (h.received_at + Duration::minutes(rng.i64(20..600))).min(now);
            if status != Status::AwaitingReply {
                store.set_status(id, Status::Replied, at)?;
            }
            if !matches!(status, Status::Replied | Status::AwaitingReply) {
                store.set_status(id, status, (at + Duration::hours(rng.i64(1..48))).min(now))?;
            }
        }
    }
    Ok(())
}
