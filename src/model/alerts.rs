//! Per-workspace Slack and Microsoft Teams alerts: which events go to which
//! service, and which machine sends them when a laptop and an always-on
//! companion watch the same workspace. The webhook URLs are secrets and live
//! in the keychain (or the companion's file store), never here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an alert goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertChannel {
    /// A Slack app's incoming webhook (Block Kit message).
    Slack,
    /// A Microsoft Teams Workflows webhook (Adaptive Card).
    Teams,
}

impl AlertChannel {
    /// Both, in a fixed order.
    pub const ALL: [AlertChannel; 2] = [AlertChannel::Slack, AlertChannel::Teams];

    /// The stored name (`slack`, `teams`).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertChannel::Slack => "slack",
            AlertChannel::Teams => "teams",
        }
    }

    /// The outbox job kind that posts to this service.
    pub fn job_kind(self) -> &'static str {
        match self {
            AlertChannel::Slack => "slack_alert",
            AlertChannel::Teams => "teams_alert",
        }
    }

    /// The keychain key its webhook URL is filed under.
    pub fn secret_key(self) -> &'static str {
        match self {
            AlertChannel::Slack => "alert:slack",
            AlertChannel::Teams => "alert:teams",
        }
    }

    /// The service's name for people.
    pub fn label(self) -> &'static str {
        match self {
            AlertChannel::Slack => "Slack",
            AlertChannel::Teams => "Microsoft Teams",
        }
    }

    /// Parse a stored or typed name.
    pub fn parse(s: &str) -> Option<AlertChannel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "slack" => Some(AlertChannel::Slack),
            "teams" | "msteams" => Some(AlertChannel::Teams),
            _ => None,
        }
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertEvent {
    /// A handoff arrived.
    NewHandoff,
    /// A promise is due soon.
    Reminder,
    /// The backup contact's alert (the owner is not answering).
    Backup,
    /// A promise broke.
    Breach,
}

impl AlertEvent {
    /// Every event, in the order they happen to a handoff.
    pub const ALL: [AlertEvent; 4] =
        [AlertEvent::NewHandoff, AlertEvent::Reminder, AlertEvent::Backup, AlertEvent::Breach];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertEvent::NewHandoff => "new_handoff",
            AlertEvent::Reminder => "reminder",
            AlertEvent::Backup => "backup",
            AlertEvent::Breach => "breach",
        }
    }

    /// Parse a stored or typed name (`new` is short for `new_handoff`).
    pub fn parse(s: &str) -> Option<AlertEvent> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "new" | "new_handoff" => Some(AlertEvent::NewHandoff),
            "reminder" => Some(AlertEvent::Reminder),
            "backup" | "backup_contact" => Some(AlertEvent::Backup),
            "breach" => Some(AlertEvent::Breach),
            _ => None,
        }
    }
}

/// Which machine sends a workspace's alerts and backup-contact emails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSender {
    /// Whichever process runs the engine on this data file (one machine only:
    /// the outbox claim in the shared file makes it exactly once there).
    #[default]
    ThisMachine,
    /// Only the desktop app or `handoff watch`; a companion stays silent.
    Laptop,
    /// Only the always-on companion (`handoff serve`); laptops stay silent.
    Companion,
}

impl AlertSender {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertSender::ThisMachine => "this_machine",
            AlertSender::Laptop => "laptop",
            AlertSender::Companion => "companion",
        }
    }

    /// Parse a typed name.
    pub fn parse(s: &str) -> Option<AlertSender> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "this_machine" | "any" => Some(AlertSender::ThisMachine),
            "laptop" | "app" => Some(AlertSender::Laptop),
            "companion" | "server" => Some(AlertSender::Companion),
            _ => None,
        }
    }

    /// Whether a process in `role` sends.
    pub fn allows(self, role: EngineRole) -> bool {
        match self {
            AlertSender::ThisMachine => true,
            AlertSender::Laptop => role == EngineRole::Laptop,
            AlertSender::Companion => role == EngineRole::Companion,
        }
    }
}

/// What kind of process runs the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineRole {
    /// The desktop app or `handoff watch` on someone's computer.
    #[default]
    Laptop,
    /// `handoff serve`, the headless always-on companion.
    Companion,
}

/// One service's route: which events it gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertRoute {
    /// The events posted there.
    pub events: Vec<AlertEvent>,
}

impl Default for AlertRoute {
    fn default() -> Self {
        AlertRoute { events: AlertEvent::ALL.to_vec() }
    }
}

/// A workspace's alerts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertSettings {
    /// Slack, when connected.
    pub slack: Option<AlertRoute>,
    /// Microsoft Teams, when connected.
    pub teams: Option<AlertRoute>,
    /// Which machine sends alerts and backup emails.
    pub sender: AlertSender,
    /// Handoffs received before this are history: no "new handoff" alert.
    pub since: Option<DateTime<Utc>>,
}

impl AlertSettings {
    /// The route of one service.
    pub fn route(&self, channel: AlertChannel) -> Option<&AlertRoute> {
        match channel {
            AlertChannel::Slack => self.slack.as_ref(),
            AlertChannel::Teams => self.teams.as_ref(),
        }
    }

    /// The services that get `event`.
    pub fn channels_for(&self, event: AlertEvent) -> Vec<AlertChannel> {
        AlertChannel::ALL
            .into_iter()
            .filter(|c| self.route(*c).is_some_and(|r| r.events.contains(&event)))
            .collect()
    }
}
