//! The window's own life: it says when the first inbox has painted (the
//! background engine starts then).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static READY: AtomicBool = AtomicBool::new(false);

/// The line printed on standard output at the first inbox paint when
/// `HANDOFF_REPORT_READY` is set (the start-up benchmark waits for it).
pub const READY_LINE: &str = "handoff-desk: first inbox paint";

/// The UI painted its first inbox (rows, or the empty or first-run panel).
/// Only the first call counts.
#[tauri::command]
pub fn ui_ready(painted: tauri::State<'_, crate::state::Painted>) {
    if READY.swap(true, Ordering::SeqCst) {
        return;
    }
    painted.0.notify_one();
    if std::env::var_os("HANDOFF_REPORT_READY").is_some() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{READY_LINE}");
        let _ = out.flush();
    }
}
