//! Handoff Desk's desktop window. Everything is in the library (`run`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    handoff_desk::run();
}
