//! Privacy in the window: erasing a visitor (what will go, asked before it
//! goes), a workspace's retention and redaction, the automatic backup, and
//! whether the data file is encrypted.

use super::time;
use handoff::store::{ErasureCounts, ErasurePlan};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What erasing a handoff's visitor removes: shown for confirmation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ErasePlanView {
    /// Who: "everyone with dana@example.com", "the phone +1 555 0100", "this handoff".
    pub who: String,
    /// The handoffs, one line each: "#12 · acme · 2026-11-20 · Do you ship to…".
    pub handoffs: Vec<String>,
    /// What else goes with them, one line each ("14 transcript lines").
    pub rows: Vec<String>,
    /// What stays (older backups, HubSpot's copy).
    pub stays: Vec<String>,
}

fn rows(c: &ErasureCounts) -> Vec<String> {
    [
        (c.messages, "transcript lines"),
        (c.raw_originals, "raw originals (the email or webhook as received)"),
        (c.events, "timeline events"),
        (c.replies, "emails written to them"),
        (c.outbox_jobs, "outbox jobs"),
        (c.promises_and_follow_ups, "promises and follow-ups"),
        (c.hubspot_records, "HubSpot push records"),
        (c.gap_embeddings, "gap checklist entries"),
        (c.gap_items, "gap checklist items that list them"),
        (c.team_records, "team claims and answers"),
        (c.skipped_events, "set-aside platform events that mention them"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect()
}

impl ErasePlanView {
    /// The plan in words.
    pub fn new(who: String, plan: &ErasurePlan) -> ErasePlanView {
        let handoffs = plan
            .handoffs
            .iter()
            .map(|h| {
                let q: String = h.question.as_deref().unwrap_or("").chars().take(60).collect();
                format!("#{} · {} · {} · {}", h.id, h.workspace, h.received_at.format("%Y-%m-%d"), q)
            })
            .collect();
        let mut stays =
            vec!["Backups made before now still hold them until they are rotated out.".to_string()];
        if plan.counts.hubspot_records > 0 {
            stays.push("The contact and notes already in HubSpot stay there: delete them in HubSpot.".into());
        }
        ErasePlanView { who, handoffs, rows: rows(&plan.counts), stays }
    }
}

/// A workspace's retention and redaction, as the form edits them.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrivacyForm {
    /// Raw originals go this many days after arrival (0: kept).
    pub raw_days: u32,
    /// Closed handoffs' personal data goes this many months after closing (0: kept).
    pub handoff_months: u32,
    /// Mask phones, cards, IBANs and emails in what leaves the machine.
    pub redact: bool,
}

/// The automatic backup, as the form edits it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupForm {
    /// Once a day while the app runs.
    pub daily: bool,
    /// How many to keep.
    pub keep: u32,
}

/// The privacy section of Settings.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrivacyView {
    /// This workspace's retention and redaction.
    pub form: PrivacyForm,
    /// The data file's automatic backup.
    pub backup: BackupForm,
    /// Where the automatic backups go.
    pub backup_folder: Option<String>,
    /// The newest automatic backup, RFC 3339, if any.
    pub last_backup: Option<String>,
    /// The data file is encrypted at rest (SQLCipher, key in the keychain).
    pub encrypted: bool,
    /// The data file.
    pub path: String,
}

impl PrivacyView {
    /// The view of `ws` in `store`.
    pub fn new(store: &handoff::Store, ws: &handoff::Workspace) -> handoff::Result<PrivacyView> {
        let p = &ws.settings.privacy;
        let b = store.backup_settings()?;
        let folder = store.backup_folder()?;
        let last_backup = folder.as_ref().and_then(|f| {
            std::fs::read_dir(f)
                .ok()?
                .filter_map(|e| e.ok()?.metadata().ok()?.modified().ok())
                .max()
                .map(|t| time(chrono::DateTime::<chrono::Utc>::from(t)))
        });
        Ok(PrivacyView {
            form: PrivacyForm { raw_days: p.raw_days, handoff_months: p.handoff_months, redact: p.redact },
            backup: BackupForm { daily: b.daily, keep: b.keep },
            backup_folder: folder.map(|f| f.display().to_string()),
            last_backup,
            encrypted: store.encrypted(),
            path: store.path().map(|p| p.display().to_string()).unwrap_or_default(),
        })
    }
}
