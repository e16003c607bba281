//! Raw commands and what the `imap` crate cannot read in their answers.
//!
//! - A conditional `UID STORE … (UNCHANGEDSINCE n)` that loses answers
//!   `OK [MODIFIED uid-set] Conditional store failed` (RFC 7162 §3.1.3). The
//!   crate drops the tagged line of a raw command, so the bytes are copied off
//!   the wire by the transport's [`Tap`](super::transport::Tap) and the line is
//!   read here: a lost conditional store is told apart from a stored one.
//! - Once CONDSTORE is in use, the server announces a teammate's flag change
//!   as an untagged `* n FETCH (MODSEQ (…) FLAGS (…))` in the answer to any
//!   command. The crate's SEARCH and NOOP refuse those ("Encountered
//!   unexpected parse response"), so SEARCH and NOOP go out raw too and only
//!   the lines they asked for are read.

use super::{ImapError, Mailbox, lost};

/// The tagged line that ends a command's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tagged {
    /// `OK`, `NO` or `BAD`.
    pub status: String,
    /// The UIDs a conditional STORE did not change (`[MODIFIED …]`); empty otherwise.
    pub modified: Vec<u32>,
    /// The rest of the line.
    pub text: String,
}

/// How a conditional store went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Stored {
    /// The flags were changed.
    Done,
    /// Someone changed the message after the MODSEQ we gave: nothing was stored.
    Modified,
}

/// `2,5:7` as `[2, 5, 6, 7]` (a range is capped at 10 000 UIDs, far above any claim).
pub(super) fn parse_uid_set(set: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for part in set.split(',') {
        match part.split_once(':') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                let (lo, hi) = (a.min(b), a.max(b));
                out.extend(lo..=hi.min(lo.saturating_add(10_000)));
            }
            None => out.push(part.trim().parse().ok()?),
        }
    }
    Some(out)
}

/// The tagged line in what the server sent for one command (the last line
/// that starts with a tag the `imap` crate uses: `a` and digits).
pub(super) fn parse_tagged(wire: &[u8]) -> Option<Tagged> {
    let text = String::from_utf8_lossy(wire);
    let line = text.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.is_empty()).rev().find(|l| {
        l.split_once(' ').is_some_and(|(tag, _)| {
            tag.len() > 1 && tag.starts_with('a') && tag[1..].bytes().all(|b| b.is_ascii_digit())
        })
    })?;
    let (_, rest) = line.split_once(' ')?;
    let (status, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut modified = Vec::new();
    let mut text = rest.to_string();
    if let Some(code) = rest.strip_prefix('[')
        && let Some((code, after)) = code.split_once(']')
    {
        if let Some(set) = code.strip_prefix("MODIFIED ").or_else(|| code.strip_prefix("modified ")) {
            modified = parse_uid_set(set)?;
        }
        text = after.trim_start().to_string();
    }
    Some(Tagged { status: status.to_ascii_uppercase(), modified, text })
}

/// The UIDs of every `* SEARCH` line; anything else the server slipped in
/// (a teammate's flag change as `* n FETCH`, `* n EXISTS`) is left alone.
pub(super) fn parse_search(data: &[u8]) -> Vec<u32> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<u32> = text
        .split("\r\n")
        .filter_map(|l| l.strip_prefix("* SEARCH").or_else(|| l.strip_prefix("* search")))
        .flat_map(|rest| rest.split_whitespace().filter_map(|n| n.parse().ok()).collect::<Vec<u32>>())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Mailbox {
    /// Send a command as is; its untagged answer, verbatim.
    pub(super) fn raw(&mut self, command: &str) -> Result<Vec<u8>, ImapError> {
        self.session.run_command_and_read_response(command).map_err(lost)
    }

    /// Send a command as is; its untagged answer and its tagged line.
    fn raw_tagged(&mut self, command: &str) -> Result<(Vec<u8>, Tagged), ImapError> {
        self.tap.open();
        let answer = self.session.run_command_and_read_response(command);
        let wire = self.tap.close();
        let data = answer.map_err(lost)?;
        let tagged = parse_tagged(&wire).ok_or_else(|| {
            ImapError::Protocol(format!("no tagged answer to {:?} was read", command.split(' ').next()))
        })?;
        Ok((data, tagged))
    }

    /// `UID SEARCH query`, read by us (see the module header).
    pub(super) fn search_uids(&mut self, query: &str) -> Result<Vec<u32>, ImapError> {
        let data = self.raw(&format!("UID SEARCH {query}"))?;
        Ok(parse_search(&data))
    }

    /// NOOP, read by us: lets the server tell what changed.
    pub(super) fn noop(&mut self) -> Result<(), ImapError> {
        self.raw("NOOP").map(drop)
    }

    /// `UID STORE uid [(UNCHANGEDSINCE m)] change`: whether it was stored.
    pub(super) fn store(
        &mut self,
        uid: u32,
        unchanged_since: Option<u64>,
        change: &str,
    ) -> Result<Stored, ImapError> {
        let guard = unchanged_since.map(|m| format!("(UNCHANGEDSINCE {m}) ")).unwrap_or_default();
        let (_, tagged) = self.raw_tagged(&format!("UID STORE {uid} {guard}{change}"))?;
        Ok(if tagged.modified.contains(&uid) { Stored::Modified } else { Stored::Done })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dovecot 2.3's answer, byte for byte, when a teammate's claim landed
    /// between our FETCH of MODSEQ 3 and our `UID STORE 2 (UNCHANGEDSINCE 3)`.
    const LOST_STORE: &[u8] = b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $HandoffClaimed $HD:Sam~sam@x.test $HD:Dana~dana@x.test)\r\n\
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $HandoffClaimed $HD:Sam~sam@x.test $HD:Dana~dana@x.test \\*)] Flags permitted.\r\n\
* 2 FETCH (UID 2 MODSEQ (5) FLAGS ($HandoffClaimed $HD:Dana~dana@x.test))\r\n\
a5 OK [MODIFIED 2] Conditional store failed (0.001 + 0.000 secs).\r\n";

    /// The winner's answer to the same store.
    const WON_STORE: &[u8] = b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $HandoffClaimed $HD:Dana~dana@x.test)\r\n\
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $HandoffClaimed $HD:Dana~dana@x.test \\*)] Flags permitted.\r\n\
* 2 FETCH (UID 2 MODSEQ (5))\r\n\
a5 OK Store completed (0.002 + 0.000 + 0.001 secs).\r\n";

    #[test]
    fn the_modified_code_of_a_lost_conditional_store_is_read() {
        let t = parse_tagged(LOST_STORE).unwrap();
        assert_eq!((t.status.as_str(), t.modified.as_slice()), ("OK", &[2][..]));
        assert!(t.text.starts_with("Conditional store failed"), "{t:?}");
        let t = parse_tagged(WON_STORE).unwrap();
        assert_eq!((t.status.as_str(), t.modified.len()), ("OK", 0));
        // The `imap` crate's own parser reads neither as a MODIFIED code.
        let tagged_line = &LOST_STORE[LOST_STORE.windows(3).position(|w| w == b"a5 ").unwrap()..];
        let (_, parsed) = imap_proto::parse_response(tagged_line).unwrap();
        assert!(matches!(parsed, imap_proto::Response::Done { code: None, .. }), "{parsed:?}");
    }

    #[test]
    fn uid_sets_expand() {
        assert_eq!(parse_uid_set("2,5:7,9").unwrap(), vec![2, 5, 6, 7, 9]);
        assert_eq!(parse_uid_set("7:5").unwrap(), vec![5, 6, 7]);
        assert!(parse_uid_set("x").is_none());
    }

    /// Dovecot 2.3's answer to `UID SEARCH ALL` right after a teammate's
    /// session took a keyword off: the flag change rides along as a FETCH,
    /// which the `imap` crate's `uid_search` refuses.
    const SEARCH_WITH_FETCH: &[u8] = b"* SEARCH 1 2\r\n* 2 FETCH (MODSEQ (6) FLAGS ($HandoffClaimed))\r\n";

    #[test]
    fn a_search_answer_with_a_teammates_flag_change_in_it_is_read() {
        assert_eq!(parse_search(SEARCH_WITH_FETCH), vec![1, 2]);
        assert_eq!(parse_search(b"* SEARCH\r\n"), Vec::<u32>::new());
        // What the crate's SEARCH reader meets: a FETCH after the IDs, which it refuses.
        assert!(imap_parse_ids_fails(SEARCH_WITH_FETCH));
    }

    /// imap-proto sees a FETCH where the crate's SEARCH reader wants only IDs.
    fn imap_parse_ids_fails(data: &[u8]) -> bool {
        let (rest, first) = imap_proto::parse_response(data).unwrap();
        let (_, second) = imap_proto::parse_response(rest).unwrap();
        matches!(first, imap_proto::Response::IDs(_)) && matches!(second, imap_proto::Response::Fetch(..))
    }
}
