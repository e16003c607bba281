//! A hello-world Tauri 2 app: one window, one static page, one command.
//!
//! It is the baseline of `src-tauri/benches/desktop.rs`, which measures
//! Handoff Desk's start-up and memory beside it: it must stay as small as a
//! hello world is. With `HANDOFF_REPORT_READY` set, it prints [`READY_LINE`]
//! once the page has painted, as the app prints its own at the first inbox.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::io::Write;

/// The line printed on standard output after the first paint.
const READY_LINE: &str = "hello-tauri: first paint";

/// The page painted (page/ready.js calls this once).
#[tauri::command]
fn ready() {
    if std::env::var_os("HANDOFF_REPORT_READY").is_some() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{READY_LINE}");
        let _ = out.flush();
    }
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("hello-tauri: the window could not start: {e}");
        std::process::exit(1);
    }
}
