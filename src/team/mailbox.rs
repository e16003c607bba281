//! Team mode through the shared mailbox, composed: the IMAP transport's
//! keyword stores and reads ([`Mailbox::push_claim`],
//! [`Mailbox::claim_changes`], [`Mailbox::sent_replies`]) applied to the store.
//!
//! Each claim is settled in the store right after its own store on the
//! server, one at a time, so a crash in between leaves at most that one
//! claim queued to be sent again; the claims cursor (highest MODSEQ seen)
//! moves in the store only after what it covers was applied.

use crate::ingest::imap::{ImapError, Mailbox};
use crate::model::{SourceKind, Workspace};
use crate::store::{LostClaim, PendingClaim, SeenClaim, Settled, Store, Teammate};
use chrono::Utc;

/// Send each of `pending` and settle it in the store: a failed send stays
/// queued with the reason. Only a cancel (or a broken store) stops early.
/// Returns the claims a teammate had already taken.
pub fn push_claims(
    mailbox: &mut Mailbox,
    store: &mut Store,
    pending: &[PendingClaim],
) -> Result<Vec<LostClaim>, ImapError> {
    let mut lost = Vec::new();
    for p in pending {
        let how = match mailbox.push_claim(p) {
            Ok(how) => how,
            Err(ImapError::Cancelled) => return Err(ImapError::Cancelled),
            Err(e) => Settled::Failed(super::not_yet(e)),
        };
        lost.extend(store.settle_claim(p, &how, Utc::now())?);
    }
    Ok(lost)
}

/// Read teammates' claim changes since the last call and apply them to the
/// store. Returns the handoffs whose claim changed.
pub fn sync_claims(
    mailbox: &mut Mailbox,
    store: &mut Store,
    source_id: i64,
    workspace_id: i64,
    me: Option<&Teammate>,
) -> Result<Vec<i64>, ImapError> {
    let since = match store.team_cursor(source_id)? {
        Some((Some(v), m)) if v == mailbox.uid_validity() && m > 0 => Some(m as u64),
        _ => None,
    };
    let claimed_here: Vec<Option<String>> = if mailbox.condstore() {
        Vec::new()
    } else {
        store.claimed_handoffs(workspace_id, SourceKind::Imap)?.into_iter().map(|(_, id)| id).collect()
    };
    let changes = mailbox.claim_changes(since, &claimed_here)?;
    let mut seen = Vec::with_capacity(changes.seen.len());
    for (message_id, holder) in changes.seen {
        let Some(handoff_id) = store.handoff_by_message_id(workspace_id, &message_id)? else { continue };
        seen.push(SeenClaim { handoff_id, holder, at: None });
    }
    let changed = store.apply_seen_claims(&seen, me, Utc::now())?;
    if mailbox.condstore() {
        store.set_team_cursor(
            source_id,
            Some(mailbox.uid_validity()),
            i64::try_from(changes.top).unwrap_or(i64::MAX),
        )?;
    }
    mailbox.settle();
    Ok(changed)
}

/// Replies saved in the shared Sent folder `folder`, recorded as answers to
/// the handoffs they answer (each once). Returns the handoffs newly answered.
pub fn sent_answers(
    mailbox: &mut Mailbox,
    folder: &str,
    store: &mut Store,
    workspace: &Workspace,
) -> Result<Vec<i64>, ImapError> {
    let items = mailbox.sent_replies(folder)?;
    if items.is_empty() {
        return Ok(Vec::new());
    }
    Ok(store.ingest(workspace, items, Utc::now())?.answered)
}
