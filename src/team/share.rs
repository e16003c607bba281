//! Getting our claims and answers to the shared server, and teammates' back.
//!
//! Claims and releases are written to the store first ([`Store::claim_handoff`]),
//! then sent: at once by [`claim`] / [`release`] when the server is
//! reachable, else by the engine on its next round ([`push_pending`],
//! [`sync_relay`]). Each send settles the row ([`Store::settle_claim`]), so a
//! claim is never lost and never sent twice after it stuck.
//!
//! The local copy may be stale (no engine running: the CLI, a window just
//! opened), so [`claim`] and the check before a reply first ask the server who
//! holds the handoff now ([`check`]); the conditional claim itself decides races.

use crate::error::{Error, Result};
use crate::ingest::imap::{Canceller, ImapConfig, Mailbox};
use crate::ingest::relay::{RelayClient, TeamRecord};
use crate::model::SourceKind;
use crate::secrets::Keychain;
use crate::store::{
    ClaimOp, LostClaim, SeenAnswer, SeenClaim, Settled, Source, SourceConfig, Store, TeamState, Teammate,
};
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::not_yet;

/// Claim a handoff for this app's teammate and share it now if the server is
/// reachable: who holds it is read from the server first ([`check`]), so a
/// claim a teammate released there is no obstacle and one they took there is.
/// Returns the team's view after.
pub async fn claim(db: &Path, keychain: Option<&Keychain>, handoff_id: i64) -> Result<TeamState> {
    check(db, keychain, handoff_id).await?;
    record_then_push(db, keychain, handoff_id, move |store, ws| {
        let me = super::identity(ws).ok_or_else(|| {
            Error::Invalid(format!(
                "team mode is off in {}: turn it on in Settings → Team (your name and address) to claim handoffs",
                ws.name
            ))
        })?;
        store.claim_handoff(handoff_id, &me, Utc::now()).map(drop)
    })
    .await
}

/// Release our claim on a handoff and share that now if the server is reachable.
pub async fn release(db: &Path, keychain: Option<&Keychain>, handoff_id: i64) -> Result<TeamState> {
    record_then_push(db, keychain, handoff_id, move |store, _| {
        store.release_handoff(handoff_id, Utc::now()).map(drop)
    })
    .await
}

/// Read who holds `handoff_id` on the shared server now into the store (a
/// teammate's claim or release this app has not seen yet). Best effort:
/// returns whether the server answered; offline, the local copy stands and
/// the queued claim settles the question when it is sent.
pub async fn check(db: &Path, keychain: Option<&Keychain>, handoff_id: i64) -> Result<bool> {
    let db2 = db.to_path_buf();
    let found = blocking(move || {
        let store = Store::open(&db2)?;
        let Some(h) = store.handoff(handoff_id)? else { return Ok(None) };
        let ws = store.workspace_by_id(h.workspace_id)?;
        let source = store.sources()?.into_iter().find(|s| {
            s.workspace_id == h.workspace_id
                && s.enabled
                && matches!(
                    (&s.config, h.source),
                    (SourceConfig::Imap(_), SourceKind::Imap) | (SourceConfig::Relay(_), SourceKind::Relay)
                )
        });
        Ok(source.map(|s| (s, h.message_id.clone(), ws.as_ref().and_then(super::identity))))
    })
    .await?;
    let Some((source, message_id, me)) = found else { return Ok(false) };
    let Some(kc) = keychain else { return Ok(false) };
    // Blocking: the keychain, and for an OAuth source perhaps a token refresh.
    let (kc2, source2) = (kc.clone(), source.clone());
    let Ok(secret) = blocking(move || Ok(crate::oauth::source_secret(&kc2, &source2))).await? else {
        return Ok(false);
    };
    match &source.config {
        SourceConfig::Imap(config) => {
            let Some(message_id) = message_id else { return Ok(false) };
            let (db2, config) = (db.to_path_buf(), config.clone());
            blocking(move || {
                let Ok(mut mailbox) = Mailbox::connect(&config, &secret, &Canceller::default()) else {
                    return Ok(false);
                };
                let seen = mailbox.claim_on_server(&message_id);
                mailbox.logout();
                let Ok(Some(holder)) = seen else { return Ok(false) };
                let mut store = Store::open(&db2)?;
                store.apply_seen_claims(
                    &[SeenClaim { handoff_id, holder, at: None }],
                    me.as_ref(),
                    Utc::now(),
                )?;
                Ok(true)
            })
            .await
        }
        SourceConfig::Relay(config) => {
            let Ok(client) = RelayClient::new(config, &secret) else { return Ok(false) };
            Ok(sync_relay(db, &client, source.id, source.workspace_id, Duration::ZERO).await.is_ok())
        }
    }
}

/// Record a claim change in the store (`change`), send what it queued, and
/// return the handoff's team state after.
async fn record_then_push(
    db: &Path,
    keychain: Option<&Keychain>,
    id: i64,
    change: impl FnOnce(&mut Store, &crate::model::Workspace) -> Result<()> + Send + 'static,
) -> Result<TeamState> {
    let db2 = db.to_path_buf();
    let ws_id = blocking(move || {
        let mut store = Store::open(&db2)?;
        let h = store.handoff(id)?.ok_or(Error::NoSuchHandoff(id))?;
        let ws = store.workspace_by_id(h.workspace_id)?.ok_or(Error::NoSuchHandoff(id))?;
        change(&mut store, &ws)?;
        Ok(ws.id)
    })
    .await?;
    push_pending(db, keychain, ws_id).await?;
    let db2 = db.to_path_buf();
    blocking(move || Store::open(&db2)?.team_state(id)).await
}

/// Send a workspace's queued claims, releases and relay answers to each of
/// its enabled sources. Failures stay queued with a note; only a broken
/// database is an error.
pub async fn push_pending(db: &Path, keychain: Option<&Keychain>, workspace_id: i64) -> Result<()> {
    let db2 = db.to_path_buf();
    let sources: Vec<Source> = blocking(move || {
        Ok(Store::open(&db2)?
            .sources()?
            .into_iter()
            .filter(|s| s.workspace_id == workspace_id && s.enabled)
            .collect())
    })
    .await?;
    // Claims no source of the workspace can carry (imported handoffs, or no
    // mailbox/relay set up) are settled as kept here, with the reason.
    let kinds: Vec<SourceKind> = sources
        .iter()
        .map(|s| match s.config {
            SourceConfig::Imap(_) => SourceKind::Imap,
            SourceConfig::Relay(_) => SourceKind::Relay,
        })
        .collect();
    let db2 = db.to_path_buf();
    blocking(move || {
        let mut store = Store::open(&db2)?;
        for kind in [SourceKind::Imap, SourceKind::Relay, SourceKind::Import, SourceKind::Demo] {
            if kinds.contains(&kind) {
                continue;
            }
            let why = match kind {
                SourceKind::Imap => "no shared mailbox is set up for this workspace, so teammates cannot see this claim",
                SourceKind::Relay => "no relay channel is set up for this workspace, so teammates cannot see this claim",
                SourceKind::Import | SourceKind::Demo => {
                    "this handoff was imported from a file, so there is no shared message to mark; the claim is kept on this computer"
                }
            };
            store.settle_all(workspace_id, kind, &Settled::LocalOnly(why.into()), Utc::now())?;
        }
        Ok(())
    })
    .await?;
    for source in sources {
        let (kc2, source2) = (keychain.cloned(), source.clone());
        let secret = blocking(move || {
            Ok(match kc2 {
                Some(kc) => crate::oauth::source_secret(&kc, &source2).map_err(|e| e.to_string()),
                None => Err("no keychain is open".to_string()),
            })
        })
        .await?;
        match &source.config {
            SourceConfig::Imap(config) => {
                let (db2, config) = (db.to_path_buf(), config.clone());
                blocking(move || push_imap_now(&db2, &config, secret, workspace_id)).await?;
            }
            SourceConfig::Relay(config) => match secret {
                Ok(token) => match RelayClient::new(config, &token) {
                    Ok(client) => drop(push_relay(db, &client, workspace_id).await?),
                    Err(e) => fail_all(db, workspace_id, SourceKind::Relay, &not_yet(e)).await?,
                },
                Err(e) => fail_all(db, workspace_id, SourceKind::Relay, &not_yet(e)).await?,
            },
        }
    }
    Ok(())
}

async fn fail_all(db: &Path, workspace_id: i64, kind: SourceKind, note: &str) -> Result<()> {
    let (db, note) = (db.to_path_buf(), note.to_string());
    blocking(move || Store::open(&db)?.settle_all(workspace_id, kind, &Settled::Failed(note), Utc::now()))
        .await
}

/// A fresh connection for the queued IMAP claims of a workspace.
fn push_imap_now(
    db: &Path,
    config: &ImapConfig,
    secret: std::result::Result<String, String>,
    workspace_id: i64,
) -> Result<()> {
    let mut store = Store::open(db)?;
    let pending = store.pending_claims(workspace_id, SourceKind::Imap)?;
    if pending.is_empty() {
        return Ok(());
    }
    let connected =
        secret.and_then(|pw| Mailbox::connect(config, &pw, &Canceller::default()).map_err(|e| e.to_string()));
    match connected {
        Ok(mut mailbox) => {
            let pushed = super::mailbox::push_claims(&mut mailbox, &mut store, &pending).map(drop);
            mailbox.logout();
            if let Err(e) = pushed {
                store.settle_all(workspace_id, SourceKind::Imap, &Settled::Failed(not_yet(e)), Utc::now())?;
            }
        }
        Err(e) => {
            store.settle_all(workspace_id, SourceKind::Imap, &Settled::Failed(not_yet(e)), Utc::now())?
        }
    }
    Ok(())
}

fn holder(r: &TeamRecord) -> Option<Teammate> {
    r.claim.as_ref().map(|c| Teammate { name: c.by_name.clone(), email: c.by_email.clone() })
}

/// Send queued relay claims, releases and answers of a workspace. Returns
/// the claims a teammate had already taken.
pub async fn push_relay(db: &Path, client: &RelayClient, workspace_id: i64) -> Result<Vec<LostClaim>> {
    let db2 = db.to_path_buf();
    let (pending, answers) = blocking(move || {
        let store = Store::open(&db2)?;
        Ok((store.pending_claims(workspace_id, SourceKind::Relay)?, store.unshared_answers(workspace_id)?))
    })
    .await?;
    let mut settled = Vec::with_capacity(pending.len());
    for p in pending {
        let how = match p.op {
            ClaimOp::Claim => match client.claim(&p.source_key, &p.by.name, &p.by.email).await {
                Ok(o) if o.won => Settled::Shared,
                Ok(o) => match holder(&o.record) {
                    Some(h) => Settled::Lost { holder: h, at: o.record.claim.as_ref().map(|c| c.at) },
                    None => Settled::Failed("the relay refused the claim without saying who holds it".into()),
                },
                Err(e) => Settled::Failed(not_yet(e)),
            },
            ClaimOp::Release => match client.release(&p.source_key, &p.by.email).await {
                Ok(_) => Settled::Shared,
                Err(e) => Settled::Failed(not_yet(e)),
            },
        };
        settled.push((p, how));
    }
    let mut shared_answers = Vec::new();
    for (key, a) in answers {
        if client.answered(&key, &a.by.name, &a.by.email, Some(&a.message_id)).await.is_ok() {
            shared_answers.push(a);
        }
    }
    let db2 = db.to_path_buf();
    blocking(move || {
        let mut store = Store::open(&db2)?;
        let mut lost = Vec::new();
        for (p, how) in &settled {
            lost.extend(store.settle_claim(p, how, Utc::now())?);
        }
        for a in &shared_answers {
            store.answer_shared(a.handoff_id, &a.message_id)?;
        }
        Ok(lost)
    })
    .await
}

/// One round with the relay's team records: send ours, then read the
/// changes after the source's team cursor (long-polling up to `wait`).
/// Returns the handoffs whose claim or answers changed here, and our claims
/// a teammate had already taken.
pub async fn sync_relay(
    db: &Path,
    client: &RelayClient,
    source_id: i64,
    workspace_id: i64,
    wait: Duration,
) -> Result<(Vec<i64>, Vec<LostClaim>)> {
    let lost = push_relay(db, client, workspace_id).await?;
    let db2 = db.to_path_buf();
    let (after, me) = blocking(move || {
        let store = Store::open(&db2)?;
        let after = store.team_cursor(source_id)?.map_or(0, |(_, p)| p);
        let me = store.workspace_by_id(workspace_id)?.as_ref().and_then(super::identity);
        Ok((after, me))
    })
    .await?;
    let page = client.team_changes(after, wait).await.map_err(|e| Error::Invalid(e.to_string()))?;
    if page.records.is_empty() && page.next == after {
        return Ok((Vec::new(), lost));
    }
    let db2: PathBuf = db.to_path_buf();
    blocking(move || {
        let mut store = Store::open(&db2)?;
        let mut seen = Vec::new();
        let mut changed = Vec::new();
        for r in &page.records {
            let Some(handoff_id) = store.handoff_by_key(workspace_id, &r.key)? else { continue };
            seen.push(SeenClaim { handoff_id, holder: holder(r), at: r.claim.as_ref().map(|c| c.at) });
            if let Some(a) = &r.answered {
                let by = Teammate { name: a.by_name.clone(), email: a.by_email.clone() };
                let mine = me.as_ref().is_some_and(|m| m.same(&by));
                let answer = SeenAnswer {
                    handoff_id,
                    message_id: a.message_id.clone().unwrap_or_else(|| format!("relay:{}", r.key)),
                    by,
                    at: a.at,
                };
                if store.record_answer(&answer, mine, true)? {
                    changed.push(handoff_id);
                }
            }
        }
        changed.extend(store.apply_seen_claims(&seen, me.as_ref(), Utc::now())?);
        store.set_team_cursor(source_id, None, page.next)?;
        changed.sort_unstable();
        changed.dedup();
        Ok(changed)
    })
    .await
    .map(|changed| (changed, lost))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Invalid(format!("internal error: {e}")))?
}
