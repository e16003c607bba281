//! The settings screen's views and forms: a workspace's hours, promise,
//! follow-ups and templates; its sources, reply identity and HubSpot portal.
//! Secrets cross only inward (a form's password or token, straight to the
//! keychain); no view ever carries one back.

use super::time;
use chrono::{NaiveDate, NaiveTime};
use handoff::Workspace;
use handoff::model::{BusinessHours, SmtpIdentity, SmtpTls, Template, hours};
use handoff::store::{RelayGap, Source, SourceConfig, SourceHealth};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Everything the settings screen shows for one workspace.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsView {
    /// The workspace's own settings.
    pub workspace: WorkspaceForm,
    /// Where handoffs come from.
    pub sources: Vec<SourceView>,
    /// Who replies come from, if set.
    pub smtp: Option<SmtpForm>,
    /// The HubSpot portal, if connected.
    pub hubspot: Option<HubspotView>,
    /// Why secrets cannot be kept right now (no keychain), if so.
    pub keychain_problem: Option<String>,
    /// Team mode: who this app is to teammates.
    pub team: super::TeamForm,
    /// The saved hours as a picture, and whether the workspace is open now.
    pub week: super::WeekView,
}

/// A workspace's editable settings.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkspaceForm {
    /// Its short name (read-only).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Monday first: each day's shifts, "09:00-12:00, 13:00-17:00" (a night
    /// shift "22:00-06:00" runs into the next day; "24:00" is midnight); empty: closed.
    pub hours: Vec<String>,
    /// Closed on these dates (YYYY-MM-DD).
    pub holidays: Vec<String>,
    /// The promise when a handoff states none ("within 4 business hours").
    pub default_promise: String,
    /// Who is alerted when a promise is about to break (an email address).
    pub backup_contact: String,
    /// The client this chatbot belongs to; a visitor's history spans the
    /// workspaces with the same client. Empty: this workspace alone.
    #[serde(default)]
    pub client: String,
    /// Remind this many business minutes before due (0: no reminder).
    pub reminder_before_minutes: u32,
    /// Alert the backup contact this many minutes before due (0: at due).
    pub backup_before_minutes: u32,
    /// Email the backup contact too.
    pub backup_email: bool,
    /// Suggest a second attempt after this many business days (0: never).
    pub second_attempt_after_days: u32,
    /// The first reply's template.
    pub reply_template: TemplateForm,
    /// The second attempt's template.
    pub second_template: TemplateForm,
}

/// One email template; `custom` is false while it is the built-in one.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TemplateForm {
    /// Subject line.
    pub subject: String,
    /// Plain-text body with {placeholders}.
    pub body: String,
    /// Whether it differs from the built-in template.
    pub custom: bool,
}

impl TemplateForm {
    fn new(own: Option<&Template>, builtin: &Template) -> TemplateForm {
        let t = own.unwrap_or(builtin);
        TemplateForm { subject: t.subject.clone(), body: t.body.clone(), custom: own.is_some() }
    }

    /// The template to keep: `None` when it is the built-in one.
    fn into_template(self, builtin: &Template) -> Option<Template> {
        let t = Template { subject: self.subject.trim().to_string(), body: self.body };
        let blank = t.subject.is_empty() && t.body.trim().is_empty();
        (!blank && t != *builtin).then_some(t)
    }
}

impl WorkspaceForm {
    /// The form for a workspace.
    pub fn new(w: &Workspace) -> WorkspaceForm {
        let f = &w.settings.follow_ups;
        let (reply, second) = builtin_templates();
        WorkspaceForm {
            slug: w.slug.clone(),
            name: w.name.clone(),
            time_zone: w.time_zone.clone(),
            hours: w.hours.days.iter().map(|shifts| hours::format_shifts(shifts)).collect(),
            holidays: w.hours.holidays.iter().map(|d| d.to_string()).collect(),
            default_promise: w.default_promise.clone().unwrap_or_default(),
            backup_contact: w.backup_contact.clone().unwrap_or_default(),
            client: w.settings.client.clone().unwrap_or_default(),
            reminder_before_minutes: f.reminder_before_minutes,
            backup_before_minutes: f.backup_before_minutes,
            backup_email: f.backup_email,
            second_attempt_after_days: f.second_attempt_after_days,
            reply_template: TemplateForm::new(w.settings.templates.reply.as_ref(), &reply),
            second_template: TemplateForm::new(w.settings.templates.second_attempt.as_ref(), &second),
        }
    }

    /// Apply the form to `w`, or say which field is wrong and how to write it.
    pub fn apply(self, w: &mut Workspace) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("the workspace needs a name.".into());
        }
        let zone = self.time_zone.trim();
        if zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "{zone:?} is not a time zone this app knows; use an IANA name such as \"Europe/Berlin\" or \"America/New_York\"."
            ));
        }
        if self.hours.len() != 7 {
            return Err("business hours need one line per weekday.".into());
        }
        let mut days: [Vec<(NaiveTime, NaiveTime)>; 7] = Default::default();
        for (i, text) in self.hours.iter().enumerate() {
            days[i] =
                hours::parse_shifts(text).map_err(|why| format!("{}'s hours: {why}", hours::WEEKDAYS[i]))?;
        }
        hours::check_week(&days).map_err(|e| format!("{e}."))?;
        let mut holidays = Vec::new();
        for d in self.holidays.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
            let date = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| format!("the holiday {d:?} is not a date; write it as 2026-12-25."))?;
            holidays.push(date);
        }
        holidays.sort_unstable();
        holidays.dedup();
        let promise = self.default_promise.trim();
        if !promise.is_empty() && handoff::promise::parse(promise).is_none() {
            return Err(format!(
                "cannot tell a time from the promise {promise:?}; write it like \"within 4 business hours\" or \"by the next business day\"."
            ));
        }
        let backup = self.backup_contact.trim();
        if !backup.is_empty() && !handoff::is_email_address(backup) {
            return Err(format!("the backup contact {backup:?} is not an email address."));
        }
        let (reply, second) = builtin_templates();
        w.name = name.to_string();
        w.time_zone = zone.to_string();
        w.hours = BusinessHours { days, holidays };
        w.default_promise = Some(promise.to_string()).filter(|p| !p.is_empty());
        w.backup_contact = Some(backup.to_string()).filter(|b| !b.is_empty());
        w.settings.client = Some(self.client.trim().to_string()).filter(|c| !c.is_empty());
        let f = &mut w.settings.follow_ups;
        f.reminder_before_minutes = self.reminder_before_minutes.min(24 * 60);
        f.backup_before_minutes = self.backup_before_minutes.min(24 * 60);
        f.backup_email = self.backup_email;
        f.second_attempt_after_days = self.second_attempt_after_days.min(60);
        w.settings.templates.reply = self.reply_template.into_template(&reply);
        w.settings.templates.second_attempt = self.second_template.into_template(&second);
        Ok(())
    }
}

fn builtin_templates() -> (Template, Template) {
    (handoff::reply::builtin_template(false), handoff::reply::builtin_template(true))
}

/// A source in the list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SourceView {
    /// Row id.
    #[ts(type = "number")]
    pub id: i64,
    /// Its name in the workspace.
    pub name: String,
    /// `imap` or `relay`.
    pub kind: String,
    /// Where it reads from, in words.
    pub describe: String,
    /// Whether the engine runs it.
    pub enabled: bool,
    /// Last time a sync completed.
    pub last_success_at: Option<String>,
    /// Last time one failed, and why.
    pub last_error_at: Option<String>,
    /// What went wrong, for people.
    pub last_error: Option<String>,
    /// Relay: retention gaps not yet acknowledged (events that expired on the
    /// relay before this app fetched them), one notice each, for people.
    pub gap_notices: Vec<String>,
    /// `google` or `microsoft` for a mailbox signed in with OAuth (the window
    /// offers "Sign in again"); `null` for a password or relay token.
    pub sign_in: Option<String>,
    /// The signed-in mailbox's address (empty without a sign-in).
    pub account: String,
}

impl SourceView {
    /// A source, its health and its unacknowledged retention gaps.
    pub fn new(s: &Source, h: SourceHealth, gaps: &[RelayGap]) -> SourceView {
        SourceView {
            id: s.id,
            name: s.name.clone(),
            kind: s.config.kind().to_string(),
            describe: s.config.describe(),
            enabled: s.enabled,
            last_success_at: h.last_success_at.map(time),
            last_error_at: h.last_error_at.map(time),
            last_error: h.last_error,
            gap_notices: gaps.iter().map(RelayGap::notice).collect(),
            sign_in: handoff::oauth::source_account(s).map(|(p, _, _)| p.as_str().to_string()),
            account: handoff::oauth::source_account(s).map(|(_, _, a)| a).unwrap_or_default(),
        }
    }
}

/// A new source.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SourceForm {
    /// Its name in the workspace ("support-inbox").
    pub name: String,
    /// `imap` or `relay`.
    pub kind: String,
    /// IMAP: the server.
    pub host: String,
    /// IMAP: the port (993 implicit TLS, 143 STARTTLS).
    pub port: u16,
    /// IMAP: `implicit`, `starttls` or `plain` (this machine only).
    pub tls: String,
    /// IMAP: the login.
    pub user: String,
    /// IMAP: the folder to watch.
    pub folder: String,
    /// IMAP: only messages from this sender (optional).
    pub from_filter: String,
    /// IMAP: only messages whose subject contains this (optional).
    pub subject_filter: String,
    /// Relay: its base URL.
    pub url: String,
}

impl SourceForm {
    /// The source's configuration, or what is wrong with the form.
    pub fn config(&self) -> Result<SourceConfig, String> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        match self.kind.as_str() {
            "imap" => {
                use handoff::ingest::imap::{ImapConfig, TlsMode};
                let tls = match self.tls.as_str() {
                    "implicit" => TlsMode::Implicit,
                    "starttls" => TlsMode::Starttls,
                    "plain" => TlsMode::Plain,
                    other => {
                        return Err(format!(
                            "{other:?} is not a connection security; pick one from the list."
                        ));
                    }
                };
                let (host, user) = (self.host.trim(), self.user.trim());
                if host.is_empty() || user.is_empty() {
                    return Err("an IMAP source needs the server and the login.".into());
                }
                let port =
                    if self.port == 0 { if tls == TlsMode::Implicit { 993 } else { 143 } } else { self.port };
                let mut c = ImapConfig::new(host, port, tls, user);
                c.folder = opt(&self.folder).unwrap_or_else(|| "INBOX".into());
                c.from_filter = opt(&self.from_filter);
                c.subject_filter = opt(&self.subject_filter);
                Ok(SourceConfig::Imap(c))
            }
            "relay" => {
                let url = self.url.trim();
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(format!("the relay address {url:?} must start with https://."));
                }
                Ok(SourceConfig::Relay(handoff::ingest::relay::RelayConfig::new(url)))
            }
            other => Err(format!("{other:?} is not a kind of source; use imap or relay.")),
        }
    }
}

/// A workspace's reply identity (the password stays in the keychain).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SmtpForm {
    /// Server host name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// `implicit`, `starttls` or `plain` (this machine only).
    pub tls: String,
    /// Login; empty for servers without AUTH.
    pub user: String,
    /// The From address.
    pub from_address: String,
    /// The From display name.
    pub from_name: String,
    /// Every reply is Bcc'd here (the shared mailbox); empty: none.
    pub bcc: String,
    /// `google` or `microsoft` when the identity signs in with OAuth; empty
    /// for a password (kept as it is when the form is saved).
    pub oauth: String,
}

impl SmtpForm {
    /// The form for an identity.
    pub fn new(id: &SmtpIdentity) -> SmtpForm {
        SmtpForm {
            host: id.host.clone(),
            port: id.port,
            tls: match id.tls {
                SmtpTls::Implicit => "implicit",
                SmtpTls::Starttls => "starttls",
                SmtpTls::Plain => "plain",
            }
            .into(),
            user: id.user.clone().unwrap_or_default(),
            from_address: id.from_address.clone(),
            from_name: id.from_name.clone().unwrap_or_default(),
            bcc: id.bcc.clone().unwrap_or_default(),
            oauth: id.oauth.map(|p| p.as_str().to_string()).unwrap_or_default(),
        }
    }

    /// The identity, or what is wrong with the form.
    pub fn identity(self) -> Result<SmtpIdentity, String> {
        let opt = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let tls = match self.tls.as_str() {
            "implicit" => SmtpTls::Implicit,
            "starttls" => SmtpTls::Starttls,
            "plain" => SmtpTls::Plain,
            other => return Err(format!("{other:?} is not a connection security; pick one from the list.")),
        };
        let port = if self.port == 0 { if tls == SmtpTls::Implicit { 465 } else { 587 } } else { self.port };
        if !handoff::is_email_address(self.from_address.trim()) {
            return Err(format!("the From address {:?} is not an email address.", self.from_address.trim()));
        }
        let bcc = opt(self.bcc);
        if let Some(b) = &bcc
            && !handoff::is_email_address(b)
        {
            return Err(format!("the Bcc address {b:?} is not an email address."));
        }
        Ok(SmtpIdentity {
            host: self.host.trim().to_string(),
            port,
            tls,
            user: opt(self.user),
            from_address: self.from_address.trim().to_string(),
            from_name: opt(self.from_name),
            bcc,
            oauth: provider(&self.oauth)?,
        })
    }
}

/// A sign-in provider from the window (`google`, `microsoft`; empty: none).
pub fn provider(name: &str) -> Result<Option<handoff::discover::OAuthProvider>, String> {
    use handoff::discover::OAuthProvider;
    match name.trim() {
        "" => Ok(None),
        "google" => Ok(Some(OAuthProvider::Google)),
        "microsoft" => Ok(Some(OAuthProvider::Microsoft)),
        other => Err(format!("{other:?} is not a sign-in this app knows; choose Google or Microsoft.")),
    }
}

/// A workspace's HubSpot portal.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HubspotForm {
    /// API base: https://api.hubapi.com for a real portal.
    pub base_url: String,
    /// Push every new handoff (or only on a click).
    pub auto_push: bool,
    /// Also set the contact's lead status to New.
    pub lead_status: bool,
    /// Requests per ten seconds the portal allows (100, 190 or 250).
    pub rate_per10s: u32,
}

/// The portal's connection and what went to it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HubspotView {
    /// The saved settings.
    pub form: HubspotForm,
    /// Why pushing is paused (a revoked token, a missing scope), if it is.
    pub stopped: Option<String>,
    /// When it was connected.
    pub connected_at: Option<String>,
    /// Handoffs by push state ("pushed", "queued", "failed", …).
    pub counts: Vec<PushCount>,
    /// Handoffs never pushed.
    pub unpushed: u32,
}

/// How many handoffs are in one push state.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PushCount {
    /// The state.
    pub state: String,
    /// How many.
    pub count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_shifts_are_kept_and_overlaps_are_named_by_day() {
        let store = handoff::Store::open_in_memory().ok();
        let new = handoff::store::NewWorkspace::new("night", "Night", "Europe/Berlin");
        let Some(mut w) = store.and_then(|s| s.create_workspace(&new).ok()) else {
            panic!("an in-memory workspace")
        };
        let mut form = WorkspaceForm::new(&w);
        form.hours[4] = "09:00-17:00, 22:00–06:00".into();
        form.hours[6] = "18:00-24:00".into();
        assert_eq!(form.clone().apply(&mut w), Ok(()));
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
        assert_eq!(w.hours.days[4], vec![(t(9), t(17)), (t(22), t(6))]);
        let back = WorkspaceForm::new(&w);
        assert_eq!(
            (back.hours[4].as_str(), back.hours[6].as_str()),
            ("09:00-17:00, 22:00-06:00", "18:00-24:00")
        );
        let mut bad = back.clone();
        bad.hours[5] = "05:00-12:00".into();
        let err = bad.apply(&mut w).err().unwrap_or_default();
        assert!(err.contains("Friday") && err.contains("Saturday"), "{err}");
        let mut bad = back;
        bad.hours[0] = "09:00-13:00, 12:00-17:00".into();
        let err = bad.apply(&mut w).err().unwrap_or_default();
        assert!(err.contains("Monday's shifts 09:00-13:00 and 12:00-17:00 overlap"), "{err}");
    }

    #[test]
    fn a_workspace_survives_its_form_and_bad_fields_are_named() {
        let store = handoff::Store::open_in_memory().ok();
        let mut new = handoff::store::NewWorkspace::new("acme", "Acme", "Europe/Berlin");
        new.default_promise = Some("within 4 business hours".into());
        let Some(mut w) = store.and_then(|s| s.create_workspace(&new).ok()) else {
            panic!("an in-memory workspace")
        };
        let form = WorkspaceForm::new(&w);
        let before = w.clone();
        assert!(form.clone().apply(&mut w).is_ok());
        assert_eq!(w, before, "an untouched form changes nothing (built-in templates stay built-in)");

        let mut bad = form.clone();
        bad.hours[2] = "9 to 5".into();
        let err = bad.apply(&mut w).err().unwrap_or_default();
        assert!(err.starts_with("Wednesday's hours"), "{err}");

        let mut bad = form.clone();
        bad.time_zone = "Mars/Olympus".into();
        assert!(bad.apply(&mut w).err().unwrap_or_default().contains("time zone"));

        let mut custom = form;
        custom.reply_template.subject = "About your question on {page}".into();
        custom.holidays = vec!["2026-12-25".into(), "2026-12-24".into(), "2026-12-25".into()];
        assert!(custom.apply(&mut w).is_ok());
        assert_eq!(
            w.settings.templates.reply.as_ref().map(|t| t.subject.as_str()),
            Some("About your question on {page}")
        );
        assert_eq!(w.hours.holidays.len(), 2);
        assert!(w.hours.holidays[0] < w.hours.holidays[1]);
    }
}
