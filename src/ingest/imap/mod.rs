//! The IMAP transport: one folder's new notification emails, fetched and read
//! into batches ([`Mailbox::news`], [`Mailbox::fetch`]); the keywords and the
//! Sent folder of team mode. It never writes to the store: the engine
//! (`crate::sync::sync_mailbox`) commits each batch with its cursor, and
//! `crate::team::mailbox` applies claims and answers.
//!
//! Invariants:
//! - the cursor (UIDVALIDITY, last UID) advances only in the transaction that
//!   stores the batch it covers (the engine's), so a crash at any point
//!   re-fetches, never skips;
//! - messages are fetched with `BODY.PEEK[]`: the server's `\Seen` flags stay
//!   as the user left them;
//! - a handoff's received time is the message's INTERNALDATE (when the server
//!   took it in), so every teammate's app reading the folder agrees on it;
//! - a changed UIDVALIDITY (folder recreated or restored) re-scans the whole
//!   folder; source keys (Message-ID, else a content hash, which unlike
//!   UIDVALIDITY:UID survives the re-scan) absorb what is already stored;
//! - every network step has a timeout, and [`Canceller::cancel`] breaks any
//!   blocking read (including IDLE) at once by shutting the socket down.
//!
//! The `imap` crate is blocking: run this on its own thread, never on the async runtime.

use crate::ingest::Parsed;
use crate::ingest::email::parse_email;
use crate::model::{NewHandoff, ParseStatus, RawKind, SourceKind};
use chrono::Utc;
use imap::extensions::idle::WaitOutcome;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

mod base;
mod condstore;
mod keywords;
mod login;
mod sent;
mod session;
mod transport;
pub use base::{BATCH, ImapError, MAX_MESSAGE_BYTES, NET_TIMEOUT, REIDLE};
use base::{lost, quote, uid_set};
pub use keywords::{ClaimChanges, NO_KEYWORDS};
pub use session::Mailbox;
pub use transport::Canceller;
use transport::{Stream, Tap, starttls};

pub use crate::model::{ImapConfig, TlsMode};

/// What is new in the folder after a UID ([`Mailbox::news`]).
#[derive(Debug, Clone, Default)]
pub struct News {
    /// The UIDs to fetch, ascending.
    pub wanted: Vec<u32>,
    /// The highest UID in the folder (the cursor may pass filtered-out mail).
    pub top: u32,
}

impl Mailbox {
    /// Connect, log in and select the folder. Every step has [`NET_TIMEOUT`].
    /// `password`: the password, or for an OAuth source ([`ImapConfig::oauth`])
    /// a current access token (see [`crate::oauth::access_token`]).
    pub fn connect(config: &ImapConfig, password: &str, cancel: &Canceller) -> Result<Mailbox, ImapError> {
        let connect_err =
            |why: String| ImapError::Connect { host: config.host.clone(), port: config.port, why };
        let addrs: Vec<_> = (config.host.as_str(), config.port)
            .to_socket_addrs()
            .map_err(|e| connect_err(e.to_string()))?
            .collect();
        let mut last = "the name resolves to no address".to_string();
        let mut tcp = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, NET_TIMEOUT) {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = e.to_string(),
            }
        }
        let tcp = tcp.ok_or_else(|| connect_err(last))?;
        tcp.set_read_timeout(Some(NET_TIMEOUT)).map_err(|e| connect_err(e.to_string()))?;
        tcp.set_write_timeout(Some(NET_TIMEOUT)).map_err(|e| connect_err(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        let sock = tcp.try_clone().map_err(|e| connect_err(e.to_string()))?;
        cancel.register(tcp.try_clone().map_err(|e| connect_err(e.to_string()))?)?;

        let tls_err = |why: String| ImapError::Tls { host: config.host.clone(), why };
        let tap = Tap::default();
        let stream = match config.tls {
            TlsMode::Plain => Stream::plain(tcp, tap.clone()),
            TlsMode::Implicit => {
                let connector = native_tls::TlsConnector::new().map_err(|e| tls_err(e.to_string()))?;
                Stream::tls(
                    connector.connect(&config.host, tcp).map_err(|e| tls_err(e.to_string()))?,
                    tap.clone(),
                )
            }
            TlsMode::Starttls => {
                starttls(&tcp).map_err(tls_err)?;
                let connector = native_tls::TlsConnector::new().map_err(|e| tls_err(e.to_string()))?;
                Stream::tls(
                    connector.connect(&config.host, tcp).map_err(|e| tls_err(e.to_string()))?,
                    tap.clone(),
                )
            }
        };
        let session = match config.oauth {
            None => {
                let mut client = imap::Client::new(stream);
                if config.tls != TlsMode::Starttls {
                    client.read_greeting().map_err(lost)?;
                }
                client.login(&config.user, password).map_err(|(e, _)| match e {
                    imap::Error::No(why) | imap::Error::Bad(why) => ImapError::Auth {
                        user: config.user.clone(),
                        why: why.trim_end_matches('.').to_string(),
                    },
                    other => lost(other),
                })?
            }
            Some(provider) => {
                // The mechanism is picked from the CAPABILITY before login,
                // which the `imap` crate cannot ask for: asked by hand first.
                let mut stream = stream;
                let caps = login::capabilities(&mut stream, config.tls != TlsMode::Starttls)?;
                login::with_token(imap::Client::new(stream), config, provider, password, &caps)?
            }
        };
        Mailbox::selected(session, sock, config, tap)
    }

    /// After login: capabilities, SELECT.
    fn selected(
        mut session: imap::Session<Stream>,
        sock: TcpStream,
        config: &ImapConfig,
        tap: Tap,
    ) -> Result<Mailbox, ImapError> {
        let caps = session.capabilities().map_err(lost)?;
        let (can_idle, condstore) = (caps.has_str("IDLE"), caps.has_str("CONDSTORE"));
        drop(caps);
        let selected = session.select(&config.folder).map_err(|e| match e {
            imap::Error::No(why) | imap::Error::Bad(why) => {
                ImapError::NoFolder { folder: config.folder.clone(), why }
            }
            other => lost(other),
        })?;
        let uid_validity = selected
            .uid_validity
            .ok_or_else(|| ImapError::Protocol("the folder has no UIDVALIDITY".into()))?;
        let keywords_ok = selected.permanent_flags.iter().any(|f| matches!(f, imap::types::Flag::MayCreate));
        Ok(Mailbox {
            session,
            sock,
            config: config.clone(),
            uid_validity,
            can_idle,
            keywords_ok,
            condstore,
            tap,
            sent_seen: None,
        })
    }

    /// Whether [`wait`](Self::wait) will use IDLE.
    pub fn idles(&self) -> bool {
        self.can_idle && self.config.idle
    }

    /// The folder's UIDVALIDITY, as selected.
    pub fn uid_validity(&self) -> u32 {
        self.uid_validity
    }

    /// What is new after UID `after`: the messages to fetch (those the
    /// source's filters keep) and the highest UID in the folder. All UIDs are
    /// searched first, then the filtered ones: a message arriving in between
    /// shows up in the second list and is fetched, never skipped.
    pub fn news(&mut self, after: u32) -> Result<News, ImapError> {
        let all = self.search_after(after, None)?;
        let filter = self.filter();
        let wanted = match &filter {
            Some(f) => self.search_after(after, Some(f))?,
            None => all.clone(),
        };
        Ok(News { top: all.iter().copied().max().unwrap_or(after), wanted })
    }

    /// Forget what the server said unasked (EXISTS, FETCH of flags) since the
    /// last call: the next round searches anew.
    pub fn settle(&mut self) {
        while self.session.unsolicited_responses.try_recv().is_ok() {}
    }

    /// Wait for news: IDLE up to `max` (capped at [`REIDLE`]) when offered,
    /// else sleep `poll_seconds` and NOOP so the next search sees new mail.
    pub fn wait(&mut self, max: Duration, cancel: &Canceller) -> Result<(), ImapError> {
        if cancel.is_cancelled() {
            return Err(ImapError::Cancelled);
        }
        if self.idles() {
            let handle = self.session.idle().map_err(lost)?;
            let outcome = handle.wait_with_timeout(max.min(REIDLE));
            // `wait_with_timeout` clears the read timeout; put ours back.
            let _ = self.sock.set_read_timeout(Some(NET_TIMEOUT));
            if cancel.is_cancelled() {
                return Err(ImapError::Cancelled);
            }
            match outcome.map_err(lost)? {
                WaitOutcome::MailboxChanged | WaitOutcome::TimedOut => {}
            }
        } else {
            cancel.sleep(max.min(Duration::from_secs(self.config.poll_seconds.max(1))));
            if cancel.is_cancelled() {
                return Err(ImapError::Cancelled);
            }
            self.noop()?;
        }
        Ok(())
    }

    /// Every folder on the server (Gmail's labels included), for choosing
    /// which one to watch; folders that cannot be selected are left out.
    pub fn folders(&mut self) -> Result<Vec<String>, ImapError> {
        let names = self.session.list(None, Some("*")).map_err(lost)?;
        let mut out: Vec<String> = names
            .iter()
            .filter(|n| !n.attributes().iter().any(|a| matches!(a, imap::types::NameAttribute::NoSelect)))
            .map(|n| n.name().to_string())
            .collect();
        out.sort_by_key(|n| (n != "INBOX", n.to_lowercase()));
        Ok(out)
    }

    /// Log out politely (best effort).
    pub fn logout(mut self) {
        let _ = self.session.logout();
    }

    fn filter(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(f) = self.config.from_filter.as_deref().filter(|f| !f.is_empty()) {
            parts.push(format!("FROM {}", quote(f)));
        }
        if let Some(s) = self.config.subject_filter.as_deref().filter(|s| !s.is_empty()) {
            parts.push(format!("SUBJECT {}", quote(s)));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    fn search_after(&mut self, after: u32, filter: Option<&str>) -> Result<Vec<u32>, ImapError> {
        let charset = if filter.is_some_and(|f| !f.is_ascii()) { "CHARSET UTF-8 " } else { "" };
        let query = format!(
            "{charset}UID {}:*{}",
            after.saturating_add(1),
            filter.map(|f| format!(" {f}")).unwrap_or_default()
        );
        // "n:*" always matches the highest UID, even below n.
        Ok(self.search_uids(&query)?.into_iter().filter(|&u| u > after).collect())
    }

    /// Fetch these messages (`BODY.PEEK[]`, the header only of one over
    /// [`MAX_MESSAGE_BYTES`]) and read each: a teammate's reply, or a handoff
    /// with the server's INTERNALDATE as its received time. In UID order; a
    /// UID expunged meanwhile is left out.
    pub fn fetch(&mut self, uids: &[u32]) -> Result<Vec<Parsed>, ImapError> {
        let set = uid_set(uids);
        let sizes = self.session.uid_fetch(&set, "(UID RFC822.SIZE)").map_err(lost)?;
        let (big, small): (Vec<u32>, Vec<u32>) = uids.iter().partition(|uid| {
            sizes.iter().any(|f| f.uid == Some(**uid) && f.size.is_some_and(|s| s > MAX_MESSAGE_BYTES))
        });
        let mut by_uid: Vec<(u32, Parsed)> = Vec::with_capacity(uids.len());
        if !small.is_empty() {
            let fetched =
                self.session.uid_fetch(uid_set(&small), "(UID INTERNALDATE BODY.PEEK[])").map_err(lost)?;
            for f in fetched.iter() {
                let (Some(uid), Some(body)) = (f.uid, f.body()) else { continue };
                let parsed = match crate::team::team_reply(body) {
                    Some(reply) => Parsed::Answer(reply),
                    None => {
                        let mut h = parse_email(body, SourceKind::Imap);
                        h.received_at = f.internal_date().map(|d| d.with_timezone(&Utc));
                        Parsed::Handoff(Box::new(h))
                    }
                };
                by_uid.push((uid, parsed));
            }
        }
        if !big.is_empty() {
            let fetched = self
                .session
                .uid_fetch(uid_set(&big), "(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])")
                .map_err(lost)?;
            for f in fetched.iter() {
                let (Some(uid), Some(header)) = (f.uid, f.header()) else { continue };
                let mut h = oversize(header, f.size.unwrap_or(0));
                h.received_at = f.internal_date().map(|d| d.with_timezone(&Utc));
                by_uid.push((uid, Parsed::Handoff(Box::new(h))));
            }
        }
        // A UID that vanished between SEARCH and FETCH (expunged) has nothing to store.
        by_uid.sort_by_key(|(uid, _)| *uid);
        Ok(by_uid.into_iter().map(|(_, p)| p).collect())
    }
}

/// A message too large to take whole: its header, flagged, with a note saying why.
fn oversize(header: &[u8], size: u32) -> NewHandoff {
    let mut h = parse_email(header, SourceKind::Imap);
    h.parse_status = ParseStatus::Raw;
    h.raw_kind = RawKind::Email;
    h.parse_notes.push(format!(
        "the message is {:.1} MB, over the {} MB limit: only its header was kept. Open it in your mail program.",
        f64::from(size) / 1_048_576.0,
        MAX_MESSAGE_BYTES / 1_048_576
    ));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_collapse_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
    }

    #[test]
    fn quoting_escapes_and_drops_line_breaks() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\r\n A001 LOGOUT"), "\"x A001 LOGOUT\"");
    }
}
