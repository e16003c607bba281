//! `handoff team`, `claim`, `release`, and the check before a reply: team
//! mode from the command line.

use crate::args::TeamCmd;
use crate::live::keychain;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use handoff::store::TeamState;
use handoff::{Store, TeamSettings};

/// `team set` / `team off`.
pub fn team(store: &mut Store, cmd: TeamCmd) -> Result<()> {
    match cmd {
        TeamCmd::Set { workspace, name, email, stale_minutes, sent_folder } => {
            let mut ws = store.require_workspace(&workspace)?;
            let mut t = ws.settings.team.clone().unwrap_or_default();
            if let Some(n) = name {
                t.name = n.trim().to_string();
            }
            if let Some(e) = email {
                let e = e.trim().to_string();
                if !e.contains('@') {
                    bail!("{e:?} is not an email address; teammates know you by your address");
                }
                t.email = e;
            }
            if let Some(m) = stale_minutes {
                t.stale_after_minutes = m.max(1);
            }
            if let Some(f) = sent_folder {
                t.sent_folder = Some(f.trim().to_string()).filter(|f| !f.is_empty());
            }
            ws.settings.team = Some(t);
            let Some(me) = handoff::team::identity(&ws) else {
                bail!(
                    "say who you are: `handoff team set -w {} --email you@example.com` (or set a reply identity with `handoff smtp set` first)",
                    ws.slug
                );
            };
            store.update_workspace(&ws)?;
            println!(
                "Team mode is on in {}: you are {} <{}>. Claims and answers are shared through the workspace's mailbox or relay; restart `handoff watch` or the app to pick it up.",
                ws.name,
                me.label(),
                me.email
            );
            if ws.settings.smtp.as_ref().is_none_or(|s| s.bcc.as_deref().is_none_or(str::is_empty)) {
                println!(
                    "Tip: teammates see your replies when they are Bcc'd to the shared mailbox: `handoff smtp set … --bcc leads@…`."
                );
            }
        }
        TeamCmd::Off { workspace } => {
            let mut ws = store.require_workspace(&workspace)?;
            ws.settings.team = None::<TeamSettings>;
            store.update_workspace(&ws)?;
            println!("Team mode is off in {}: claims and answers are no longer shared.", ws.name);
        }
    }
    Ok(())
}

/// `claim` (or `release` with `claim = false`): recorded here, then shared now
/// when the server answers, else queued for the engine.
pub fn claim(store: &Store, id: i64, claim: bool) -> Result<()> {
    let path = store.path().context("the database has no file path")?.to_path_buf();
    let kc = keychain().ok();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let state = rt.block_on(async {
        if claim {
            handoff::team::share::claim(&path, kc.as_ref(), id).await
        } else {
            handoff::team::share::release(&path, kc.as_ref(), id).await
        }
    })?;
    print_state(id, &state, claim);
    Ok(())
}

fn print_state(id: i64, state: &TeamState, claimed: bool) {
    match &state.claim {
        Some(c) if c.mine && c.pending.is_none() => match &c.note {
            Some(note) => println!("#{id}: claimed by you ({}), on this computer only: {note}", c.by.label()),
            None => println!("#{id}: claimed by you ({}); teammates see it.", c.by.label()),
        },
        Some(c) if c.mine => println!(
            "#{id}: {} by you; {}",
            if claimed { "claimed" } else { "release recorded" },
            c.note.as_deref().unwrap_or("it will be shared on the next sync")
        ),
        Some(c) => println!(
            "#{id}: {} has it{}.",
            c.by.label(),
            c.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
        ),
        None if claimed => println!("#{id}: not claimed."),
        None => println!("#{id}: released; teammates see it as free."),
    }
}

/// Before a reply in team mode: refuse (unless `anyway`) when a teammate has
/// claimed or answered it; otherwise claim it for us, as starting a reply does in the app.
pub fn before_reply(store: &mut Store, ws: &handoff::Workspace, id: i64, anyway: bool) -> Result<()> {
    let Some(me) = handoff::team::identity(ws) else { return Ok(()) };
    let state = store.team_state(id)?;
    if let Some(w) = handoff::team::warning(&state, Some(&me), ws, Utc::now()) {
        if !anyway {
            bail!("{w} Add --anyway to send regardless.");
        }
        eprintln!("warning: {w}");
        return Ok(());
    }
    if state.claim.is_none() {
        store.claim_handoff(id, &me, Utc::now())?;
    }
    Ok(())
}
