//! Answers in the shared mailbox that are not ours: replies saved in the
//! shared Sent folder, and Bcc copies of replies sent from mail programs.
//!
//! - The Sent folder is read on its own, at least every `sent_poll_seconds`
//!   (a reply saved there wakes no IDLE on the watched folder): the first look
//!   in a session reads the last [`SENT_LOOKBACK_DAYS`] days, later ones only
//!   UIDs above the last seen.
//! - What answers which handoff is the store's call (thread, or visitor and
//!   subject); mail that answers no handoff is left alone. The Bcc copies
//!   are told apart by the engine (`crate::sync`), which can ask the store.

use super::{ImapError, Mailbox, lost};
use chrono::Utc;

/// How far back the Sent folder is searched for replies when a session starts.
pub const SENT_LOOKBACK_DAYS: i64 = 14;

impl Mailbox {
    /// Replies saved in `folder` (the shared Sent folder) by Handoff Desk or
    /// any mail program, as answers (see [`crate::team::mail_reply`]; which
    /// handoff each answers is the store's call). The first look in a
    /// session reads the last [`SENT_LOOKBACK_DAYS`] days, later ones only
    /// what is new. The watched folder is selected again after; if it was
    /// recreated meanwhile the session is dropped so the next one re-scans.
    pub fn sent_replies(&mut self, folder: &str) -> Result<Vec<crate::ingest::Parsed>, ImapError> {
        let no_folder = |e: imap::Error| match e {
            imap::Error::No(why) | imap::Error::Bad(why) => {
                ImapError::NoFolder { folder: folder.to_string(), why }
            }
            other => lost(other),
        };
        // Let the server tell what changed here first: the crate's EXAMINE
        // reader refuses a teammate's flag change arriving with its answer.
        self.noop()?;
        let examined = self.session.examine(folder).map_err(no_folder)?;
        let validity = examined.uid_validity.unwrap_or(0);
        let read = self.sent_after(validity);
        let selected = self.session.select(&self.config.folder).map_err(lost)?;
        if selected.uid_validity != Some(self.uid_validity) {
            return Err(ImapError::Protocol(format!(
                "{} was recreated on the server; reconnecting to re-scan it",
                self.config.folder
            )));
        }
        let (items, top) = read?;
        self.sent_seen = Some((validity, top));
        Ok(items)
    }

    /// The examined Sent folder's messages after what this session has read,
    /// as possible answers, and the highest UID seen.
    fn sent_after(&mut self, validity: u32) -> Result<(Vec<crate::ingest::Parsed>, u32), ImapError> {
        let query = match self.sent_seen {
            Some((v, last)) if v == validity => format!("UID {}:*", last.saturating_add(1)),
            _ => {
                let since = (Utc::now() - chrono::Duration::days(SENT_LOOKBACK_DAYS)).format("%d-%b-%Y");
                format!("SINCE {since}")
            }
        };
        let after = match self.sent_seen {
            Some((v, last)) if v == validity => last,
            _ => 0,
        };
        // "n:*" always matches the highest UID, even below n.
        let found: Vec<u32> = self.search_uids(&query)?.into_iter().filter(|&u| u > after).collect();
        let mut items = Vec::new();
        for chunk in found.chunks(super::BATCH) {
            let fetched =
                self.session.uid_fetch(super::uid_set(chunk), "(UID BODY.PEEK[HEADER])").map_err(lost)?;
            for f in fetched.iter() {
                if let Some(reply) = f.header().and_then(crate::team::mail_reply) {
                    items.push(crate::ingest::Parsed::Answer(reply));
                }
            }
        }
        Ok((items, found.last().copied().unwrap_or(after).max(after)))
    }
}
