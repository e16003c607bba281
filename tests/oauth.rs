//! Google/Microsoft sign-in end to end through the CLI, against the OAuth
//! stand-in (`support/oauth.rs`) and a real Dovecot whose oauth2 passdb asks
//! the stand-in's introspection endpoint: sign-in and first sync over
//! XOAUTH2 and over OAUTHBEARER, a token refused mid-IDLE and refreshed, a
//! revoked grant turning the source to "sign in again" while the others run,
//! the sign-in errors people can hit, and no token at rest outside the keychain.
//! The browser step is driven by the test: `HANDOFF_BROWSER=true` opens
//! nothing, and the test follows the printed URL itself.

use crate::live::{Watch, add_imap, init};
use crate::support::dovecot::{Dovecot, PASSWORD, USER, VISITOR};
use crate::support::keychain::Keychain;
use crate::support::mail::handoff_email;
use crate::support::oauth::OAuthServer;
use crate::support::smtp::SmtpSink;
use crate::support::{handoff, text};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

struct Rig {
    kc: Keychain,
    auth: OAuthServer,
    d: Dovecot,
    dir: tempfile::TempDir,
}

impl Rig {
    fn start(mechanisms: &str) -> Rig {
        let auth = OAuthServer::start();
        let d = Dovecot::start_oauth(&auth.url("/introspect"), mechanisms);
        let rig = Rig { kc: Keychain::start(), auth, d, dir: tempfile::tempdir().unwrap() };
        init(&rig.db());
        rig
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("h.db")
    }

    fn cli(&self) -> Command {
        let mut c = handoff(&self.db());
        self.kc.apply(&mut c);
        for (k, v) in self.auth.env("google") {
            c.env(k, v);
        }
        c.env("HANDOFF_BROWSER", "true").env("HANDOFF_DNS_JSON_URL", "");
        c
    }

    /// Run a command that signs in: read the URL it prints, "click Allow"
    /// (follow it as a browser would), return what the command said.
    fn signing_in(&self, args: &[&str]) -> Output {
        let mut child = self.cli().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut said = String::new();
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            said.push_str(&line);
            if line.starts_with("http") {
                OAuthServer::browse(line.trim());
                break;
            }
        }
        std::io::Read::read_to_string(&mut out, &mut said).unwrap();
        let mut output = child.wait_with_output().unwrap();
        output.stdout = said.into_bytes();
        output
    }

    fn add_oauth(&self, name: &str, user: &str) -> Output {
        let port = self.d.port.to_string();
        self.signing_in(&[
            "source",
            "add",
            "imap",
            "-w",
            "acme",
            "--name",
            name,
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "plain",
            "--user",
            user,
            "--oauth",
            "google",
        ])
    }
}

fn must(out: &Output) -> String {
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(out.status.success(), "failed:\n{all}");
    all
}

fn count(db: &Path) -> i64 {
    handoff::Store::open(db).unwrap().count(None).unwrap()
}

fn sign_in_and_first_sync(mechanism: &str) {
    let rig = Rig::start(mechanism);
    rig.d.append_all("INBOX", &(0..3).map(|n| handoff_email("oauth", n)).collect::<Vec<_>>());
    let said = must(&rig.add_oauth("inbox", USER));
    assert!(said.contains("signed in with Google"), "{said}");
    rig.d.create("Bots");
    let folders = must(&rig.cli().args(["source", "folders", "acme/inbox"]).output().unwrap());
    assert!(folders.starts_with("INBOX  (watched)\nBots\n"), "{folders}");
    let refresh = rig.kc.lookup("acme/source:inbox").unwrap();
    assert!(refresh.starts_with("rt-"), "the keychain holds the refresh token");
    // A new process: no access token in memory, so it refreshes, then logs in.
    let out = rig.cli().args(["sync", "--json"]).output().unwrap();
    let all = must(&out);
    assert_eq!(count(&rig.db()), 3, "{all}");
    assert!(rig.auth.count("refresh") >= 1);
    assert!(rig.auth.count("introspect") >= 2, "Dovecot checked the tokens");
    let log = rig.d.log();
    assert!(!log.contains("oauth2 failed"), "{log}");
    rig.auth.assert_clean();
}

#[test]
fn sign_in_and_first_sync_over_xoauth2() {
    sign_in_and_first_sync("xoauth2");
}

#[test]
fn sign_in_and_first_sync_over_oauthbearer() {
    sign_in_and_first_sync("oauthbearer");
}

#[test]
fn a_token_refused_mid_idle_is_refreshed_and_nothing_is_lost() {
    let rig = Rig::start("xoauth2 oauthbearer");
    must(&rig.add_oauth("inbox", USER));
    let mut w = Watch::start_with(rig.cli());
    w.wait_for(30, |v| v["state"] == "idle" && v["message"].as_str().is_some_and(|m| m.contains("IDLE")));
    let refreshes = rig.auth.count("refresh");
    // The access token stops working while the session idles, and the
    // server drops the connection: the reconnect's login is refused once,
    // the app refreshes and logs in again.
    rig.auth.expire_access();
    rig.d.append("INBOX", &handoff_email("mid-idle", 1));
    let mut d = rig.d;
    d.restart();
    d.append("INBOX", &handoff_email("mid-idle", 2));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while count(&rig.dir.path().join("h.db")) < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(count(&rig.dir.path().join("h.db")), 2, "both messages arrived");
    assert!(rig.auth.count("refresh") > refreshes, "a refreshed token was used");
    w.stop();
    rig.auth.assert_clean();
}

#[test]
fn a_revoked_grant_asks_to_sign_in_again_while_other_sources_run() {
    let rig = Rig::start("xoauth2");
    must(&rig.add_oauth("inbox", USER));
    // A second source on the same server logs in with a password.
    let d2 = Dovecot::start();
    let out = add_imap(&rig.db(), &rig.kc, &d2, "other", PASSWORD, true);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut w = Watch::start_with(rig.cli());
    w.wait_for(30, |v| v["label"] == "acme/inbox" && v["state"] == "idle");
    rig.auth.revoke_user(USER);
    rig.auth.expire_access();
    let mut d = rig.d;
    d.restart();
    // (A "connection lost" error may come first, while Dovecot restarts.)
    let err = w.wait_for(30, |v| {
        v["label"] == "acme/inbox"
            && v["state"] == "error"
            && v["message"].as_str().is_some_and(|m| m.contains("revoked"))
    });
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("Sign in again") && message.contains("handoff source signin acme/inbox"),
        "{message}"
    );
    let refused = rig.auth.count("invalid_grant");
    // The other source keeps running.
    d2.append("INBOX", &handoff_email("other", 1));
    w.wait_for(30, |v| v["event"] == "received" && v["source"] == "acme/other");
    // No retry loop against the provider while nobody signs in.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(rig.auth.count("invalid_grant"), refused, "the refused refresh was not retried");
    // Signing in again brings the source back without restarting the watcher.
    let rig = Rig { d, ..rig };
    must(&rig.signing_in(&["source", "signin", "acme/inbox"]));
    rig.d.append("INBOX", &handoff_email("after", 1));
    w.wait_for(60, |v| v["event"] == "received" && v["source"] == "acme/inbox");
    w.stop();
    rig.auth.assert_clean();
}

#[test]
fn sign_in_errors_say_what_to_do_and_save_nothing() {
    let rig = Rig::start("xoauth2");
    rig.auth.script(USER, "deny");
    let out = rig.add_oauth("inbox", USER);
    assert!(!out.status.success());
    let e = text(&out.stderr);
    assert!(e.contains("you did not allow Handoff Desk") && e.contains("press Allow"), "{e}");

    rig.auth.script(USER, "admin_consent");
    let e = text(&rig.add_oauth("inbox", USER).stderr);
    assert!(e.contains("administrator to approve") && e.contains("admin consent"), "{e}");

    rig.auth.script(VISITOR, "approve");
    let e = text(&rig.add_oauth("inbox", USER).stderr);
    assert!(e.contains(&format!("you signed in as {VISITOR}, but the mailbox is {USER}")), "{e}");

    let out = rig.cli().args(["source", "list", "--json"]).output().unwrap();
    assert!(text(&out.stdout).trim().is_empty(), "nothing was added: {}", text(&out.stdout));
    assert_eq!(rig.kc.lookup("acme/source:inbox"), None);
    rig.auth.assert_clean();
}

#[test]
fn an_address_alone_fills_the_server_settings_from_a_preset() {
    let rig = Rig::start("xoauth2");
    let out = rig.cli().args(["source", "discover", "owner@outlook.com", "--json"]).output().unwrap();
    must(&out);
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["imap"]["host"], "outlook.office365.com");
    assert_eq!(v["imap"]["port"], 993);
    assert_eq!(v["imap"]["security"], "implicit");
    assert_eq!(v["smtp"]["host"], "smtp-mail.outlook.com");
    assert_eq!(v["oauth"], "microsoft");
}

#[test]
fn a_reply_goes_out_over_smtp_xoauth2_and_no_token_rests_outside_the_keychain() {
    let rig = Rig::start("xoauth2");
    let sink = SmtpSink::start_oauth(&rig.d, &rig.auth.url("/introspect"));
    let mut said = String::new();
    rig.d.append("INBOX", &handoff_email("smtp", 0));
    said += &must(&rig.add_oauth("inbox", USER));
    said += &must(&rig.cli().args(["sync"]).output().unwrap());
    let port = sink.port.to_string();
    said += &must(&rig.signing_in(&[
        "smtp",
        "set",
        "-w",
        "acme",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--tls",
        "plain",
        "--from",
        USER,
        "--oauth",
        "google",
    ]));
    assert!(said.contains(&format!("now go out as {USER}, signed in with Google (login checked)")), "{said}");
    assert!(rig.kc.lookup("acme/smtp").unwrap().starts_with("rt-"));
    said += &must(&rig.cli().args(["reply", "1", "-m", "Yes, we ship to Canada."]).output().unwrap());
    // A new process: it refreshes the SMTP sign-in from the keychain and sends.
    said += &must(&rig.cli().args(["outbox", "run"]).output().unwrap());
    let sent = sink.deliveries();
    assert_eq!(sent.len(), 1, "{said}\n{}", sink.output());
    assert_eq!(sent[0]["rcpt_tos"][0], "visitor0.smtp@example.org");

    // No token (access or refresh, IMAP or SMTP) in the data file, its WAL,
    // the settings stored in it, or anything the CLI printed.
    let tokens: Vec<String> = rig.auth.state()["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert!(tokens.len() >= 4, "{tokens:?}");
    let scan = |tokens: &[String]| {
        let mut names = Vec::new();
        let mut dirs = vec![rig.dir.path().to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                for t in tokens {
                    assert!(
                        !bytes.windows(t.len()).any(|w| w == t.as_bytes()),
                        "a token in {}",
                        path.display()
                    );
                }
                names.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
        names
    };
    // While a watcher has the file open its WAL exists (SQLite removes it at the last close).
    let mut w = Watch::start_with(rig.cli());
    w.wait_for(30, |v| v["label"] == "acme/inbox" && v["state"] == "idle");
    let tokens_now: Vec<String> = rig.auth.state()["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let names = scan(&tokens_now);
    assert!(names.iter().any(|n| n == "h.db-wal"), "the WAL was read: {names:?}");
    said += &w.stop().join("\n");
    let tokens = tokens_now;
    scan(&tokens);
    for t in &tokens {
        assert!(!said.contains(t.as_str()), "a token was printed:\n{said}");
    }
    rig.auth.assert_clean();
}

#[test]
fn team_mode_claims_are_written_to_the_mailbox_over_the_sign_in() {
    let rig = Rig::start("xoauth2");
    {
        let store = handoff::Store::open(rig.db()).unwrap();
        let mut ws = store.require_workspace("acme").unwrap();
        ws.settings.team = Some(handoff::TeamSettings {
            name: "Dana".into(),
            email: "dana@example.test".into(),
            ..handoff::TeamSettings::default()
        });
        store.update_workspace(&ws).unwrap();
    }
    rig.d.append("INBOX", &handoff_email("team-oauth", 1));
    must(&rig.add_oauth("inbox", USER));
    must(&rig.cli().args(["sync"]).output().unwrap());
    let id = {
        let s = handoff::Store::open(rig.db()).unwrap();
        let ws = s.require_workspace("acme").unwrap();
        s.handoff_by_key(ws.id, &crate::support::mail::email_key("team-oauth", 1)).unwrap().unwrap()
    };
    let introspected = rig.auth.count("introspect");
    // A new process: it refreshes the token, logs in with XOAUTH2 and writes the claim keyword.
    let said = must(&rig.cli().args(["claim", &id.to_string()]).output().unwrap());
    assert!(said.contains("claimed by you"), "{said}");
    let flags = rig.d.flags(USER, "INBOX");
    assert!(flags[0].iter().any(|f| f == "$HandoffClaimed"), "the keyword is on the message: {flags:?}");
    assert!(rig.auth.count("introspect") > introspected, "the write logged in with the signed-in token");
    rig.auth.assert_clean();
}
