//! `handoff forget`, `retention`, `backup`, `restore`, `export`: the
//! visitor's data under the owner's control (see the README's privacy section).

use crate::args_privacy::PrivacyCmd;
use anyhow::{Result, bail};
use chrono::Utc;
use handoff::Store;
use handoff::store::{ErasurePlan, ErasureTarget};
use std::io::{BufRead, IsTerminal, Write};

pub(crate) fn run(store: &mut Store, cmd: PrivacyCmd) -> Result<()> {
    match cmd {
        PrivacyCmd::Forget { email, phone, handoff, yes, dry_run, scrub } => {
            let target = match (email, phone, handoff) {
                (Some(e), _, _) => ErasureTarget::Email(e),
                (_, Some(p), _) => ErasureTarget::Phone(p),
                (_, _, Some(id)) => ErasureTarget::Handoff(id),
                _ if scrub => return scrub_again(store),
                _ => bail!("name the visitor: an email address, --phone NUMBER or --handoff ID"),
            };
            forget(store, &target, yes, dry_run)
        }
        PrivacyCmd::Backup { file } => {
            let info = store.backup_to(&file)?;
            println!(
                "Backed up {} handoffs to {} ({} KiB{}).",
                info.handoffs,
                info.path.display(),
                info.bytes / 1024,
                if store.encrypted() { ", encrypted with this machine's key" } else { "" }
            );
            Ok(())
        }
        PrivacyCmd::Restore { file } => {
            let info = store.restore_from(&file, Utc::now())?;
            println!(
                "Restored {} handoffs from {}. The replaced data is kept in {}.",
                info.handoffs,
                file.display(),
                info.kept.display()
            );
            Ok(())
        }
        PrivacyCmd::Export { format, workspace, since, output } => {
            let format: handoff::export::ExportFormat = format.parse()?;
            let ws = workspace.map(|w| store.require_workspace(&w)).transpose()?;
            let since = since.as_deref().map(crate::parse_since).transpose()?;
            let n = match &output {
                Some(path) => {
                    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
                    handoff::export::export(store, format, ws.map(|w| w.id), since, &mut f)?
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut lock = stdout.lock();
                    handoff::export::export(store, format, ws.map(|w| w.id), since, &mut lock)?
                }
            };
            if let Some(path) = output {
                println!("Exported {n} handoffs to {}.", path.display());
            }
            Ok(())
        }
        PrivacyCmd::Encrypt | PrivacyCmd::Decrypt => {
            bail!("encrypt and decrypt run before the data file opens")
        }
        PrivacyCmd::Retention { workspace, raw_days, handoff_months, dry_run } => {
            if let Some(slug) = workspace {
                let mut w = store.require_workspace(&slug)?;
                if let Some(d) = raw_days {
                    w.settings.privacy.raw_days = d;
                }
                if let Some(m) = handoff_months {
                    w.settings.privacy.handoff_months = m;
                }
                if raw_days.is_some() || handoff_months.is_some() {
                    store.update_workspace(&w)?;
                }
                let p = &w.settings.privacy;
                let keep =
                    |n: u32, unit: &str| if n == 0 { "kept".to_string() } else { format!("{n} {unit}") };
                println!(
                    "{slug}: raw originals {}, handoffs' personal data {} after they close.",
                    keep(p.raw_days, "days"),
                    keep(p.handoff_months, "months")
                );
            }
            let r = store.apply_retention(Utc::now(), dry_run)?;
            println!(
                "{} {} raw original(s) and the personal data of {} closed handoff(s){}.",
                if dry_run { "Would remove" } else { "Removed" },
                r.raw_originals,
                r.handoffs,
                if dry_run { "" } else { " (their counts stay in the monthly figures)" }
            );
            Ok(())
        }
    }
}

fn scrub_again(store: &mut Store) -> Result<()> {
    let s = store.scrub()?;
    if s.wal_emptied {
        println!("Freed space overwritten; the WAL is empty.");
        Ok(())
    } else {
        bail!(
            "another program is reading the data file, so its WAL could not be emptied; close the app and run `handoff forget --scrub` again"
        )
    }
}

fn print_plan(plan: &ErasurePlan) {
    let c = &plan.counts;
    println!("This erases {} handoff(s):", c.handoffs);
    for h in &plan.handoffs {
        let q = h.question.as_deref().unwrap_or("");
        let q: String = q.chars().take(60).collect();
        println!("  #{} {} {} {}  {q}", h.id, h.workspace, h.received_at.format("%Y-%m-%d"), h.visitor);
    }
    let rows = [
        ("transcript lines", c.messages),
        ("raw originals", c.raw_originals),
        ("timeline events", c.events),
        ("emails written to them", c.replies),
        ("outbox jobs", c.outbox_jobs),
        ("promises and follow-ups", c.promises_and_follow_ups),
        ("HubSpot push records (the contact in HubSpot stays)", c.hubspot_records),
        ("gap checklist embeddings", c.gap_embeddings),
        ("gap checklist items that list them", c.gap_items),
        ("team claims and answers", c.team_records),
        ("non-handoff platform events that mention them", c.skipped_events),
    ];
    for (what, n) in rows.iter().filter(|(_, n)| *n > 0) {
        println!("  {n:>6} {what}");
    }
    println!("Backups made before now still hold them until they are rotated out.");
}

fn forget(store: &mut Store, target: &ErasureTarget, yes: bool, dry_run: bool) -> Result<()> {
    let plan = store.erasure_plan(target)?;
    if plan.counts.handoffs == 0 && plan.counts.skipped_events == 0 && plan.counts.outbox_jobs == 0 {
        bail!("nothing to erase: no handoff matches; `handoff search` finds visitors by name or address");
    }
    print_plan(&plan);
    if dry_run {
        println!("(dry run: nothing erased)");
        return Ok(());
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!("not erasing without a confirmation: run it in a terminal, or add --yes");
        }
        print!("Type 'erase' to erase them for good: ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if line.trim() != "erase" {
            bail!("not confirmed; nothing was erased");
        }
    }
    let done = store.forget(target, Utc::now())?;
    println!(
        "Erased {} handoff(s); tombstone #{} records when and how many rows, no personal data.",
        done.counts.handoffs, done.tombstone
    );
    if !done.scrub.wal_emptied {
        eprintln!(
            "warning: another program is reading the data file, so the freed bytes may linger in its WAL; close the app and run `handoff forget --scrub`"
        );
    }
    Ok(())
}

/// `handoff encrypt` / `decrypt`: rewrite the file in place.
pub(crate) fn convert(path: &std::path::Path, encrypt: bool) -> Result<()> {
    use handoff::store::cipher;
    if !path.exists() {
        bail!("no data file at {}; nothing to convert", path.display());
    }
    let encrypted = cipher::is_encrypted(path);
    match (encrypt, encrypted) {
        (true, true) => {
            println!("{} is already encrypted.", path.display());
            return Ok(());
        }
        (false, false) => {
            println!("{} is not encrypted.", path.display());
            return Ok(());
        }
        _ => {}
    }
    // Bring an older file's schema up to date first, as any open would.
    if !encrypted {
        drop(Store::open(path)?);
    }
    if encrypt {
        let key = cipher::key_or_create()?;
        cipher::convert(path, None, Some(&key))?;
        println!(
            "Encrypted {} (SQLCipher, AES-256). The key is in the OS keychain (desk.handoff.app, data-file/key): \
             without it the file cannot be read, so keep the keychain backed up. Backups made from now on are encrypted too.",
            path.display()
        );
    } else {
        let key = cipher::stored_key()?.ok_or_else(|| {
            anyhow::anyhow!(
                "this keychain has no data-file key, so {} cannot be decrypted here",
                path.display()
            )
        })?;
        cipher::convert(path, Some(&key), None)?;
        println!(
            "Decrypted {}: it is a plain SQLite file again, readable by anyone who can read the file.",
            path.display()
        );
    }
    Ok(())
}
