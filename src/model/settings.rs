//! Per-workspace settings kept in `workspaces.settings` (JSON): when to remind
//! and whom to alert, the reply identity, reply templates. Secrets are never
//! here: the SMTP password lives in the OS keychain.

use serde::{Deserialize, Serialize};

/// Everything a workspace can tune beyond its hours and promise.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkspaceSettings {
    /// The client this chatbot belongs to ("Acme"), for freelancers running
    /// several bots for one client: a visitor's history in the briefing spans
    /// the workspaces with the same client (compared trimmed, any case), and
    /// never crosses to another client's. Blank: this workspace alone.
    pub client: Option<String>,
    /// Where the bot's monthly conversation count is read from: the address
    /// of its Chatwoot inbox or account (the token is in the keychain).
    pub chatwoot_reports: Option<String>,
    /// Or from Intercom: its hosting region and which conversations count
    /// (the token is in the keychain).
    pub intercom_reports: Option<IntercomReports>,
    /// When reminders, alerts and second attempts fire.
    pub follow_ups: FollowUpPolicy,
    /// Who replies come from, through which server.
    pub smtp: Option<SmtpIdentity>,
    /// Reply templates; `None` uses the built-in ones.
    pub templates: Templates,
    /// The HubSpot portal leads go to (the token is in the keychain).
    pub hubspot: Option<HubspotSettings>,
    /// Team mode: who this app is to teammates sharing the mailbox or relay.
    pub team: Option<TeamSettings>,
    /// Retention and redaction.
    pub privacy: PrivacySettings,
    /// Slack and Teams alerts (the webhook URLs are in the keychain).
    pub alerts: super::alerts::AlertSettings,
}

/// Where a workspace's monthly conversation count is read from Intercom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntercomReports {
    /// The workspace's hosting region (`us`, `eu`, `au`) or an https address.
    pub region: String,
    /// Count every conversation started in the month, not only Fin's.
    pub every_conversation: bool,
}

impl Default for IntercomReports {
    fn default() -> Self {
        IntercomReports { region: "us".into(), every_conversation: false }
    }
}

/// How long a workspace keeps visitors' data, and what is masked before it
/// leaves the machine. Zero keeps forever (the default: nothing is removed
/// until the owner chooses a period).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacySettings {
    /// Remove raw originals (the email or webhook as received) this many days after arrival.
    pub raw_days: u32,
    /// Remove the personal data of resolved or closed handoffs this many calendar
    /// months after they were closed (their counts stay for the monthly figures).
    pub handoff_months: u32,
    /// Mask phone numbers, card-like numbers, IBANs and email addresses in
    /// transcript text that leaves the machine (HubSpot notes, backup-contact
    /// emails, chat alerts): see [`crate::redact`].
    pub redact: bool,
}

/// Team mode for one workspace: claims and answers are shared with
/// teammates' apps through the shared mailbox (IMAP keywords, Bcc'd replies)
/// or the relay. `None` in [`WorkspaceSettings::team`] means working alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamSettings {
    /// The teammate's name as others see it ("Dana"); blank: the reply identity's name.
    pub name: String,
    /// The teammate's address, their identity on the team; blank: the reply identity's From.
    pub email: String,
    /// A claim older than this without a reply shows as stale.
    pub stale_after_minutes: u32,
    /// Also look for teammates' replies in this folder of the shared mailbox
    /// ("Sent"), for teams whose replies are saved there instead of Bcc'd.
    pub sent_folder: Option<String>,
    /// Seconds between looks at `sent_folder` while the watched folder is idle
    /// (replies saved there raise no IDLE wake-up on the watched folder).
    pub sent_poll_seconds: u32,
}

/// How often the shared Sent folder is looked at by default.
pub const SENT_POLL_SECONDS: u32 = 30;

impl Default for TeamSettings {
    fn default() -> Self {
        TeamSettings {
            name: String::new(),
            email: String::new(),
            stale_after_minutes: 120,
            sent_folder: None,
            sent_poll_seconds: SENT_POLL_SECONDS,
        }
    }
}

/// A workspace's HubSpot connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HubspotSettings {
    /// API base; `https://api.hubapi.com` for a real portal.
    pub base_url: String,
    /// Push every new handoff (true) or only on the owner's click.
    pub auto_push: bool,
    /// Also set `hs_lead_status` to NEW on the contact (sales reps own that
    /// field, so only when the owner opts in).
    pub lead_status: bool,
    /// Requests allowed per ten-second window: 100 (Free/Starter), 190
    /// (Professional/Enterprise), 250 (with the API add-on). The outbox paces
    /// itself below it.
    pub rate_per_10s: u32,
}

/// HubSpot's API.
pub const HUBSPOT_API: &str = "https://api.hubapi.com";

impl Default for HubspotSettings {
    fn default() -> Self {
        HubspotSettings {
            base_url: HUBSPOT_API.to_string(),
            auto_push: true,
            lead_status: false,
            rate_per_10s: 100,
        }
    }
}

/// When follow-ups fire. Minutes are business minutes before the promise's due time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowUpPolicy {
    /// Remind the team this many minutes before a promise is due (0: no reminder).
    pub reminder_before_minutes: u32,
    /// Alert the backup contact this many minutes before due (0: at due).
    pub backup_before_minutes: u32,
    /// Email the backup contact (when one is set) as well as notifying on this machine.
    pub backup_email: bool,
    /// Suggest a second attempt this many business days after a reply the visitor
    /// has not answered (0: never).
    pub second_attempt_after_days: u32,
}

impl Default for FollowUpPolicy {
    fn default() -> Self {
        FollowUpPolicy {
            reminder_before_minutes: 30,
            backup_before_minutes: 15,
            backup_email: true,
            second_attempt_after_days: 2,
        }
    }
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// TLS from the first byte (port 465).
    Implicit,
    /// Plain, then STARTTLS, required (port 587).
    Starttls,
    /// No encryption: loopback test servers only.
    Plain,
}

/// The identity replies are sent from. The password is in the keychain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmtpIdentity {
    /// Server host name.
    pub host: String,
    /// Server port (465 implicit TLS, 587 STARTTLS).
    pub port: u16,
    /// Transport security.
    pub tls: SmtpTls,
    /// Login user; `None` for servers without AUTH.
    pub user: Option<String>,
    /// The From address ("help@acme.test").
    pub from_address: String,
    /// The From display name ("Dana at Acme").
    pub from_name: Option<String>,
    /// An address every reply is Bcc'd to (the shared mailbox), if any.
    pub bcc: Option<String>,
    /// Sign in with this OAuth provider (SMTP AUTH XOAUTH2; the keychain
    /// holds the refresh token under `smtp`); `None`: a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<crate::discover::OAuthProvider>,
}

/// Reply templates. Placeholders: `{visitor_name}`, `{first_name}`,
/// `{question}`, `{page}`, `{page_url}`, `{bot}`, `{promise}`, `{workspace}`,
/// `{sender}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Templates {
    /// The first reply.
    pub reply: Option<Template>,
    /// The second attempt after no answer.
    pub second_attempt: Option<Template>,
}

/// One email template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Subject line.
    pub subject: String,
    /// Plain-text body; the HTML alternative is derived from it.
    pub body: String,
}
