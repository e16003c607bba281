//! `handoff-relay --config PATH`: the relay's command line. It loads and
//! validates the config (exit 2 on a problem, with the field and the fix),
//! opens the database, binds, prints exactly one line to stdout —
//! `handoff-relay listening on http://IP:PORT` — and serves until SIGTERM or
//! Ctrl-C. Everything else it says goes to stderr.

use std::{io::Write as _, path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use clap::Parser;
use handoff_relay::{Relay, config::Config};

/// Receives chatbot webhooks for Handoff Desk and serves them to the desktop app by long-poll.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The TOML config file (see relay/README.md).
    #[arg(long, env = "HANDOFF_RELAY_CONFIG", value_name = "PATH")]
    config: PathBuf,
    /// Validate the config, print a summary and exit.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = match Config::load(&args.config) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("handoff-relay: {e}");
            return ExitCode::from(2);
        }
    };
    let warnings = handoff_relay::check::warnings(&config);
    if args.check {
        println!(
            "config ok: {} channel(s), listen {}, database {}",
            config.channels.len(),
            config.listen,
            config.database.display()
        );
        for warning in &warnings {
            println!("warning: {warning}");
        }
        return ExitCode::SUCCESS;
    }
    for warning in &warnings {
        eprintln!("handoff-relay: warning: {warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("handoff-relay: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handoff-relay: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let channels = config.channels.len();
    let mut relay = Relay::bind(config).await?;
    // Leave room for the database files, the log and accepting (a refused connection needs a descriptor too).
    if let Some(files) = handoff_relay::serve::raise_nofile_limit() {
        let fit = usize::try_from(files.saturating_sub(64)).unwrap_or(usize::MAX);
        if fit < relay.max_connections() {
            eprintln!(
                "handoff-relay: the open-file limit is {files}, so at most {fit} connections are served at once \
                 (max_connections is {}); raise LimitNOFILE in the service unit to serve more",
                relay.max_connections()
            );
            relay.cap_connections(fit);
        }
    }
    let addr = relay.local_addr().context("cannot read the bound address")?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "handoff-relay listening on http://{addr}")?;
        out.flush()?;
    }
    eprintln!("handoff-relay: serving {channels} channel(s)");
    relay.run(shutdown_signal()).await?;
    eprintln!("handoff-relay: stopped");
    Ok(())
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("handoff-relay: cannot watch for Ctrl-C ({e}); stop with SIGTERM");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                eprintln!("handoff-relay: cannot watch for SIGTERM ({e}); stop with Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    eprintln!("handoff-relay: shutting down");
}
