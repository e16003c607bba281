//! `handoff team`, `claim`, `release`, and the check before a reply: team
//! mode from the command line.

use crate::args::TeamCmd;
use crate::sources::keychain;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use handoff::store::{TeamState, held_message};
use handoff::{Store, TeamSettings};

/// `team set` / `team off`.
pub fn team(store: &mut Store, cmd: TeamCmd) -> Result<()> {
    match cmd {
        TeamCmd::Set { workspace, name, email, stale_minutes, sent_folder, sent_poll_seconds } => {
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
            if let Some(s) = sent_poll_seconds {
                t.sent_poll_seconds = s.max(1);
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

/// Exit codes of `claim`, `release` and `reply` in team mode (README, "Using
/// Handoff Desk as a team"): 0 claimed by you (or already yours) and shared,
/// or released; 1 any other error.
/// A teammate holds the handoff (their claim was there first, or is there now).
pub const EXIT_HELD: i32 = 3;
/// Recorded on this computer, not shared with the team yet (server unreachable): queued.
pub const EXIT_NOT_SHARED: i32 = 4;

/// An outcome that ends the command with its own exit code.
#[derive(Debug)]
pub struct Exit {
    /// The process exit code.
    pub code: i32,
    /// What to print on stderr.
    pub message: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

fn zone(store: &Store, id: i64) -> Result<chrono_tz::Tz> {
    let h = store.handoff(id)?.context("no such handoff")?;
    let ws = store.workspace_by_id(h.workspace_id)?.context("the handoff's workspace is gone")?;
    Ok(ws.time_zone.parse().unwrap_or(chrono_tz::UTC))
}

/// `claim` (or `release` with `claim = false`): who holds it is read from the
/// server first, then ours is recorded here and shared now when the server
/// answers, else queued for the engine. The exit code says which ([`EXIT_HELD`], [`EXIT_NOT_SHARED`]).
pub fn claim(store: &Store, id: i64, claim: bool) -> Result<()> {
    let path = store.path().context("the database has no file path")?.to_path_buf();
    let kc = keychain().ok();
    let before = store.team_state(id)?;
    let rt = runtime()?;
    let result = rt.block_on(async {
        if claim {
            handoff::team::share::claim(&path, kc.as_ref(), id).await
        } else {
            handoff::team::share::release(&path, kc.as_ref(), id).await
        }
    });
    let state = match result {
        Ok(state) => state,
        Err(e) => {
            // Refused because a teammate holds it (as the server says, when it answered).
            if let Some(c) = store.team_state(id)?.claim.filter(|c| !c.mine) {
                let message = if claim { e.to_string() } else { held_message(&c, zone(store, id)?) };
                return Err(Exit { code: EXIT_HELD, message }.into());
            }
            return Err(e.into());
        }
    };
    let already = claim && before.claim.as_ref().is_some_and(|c| c.mine && c.pending.is_none());
    print_state(id, &state, claim, already);
    match &state.claim {
        Some(c) if !c.mine && claim => {
            Err(Exit { code: EXIT_HELD, message: held_message(c, zone(store, id)?) }.into())
        }
        Some(c) if c.mine && c.pending.is_some() => {
            Err(Exit { code: EXIT_NOT_SHARED, message: String::new() }.into())
        }
        _ => Ok(()),
    }
}

fn print_state(id: i64, state: &TeamState, claimed: bool, already: bool) {
    match &state.claim {
        Some(c) if c.mine && c.pending.is_none() => match &c.note {
            Some(note) => println!("#{id}: claimed by you ({}), on this computer only: {note}", c.by.label()),
            None if already => println!("#{id}: already yours ({}); teammates see it.", c.by.label()),
            None => println!("#{id}: claimed by you ({}); teammates see it.", c.by.label()),
        },
        Some(c) if c.mine => println!(
            "#{id}: {} by you; {}",
            if claimed { "claimed" } else { "release recorded" },
            c.note.as_deref().unwrap_or("not shared with the team yet; it will be shared on the next sync")
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

/// Before a reply in team mode: ask the server who holds it, then refuse
/// (unless `anyway`) when a teammate has claimed or answered it; otherwise
/// claim it for us through the server, as starting a reply does in the app,
/// so that of two teammates replying at once only one goes ahead.
pub fn before_reply(store: &mut Store, ws: &handoff::Workspace, id: i64, anyway: bool) -> Result<()> {
    let Some(me) = handoff::team::identity(ws) else { return Ok(()) };
    let path = store.path().context("the database has no file path")?.to_path_buf();
    let kc = keychain().ok();
    let rt = runtime()?;
    rt.block_on(handoff::team::share::check(&path, kc.as_ref(), id))?;
    let mut state = store.team_state(id)?;
    if state.claim.is_none() && handoff::team::warning(&state, Some(&me), ws, Utc::now()).is_none() {
        // A refusal here is told below, from the state it leaves.
        let _ = rt.block_on(handoff::team::share::claim(&path, kc.as_ref(), id));
        state = store.team_state(id)?;
    }
    if let Some(w) = handoff::team::warning(&state, Some(&me), ws, Utc::now()) {
        if !anyway {
            return Err(
                Exit { code: EXIT_HELD, message: format!("{w} Add --anyway to send regardless.") }.into()
            );
        }
        eprintln!("warning: {w}");
    }
    Ok(())
}
