//! A throwaway Dovecot IMAP server for tests: its own config, base dir and
//! mail under a temp dir, on a free loopback port. Started in the foreground
//! as a child; stopped (with its worker processes) on drop.
//!
//! It also listens for LMTP on a second free loopback port, so a mail server
//! (the SMTP sink in `smtp.rs`) can deliver into it. It knows three users,
//! [`USER`], [`VISITOR`] and [`BACKUP`], all with [`PASSWORD`], each with its
//! own maildir; LMTP refuses any other recipient. Both ports stay the same
//! across [`stop`](Dovecot::stop)/[`start_again`](Dovecot::start_again).
//!
//! Needs Debian's `dovecot-imapd` and `dovecot-lmtpd` (scripts/setup installs them).

use std::io::Write as _;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "helpdesk@example.test";
pub const PASSWORD: &str = "dovecot-test-pass-7f3a";
/// A second mailbox owner, e.g. the customer a reply goes to.
pub const VISITOR: &str = "visitor@example.test";
/// A third mailbox owner, e.g. a Cc/Bcc copy.
pub const BACKUP: &str = "backup@example.test";

pub struct Dovecot {
    dir: tempfile::TempDir,
    /// IMAP.
    pub port: u16,
    /// LMTP (delivery into the users' INBOXes).
    pub lmtp_port: u16,
    child: Option<Child>,
}

/// A free loopback port (bind to 0, read, release).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

const CONF: &str = r#"# Throwaway Dovecot for Handoff Desk tests; no /etc/dovecot includes.
instance_name = handoff-test-@PORT@
base_dir = @DIR@/run
state_dir = @DIR@/state
log_path = @DIR@/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
postmaster_address = postmaster@example.test
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u @DIR@/users
}
userdb {
  driver = passwd-file
  args = username_format=%u @DIR@/users
  default_fields = uid=nobody gid=nogroup home=@DIR@/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = @PORT@
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = @LMTP@
  }
}
"#;

/// Appended by [`Dovecot::start_without_keywords`]: the ACL plugin with a
/// global ACL that gives mailbox owners every right but `w` (set flags other
/// than \Seen and \Deleted), so no keyword can be stored and SELECT's
/// PERMANENTFLAGS lacks `\*`, as on servers that do not take keywords.
const NO_KEYWORDS: &str = r#"
mail_plugins = $mail_plugins acl
protocol imap {
  mail_plugins = $mail_plugins imap_acl
}
plugin {
  acl = vfile:@DIR@/global-acl
}
"#;

/// Appended by [`Dovecot::start_without_condstore`]: the capabilities a
/// server without CONDSTORE (no MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE) announces.
const NO_CONDSTORE: &str =
    "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ UIDPLUS\n";

impl Dovecot {
    pub fn start() -> Dovecot {
        Self::start_with("")
    }

    /// A server that does not announce CONDSTORE.
    pub fn start_without_condstore() -> Dovecot {
        Self::start_with(NO_CONDSTORE)
    }

    /// A server whose folders take no keywords (see [`NO_KEYWORDS`]).
    pub fn start_without_keywords() -> Dovecot {
        Self::start_with(NO_KEYWORDS)
    }

    /// A server that also takes OAuth access tokens (`mechanisms`: `xoauth2`,
    /// `oauthbearer` or both), checked by Dovecot's oauth2 passdb against the
    /// introspection endpoint (RFC 7662) at `introspection_url`.
    pub fn start_oauth(introspection_url: &str, mechanisms: &str) -> Dovecot {
        let extra = format!(
            "passdb {{\n  driver = oauth2\n  mechanisms = {mechanisms}\n  args = @DIR@/oauth2.conf.ext\n}}\n"
        );
        Self::start_configured(&extra, &format!("plain login {mechanisms}"), |d| {
            // Dovecot 2.3's dovecot-oauth2.conf.ext settings (see
            // /usr/share/dovecot/dovecot-oauth2.conf.ext): POST token=… to
            // the introspection URL, the user is the answer's `username`,
            // inactive tokens refused.
            let conf = format!(
                "introspection_mode = post\nintrospection_url = {introspection_url}\nforce_introspection = yes\nusername_attribute = username\nactive_attribute = active\nactive_value = true\ntimeout_msecs = 5000\n"
            );
            std::fs::write(d.join("oauth2.conf.ext"), conf).unwrap();
        })
    }

    fn start_with(extra: &str) -> Dovecot {
        Self::start_configured(extra, "plain login", |_| {})
    }

    fn start_configured(extra: &str, mechanisms: &str, prepare: impl FnOnce(&Path)) -> Dovecot {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let lmtp_port = loop {
            let p = free_port();
            if p != port {
                break p;
            }
        };
        let d = dir.path();
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        let users: String =
            [USER, VISITOR, BACKUP].iter().map(|u| format!("{u}:{{PLAIN}}{PASSWORD}::::::\n")).collect();
        std::fs::write(d.join("users"), users).unwrap();
        std::fs::write(d.join("global-acl"), "* owner lrsteikxp\n").unwrap();
        prepare(d);
        let conf = format!("{CONF}{extra}")
            .replace("auth_mechanisms = plain login", &format!("auth_mechanisms = {mechanisms}"))
            .replace("@DIR@", &d.to_string_lossy())
            .replace("@PORT@", &port.to_string())
            .replace("@LMTP@", &lmtp_port.to_string());
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        // Mail is owned by `nobody`; dovecot refuses to run mail as root.
        let st = Command::new("chown").args(["-R", "nobody:nogroup"]).arg(d.join("mail")).status().unwrap();
        assert!(st.success(), "chown the mail dir");
        let mut me = Dovecot { dir, port, lmtp_port, child: None };
        me.launch();
        me
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn launch(&mut self) {
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(self.conf())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dovecot (install dovecot-imapd and dovecot-lmtpd: scripts/setup)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in [self.port, self.lmtp_port] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                if let Some(Some(status)) = self.child.as_mut().map(|c| c.try_wait().unwrap()) {
                    let log =
                        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default();
                    panic!("dovecot exited with {status}: {log}");
                }
                assert!(Instant::now() < deadline, "dovecot did not listen on {port} within 10 s");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Stop the server, master and every worker, as a crash would: live
    /// connections drop. (`dovecot stop` leaves logged-in sessions running.)
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let pattern = format!("handoff-test-{}/", self.port);
        let _ = Command::new("pkill").args(["-9", "-f", &pattern]).status();
        // Wait until the port is free and no worker is left.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = Command::new("pgrep").args(["-f", &pattern]).stdout(Stdio::null()).status();
            let busy = left.map(|s| s.success()).unwrap_or(false)
                || TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                || TcpStream::connect(("127.0.0.1", self.lmtp_port)).is_ok();
            if !busy || Instant::now() > deadline {
                break;
            }
            let _ = Command::new("pkill").args(["-9", "-f", &pattern]).status();
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Start again after [`stop`](Self::stop), same port and mail.
    pub fn start_again(&mut self) {
        self.launch();
    }

    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// A logged-in client session (plain TCP; loopback only).
    pub fn session(&self) -> imap::Session<TcpStream> {
        Self::session_on(self.port)
    }

    /// A logged-in session on a server at `port` (for other threads).
    pub fn session_on(port: u16) -> imap::Session<TcpStream> {
        Self::login_on(port, USER)
    }

    /// A session logged in as `user` ([`USER`], [`VISITOR`] or [`BACKUP`]).
    pub fn session_as(&self, user: &str) -> imap::Session<TcpStream> {
        Self::login_on(self.port, user)
    }

    fn login_on(port: u16, user: &str) -> imap::Session<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut client = imap::Client::new(tcp);
        client.read_greeting().unwrap();
        client.login(user, PASSWORD).map_err(|(e, _)| e).unwrap()
    }

    /// Every message in `user`'s `folder`, whole (`BODY.PEEK[]`, so `\Seen` is
    /// left alone), in mailbox order.
    pub fn fetch_all(&self, user: &str, folder: &str) -> Vec<Vec<u8>> {
        let mut s = self.session_as(user);
        let exists = s.examine(folder).unwrap().exists;
        let bodies = if exists == 0 {
            Vec::new()
        } else {
            let fetches = s.fetch("1:*", "BODY.PEEK[]").unwrap();
            let mut all: Vec<_> =
                fetches.iter().map(|f| (f.message, f.body().unwrap_or_default().to_vec())).collect();
            all.sort_by_key(|(seq, _)| *seq);
            all.into_iter().map(|(_, body)| body).collect()
        };
        let _ = s.logout();
        bodies
    }

    /// APPEND a message over IMAP (as a mail server delivering would).
    /// The flags and keywords of each message of `user`'s `folder`, in order.
    pub fn flags(&self, user: &str, folder: &str) -> Vec<Vec<String>> {
        let mut s = self.session_as(user);
        s.select(folder).unwrap();
        let fetched = s.fetch("1:*", "FLAGS").unwrap();
        let mut all: Vec<(u32, Vec<String>)> = fetched
            .iter()
            .map(|f| (f.message, f.flags().iter().map(ToString::to_string).collect()))
            .collect();
        let _ = s.logout();
        all.sort_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, flags)| flags).collect()
    }

    pub fn append(&self, folder: &str, message: &[u8]) {
        let mut s = self.session();
        s.append(folder, message).unwrap();
        let _ = s.logout();
    }

    /// APPEND many over one connection.
    pub fn append_all(&self, folder: &str, messages: &[Vec<u8>]) {
        let mut s = self.session();
        for m in messages {
            s.append(folder, m).unwrap();
        }
        let _ = s.logout();
    }

    /// Create a folder.
    pub fn create(&self, folder: &str) {
        let mut s = self.session();
        s.create(folder).unwrap();
        let _ = s.logout();
    }

    /// Delete and recreate a folder (gets a new UIDVALIDITY), then put `messages` back.
    pub fn recreate(&self, folder: &str, messages: &[Vec<u8>]) -> (u32, u32) {
        let mut s = self.session();
        let before = s.select(folder).unwrap().uid_validity.unwrap();
        s.close().unwrap();
        s.delete(folder).unwrap();
        // UIDVALIDITY is the creation time in seconds: make sure it differs.
        std::thread::sleep(Duration::from_millis(1100));
        s.create(folder).unwrap();
        for m in messages {
            s.append(folder, m).unwrap();
        }
        let after = s.select(folder).unwrap().uid_validity.unwrap();
        let _ = s.logout();
        (before, after)
    }

    /// Drop many messages straight into INBOX's maildir (fast bulk fill for
    /// benchmarks); Dovecot indexes them at the next SELECT.
    pub fn fill_inbox(&self, messages: &[Vec<u8>]) {
        let cur = self.dir.path().join("mail").join(USER).join("Maildir/cur");
        std::fs::create_dir_all(&cur).unwrap();
        for (i, m) in messages.iter().enumerate() {
            let mut f = std::fs::File::create(cur.join(format!("1700000000.M{i}P1.bench:2,"))).unwrap();
            f.write_all(m).unwrap();
        }
        let st = Command::new("chown")
            .args(["-R", "nobody:nogroup"])
            .arg(self.dir.path().join("mail"))
            .status()
            .unwrap();
        assert!(st.success());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}
