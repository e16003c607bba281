//! Team claims on the shared mailbox: keywords on the handoff's message.
//!
//! - A claim is sent with `UNCHANGEDSINCE` where the server offers CONDSTORE,
//!   so of two teammates claiming at once exactly one store succeeds: the
//!   first to reach the server. Without CONDSTORE both keywords can land; then
//!   every app picks the same holder ([`keywords::claimers`] order) and the
//!   other teammate's app takes its keyword back.
//! - Teammates' changes are read with `CHANGEDSINCE` from the folder's last
//!   seen MODSEQ (one round trip that returns only what changed), or by
//!   re-reading every message's flags on servers without CONDSTORE.
//! - The `imap` crate parses neither MODSEQ nor CONDSTORE modifiers, so those
//!   commands go out raw and their answers are read with `imap-proto`.

use super::base::quote;
use super::condstore::Stored;
use super::{ImapError, Mailbox};
use crate::store::{ClaimOp, PendingClaim, Settled, Teammate};
use crate::team::keywords;
use imap_proto::{AttributeValue, Response};

/// What the server says about one message.
#[derive(Debug, Default)]
struct Flags {
    uid: u32,
    flags: Vec<String>,
    modseq: Option<u64>,
    message_id: Option<String>,
}

/// Teammates' claims read from the server ([`Mailbox::claim_changes`]).
#[derive(Debug, Clone, Default)]
pub struct ClaimChanges {
    /// Each message's Message-ID and who holds its claim (`None`: nobody).
    pub seen: Vec<(String, Option<Teammate>)>,
    /// The highest MODSEQ seen (CONDSTORE), the next call's `since`.
    pub top: u64,
}

/// How often a claim is tried when the message keeps changing under it.
const CLAIM_TRIES: usize = 3;

/// Why a claim stays on this computer when the folder takes no keywords.
pub const NO_KEYWORDS: &str = "this mailbox does not let apps set keywords (its PERMANENTFLAGS has no \\*), \
so teammates cannot see claims made here. Ask your mail provider to allow keywords, or share claims through a relay.";

fn message_id_of(header: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(header);
    let unfolded = text.replace("\r\n ", " ").replace("\r\n\t", " ");
    let line = unfolded.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:"))?;
    let id = line.split_once(':')?.1.trim().trim_matches(['<', '>']).trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// Read every FETCH in a raw response.
fn parse_fetches(mut data: &[u8]) -> Result<Vec<Flags>, ImapError> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let (rest, resp) = imap_proto::parse_response(data).map_err(|e| {
            ImapError::Protocol(format!("cannot read the server's answer to a flag fetch ({e:?})"))
        })?;
        if let Response::Fetch(_, attrs) = resp {
            let mut f = Flags::default();
            for a in attrs {
                match a {
                    AttributeValue::Uid(u) => f.uid = u,
                    AttributeValue::Flags(list) => f.flags = list.iter().map(|s| s.to_string()).collect(),
                    AttributeValue::ModSeq(m) => f.modseq = Some(m),
                    AttributeValue::BodySection { data: Some(d), .. } => f.message_id = message_id_of(d),
                    _ => {}
                }
            }
            if f.uid != 0 {
                out.push(f);
            }
        }
        data = rest;
    }
    Ok(out)
}

impl Mailbox {
    /// Whether the folder takes new keywords, so claims can be shared.
    pub fn keywords_allowed(&self) -> bool {
        self.keywords_ok
    }

    /// Whether the server offers CONDSTORE.
    pub fn condstore(&self) -> bool {
        self.condstore
    }

    fn flags_of(&mut self, uid: u32) -> Result<Flags, ImapError> {
        let items = if self.condstore { "(UID FLAGS MODSEQ)" } else { "(UID FLAGS)" };
        let data = self.raw(&format!("UID FETCH {uid} {items}"))?;
        Ok(parse_fetches(&data)?
            .into_iter()
            .find(|f| f.uid == uid)
            .unwrap_or(Flags { uid, ..Flags::default() }))
    }

    fn uid_of(&mut self, message_id: &str) -> Result<Option<u32>, ImapError> {
        let query = format!("HEADER Message-ID {}", quote(&format!("<{message_id}>")));
        Ok(self.search_uids(&query)?.into_iter().min())
    }

    /// Send one of our claims or releases to the server and say how it went.
    pub fn push_claim(&mut self, p: &PendingClaim) -> Result<Settled, ImapError> {
        if !self.keywords_ok {
            return Ok(Settled::LocalOnly(NO_KEYWORDS.into()));
        }
        let Some(message_id) = p.message_id.as_deref() else {
            return Ok(Settled::LocalOnly(
                "this handoff's email has no Message-ID, so its claim cannot be shared".into(),
            ));
        };
        let Some(uid) = self.uid_of(message_id)? else {
            return Ok(Settled::LocalOnly(format!(
                "its email is no longer in {}, so teammates cannot see this claim",
                self.config.folder
            )));
        };
        let Some(mine) = keywords::claimer(&p.by) else {
            return Ok(Settled::LocalOnly(format!(
                "the address {} is too long to share as a keyword; use a shorter one in Settings → Team",
                p.by.email
            )));
        };
        match p.op {
            ClaimOp::Claim => {
                // A conditional store that finds the message changed
                // (`[MODIFIED]`) stores nothing: look again, at most a few times.
                for _ in 0..CLAIM_TRIES {
                    let before = self.flags_of(uid)?;
                    let holders = keywords::claimers(before.flags.iter().map(String::as_str));
                    if let Some((_, other)) = holders.iter().find(|(_, t)| !t.same(&p.by)) {
                        return Ok(Settled::Lost { holder: other.clone(), at: None });
                    }
                    if !holders.is_empty() {
                        return self.settle_claim(uid, &p.by, &mine);
                    }
                    let change = format!("+FLAGS.SILENT ({} {mine})", keywords::CLAIMED);
                    if self.store(uid, before.modseq.filter(|_| self.condstore), &change)? == Stored::Done {
                        return self.settle_claim(uid, &p.by, &mine);
                    }
                }
                Ok(Settled::Failed(
                    "the message kept changing on the server while claiming; trying again".into(),
                ))
            }
            ClaimOp::Release => {
                self.store(uid, None, &format!("-FLAGS.SILENT ({mine})"))?;
                let after = self.flags_of(uid)?;
                if keywords::claimers(after.flags.iter().map(String::as_str)).is_empty() {
                    // Lost to a new claim in between: theirs keeps the marker.
                    let change = format!("-FLAGS.SILENT ({})", keywords::CLAIMED);
                    let _ = self.store(uid, after.modseq.filter(|_| self.condstore), &change)?;
                }
                Ok(Settled::Shared)
            }
        }
    }

    /// Who holds the claim on the message with this Message-ID, as the server
    /// has it now (`Ok(None)`: the message is not in the folder).
    pub fn claim_on_server(&mut self, message_id: &str) -> Result<Option<Option<Teammate>>, ImapError> {
        let Some(uid) = self.uid_of(message_id)? else { return Ok(None) };
        let flags = self.flags_of(uid)?;
        let holder = keywords::claimers(flags.flags.iter().map(String::as_str)).into_iter().next();
        Ok(Some(holder.map(|(_, t)| t)))
    }

    /// After a claim store: ours stands if it is the first claimer.
    fn settle_claim(&mut self, uid: u32, me: &Teammate, mine: &str) -> Result<Settled, ImapError> {
        let after = self.flags_of(uid)?;
        let holders = keywords::claimers(after.flags.iter().map(String::as_str));
        match holders.first() {
            Some((_, first)) if first.same(me) => Ok(Settled::Shared),
            Some((_, first)) => {
                // Both landed (no CONDSTORE): the first in keyword order keeps it.
                if holders.iter().any(|(_, t)| t.same(me)) {
                    let _ = self.store(uid, None, &format!("-FLAGS.SILENT ({mine})"))?;
                }
                Ok(Settled::Lost { holder: first.clone(), at: None })
            }
            // The conditional store lost to a change in between: try once more next round.
            None => Ok(Settled::Failed("the message changed while claiming; trying again".into())),
        }
    }

    /// Teammates' claims as the server has them: with CONDSTORE, what changed
    /// since MODSEQ `since` (all when `None`) and the highest MODSEQ seen;
    /// without it, every message that carries a claim or whose Message-ID is
    /// in `claimed_here` (to see releases). Each as (Message-ID, holder).
    pub fn claim_changes(
        &mut self,
        since: Option<u64>,
        claimed_here: &[Option<String>],
    ) -> Result<ClaimChanges, ImapError> {
        let fetched = if self.condstore {
            let modifier = since.map(|m| format!(" (CHANGEDSINCE {m})")).unwrap_or_default();
            let data = self.raw(&format!(
                "UID FETCH 1:* (UID FLAGS MODSEQ BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]){modifier}"
            ))?;
            parse_fetches(&data)?
        } else {
            self.flag_rescan(claimed_here)?
        };
        let mut out = ClaimChanges { seen: Vec::with_capacity(fetched.len()), top: since.unwrap_or(0) };
        for f in fetched {
            out.top = out.top.max(f.modseq.unwrap_or(0));
            let Some(id) = f.message_id else { continue };
            let holder =
                keywords::claimers(f.flags.iter().map(String::as_str)).into_iter().next().map(|(_, t)| t);
            out.seen.push((id, holder));
        }
        Ok(out)
    }

    /// Without CONDSTORE: every message's flags; the Message-ID only of those
    /// that carry a claim or whose handoff has one here (to see releases).
    fn flag_rescan(&mut self, claimed: &[Option<String>]) -> Result<Vec<Flags>, ImapError> {
        let data = self.raw("UID FETCH 1:* (UID FLAGS)")?;
        let mut all = parse_fetches(&data)?;
        let mut want: Vec<u32> = all
            .iter()
            .filter(|f| f.flags.iter().any(|k| keywords::parse(k).is_some()))
            .map(|f| f.uid)
            .collect();
        for message_id in claimed {
            if let Some(id) = message_id
                && let Some(uid) = self.uid_of(id)?
            {
                want.push(uid);
            }
        }
        want.sort_unstable();
        want.dedup();
        if want.is_empty() {
            return Ok(Vec::new());
        }
        let data = self.raw(&format!(
            "UID FETCH {} (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])",
            super::uid_set(&want)
        ))?;
        let ids = parse_fetches(&data)?;
        all.retain(|f| want.contains(&f.uid));
        for f in &mut all {
            f.message_id = ids.iter().find(|i| i.uid == f.uid).and_then(|i| i.message_id.clone());
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_answers_with_modseq_and_a_header_literal_are_read() {
        let data = b"* 1 FETCH (UID 7 FLAGS (\\Seen $HandoffClaimed $HD:Dana~dana@acme.test) MODSEQ (12) \
BODY[HEADER.FIELDS (MESSAGE-ID)] {29}\r\nMessage-ID: <n1@bot.test>\r\n\r\n)\r\n* 3 EXISTS\r\n\
* 2 FETCH (UID 9 FLAGS () MODSEQ (15))\r\n";
        let got = parse_fetches(data).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].uid, 7);
        assert_eq!(got[0].modseq, Some(12));
        assert_eq!(got[0].message_id.as_deref(), Some("n1@bot.test"));
        assert!(got[0].flags.iter().any(|f| f == "$HD:Dana~dana@acme.test"));
        assert_eq!((got[1].uid, got[1].modseq, got[1].flags.len()), (9, Some(15), 0));
    }

    #[test]
    fn a_folded_message_id_header_is_read() {
        assert_eq!(message_id_of(b"Message-Id:\r\n <a@b>\r\n\r\n").as_deref(), Some("a@b"));
        assert_eq!(message_id_of(b"\r\n"), None);
    }
}
