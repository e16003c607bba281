//! Handoff Desk's desktop shell: a window over the `handoff` core.
//!
//! The shell only adapts: it opens the data file, starts the sync engine in
//! the background, forwards its events, and answers the window's commands
//! (`commands/`, one module per screen) with the core's answers turned into
//! views (`views.rs`). No business logic lives here.

pub mod commands;
pub mod error;
pub mod events;
pub mod state;
pub mod views;

use state::Db;

/// Open the window (blocks until the app quits).
pub fn run() {
    // HANDOFF_DB when set, else the platform data folder's handoff.db: the
    // same file the CLI opens, so both can work on it at once.
    let Some(path) = handoff::store::default_path() else {
        eprintln!(
            "handoff-desk: no data folder could be found for this user; set HANDOFF_DB to a file path and start again."
        );
        std::process::exit(1);
    };
    let db = match Db::open(&path) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("handoff-desk: {e}");
            std::process::exit(1);
        }
    };
    let engine_db = db.path().to_path_buf();
    let (outbox, kicks) = state::Outbox::new();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .manage(db)
        .manage(outbox)
        .manage(state::Gaps::default())
        .setup(move |app| {
            events::start(app.handle().clone(), engine_db, kicks);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspaces::list_workspaces,
            commands::inbox::inbox,
            commands::handoff::handoff,
            commands::handoff::resolve,
            commands::handoff::contacted,
            commands::handoff::snooze,
            commands::reply::reply_draft,
            commands::reply::send_reply,
            commands::gaps::gap_checklist,
            commands::gaps::gap_check,
            commands::gaps::gap_uncheck,
            commands::gaps::gap_markdown,
            commands::insights::insights,
            commands::window::ui_ready,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!(
            "handoff-desk: the window could not start: {e}. On Linux it needs a display (X11 or Wayland) and WebKitGTK 4.1."
        );
        std::process::exit(1);
    }
}
