//! `handoff alerts`: connect a workspace to Slack (an incoming webhook) or
//! Microsoft Teams (a Workflows webhook), choose which events go where and
//! which machine sends them; and the engine's tuning knobs from the
//! environment (used by tests and benchmarks).

use crate::sources::{SecretInput, keychain, read_secret};
use anyhow::{Result, bail};
use clap::Subcommand;
use handoff::Store;
use handoff::model::{AlertChannel, AlertEvent, AlertRoute, AlertSender};
use handoff::sync::EngineOptions;

/// `handoff alerts …`
#[derive(Subcommand)]
pub enum AlertsCmd {
    /// Connect Slack or Teams: the webhook URL goes to the OS keychain (read from standard input).
    Set {
        /// `slack` or `teams`.
        service: String,
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
        /// Read the webhook URL from one line of standard input (otherwise asked for on the terminal).
        #[arg(long)]
        url_stdin: bool,
        /// Which events: new, reminder, backup, breach (comma-separated). Default: all four.
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
    },
    /// Which machine sends this workspace's alerts and backup emails:
    /// `this-machine` (one machine), `laptop` or `companion` (both run).
    Sender {
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
        /// this-machine | laptop | companion
        who: String,
    },
    /// Each workspace's alert routes and sender.
    Show {
        /// Only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
    },
    /// Disconnect Slack or Teams and delete its webhook URL from the keychain.
    Off {
        /// `slack` or `teams`.
        service: String,
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
    },
}

fn channel(s: &str) -> Result<AlertChannel> {
    AlertChannel::parse(s).ok_or_else(|| anyhow::anyhow!("unknown service {s:?}: use slack or teams"))
}

/// Run one `alerts` command.
pub fn run(store: &mut Store, cmd: AlertsCmd) -> Result<()> {
    match cmd {
        AlertsCmd::Set { service, workspace, url_stdin, events } => {
            let ch = channel(&service)?;
            let mut ws = store.require_workspace(&workspace)?;
            let events: Vec<AlertEvent> = if events.is_empty() {
                AlertEvent::ALL.to_vec()
            } else {
                events
                    .iter()
                    .map(|e| {
                        AlertEvent::parse(e).ok_or_else(|| {
                            anyhow::anyhow!("unknown event {e:?}: use new, reminder, backup or breach")
                        })
                    })
                    .collect::<Result<_>>()?
            };
            let input = if url_stdin { SecretInput::Stdin } else { SecretInput::Prompt };
            let url = read_secret(&format!("{} webhook URL", ch.label()), input)?;
            check_url(ch, &url)?;
            keychain()?.set(&ws.slug, ch.secret_key(), url.trim())?;
            let alerts = &mut ws.settings.alerts;
            let route = Some(AlertRoute { events });
            match ch {
                AlertChannel::Slack => alerts.slack = route,
                AlertChannel::Teams => alerts.teams = route,
            }
            alerts.since.get_or_insert_with(chrono::Utc::now);
            store.update_workspace(&ws)?;
            println!(
                "{} alerts for {} are on; the webhook URL is in the OS keychain. They are sent by {} (`handoff alerts sender` changes it).",
                ch.label(),
                ws.slug,
                sender_words(ws.settings.alerts.sender)
            );
        }
        AlertsCmd::Sender { workspace, who } => {
            let mut ws = store.require_workspace(&workspace)?;
            let Some(sender) = AlertSender::parse(&who) else {
                bail!("unknown sender {who:?}: use this-machine, laptop or companion");
            };
            ws.settings.alerts.sender = sender;
            store.update_workspace(&ws)?;
            println!("Alerts and backup emails of {} are sent by {}.", ws.slug, sender_words(sender));
        }
        AlertsCmd::Show { workspace } => {
            let all = match workspace {
                Some(w) => vec![store.require_workspace(&w)?],
                None => store.workspaces()?,
            };
            for ws in all {
                let a = &ws.settings.alerts;
                let routes: Vec<String> = AlertChannel::ALL
                    .iter()
                    .filter_map(|c| {
                        a.route(*c).map(|r| {
                            let ev: Vec<&str> = r.events.iter().map(|e| e.as_str()).collect();
                            format!("{}: {}", c.as_str(), ev.join(","))
                        })
                    })
                    .collect();
                let routes =
                    if routes.is_empty() { "no Slack or Teams alerts".into() } else { routes.join("; ") };
                println!("{}  {routes}  (sent by {})", ws.slug, sender_words(a.sender));
            }
        }
        AlertsCmd::Off { service, workspace } => {
            let ch = channel(&service)?;
            let mut ws = store.require_workspace(&workspace)?;
            match ch {
                AlertChannel::Slack => ws.settings.alerts.slack = None,
                AlertChannel::Teams => ws.settings.alerts.teams = None,
            }
            store.update_workspace(&ws)?;
            keychain()?.delete(&ws.slug, ch.secret_key())?;
            println!(
                "{} alerts for {} are off; the webhook URL was deleted from the keychain.",
                ch.label(),
                ws.slug
            );
        }
    }
    Ok(())
}

fn sender_words(s: AlertSender) -> &'static str {
    match s {
        AlertSender::ThisMachine => "whichever app runs on this data file",
        AlertSender::Laptop => "the laptop app only",
        AlertSender::Companion => "the always-on companion only (`handoff serve`)",
    }
}

/// A webhook URL must be https (plain http only on this machine, for tests).
fn check_url(ch: AlertChannel, url: &str) -> Result<()> {
    let url = url.trim();
    let loopback = url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost");
    if !(url.starts_with("https://") || loopback) {
        bail!(
            "that is not a webhook URL: {} webhooks start with https:// ({}). Nothing was saved.",
            ch.label(),
            match ch {
                AlertChannel::Slack => "https://hooks.slack.com/services/…",
                AlertChannel::Teams =>
                    "the URL the Workflows \"When a Teams webhook request is received\" trigger shows",
            }
        );
    }
    Ok(())
}

/// The engine's options with the environment's test and benchmark knobs
/// (see [`EngineOptions::from_env`]) and the CLI's HubSpot pacing.
pub fn engine_options() -> EngineOptions {
    EngineOptions { hubspot: crate::hubspot::push_options(), ..EngineOptions::from_env() }
}
