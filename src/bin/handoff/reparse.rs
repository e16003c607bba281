//! `handoff reparse`: read stored raw (and partial) records again with this
//! version's readers, after an upgrade (see [`handoff::reparse`]); prints
//! what changed per record and a summary.

use anyhow::Result;
use chrono::Utc;
use handoff::Store;
use handoff::model::ParseStatus;
use handoff::reparse::{Step, reparse};
use handoff::store::RereadFilter;

pub(crate) fn run(store: &mut Store, flagged: bool, workspace: Option<&str>, dry_run: bool) -> Result<()> {
    let workspace_id = workspace.map(|w| store.require_workspace(w)).transpose()?.map(|w| w.id);
    let filter = RereadFilter { workspace_id, raw_only: flagged };
    let sum = reparse(store, &filter, dry_run, Utc::now(), |step| match step {
        Step::Failed { id, why } => println!("#{id}: not read again: {why}"),
        Step::Done { source, done, read } => {
            let ws = &source.workspace;
            if done.upgraded {
                println!("#{} [{ws}]: {}", done.id, done.detail);
            } else if read.parse_status == ParseStatus::Raw && done.from == ParseStatus::Raw {
                let why = read.parse_notes.last().map_or("nothing could be understood", String::as_str);
                println!("#{} [{ws}]: still raw ({why})", done.id);
            } else {
                println!("#{} [{ws}]: still {}: {}", done.id, done.from.as_str(), done.detail);
            }
        }
    })?;
    println!("{}", sum.line(dry_run));
    Ok(())
}
