//! Running in the background. Closing the window hides it to the tray, so the
//! engine (sources, promise timers, the outbox: reminders, Slack/Teams alerts,
//! backup emails) keeps going; the first time, a notification says so. The
//! tray menu has "Quit" (quits), "Quit when the window closes" (the old way)
//! and "Start at login" (tauri-plugin-autostart, off by default; the first
//! launch offers it in a notification). Where the desktop has no tray, closing
//! minimises instead, so the window can always be found again.
//!
//! The choices live in `desktop.json` beside the data file (no secrets).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The desktop app's own choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Closing the window quits instead of hiding it to the tray.
    pub quit_on_close: bool,
    /// The "still running in the tray" notice was shown.
    pub tray_notice_shown: bool,
    /// Starting at login was offered (first run).
    pub autostart_offered: bool,
}

/// What closing the window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClose {
    /// Let it close: the app quits.
    Quit,
    /// Hide it to the tray (and tell the owner, the first time).
    Hide {
        /// Show the one-time notice now.
        notice: bool,
    },
    /// No tray to come back from: minimise.
    Minimise,
}

/// The preferences file and its current contents, shared by the tray and the window.
#[derive(Clone)]
pub struct PrefsFile {
    path: PathBuf,
    prefs: Arc<Mutex<Prefs>>,
    /// Whether the tray icon exists (set once it is built).
    pub tray: Arc<std::sync::atomic::AtomicBool>,
}

impl PrefsFile {
    /// `desktop.json` beside the data file `db`; defaults when missing or unreadable.
    pub fn beside(db: &Path) -> PrefsFile {
        let path = db.with_file_name("desktop.json");
        let prefs =
            std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        PrefsFile { path, prefs: Arc::new(Mutex::new(prefs)), tray: Arc::default() }
    }

    /// The current choices.
    pub fn get(&self) -> Prefs {
        self.prefs.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Change and save (a failed save keeps the change for this run).
    pub fn update(&self, f: impl FnOnce(&mut Prefs)) {
        let Ok(mut p) = self.prefs.lock() else { return };
        f(&mut p);
        if let Ok(json) = serde_json::to_vec_pretty(&*p) {
            let _ = std::fs::write(&self.path, json);
        }
    }

    /// Decide what a close request does, recording the notice as shown.
    pub fn on_close(&self) -> OnClose {
        let p = self.get();
        if p.quit_on_close {
            return OnClose::Quit;
        }
        if !self.tray.load(std::sync::atomic::Ordering::SeqCst) {
            return OnClose::Minimise;
        }
        if !p.tray_notice_shown {
            self.update(|p| p.tray_notice_shown = true);
        }
        OnClose::Hide { notice: !p.tray_notice_shown }
    }

    /// Whether this launch should offer starting at login (once, ever).
    pub fn offer_autostart(&self) -> bool {
        let offered = self.get().autostart_offered;
        if !offered {
            self.update(|p| p.autostart_offered = true);
        }
        !offered
    }
}

/// The argument the login entry starts the app with: it opens in the tray.
pub const AT_LOGIN_ARG: &str = "--background";

/// The one-time notice when the window first hides to the tray.
pub const TRAY_NOTICE: &str = "Handoff Desk is still running in the tray: reminders, alerts and backup emails go out \
    while the window is closed. Quit from the tray menu, or tick \u{201c}Quit when the window closes\u{201d} there.";

/// The first-run offer.
pub const AUTOSTART_OFFER: &str = "Start Handoff Desk when you log in, so promises are watched from the moment \
    your computer is on? Tick \u{201c}Start at login\u{201d} in the tray menu (off until you do).";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_hides_to_the_tray_and_tells_once_unless_quit_is_chosen() {
        let d = tempfile::tempdir().unwrap();
        let prefs = PrefsFile::beside(&d.path().join("handoff.db"));
        assert_eq!(prefs.on_close(), OnClose::Minimise, "no tray: never hidden out of reach");
        prefs.tray.store(true, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(prefs.on_close(), OnClose::Hide { notice: true });
        assert_eq!(prefs.on_close(), OnClose::Hide { notice: false });
        // Kept across launches.
        let again = PrefsFile::beside(&d.path().join("handoff.db"));
        again.tray.store(true, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(again.on_close(), OnClose::Hide { notice: false });
        again.update(|p| p.quit_on_close = true);
        assert_eq!(again.on_close(), OnClose::Quit);
        assert!(again.offer_autostart());
        assert!(!PrefsFile::beside(&d.path().join("handoff.db")).offer_autostart(), "offered once, ever");
    }
}
