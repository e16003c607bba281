//! `handoff import`: files and folders into the store, in batches of one
//! transaction each, so an interrupted import leaves whole batches behind and
//! a re-run completes it (already-stored inputs are recognised and skipped).

use anyhow::{Context, Result, bail};
use chrono::Utc;
use handoff::ingest::{Parsed, file, reason, templates};
use handoff::store::{IngestOutcome, NewWorkspace};
use handoff::{Store, Workspace};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

pub fn run(store: &mut Store, paths: &[PathBuf], workspace: Option<&str>, batch: usize) -> Result<()> {
    let ws = target_workspace(store, workspace)?;
    let files = collect(paths)?;
    if files.is_empty() {
        bail!(
            "no files to import in {}",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let bar = if files.len() > 1 && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::new(files.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut total = IngestOutcome::default();
    let mut pending: Vec<Parsed> = Vec::with_capacity(batch);
    for path in &files {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for mut item in file::parse_file(&name, &bytes) {
            if let Parsed::Handoff(h) = &mut item {
                reason::finish(h);
            }
            pending.push(item);
        }
        if pending.len() >= batch.max(1) {
            templates::reread_batch(store, &mut pending, Utc::now())?;
            handoff::ingest::briefing::attach(&mut pending);
            total.absorb(store.ingest(&ws, std::mem::take(&mut pending), Utc::now())?);
        }
        bar.inc(1);
    }
    if !pending.is_empty() {
        templates::reread_batch(store, &mut pending, Utc::now())?;
        handoff::ingest::briefing::attach(&mut pending);
        total.absorb(store.ingest(&ws, pending, Utc::now())?);
    }
    bar.finish_and_clear();
    println!(
        "Imported {} handoff{} into {:?} ({} already there, {} not handoffs and set aside, {} kept raw: see `handoff list --flagged`).",
        total.inserted.len(),
        if total.inserted.len() == 1 { "" } else { "s" },
        ws.slug,
        total.duplicates,
        total.skipped,
        total.flagged
    );
    Ok(())
}

/// The named workspace; the only one there is; or a new `default` one in an empty database.
fn target_workspace(store: &Store, name: Option<&str>) -> Result<Workspace> {
    if let Some(name) = name {
        return Ok(store.require_workspace(name)?);
    }
    let all = store.workspaces()?;
    match all.len() {
        0 => Ok(store.create_workspace(&NewWorkspace::new("default", "Default", "UTC"))?),
        1 => Ok(all.into_iter().next().context("workspace vanished")?),
        _ => bail!(
            "there are several workspaces ({}); choose one with --workspace NAME",
            all.iter().map(|w| w.slug.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Files named, and the files inside folders named (recursively, sorted for a stable order).
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out)?;
    }
    Ok(out)
}

fn walk(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .with_context(|| format!("cannot list {}", p.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            let hidden = e.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden {
                walk(&e, out)?;
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}
