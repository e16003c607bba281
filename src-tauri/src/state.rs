//! The app's state, built whole before it is managed: the open data file.
//!
//! rusqlite is blocking, so commands reach the store through [`Db::run`],
//! which takes it on a blocking thread, never on the async runtime's own.

use crate::error::{AppError, CmdResult};
use handoff::ErrorCode;
use handoff::Store;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// SQLite's memory budget for the whole app, in bytes (see [`Db::open`]).
pub const SQLITE_HEAP_BUDGET: i64 = 16 * 1024 * 1024;

/// The open data file.
#[derive(Clone)]
pub struct Db {
    store: Arc<Mutex<Store>>,
    path: PathBuf,
}

impl Db {
    /// Open (creating and migrating if needed) the data file at `path`.
    pub fn open(path: &Path) -> handoff::Result<Db> {
        // The user's own data file (no HANDOFF_DB) is created encrypted where a
        // keychain answers; otherwise, and for a file named by HANDOFF_DB (the
        // demo, tests), plain. The core creates the folder 0700 and the file 0600.
        let named = std::env::var_os("HANDOFF_DB").is_some_and(|p| !p.is_empty());
        let store = if !named && !path.exists() {
            Store::create_encrypted(path).or_else(|e| {
                eprintln!("handoff-desk: creating {} unencrypted ({e})", path.display());
                Store::open(path)
            })?
        } else {
            Store::open(path)?
        };
        // Every connection in this process (this one, the engine's) shares
        // one page-cache budget (SQLite's soft heap limit: past it, a cache
        // recycles its own pages instead of growing). Each connection may
        // otherwise cache 32 MB, and at 100k handoffs the first inbox, the
        // workspace counts and the engine's catch-up each fill theirs: the
        // file's pages are in the OS's cache anyway, so the window kept
        // memory it never reads again. Advisory: never an error.
        store.conn().pragma_update(None, "soft_heap_limit", SQLITE_HEAP_BUDGET)?;
        Ok(Db { store: Arc::new(Mutex::new(store)), path: path.to_path_buf() })
    }

    /// Where the data file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` with the store on a blocking thread.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> handoff::Result<T> + Send + 'static,
    ) -> CmdResult<T> {
        self.run_app(move |s| f(s).map_err(AppError::from)).await
    }

    /// [`Db::run`] for work whose errors are already the window's.
    pub async fn run_app<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> CmdResult<T> + Send + 'static,
    ) -> CmdResult<T> {
        let db = self.clone();
        tauri::async_runtime::spawn_blocking(move || db.with(f)).await.map_err(AppError::task)?
    }

    /// Run `f` with the store on this thread (already a blocking one).
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> CmdResult<T>) -> CmdResult<T> {
        let mut guard = self.store.lock().map_err(|_| {
            AppError::new(ErrorCode::Internal, "the data file's lock was poisoned; restart Handoff Desk")
        })?;
        f(&mut guard)
    }
}

/// The question-grouping model, loaded on first use (about 90 MB: the app
/// does not pay for it until someone opens the gap checklist).
#[derive(Clone, Default)]
pub struct Gaps(Arc<std::sync::OnceLock<handoff::gaps::Grouper>>);

impl Gaps {
    /// The grouper: the sentence model, or the lexical fallback when it is missing.
    pub fn grouper(&self) -> &handoff::gaps::Grouper {
        self.0.get_or_init(handoff::gaps::Grouper::load)
    }
}

/// What the window asks of the background engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nudge {
    /// Send what the outbox holds now (a reply or a push was queued).
    Outbox,
    /// Sources were added, removed or switched: start and stop their tasks.
    Sources,
}

/// A way to nudge the engine the events task runs.
#[derive(Clone)]
pub struct Outbox(tokio::sync::mpsc::UnboundedSender<Nudge>);

impl Outbox {
    /// The handle, and the receiver the engine task listens on.
    pub fn new() -> (Outbox, tokio::sync::mpsc::UnboundedReceiver<Nudge>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (Outbox(tx), rx)
    }

    /// Send what is queued now.
    pub fn kick(&self) {
        let _ = self.0.send(Nudge::Outbox);
    }

    /// Pick up changed sources.
    pub fn reload_sources(&self) {
        let _ = self.0.send(Nudge::Sources);
    }
}

/// Rung once the window has painted its first inbox: start-up work the
/// first screen does not need (the engine's catch-up, the keychain, the
/// mailboxes' log-ins, the tray's count, the data-file watcher, the
/// start-at-login offer) waits for it, so it never competes with the paint.
#[derive(Clone)]
pub struct Painted(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Painted {
    fn default() -> Self {
        Painted(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Painted {
    /// The first inbox is on screen (later calls change nothing).
    pub fn ring(&self) {
        self.0.send_replace(true);
    }

    /// Wait for the first paint, or `at_most` (a hidden window never paints).
    pub async fn wait(&self, at_most: std::time::Duration) {
        let mut rx = self.0.subscribe();
        let _ = tokio::time::timeout(at_most, rx.wait_for(|painted| *painted)).await;
    }
}
