//! Handoff Desk's desktop shell: a window over the `handoff` core.
//!
//! The shell only adapts: it opens the data file, starts the sync engine in
//! the background, forwards its events, and answers the window's commands
//! (`commands/`, one module per screen) with the core's answers turned into
//! views (`views.rs`). No business logic lives here.

pub mod background;
pub mod commands;
pub mod error;
pub mod events;
pub mod state;
pub mod tray;
pub mod views;
pub mod watch;

use state::Db;

use commands::window::Phase;

static MAIN: Phase = Phase::new("main");
static STORE_OPEN: Phase = Phase::new("store-open");
static INSTANCE_CHECKED: Phase = Phase::new("instance-checked");
static SETUP: Phase = Phase::new("setup");
static SETUP_DONE: Phase = Phase::new("setup-done");
static PAGE_STARTED: Phase = Phase::new("page-started");
static PAGE_LOADED: Phase = Phase::new("page-loaded");

/// Open the window (blocks until the app quits).
pub fn run() {
    MAIN.mark();
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
    STORE_OPEN.mark();
    // A second launch on an open file hands over before GTK and the async
    // runtime start: exiting then has nothing to tear down. (The plugin below
    // still catches two launches racing each other.)
    #[cfg(target_os = "linux")]
    if handed_over(&instance_id(db.path())) {
        std::process::exit(0);
    }
    INSTANCE_CHECKED.mark();
    let engine_db = db.path().to_path_buf();
    let (outbox, kicks) = state::Outbox::new();
    let painted = state::Painted::default();
    let painted_later = painted.clone();
    let prefs = background::PrefsFile::beside(db.path());
    let on_close = prefs.clone();
    let result = tauri::Builder::default()
        // First: a second launch on the same data file shows this window and exits.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id(db.path()))
                // Answered at once (the second launch waits on the reply):
                // the window comes forward on the main thread afterwards.
                .callback(|app, _args, _cwd| {
                    let handle = app.clone();
                    let _ = app.run_on_main_thread(move || tray::show_main(&handle));
                })
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        // Links in the window open in the system browser or mail program;
        // the capability allows http, https and mailto URLs only.
        .plugin(tauri_plugin_opener::init())
        // Start at login: off until the owner ticks it in the tray menu.
        // Started at login, it opens in the tray (`--background`), not in your face.
        .plugin(tauri_plugin_autostart::Builder::new().args([background::AT_LOGIN_ARG]).build())
        .on_window_event(move |window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                match on_close.on_close() {
                    background::OnClose::Quit => {}
                    background::OnClose::Hide { notice } => {
                        api.prevent_close();
                        let _ = window.hide();
                        if notice {
                            use tauri::Manager;
                            notify(window.app_handle(), "Still running in the tray", background::TRAY_NOTICE);
                        }
                    }
                    background::OnClose::Minimise => {
                        api.prevent_close();
                        let _ = window.minimize();
                    }
                }
            }
        })
        .manage(db)
        .manage(prefs.clone())
        .manage(outbox)
        .manage(painted.clone())
        .manage(state::Gaps::default())
        .on_page_load(|_, payload| match payload.event() {
            tauri::webview::PageLoadEvent::Started => PAGE_STARTED.mark(),
            tauri::webview::PageLoadEvent::Finished => PAGE_LOADED.mark(),
        })
        .manage(commands::signin::SignIns::default())
        .setup(move |app| {
            SETUP.mark();
            events::start(app.handle().clone(), engine_db, kicks, painted);
            tray::install(app.handle(), &prefs);
            watch::start(app.handle().clone());
            if std::env::args().any(|a| a == background::AT_LOGIN_ARG)
                && prefs.tray.load(std::sync::atomic::Ordering::SeqCst)
                && let Some(w) = tauri::Manager::get_webview_window(&*app, "main")
            {
                let _ = w.hide();
            }
            if prefs.offer_autostart() {
                // A notice is a D-Bus round trip: after the first paint.
                let handle = app.handle().clone();
                let painted = painted_later.clone();
                tauri::async_runtime::spawn(async move {
                    painted.wait(events::START_AT_THE_LATEST).await;
                    notify(&handle, "Start at login?", background::AUTOSTART_OFFER);
                });
            }
            #[cfg(target_os = "linux")]
            draw_without_compositing(app);
            SETUP_DONE.mark();
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspaces::list_workspaces,
            commands::inbox::inbox,
            commands::handoff::handoff,
            commands::handoff::resolve,
            commands::handoff::contacted,
            commands::handoff::snooze,
            commands::handoff::reopen,
            commands::handoff::unsnooze,
            commands::handoff::undo_contacted,
            commands::workspaces::load_demo,
            commands::reply::reply_draft,
            commands::reply::send_reply,
            commands::gaps::gap_checklist,
            commands::gaps::gap_check,
            commands::gaps::gap_uncheck,
            commands::gaps::gap_markdown,
            commands::insights::insights,
            commands::report::briefing,
            commands::report::month_report,
            commands::report::save_report_pdf,
            commands::report::set_conversations,
            commands::report::read_chatwoot_conversations,
            commands::report::read_intercom_conversations,
            commands::window::ui_ready,
            commands::handoff::push_to_hubspot,
            commands::settings::settings,
            commands::settings::save_workspace,
            commands::settings::try_promise,
            commands::settings::create_workspace,
            commands::settings::add_source,
            commands::signin::discover_mailbox,
            commands::signin::begin_sign_in,
            commands::signin::cancel_sign_in,
            commands::signin::finish_sign_in,
            commands::settings::test_source,
            commands::settings::set_source_secret,
            commands::settings::set_source_enabled,
            commands::settings::remove_source,
            commands::settings::acknowledge_source_gaps,
            commands::settings::save_smtp,
            commands::settings::test_smtp,
            commands::settings::connect_hubspot,
            commands::settings::disconnect_hubspot,
            commands::settings::push_all_pending,
            commands::claims::claim_handoff,
            commands::claims::release_handoff,
            commands::claims::save_team,
            commands::reparse::reparse_offer,
            commands::reparse::reparse,
            commands::template::original,
            commands::template::template_preview,
            commands::template::template_save,
            commands::template::templates,
            commands::template::template_remove,
            commands::template::template_export,
            commands::template::template_import,
            commands::privacy::erase_plan,
            commands::privacy::forget_visitor,
            commands::privacy::privacy,
            commands::privacy::save_privacy,
            commands::privacy::apply_retention,
            commands::privacy::backup_now,
            commands::privacy::export_handoffs,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!(
            "handoff-desk: the window could not start: {e}. On Linux it needs a display (X11 or Wayland) and WebKitGTK 4.1."
        );
        std::process::exit(1);
    }
}

/// A desktop notification from the shell itself (a missing notification
/// daemon only costs the notice).
fn notify(app: &tauri::AppHandle, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt;
    let _ = app.notification().builder().title(title).body(body).show();
}

/// Whether a window is already open on this data file: if so it is asked to
/// come forward (the single-instance plugin's own D-Bus call) and this launch
/// should exit. Any D-Bus trouble means "no": the plugin then decides.
#[cfg(target_os = "linux")]
fn handed_over(id: &str) -> bool {
    let name = format!("{id}.SingleInstance");
    let Ok(conn) = zbus::blocking::Connection::session() else { return false };
    let Ok(bus) = zbus::blocking::fdo::DBusProxy::new(&conn) else { return false };
    let Ok(bus_name) = zbus::names::BusName::try_from(name.as_str()) else { return false };
    if !bus.name_has_owner(bus_name).unwrap_or(false) {
        return false;
    }
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    let argv: Vec<String> = std::env::args().collect();
    let cwd = std::env::current_dir().unwrap_or_default().to_string_lossy().into_owned();
    conn.call_method(
        Some(name.as_str()),
        path.as_str(),
        Some("org.SingleInstance.DBus"),
        "ExecuteCallback",
        &(argv, cwd),
    )
    .is_ok()
}

/// One instance per data file: a D-Bus name derived from the file's path (two
/// windows on one file would race each other; the demo and a real file may
/// be open side by side).
pub fn instance_id(db: &std::path::Path) -> String {
    use std::hash::{Hash, Hasher};
    let path = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    // FNV-1a: stable across builds and runs, unlike std's DefaultHasher.
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    path.hash(&mut h);
    format!("desk.handoff.app.f{:016x}", h.finish())
}

/// WebKitGTK composites a page on the GPU once anything on it moves (the
/// virtualised inbox, a fading list): that costs the web process about 90 MiB
/// more (measured: 232 against 118 MiB PSS with the demo, where software
/// drawing is plenty for lists and text). `HANDOFF_GPU=1` keeps WebKit's default.
#[cfg(target_os = "linux")]
fn draw_without_compositing(app: &tauri::App) {
    use tauri::Manager;
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if std::env::var_os("HANDOFF_GPU").is_some_and(|v| v == "1") {
        return;
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.with_webview(|webview| {
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
    }
}
