//! The window's own life: it says when the first inbox has painted (the
//! background engine starts then), and, for the start-up benchmark, when
//! each step before that paint happened (`handoff-desk: phase NAME` lines,
//! only with `HANDOFF_REPORT_READY` set).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static READY: AtomicBool = AtomicBool::new(false);

/// The line printed on standard output at the first inbox paint when
/// `HANDOFF_REPORT_READY` is set (the start-up benchmark waits for it).
pub const READY_LINE: &str = "handoff-desk: first inbox paint";

/// The start of a start-up phase line (`handoff-desk: phase NAME`).
pub const PHASE_PREFIX: &str = "handoff-desk: phase ";

/// A start-up step, seen once: printed the first time only.
pub struct Phase {
    name: &'static str,
    seen: AtomicBool,
}

impl Phase {
    /// A step called `name` in the benchmark's timeline.
    pub const fn new(name: &'static str) -> Phase {
        Phase { name, seen: AtomicBool::new(false) }
    }

    /// It happened: print its line the first time, when the benchmark asks.
    pub fn mark(&self) {
        if READY.load(Ordering::Relaxed) || self.seen.swap(true, Ordering::Relaxed) {
            return;
        }
        report(&format!("{PHASE_PREFIX}{}", self.name));
    }
}

fn report(line: &str) {
    if std::env::var_os("HANDOFF_REPORT_READY").is_some() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// The UI painted its first inbox (rows, or the empty or first-run panel).
/// Only the first call counts. `marks` are the window's own start-up steps
/// (name, ms since the Unix epoch), printed for the benchmark as
/// `handoff-desk: phase js:NAME @MS` before the ready line.
#[tauri::command]
pub fn ui_ready(painted: tauri::State<'_, crate::state::Painted>, marks: Option<Vec<(String, f64)>>) {
    if READY.swap(true, Ordering::SeqCst) {
        return;
    }
    painted.ring();
    for (name, at) in marks.unwrap_or_default().iter().take(64) {
        // Names are the window's own; keep them to one short printable word.
        let name: String = name.chars().filter(|c| c.is_ascii_graphic() && *c != '@').take(40).collect();
        if at.is_finite() {
            report(&format!("{PHASE_PREFIX}js:{name} @{at:.1}"));
        }
    }
    report(READY_LINE);
}
