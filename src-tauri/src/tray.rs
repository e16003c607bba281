//! The tray icon: how many handoffs need an answer, one click from the
//! window. Its label and tooltip are refreshed when handoffs change and every
//! minute (promises come due with nobody touching anything). Its menu keeps
//! the app in the background (see [`crate::background`]): Open, Start at
//! login, Quit when the window closes, Quit.

use crate::background::PrefsFile;
use crate::state::Db;
use handoff::store::DueCounts;
use std::time::Duration;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};
use tauri_plugin_autostart::ManagerExt;

const TRAY_ID: &str = "main";

/// What "due" means for the tray: overdue, or due within this long.
pub const DUE_WITHIN: chrono::Duration = chrono::Duration::hours(1);

/// The tray's short label (beside the icon, where the desktop shows one) and its tooltip.
pub fn texts(c: DueCounts) -> (String, String) {
    let due = c.overdue + c.due_soon;
    let label = if due == 0 { String::new() } else { due.to_string() };
    let tooltip = match (c.overdue, c.due_soon) {
        (0, 0) => "Handoff Desk: nothing due in the next hour".to_string(),
        (0, s) => format!("Handoff Desk: {s} due within the hour"),
        (o, 0) => format!("Handoff Desk: {o} overdue"),
        (o, s) => format!("Handoff Desk: {o} overdue, {s} more due within the hour"),
    };
    (label, tooltip)
}

/// Show the main window, focused (the tray's click, a second launch).
pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// Put the icon in the tray and keep its count current. Where the desktop has
/// no tray (a bare X server), the app runs on without it.
pub fn install(app: &AppHandle, prefs: &PrefsFile) {
    let built = (|| -> tauri::Result<()> {
        let open = MenuItem::with_id(app, "open", "Open Handoff Desk", true, None::<&str>)?;
        let at_login = app.autolaunch().is_enabled().unwrap_or(false);
        let login = CheckMenuItem::with_id(app, "autostart", "Start at login", true, at_login, None::<&str>)?;
        let quit_on_close = prefs.get().quit_on_close;
        let closing = CheckMenuItem::with_id(
            app,
            "quit_on_close",
            "Quit when the window closes",
            true,
            quit_on_close,
            None::<&str>,
        )?;
        let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
        let sep = PredefinedMenuItem::separator(app)?;
        let menu = Menu::with_items(app, &[&open, &sep, &login, &closing, &sep, &quit])?;
        let chosen = prefs.clone();
        let mut tray = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip("Handoff Desk")
            .menu(&menu)
            .show_menu_on_left_click(false)
            .on_menu_event(move |app, e| match e.id().as_ref() {
                "open" => show_main(app),
                "quit" => app.exit(0),
                "autostart" => {
                    let launcher = app.autolaunch();
                    let on = launcher.is_enabled().unwrap_or(false);
                    let _ = if on { launcher.disable() } else { launcher.enable() };
                    let _ = login.set_checked(launcher.is_enabled().unwrap_or(!on));
                }
                "quit_on_close" => {
                    chosen.update(|p| p.quit_on_close = !p.quit_on_close);
                    let _ = closing.set_checked(chosen.get().quit_on_close);
                }
                _ => {}
            })
            .on_tray_icon_event(|tray, e| {
                if let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = e
                {
                    show_main(tray.app_handle());
                }
            });
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.build(app)?;
        Ok(())
    })();
    prefs.tray.store(built.is_ok(), std::sync::atomic::Ordering::SeqCst);
    if let Err(e) = built {
        eprintln!("handoff-desk: no tray icon ({e}); the window works without it.");
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // The count waits for the first inbox paint: its query would only
        // hold the data file while the window asks for its first screen.
        let painted = app.state::<crate::state::Painted>().inner().clone();
        painted.wait(crate::events::START_AT_THE_LATEST).await;
        loop {
            refresh(&app).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}

/// Recount and relabel.
pub async fn refresh(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    let db = app.state::<Db>().inner().clone();
    let Ok(counts) = db.run(|s| s.due_counts(chrono::Utc::now(), DUE_WITHIN)).await else { return };
    let (label, tooltip) = texts(counts);
    let _ = tray.set_title(Some(label));
    let _ = tray.set_tooltip(Some(tooltip));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_counts_what_is_due_and_the_tooltip_says_which() {
        let t = |overdue, due_soon| texts(DueCounts { overdue, due_soon });
        assert_eq!(t(0, 0).0, "");
        assert_eq!(t(2, 3).0, "5");
        assert_eq!(t(0, 1).1, "Handoff Desk: 1 due within the hour");
        assert_eq!(t(4, 0).1, "Handoff Desk: 4 overdue");
        assert_eq!(t(1, 2).1, "Handoff Desk: 1 overdue, 2 more due within the hour");
    }
}
