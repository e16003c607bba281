//! The command line's own "what to do" for the core's errors. The core says
//! what happened in words that fit any face (the window shows its own button
//! or banner for the same code); this names the command that fixes it.

use handoff::connect::ConnectError;
use handoff::secrets::SecretError;
use handoff::{Error, Next};

/// The command-line hint for the first core error in `e`'s chain, if it has one.
pub fn hint(e: &anyhow::Error) -> Option<String> {
    e.chain().find_map(|cause| {
        if let Some(core) = cause.downcast_ref::<Error>() {
            return core_hint(core);
        }
        if let Some(SecretError::Missing { workspace, .. }) = cause.downcast_ref::<SecretError>() {
            return Some(format!(
                "`handoff source secret {workspace}/NAME` stores a source's (with its name)."
            ));
        }
        match cause.downcast_ref::<ConnectError>() {
            Some(ConnectError::Store(core)) => core_hint(core),
            Some(ConnectError::Keychain(SecretError::Missing { workspace, .. })) => {
                Some(format!("`handoff source secret {workspace}/NAME` stores a source's (with its name)."))
            }
            _ => None,
        }
    })
}

fn core_hint(e: &Error) -> Option<String> {
    Some(match e {
        Error::NoSuchWorkspace(_) => {
            "`handoff workspace list` shows them; `handoff init --workspace NAME` creates one.".into()
        }
        Error::NoSuchHandoff(_) => "`handoff list` shows the ids.".into(),
        Error::Open { .. } => "Another file can be named with --db / HANDOFF_DB.".into(),
        Error::Sqlite(_) => "`handoff doctor` checks the file.".into(),
        Error::Refused { next, .. } => next_step(next),
        _ => return None,
    })
}

/// A core next step as the command that takes it.
pub fn next_step(next: &Next) -> String {
    match next {
        Next::ListSources => "`handoff source list` shows them.".into(),
        Next::RemoveSource => "`handoff source remove WORKSPACE/NAME` removes the other one.".into(),
        Next::ListOutbox => "`handoff outbox` lists them.".into(),
        Next::UncheckGap { rank } => format!("`handoff gaps uncheck {rank}` reopens it."),
        Next::ListGaps { workspace, month } => {
            format!("`handoff gaps -w {workspace} --month {month}` lists them.")
        }
        Next::ExportTemplate => {
            "`handoff template export` (or Settings → Templates in the window) writes one.".into()
        }
        Next::SetReplyIdentity { workspace } => {
            format!("`handoff smtp set --workspace {workspace} --host … --user … --from …` sets one.")
        }
        Next::MarkContacted { id } => format!("`handoff contacted {id} --by phone` records it."),
        Next::ChooseBackup => "`handoff backup` makes one.".into(),
        Next::CloseOthers => "(The Handoff Desk window or `handoff watch` may be the one.)".into(),
    }
}
