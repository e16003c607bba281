//! Replies from the command line: `reply` (the draft, an editor or the
//! answer given, then queued and sent), the reply identity (`smtp set|test`)
//! and the outbox that sends them (`outbox`, `outbox run`).

use crate::print;
use crate::sources::{SecretInput, keychain, read_secret};
use anyhow::{Context, Result, bail};
use chrono::Utc;
use handoff::reply::worker::{self, Backoff};
use handoff::reply::{self, Draft};
use handoff::store::{JobState, ReplyKind};
use handoff::{SmtpIdentity, SmtpTls, Store, connect};
use std::io::{IsTerminal, Read};

/// How the reply text is given.
pub struct ReplyArgs {
    pub id: i64,
    pub second: bool,
    pub message: Option<String>,
    pub message_file: Option<std::path::PathBuf>,
    pub subject: Option<String>,
    pub draft_only: bool,
    pub queue_only: bool,
    pub anyway: bool,
}

pub fn reply(store: &mut Store, a: ReplyArgs) -> Result<()> {
    let h = store.handoff(a.id)?.ok_or(handoff::Error::NoSuchHandoff(a.id))?;
    let ws = store.workspace_by_id(h.workspace_id)?.context("the handoff's workspace is gone")?;
    let kind = if a.second { ReplyKind::SecondAttempt } else { ReplyKind::Reply };
    let mut draft = reply::draft(&ws, &h, kind);
    if a.draft_only {
        println!("Subject: {}\n\n{}", draft.subject, draft.body);
        return Ok(());
    }
    let body = match (&a.message, &a.message_file) {
        (Some(m), _) => Some(fill_marker(&draft.body, m)),
        (None, Some(p)) if p.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("reading the reply from standard input")?;
            Some(s)
        }
        (None, Some(p)) => {
            Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?)
        }
        (None, None) => None,
    };
    draft = match body {
        Some(b) => Draft { subject: draft.subject, body: b },
        None => edit(&draft)?,
    };
    if let Some(s) = a.subject {
        draft.subject = s;
    }
    crate::team::before_reply(store, &ws, a.id, a.anyway)?;
    let mail = reply::reply_to_visitor(&ws, &h, kind, &draft)?;
    let (_, job) = store.queue_reply(&ws, &mail, Utc::now())?;
    if a.queue_only {
        println!("Queued as outbox job #{job}; `handoff watch` (or the app) sends it.");
        return Ok(());
    }
    let keychain = keychain().ok();
    let reports = worker::run_due(store, keychain.as_ref(), &Utc::now, Backoff::default())?;
    match reports.iter().find(|r| r.job_id == job) {
        Some(r) if r.state == "done" => println!("Sent to {} ({}). Promise met.", mail.to, mail.message_id),
        Some(r) => println!("Not sent yet ({}): {}", r.state, r.message),
        None => println!("Queued as outbox job #{job}; it is due later (a retry is scheduled)."),
    }
    Ok(())
}

/// `--message` text goes where the draft's marker is, keeping the greeting and quote.
fn fill_marker(body: &str, answer: &str) -> String {
    if body.contains(reply::ANSWER_MARKER) {
        body.replace(reply::ANSWER_MARKER, answer.trim())
    } else {
        answer.to_string()
    }
}

fn edit(draft: &Draft) -> Result<Draft> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "no reply text: pass --message \"…\", --message-file FILE (or - for standard input), or run in a terminal to write it in $EDITOR"
        );
    }
    let editor =
        std::env::var("VISUAL").or_else(|_| std::env::var("EDITOR")).unwrap_or_else(|_| "nano".into());
    let dir = std::env::temp_dir().join(format!("handoff-reply-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("reply.txt");
    std::fs::write(&file, format!("Subject: {}\n\n{}", draft.subject, draft.body))?;
    let st = std::process::Command::new(&editor)
        .arg(&file)
        .status()
        .with_context(|| format!("starting the editor {editor:?} (set $EDITOR)"))?;
    if !st.success() {
        bail!("the editor exited with {st}; nothing was sent");
    }
    let text = std::fs::read_to_string(&file)?;
    let _ = std::fs::remove_dir_all(&dir);
    let (subject, body) = match text.strip_prefix("Subject: ").and_then(|t| t.split_once("\n\n")) {
        Some((s, b)) => (s.trim().to_string(), b.to_string()),
        None => (draft.subject.clone(), text),
    };
    Ok(Draft { subject, body })
}

pub fn smtp_set(store: &Store, ws: &str, id: SmtpIdentity, stdin: bool, verify: bool) -> Result<()> {
    let w = store.require_workspace(ws)?;
    if id.tls == SmtpTls::Plain && !connect::is_loopback(&id.host) {
        bail!(
            "--tls plain sends your password unencrypted; it is allowed only for a server on this machine. Use --tls starttls (587) or implicit (465)."
        );
    }
    let password = match &id.user {
        Some(_) => {
            Some(read_secret("SMTP password", if stdin { SecretInput::Stdin } else { SecretInput::Prompt })?)
        }
        None => None,
    };
    let keychain = if password.is_some() { Some(keychain()?) } else { None };
    connect::set_smtp(store, keychain.as_ref(), &w.slug, id, password.as_deref(), verify).map_err(
        |e| match e {
            connect::ConnectError::Check { message: m, .. } => {
                anyhow::anyhow!("{}; fix it, or pass --no-check.", m.trim_end_matches('.'))
            }
            e => e.into(),
        },
    )?;
    println!(
        "Replies for {:?} now go out through this server{}.",
        w.slug,
        if verify { " (login checked)" } else { "" }
    );
    Ok(())
}

pub fn smtp_test(store: &Store, ws: &str) -> Result<()> {
    let keychain = keychain().ok();
    let id = connect::test_smtp(store, keychain.as_ref(), ws).map_err(|e| match e {
        connect::ConnectError::Invalid(_) => {
            anyhow::anyhow!("workspace {ws:?} has no reply identity: `handoff smtp set --workspace {ws} …`")
        }
        e => e.into(),
    })?;
    println!("SMTP {}:{} accepts the login for {:?}.", id.host, id.port, id.user.unwrap_or_default());
    Ok(())
}

pub fn outbox(store: &mut Store, json: bool) -> Result<()> {
    store.recover_interrupted(Utc::now())?;
    let jobs = store.jobs(&[])?;
    if json {
        for j in &jobs {
            println!("{}", serde_json::to_string(j)?);
        }
        return Ok(());
    }
    if jobs.is_empty() {
        println!("The outbox is empty.");
    }
    for j in jobs.iter().take(50) {
        let what =
            if j.state == JobState::Done { String::new() } else { j.last_error.clone().unwrap_or_default() };
        println!(
            "#{:<5} {:<8} {:<11} handoff #{:<6} tries {:<3} {}",
            j.id,
            j.state.as_str(),
            j.kind,
            j.handoff_id.unwrap_or(0),
            j.attempts,
            print::cut(&what, 100)
        );
    }
    Ok(())
}

pub fn outbox_run(store: &mut Store) -> Result<()> {
    let keychain = keychain().ok();
    let mut reports = worker::run_due(store, keychain.as_ref(), &Utc::now, Backoff::default())?;
    let hooks = |ws: &handoff::Workspace, ch: handoff::model::AlertChannel| match &keychain {
        Some(k) => k.get(&ws.slug, ch.secret_key()).map_err(|e| e.to_string()),
        None => Err("the keychain is not available to read the webhook URL".to_string()),
    };
    let alert_opts = crate::alerts::engine_options().alerts;
    reports.extend(handoff::alerts::worker::run_due(store, &hooks, &Utc::now, alert_opts)?);
    for r in &reports {
        println!("#{}: {}: {}", r.job_id, r.state, r.message);
    }
    let pushes = crate::hubspot::run(store)?;
    if reports.is_empty() && pushes == 0 {
        println!("Nothing due in the outbox.");
    }
    Ok(())
}

/// A template file: `Subject: …`, a blank line, the body. Empty: the built-in template.
pub fn read_template(path: &std::path::Path) -> Result<Option<handoff::Template>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading the template {}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let text = text.replace("\r\n", "\n");
    let (subject, body) =
        text.strip_prefix("Subject:").and_then(|t| t.split_once("\n\n")).with_context(|| {
            format!(
                "{} must start with a \"Subject: …\" line, then a blank line, then the body",
                path.display()
            )
        })?;
    Ok(Some(handoff::Template { subject: subject.trim().to_string(), body: body.to_string() }))
}
