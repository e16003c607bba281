//! Settings: a workspace's hours, promise, follow-ups and templates; its
//! sources, reply identity and HubSpot portal. Connections are checked
//! against their servers before anything is saved (`handoff::connect`, as
//! the CLI does); passwords and tokens go to the OS keychain only.

use crate::error::{AppError, CmdResult};
use crate::state::{Db, Outbox};
use crate::views::{
    HubspotForm, HubspotView, PromiseAnswer, PromiseTry, PushCount, SettingsView, SmtpForm, SourceForm,
    SourceView, WorkspaceForm, WorkspaceSummary, time,
};
use handoff::Store;
use handoff::connect;
use handoff::model::HubspotSettings;
use handoff::secrets::Keychain;
use handoff::store::NewWorkspace;

fn invalid(message: String) -> AppError {
    AppError::invalid(message)
}

fn keychain() -> CmdResult<Keychain> {
    Ok(Keychain::open()?)
}

/// Run `f` with the store and the keychain on a blocking thread (opening the
/// keychain talks to D-Bus).
async fn with_keychain<T: Send + 'static>(
    db: &Db,
    f: impl FnOnce(&mut Store, CmdResult<Keychain>) -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    let db = db.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let keychain = keychain();
        db.with(|s| f(s, keychain))
    })
    .await
    .map_err(AppError::task)?
}

/// The settings screen for one workspace.
pub(crate) fn view(s: &Store, slug: &str) -> handoff::Result<SettingsView> {
    let ws = s.require_workspace(slug)?;
    let mut sources = Vec::new();
    for src in s.sources()?.into_iter().filter(|src| src.workspace_id == ws.id) {
        let health = s.health(src.id)?;
        let gaps = s.open_relay_gaps(src.id)?;
        sources.push(SourceView::new(&src, health, &gaps));
    }
    let hubspot = match &ws.settings.hubspot {
        Some(h) => {
            let portal = s.hubspot_portal(ws.id)?;
            Some(HubspotView {
                form: HubspotForm {
                    base_url: h.base_url.clone(),
                    auto_push: h.auto_push,
                    lead_status: h.lead_status,
                    rate_per10s: h.rate_per_10s,
                },
                stopped: portal.as_ref().and_then(|p| p.stopped.clone()),
                connected_at: portal.map(|p| time(p.connected_at)),
                counts: s
                    .push_counts(ws.id)?
                    .into_iter()
                    .map(|(state, n)| PushCount { state, count: n.max(0) as u32 })
                    .collect(),
                unpushed: s.unpushed(ws.id)?.len() as u32,
            })
        }
        None => None,
    };
    Ok(SettingsView {
        workspace: WorkspaceForm::new(&ws),
        sources,
        smtp: ws.settings.smtp.as_ref().map(SmtpForm::new),
        hubspot,
        keychain_problem: None,
        team: crate::views::TeamForm::new(&ws),
        week: crate::views::WeekView::new(&ws, chrono::Utc::now()),
    })
}

/// The settings of workspace `slug`.
#[tauri::command]
pub async fn settings(db: tauri::State<'_, Db>, workspace: String) -> CmdResult<SettingsView> {
    let keychain_problem =
        tauri::async_runtime::spawn_blocking(|| Keychain::open().err().map(|e| e.to_string()))
            .await
            .ok()
            .flatten();
    let mut v = db.run(move |s| view(s, &workspace)).await?;
    v.keychain_problem = keychain_problem;
    Ok(v)
}

/// Save a workspace's own settings.
#[tauri::command]
pub async fn save_workspace(db: tauri::State<'_, Db>, form: WorkspaceForm) -> CmdResult<SettingsView> {
    db.run_app(move |s| {
        let mut ws = s.require_workspace(&form.slug)?;
        form.apply(&mut ws).map_err(invalid)?;
        s.update_workspace(&ws)?;
        Ok(view(s, &ws.slug)?)
    })
    .await
}

/// "Try a promise": when `attempt` would be due on the hours in `form` (as
/// edited, not yet saved), with its reminder and how it was read.
#[tauri::command]
pub async fn try_promise(
    db: tauri::State<'_, Db>,
    form: WorkspaceForm,
    attempt: PromiseTry,
) -> CmdResult<PromiseAnswer> {
    db.run_app(move |s| {
        let mut ws = s.require_workspace(&form.slug)?;
        form.apply(&mut ws).map_err(invalid)?;
        attempt.answer(&ws, chrono::Utc::now()).map_err(invalid)
    })
    .await
}

/// A new, empty workspace (one per client chatbot).
#[tauri::command]
pub async fn create_workspace(
    db: tauri::State<'_, Db>,
    slug: String,
    name: String,
    time_zone: String,
) -> CmdResult<WorkspaceSummary> {
    db.run(move |s| {
        let slug = slug.trim().to_lowercase();
        let name = if name.trim().is_empty() { slug.clone() } else { name.trim().to_string() };
        let w = s.create_workspace(&NewWorkspace::new(&slug, &name, time_zone.trim()))?;
        Ok(WorkspaceSummary {
            slug: w.slug,
            name: w.name,
            time_zone: w.time_zone,
            handoffs: 0,
            open: 0,
            overdue: 0,
        })
    })
    .await
}

/// Add an IMAP mailbox or a relay channel, after logging in with `secret`.
#[tauri::command]
pub async fn add_source(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    workspace: String,
    form: SourceForm,
    secret: String,
) -> CmdResult<SettingsView> {
    let v = with_keychain(&db, move |s, keychain| {
        let config = form.config().map_err(invalid)?;
        let ws = s.require_workspace(&workspace)?;
        connect::add_source(s, &keychain?, &ws, form.name.trim(), config, &secret, true)?;
        Ok(view(s, &workspace)?)
    })
    .await?;
    outbox.reload_sources();
    Ok(v)
}

/// Log in to a saved source with its saved secret; says what it found.
#[tauri::command]
pub async fn test_source(db: tauri::State<'_, Db>, id: i64) -> CmdResult<String> {
    with_keychain(&db, move |s, keychain| {
        let source = s.source(id)?;
        connect::test_source(&keychain?, &source)?;
        Ok(format!("{} answered: the login works ({}).", source.name, source.config.describe()))
    })
    .await
}

/// Replace a source's password or token (checked first).
#[tauri::command]
pub async fn set_source_secret(db: tauri::State<'_, Db>, id: i64, secret: String) -> CmdResult<SettingsView> {
    with_keychain(&db, move |s, keychain| {
        let source = s.source(id)?;
        connect::replace_source_secret(&keychain?, &source, &secret, true)?;
        Ok(view(s, &source.workspace_slug)?)
    })
    .await
}

/// Turn a source on or off.
#[tauri::command]
pub async fn set_source_enabled(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    id: i64,
    enabled: bool,
) -> CmdResult<SettingsView> {
    let v = db
        .run(move |s| {
            s.set_source_enabled(id, enabled)?;
            let source = s.source(id)?;
            view(s, &source.workspace_slug)
        })
        .await?;
    outbox.reload_sources();
    Ok(v)
}

/// Acknowledge a relay source's retention-gap notices (they stop being shown).
#[tauri::command]
pub async fn acknowledge_source_gaps(db: tauri::State<'_, Db>, id: i64) -> CmdResult<SettingsView> {
    db.run(move |s| {
        s.acknowledge_relay_gaps(id, chrono::Utc::now())?;
        let source = s.source(id)?;
        view(s, &source.workspace_slug)
    })
    .await
}

/// Remove a source and its secret (its handoffs stay).
#[tauri::command]
pub async fn remove_source(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    id: i64,
) -> CmdResult<SettingsView> {
    let v = with_keychain(&db, move |s, keychain| {
        let source = s.source(id)?;
        connect::remove_source(s, keychain.ok().as_ref(), &source)?;
        Ok(view(s, &source.workspace_slug)?)
    })
    .await?;
    outbox.reload_sources();
    Ok(v)
}

/// Save the reply identity after a login check. `password`: empty keeps the saved one.
#[tauri::command]
pub async fn save_smtp(
    db: tauri::State<'_, Db>,
    workspace: String,
    form: SmtpForm,
    password: Option<String>,
) -> CmdResult<SettingsView> {
    with_keychain(&db, move |s, keychain| {
        let identity = form.identity().map_err(invalid)?;
        let password = password.filter(|p| !p.is_empty());
        let keychain = match (&identity.user, keychain) {
            (None, _) => None,
            (Some(_), k) => Some(k?),
        };
        connect::set_smtp(s, keychain.as_ref(), &workspace, identity, password.as_deref(), true)?;
        Ok(view(s, &workspace)?)
    })
    .await
}

/// Log in to the saved SMTP server; says what it found.
#[tauri::command]
pub async fn test_smtp(db: tauri::State<'_, Db>, workspace: String) -> CmdResult<String> {
    with_keychain(&db, move |s, keychain| {
        let id = connect::test_smtp(s, keychain.ok().as_ref(), &workspace)?;
        Ok(match id.user {
            Some(u) => format!("{}:{} accepts the login for {u}.", id.host, id.port),
            None => format!("{}:{} answers (no login needed).", id.host, id.port),
        })
    })
    .await
}

/// Connect (or reconnect) the HubSpot portal. `token`: empty keeps the saved one.
#[tauri::command]
pub async fn connect_hubspot(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    workspace: String,
    form: HubspotForm,
    token: Option<String>,
) -> CmdResult<SettingsView> {
    let v = with_keychain(&db, move |s, keychain| {
        let settings = HubspotSettings {
            base_url: form.base_url,
            auto_push: form.auto_push,
            lead_status: form.lead_status,
            rate_per_10s: form.rate_per10s,
        };
        let token = token.filter(|t| !t.trim().is_empty());
        connect::connect_hubspot(
            s,
            &keychain?,
            &workspace,
            settings,
            token.as_deref().map(str::trim),
            handoff::hubspot::worker::PushOptions::default(),
        )?;
        Ok(view(s, &workspace)?)
    })
    .await?;
    outbox.kick();
    Ok(v)
}

/// Disconnect the HubSpot portal and forget its token.
#[tauri::command]
pub async fn disconnect_hubspot(db: tauri::State<'_, Db>, workspace: String) -> CmdResult<SettingsView> {
    with_keychain(&db, move |s, keychain| {
        connect::disconnect_hubspot(s, keychain.ok().as_ref(), &workspace)?;
        Ok(view(s, &workspace)?)
    })
    .await
}

/// Queue every handoff of the workspace that is not in HubSpot yet.
#[tauri::command]
pub async fn push_all_pending(
    db: tauri::State<'_, Db>,
    outbox: tauri::State<'_, Outbox>,
    workspace: String,
) -> CmdResult<SettingsView> {
    let v = db
        .run(move |s| {
            let ws = s.require_workspace(&workspace)?;
            super::handoff::require_portal(s, &ws)?;
            let ids = s.unpushed(ws.id)?;
            s.queue_pushes(&ids, chrono::Utc::now())?;
            view(s, &workspace)
        })
        .await?;
    outbox.kick();
    Ok(v)
}
