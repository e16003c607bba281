//! Signing mailboxes in from the command line: `source add imap --oauth`,
//! `source signin`, `smtp set --oauth` (the URL is printed and opened in the
//! browser; the command waits for the redirect), and `source discover`.

use crate::sources::keychain;
use anyhow::{Result, bail};
use handoff::connect;
use handoff::discover::{Discovery, MailSettings, OAuthProvider, Security};
use handoff::ingest::imap::{ImapConfig, TlsMode};
use handoff::oauth::{Grant, OAuthClient, SignIn, flow};
use handoff::store::{Source, SourceConfig};
use handoff::{Store, Workspace};
use std::io::Write;
use std::time::Duration;

/// How long the command waits for the browser.
const WAIT: Duration = Duration::from_secs(300);

pub fn provider(name: &str) -> Result<OAuthProvider> {
    match name {
        "google" => Ok(OAuthProvider::Google),
        "microsoft" => Ok(OAuthProvider::Microsoft),
        other => bail!("unknown --oauth {other:?}: use google or microsoft"),
    }
}

fn title(p: OAuthProvider) -> &'static str {
    match p {
        OAuthProvider::Google => "Google",
        OAuthProvider::Microsoft => "Microsoft",
    }
}

/// Settings for an address, said out loud so the person can check them.
pub fn discover(address: &str) -> Result<MailSettings> {
    let found = Discovery::from_env().find(address)?;
    eprintln!(
        "Found {} for {address}: IMAP {}:{} ({}){}.",
        found.provider,
        found.imap.host,
        found.imap.port,
        security(found.imap.security),
        found
            .smtp
            .as_ref()
            .map(|s| format!(", SMTP {}:{} ({})", s.host, s.port, security(s.security)))
            .unwrap_or_default()
    );
    if let Some(note) = &found.note {
        eprintln!("{note}");
    }
    Ok(found)
}

fn security(s: Security) -> &'static str {
    match s {
        Security::Implicit => "TLS",
        Security::Starttls => "STARTTLS",
        Security::Plain => "no encryption",
    }
}

/// The IMAP part of found settings.
pub fn imap_config(found: &MailSettings, user: &str) -> ImapConfig {
    let tls = match found.imap.security {
        Security::Implicit => TlsMode::Implicit,
        Security::Starttls => TlsMode::Starttls,
        Security::Plain => TlsMode::Plain,
    };
    let login = if found.imap.username.is_empty() { user } else { found.imap.username.as_str() };
    ImapConfig::new(&found.imap.host, found.imap.port, tls, login)
}

/// `source discover`.
pub fn show(address: &str, json: bool) -> Result<()> {
    let found = Discovery::from_env().find(address)?;
    if json {
        println!("{}", serde_json::to_string(&found)?);
        return Ok(());
    }
    println!("Provider: {}", found.provider);
    println!(
        "IMAP:     {}:{} ({}), login {}",
        found.imap.host,
        found.imap.port,
        security(found.imap.security),
        found.imap.username
    );
    if let Some(s) = &found.smtp {
        println!("SMTP:     {}:{} ({}), login {}", s.host, s.port, security(s.security), s.username);
    }
    if let Some(p) = found.oauth {
        println!("Sign-in:  {} (`--oauth {}`)", title(p), p.as_str());
    }
    if let Some(n) = &found.note {
        println!("Note:     {n}");
    }
    Ok(())
}

/// Run a sign-in: print the URL, open the browser, wait for the redirect.
pub fn sign_in(provider: OAuthProvider, address: &str) -> Result<Grant> {
    let client = OAuthClient::from_env(provider)?;
    let s = SignIn::start(&client, Some(address))?;
    println!(
        "Sign in to {address} with {} in your browser. If it does not open, open this address:",
        title(provider)
    );
    println!("{}", s.url());
    let _ = std::io::stdout().flush();
    if let Err(why) = flow::open_browser(s.url()) {
        eprintln!("(the browser did not open: {why})");
    }
    eprintln!("Waiting for the browser (up to {} minutes)…", WAIT.as_secs() / 60);
    Ok(s.finish(WAIT)?)
}

/// `source add imap --oauth …`.
pub fn add(store: &Store, ws: &Workspace, name: &str, config: ImapConfig, verify: bool) -> Result<()> {
    let Some(provider) = config.oauth else { bail!("not an OAuth source") };
    let keychain = keychain()?;
    let grant = sign_in(provider, &config.user)?;
    let source = connect::add_oauth_source(store, &keychain, ws, name, config, &grant, verify)
        .map_err(crate::sources::no_check_hint)?;
    println!(
        "Added {} ({}), signed in with {}. The sign-in is kept in the OS keychain.",
        source.label(),
        source.config.describe(),
        title(provider)
    );
    println!("Next: `handoff sync` fetches once; `handoff watch` keeps watching.");
    Ok(())
}

/// `source signin`.
pub fn again(source: &Source, verify: bool) -> Result<()> {
    let SourceConfig::Imap(config) = &source.config else {
        bail!("{} is a relay source; it has a token, not a sign-in (`handoff source secret`)", source.label())
    };
    let Some(provider) = config.oauth else {
        bail!(
            "{} logs in with a password; replace it with `handoff source secret {}`",
            source.label(),
            source.label()
        )
    };
    let keychain = keychain()?;
    let grant = sign_in(provider, &config.user)?;
    connect::replace_oauth_grant(&keychain, source, &grant, verify).map_err(crate::sources::no_check_hint)?;
    println!(
        "{} is signed in again with {}; a running `handoff watch` picks it up.",
        source.label(),
        title(provider)
    );
    Ok(())
}

/// `smtp set --oauth …`.
pub fn smtp(store: &Store, workspace: &str, id: handoff::SmtpIdentity, verify: bool) -> Result<()> {
    let (Some(provider), Some(user)) = (id.oauth, id.user.clone()) else { bail!("not a sign-in") };
    let keychain = keychain()?;
    let grant = sign_in(provider, &user)?;
    let ws =
        connect::set_smtp_oauth(store, &keychain, workspace, id, &grant, verify).map_err(|e| match e {
            connect::ConnectError::Check { message: m, .. } => {
                anyhow::anyhow!("{}; fix it, or pass --no-check.", m.trim_end_matches('.'))
            }
            e => e.into(),
        })?;
    println!(
        "Replies for {:?} now go out as {user}, signed in with {}{}.",
        ws.slug,
        title(provider),
        if verify { " (login checked)" } else { "" }
    );
    Ok(())
}

/// `source folders`: log in with the saved password or sign-in and list.
pub fn folders(source: &Source) -> Result<()> {
    let SourceConfig::Imap(config) = &source.config else {
        bail!("{} is not an IMAP source", source.label())
    };
    let secret = handoff::oauth::source_secret(&keychain()?, source)?;
    let mut mailbox = handoff::ingest::imap::Mailbox::connect(
        config,
        &secret,
        &handoff::ingest::imap::Canceller::default(),
    )?;
    let folders = mailbox.folders()?;
    mailbox.logout();
    for f in &folders {
        let mark = if *f == config.folder { "  (watched)" } else { "" };
        println!("{f}{mark}");
    }
    Ok(())
}
