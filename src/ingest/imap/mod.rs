//! IMAP mailbox sync: fetch new notification emails from one folder and store
//! them as handoffs.
//!
//! Invariants:
//! - the cursor (UIDVALIDITY, last UID) advances only in the transaction that
//!   stores the batch it covers, so a crash at any point re-fetches, never skips;
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

use crate::error::Error as StoreError;
use crate::ingest::Parsed;
use crate::ingest::email::parse_email;
use crate::model::{NewHandoff, ParseStatus, RawKind, SourceKind, Workspace};
use crate::store::{Cursor, IngestOutcome, Store};
use chrono::Utc;
use imap::extensions::idle::WaitOutcome;
use serde::{Deserialize, Serialize};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

mod condstore;
mod login;
mod sent;
mod team;
mod transport;
pub use team::NO_KEYWORDS;
pub use transport::Canceller;
use transport::{Stream, Tap, starttls};

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// TLS from the first byte (port 993).
    Implicit,
    /// Plain connect, then STARTTLS (port 143).
    Starttls,
    /// No encryption. Only for servers on this machine (tests, local bridges).
    Plain,
}

/// One IMAP source: where the notifications land.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImapConfig {
    /// Server name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Encryption.
    pub tls: TlsMode,
    /// Login name.
    pub user: String,
    /// Folder to watch.
    #[serde(default = "inbox")]
    pub folder: String,
    /// Only messages whose From contains this (server-side SEARCH FROM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_filter: Option<String>,
    /// Only messages whose Subject contains this (server-side SEARCH SUBJECT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_filter: Option<String>,
    /// Use IDLE when the server offers it.
    #[serde(default = "yes")]
    pub idle: bool,
    /// Seconds between polls when IDLE is off or not offered; also the re-IDLE interval cap.
    #[serde(default = "poll_default")]
    pub poll_seconds: u64,
    /// Sign in with this OAuth provider (the keychain holds its refresh
    /// token); `None`: a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<crate::discover::OAuthProvider>,
}

fn inbox() -> String {
    "INBOX".into()
}
fn yes() -> bool {
    true
}
fn poll_default() -> u64 {
    60
}

impl ImapConfig {
    /// A config with defaults: INBOX, IDLE on, 60 s poll.
    pub fn new(host: &str, port: u16, tls: TlsMode, user: &str) -> Self {
        ImapConfig {
            host: host.into(),
            port,
            tls,
            user: user.into(),
            folder: inbox(),
            from_filter: None,
            subject_filter: None,
            idle: true,
            poll_seconds: poll_default(),
            oauth: None,
        }
    }

    /// `imap://user@host:port/folder`, for people.
    pub fn describe(&self) -> String {
        let scheme = match self.tls {
            TlsMode::Implicit => "imaps",
            TlsMode::Starttls | TlsMode::Plain => "imap",
        };
        format!("{scheme}://{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }
}

/// Messages fetched per round trip, and stored per transaction.
pub const BATCH: usize = 100;
/// Larger messages are kept as a flagged record holding only their header.
pub const MAX_MESSAGE_BYTES: u32 = 25 * 1024 * 1024;
/// Connect, read and write timeout for every step but IDLE.
pub const NET_TIMEOUT: Duration = Duration::from_secs(30);
/// Servers drop IDLE after ~30 minutes; re-issue well before.
pub const REIDLE: Duration = Duration::from_secs(9 * 60);

/// What went wrong, in words that say what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The server could not be reached.
    #[error(
        "cannot reach the IMAP server {host}:{port}: {why}. Check the host name and port, and your network."
    )]
    Connect {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// Cause.
        why: String,
    },
    /// TLS could not be set up.
    #[error(
        "cannot set up an encrypted connection to {host}: {why}. Check the TLS mode (implicit on 993, STARTTLS on 143) and the server's certificate."
    )]
    Tls {
        /// Host.
        host: String,
        /// Cause.
        why: String,
    },
    /// The server refused the login.
    #[error(
        "the IMAP server refused the login for {user}: {why}. Check the password and replace it (in the app: Settings → Sources → New IMAP password; or `handoff source secret WORKSPACE/NAME`); with Gmail or Outlook use an app password."
    )]
    Auth {
        /// Login name.
        user: String,
        /// The server's words.
        why: String,
    },
    /// The server refused the OAuth access token.
    #[error(
        "the IMAP server refused the {provider} sign-in for {user}: {why}. If IMAP is turned off for this mailbox, turn it on (Google Workspace: Admin console → Apps → Gmail → End User Access → IMAP; Microsoft 365: Exchange admin center → the mailbox → Manage email apps → IMAP); otherwise sign in again (Settings → Sources → Sign in again, or `handoff source signin WORKSPACE/NAME`)."
    )]
    Token {
        /// Login name.
        user: String,
        /// Which provider.
        provider: String,
        /// The server's words.
        why: String,
    },
    /// The folder does not exist.
    #[error(
        "the folder {folder:?} does not exist on the server ({why}). Check its name (it is case-sensitive)."
    )]
    NoFolder {
        /// Folder.
        folder: String,
        /// The server's words.
        why: String,
    },
    /// The connection dropped or timed out mid-way.
    #[error("the connection to the IMAP server was lost: {0}. It will be retried.")]
    Lost(String),
    /// The server answered something unexpected.
    #[error("the IMAP server answered unexpectedly: {0}. It will be retried.")]
    Protocol(String),
    /// The sync was cancelled.
    #[error("stopped")]
    Cancelled,
    /// Storing failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImapError {
    /// Whether retrying without a change of settings can help.
    pub fn is_transient(&self) -> bool {
        matches!(self, ImapError::Connect { .. } | ImapError::Lost(_) | ImapError::Protocol(_))
    }

    /// The code a face chooses its next step by.
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            ImapError::Connect { .. } | ImapError::Lost(_) => C::Offline,
            ImapError::Tls { .. } | ImapError::Auth { .. } | ImapError::Protocol(_) => C::Connection,
            ImapError::Token { .. } => C::SignInAgain,
            ImapError::NoFolder { .. } => C::InvalidInput,
            ImapError::Cancelled => C::Cancelled,
            ImapError::Store(_) => C::Database,
        }
    }
}

fn lost(e: imap::Error) -> ImapError {
    match e {
        imap::Error::Io(e) => ImapError::Lost(e.to_string()),
        imap::Error::ConnectionLost => ImapError::Lost("the server closed the connection".into()),
        other => ImapError::Protocol(other.to_string()),
    }
}

/// What one [`Mailbox::sync`] did.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Messages fetched from the server.
    pub fetched: usize,
    /// What the store made of them.
    pub outcome: IngestOutcome,
    /// The folder's UIDVALIDITY had changed, so it was scanned from the start.
    pub rescanned: bool,
}

/// A logged-in session with the source's folder selected.
pub struct Mailbox {
    session: imap::Session<Stream>,
    sock: TcpStream,
    config: ImapConfig,
    uid_validity: u32,
    can_idle: bool,
    /// PERMANENTFLAGS has `\*`: new keywords (claims) can be set.
    keywords_ok: bool,
    /// The server offers CONDSTORE (MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE).
    condstore: bool,
    /// Copies the server's bytes during a raw command (see [`condstore`]).
    tap: Tap,
    /// How far the shared Sent folder has been read in this session: (UIDVALIDITY, last UID).
    sent_seen: Option<(u32, u32)>,
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

    /// Fetch everything after the source's cursor and store it, one
    /// transaction per batch. `on_batch` sees each committed batch.
    pub fn sync(
        &mut self,
        store: &mut Store,
        source_id: i64,
        workspace: &Workspace,
        mut on_batch: impl FnMut(&IngestOutcome),
    ) -> Result<SyncReport, ImapError> {
        let mut report = SyncReport::default();
        let after = match store.imap_cursor(source_id)? {
            Some((v, last)) if v == self.uid_validity => last,
            Some(_) => {
                report.rescanned = true;
                0
            }
            None => 0,
        };
        // All new UIDs first, then the filtered ones: a message arriving in
        // between shows up in the second list and is fetched, never skipped.
        let all = self.search_after(after, None)?;
        let filter = self.filter();
        let wanted = match &filter {
            Some(f) => self.search_after(after, Some(f))?,
            None => all.clone(),
        };
        let mut last = after;
        for chunk in wanted.chunks(BATCH) {
            let mut items = sent::unmarked_answers(store, workspace, self.fetch(chunk)?)?;
            crate::ingest::templates::reread_batch(store, &mut items, Utc::now())?;
            crate::ingest::briefing::attach(&mut items);
            report.fetched += items.len();
            let top = chunk.iter().copied().max().unwrap_or(last).max(last);
            let cursor = Cursor::Imap { uid_validity: self.uid_validity, last_uid: top };
            let outcome = store.ingest_at(workspace, items, Utc::now(), source_id, cursor)?;
            on_batch(&outcome);
            report.outcome.absorb(outcome);
            last = top;
        }
        let top = all.iter().copied().max().unwrap_or(after).max(last);
        if top > last || (report.rescanned && wanted.is_empty()) {
            store.set_cursor(
                source_id,
                Cursor::Imap { uid_validity: self.uid_validity, last_uid: top },
                Utc::now(),
            )?;
        }
        while self.session.unsolicited_responses.try_recv().is_ok() {}
        Ok(report)
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

    fn fetch(&mut self, uids: &[u32]) -> Result<Vec<Parsed>, ImapError> {
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

/// `1,2,3,7,9` as `1:3,7,9`.
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// An IMAP quoted string.
fn quote(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    format!("\"{}\"", clean.replace('\\', "\\\\").replace('"', "\\\""))
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
