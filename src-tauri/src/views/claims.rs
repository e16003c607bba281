//! Team mode in the window: who has a handoff, who answered it, what to tell
//! someone about to answer, and the form that says who this app is.

use super::time;
use chrono::{DateTime, Utc};
use handoff::Workspace;
use handoff::model::TeamSettings;
use handoff::store::TeamState;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The team's view of one handoff.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TeamView {
    /// Team mode is on in the handoff's workspace.
    pub enabled: bool,
    /// This app's teammate ("Dana"), when team mode is on.
    pub me: Option<String>,
    /// Who has it, if anyone.
    pub claim: Option<ClaimView>,
    /// Replies sent by anyone on the team, oldest first.
    pub answers: Vec<AnswerView>,
    /// What to tell this teammate before they answer, if anything.
    pub warning: Option<String>,
}

/// A claim on a handoff.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ClaimView {
    /// Name, or the address when there is none.
    pub by: String,
    /// The teammate's address.
    pub email: String,
    /// When claimed (ours) or first seen (a teammate's), RFC 3339.
    pub at: String,
    /// It is this app's teammate.
    pub mine: bool,
    /// Ours and not on the shared server yet.
    pub pending: bool,
    /// The last thing to say about it (lost a race, not shared yet and why, kept local).
    pub note: Option<String>,
    /// Older than the workspace's limit with no answer since.
    pub stale: bool,
}

/// A reply someone on the team sent.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnswerView {
    /// Name, or the address.
    pub by: String,
    /// When, RFC 3339.
    pub at: String,
    /// This app sent it.
    pub mine: bool,
}

impl TeamView {
    /// The view of `state` for a handoff of `ws` at `now`.
    pub fn new(state: &TeamState, ws: &Workspace, now: DateTime<Utc>) -> TeamView {
        let me = handoff::team::identity(ws);
        let stale = handoff::team::is_stale(state, ws, now);
        TeamView {
            enabled: me.is_some(),
            me: me.as_ref().map(|m| m.label().to_string()),
            claim: state.claim.as_ref().map(|c| ClaimView {
                by: c.by.label().to_string(),
                email: c.by.email.clone(),
                at: time(c.at),
                mine: c.mine,
                pending: c.pending.is_some(),
                note: c.note.clone(),
                stale: stale && !c.mine,
            }),
            answers: state
                .answers
                .iter()
                .map(|a| AnswerView { by: a.by.label().to_string(), at: time(a.at), mine: a.mine })
                .collect(),
            warning: handoff::team::warning(state, me.as_ref(), ws, now),
        }
    }
}

/// Team mode for one workspace, as the settings screen edits it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TeamForm {
    /// Share claims and answers with teammates.
    pub enabled: bool,
    /// Name teammates see; blank: the reply identity's name.
    pub name: String,
    /// Address teammates know you by; blank: the reply identity's From.
    pub email: String,
    /// A teammate's claim older than this without a reply shows as stale.
    pub stale_after_minutes: u32,
    /// Also read teammates' replies from this folder of the shared mailbox ("Sent"); blank: Bcc only.
    pub sent_folder: String,
}

impl TeamForm {
    /// The form for `ws`.
    pub fn new(ws: &Workspace) -> TeamForm {
        let t = ws.settings.team.clone();
        let d = t.clone().unwrap_or_default();
        TeamForm {
            enabled: t.is_some(),
            name: d.name,
            email: d.email,
            stale_after_minutes: d.stale_after_minutes,
            sent_folder: d.sent_folder.unwrap_or_default(),
        }
    }

    /// The settings it stands for; says which field is wrong.
    pub fn settings(&self, ws: &Workspace) -> Result<Option<TeamSettings>, String> {
        if !self.enabled {
            return Ok(None);
        }
        let email = self.email.trim().to_string();
        if !email.is_empty() && !email.contains('@') {
            return Err(format!("Team address: {email:?} is not an email address"));
        }
        let t = TeamSettings {
            name: self.name.trim().to_string(),
            email,
            stale_after_minutes: self.stale_after_minutes.clamp(1, 60 * 24 * 14),
            sent_folder: Some(self.sent_folder.trim().to_string()).filter(|f| !f.is_empty()),
            // Not on the form: kept as set (CLI or the data file), else the default.
            sent_poll_seconds: ws
                .settings
                .team
                .as_ref()
                .map_or(handoff::model::SENT_POLL_SECONDS, |t| t.sent_poll_seconds),
        };
        let mut probe = ws.clone();
        probe.settings.team = Some(t.clone());
        if handoff::team::identity(&probe).is_none() {
            return Err("Team address: say who you are to teammates (or set a reply identity first)".into());
        }
        Ok(Some(t))
    }
}
