//! One IMAP round, composed by the engine: ask the transport what is new,
//! fetch it a batch at a time, read each batch (Bcc'd answers told apart,
//! taught formats, briefings), and commit it with the cursor that covers it.
//!
//! Invariant: the cursor (UIDVALIDITY, last UID) advances only in the
//! transaction that stores the batch it covers ([`Store::ingest_at`]), so a
//! crash at any point re-fetches, never skips; a changed UIDVALIDITY re-scans
//! the folder from the start and the source keys absorb what is stored.

use crate::ingest::Parsed;
use crate::ingest::imap::{BATCH, ImapError, Mailbox};
use crate::model::Workspace;
use crate::store::{Cursor, IngestOutcome, Store};
use chrono::Utc;

/// What one [`sync_mailbox`] did.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Messages fetched from the server.
    pub fetched: usize,
    /// What the store made of them.
    pub outcome: IngestOutcome,
    /// The folder's UIDVALIDITY had changed, so it was scanned from the start.
    pub rescanned: bool,
}

/// Fetch everything after the source's cursor and store it, one transaction
/// per batch. `on_batch` sees each committed batch.
pub fn sync_mailbox(
    mailbox: &mut Mailbox,
    store: &mut Store,
    source_id: i64,
    workspace: &Workspace,
    mut on_batch: impl FnMut(&IngestOutcome),
) -> Result<SyncReport, ImapError> {
    let mut report = SyncReport::default();
    let validity = mailbox.uid_validity();
    let after = match store.imap_cursor(source_id)? {
        Some((v, last)) if v == validity => last,
        Some(_) => {
            report.rescanned = true;
            0
        }
        None => 0,
    };
    let news = mailbox.news(after)?;
    let mut last = after;
    for chunk in news.wanted.chunks(BATCH) {
        let mut items = unmarked_answers(store, workspace, mailbox.fetch(chunk)?);
        crate::ingest::templates::reread_batch(store, &mut items, Utc::now())?;
        crate::ingest::briefing::attach(&mut items);
        report.fetched += items.len();
        let top = chunk.iter().copied().max().unwrap_or(last).max(last);
        let cursor = Cursor::Imap { uid_validity: validity, last_uid: top };
        let outcome = store.ingest_at(workspace, items, Utc::now(), source_id, cursor)?;
        on_batch(&outcome);
        report.outcome.absorb(outcome);
        last = top;
    }
    let top = news.top.max(last);
    if top > last || (report.rescanned && news.wanted.is_empty()) {
        store.set_cursor(source_id, Cursor::Imap { uid_validity: validity, last_uid: top }, Utc::now())?;
    }
    mailbox.settle();
    Ok(report)
}

/// Bcc copies of answers sent from mail programs (no
/// [`crate::team::TEAMMATE_HEADER`]) among fetched mail, as answers instead
/// of handoffs: see [`crate::team::unmarked_answer`].
fn unmarked_answers(store: &Store, workspace: &Workspace, items: Vec<Parsed>) -> Vec<Parsed> {
    let visitor_of = |id: &str| -> Option<String> {
        let handoff = store.handoff_by_message_id(workspace.id, id).ok()??;
        store.handoff(handoff).ok()??.visitor.email
    };
    items
        .into_iter()
        .map(|p| match p {
            Parsed::Handoff(h) => match crate::team::unmarked_answer(&h.raw, visitor_of) {
                Some(reply) => Parsed::Answer(reply),
                None => Parsed::Handoff(h),
            },
            other => other,
        })
        .collect()
}
