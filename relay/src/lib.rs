//! handoff-relay: receives chatbot platforms' webhooks on behalf of laptops
//! (which cannot take webhooks) and lets the Handoff Desk app long-poll them.
//!
//! ```text
//! platform ──POST /v1/hooks/{channel}──▶ relay ──SQLite (WAL, FULL)
//! desktop  ◀──GET /v1/events (bearer)─── relay ◀── commit signal per channel
//! desktop  ◀─▶ /v1/team… (bearer) ─────── relay: who claimed / answered each handoff
//! platform ──HEAD/GET/OPTIONS /v1/hooks/{channel}──▶ relay: URL validation handshakes, nothing stored
//! ```
//!
//! Invariants: the relay is fully built (config validated, database open and
//! migrated, port bound) before it serves anything; a `202` means the event
//! is on disk; shutdown ends long-polls at once, lets in-flight requests
//! finish and stops the retention loop.

pub mod body;
pub mod channels;
pub mod check;
pub mod config;
pub mod error;
pub mod events;
pub mod handshake;
pub mod hooks;
pub mod limits;
pub mod records;
pub mod retention;
pub mod serve;
pub mod signature;
pub mod store;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use tokio::{net::TcpListener, sync::watch};

use crate::{
    body::BodyBudget, channels::Channels, config::Config, error::ApiError, records::TeamSignals,
    retention::Purger, serve::ConnLimits, store::Store, store::StoreError,
};

/// Why the relay could not start or keep serving.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listen address could not be bound.
    #[error(
        "cannot listen on {addr}: {source}; pick a free port or address with `listen` in the config \
         (or HANDOFF_RELAY_LISTEN)"
    )]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// What every handler shares.
#[derive(Debug)]
pub struct App {
    /// The configured channels.
    pub channels: Channels,
    /// The database.
    pub store: Arc<Store>,
    /// Largest accepted webhook body.
    pub max_body_bytes: usize,
    /// Cap on `?wait=`.
    pub max_wait: Duration,
    /// Time allowed for a request body.
    pub body_timeout: Duration,
    /// Body bytes buffered at most, all requests together.
    pub body_budget: BodyBudget,
    /// Turns true when the relay begins shutting down.
    pub shutdown: watch::Receiver<bool>,
    /// Wakes `GET /v1/team` long-polls per channel.
    pub team: TeamSignals,
}

/// A relay with its database open and its port bound, ready to [`Relay::run`].
#[derive(Debug)]
pub struct Relay {
    listener: TcpListener,
    app: Arc<App>,
    shutdown: watch::Sender<bool>,
    retention: Duration,
    purge_interval: Duration,
    limits: ConnLimits,
}

impl Relay {
    /// Opens the database and binds the listen address.
    pub async fn bind(config: Config) -> Result<Self, RelayError> {
        let database = config.database.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(&database))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))??;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| RelayError::Bind { addr: config.listen, source })?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let app = App {
            channels: Channels::new(&config.channels),
            store: Arc::new(store),
            max_body_bytes: config.max_body_bytes,
            max_wait: config.max_wait,
            body_timeout: config.limits.body_timeout,
            body_budget: BodyBudget::new(config.limits.max_body_memory_bytes),
            shutdown: shutdown_rx,
            team: TeamSignals::new(config.channels.iter().map(|c| c.id.as_str())),
        };
        Ok(Self {
            listener,
            app: Arc::new(app),
            shutdown,
            retention: config.retention,
            purge_interval: config.purge_interval,
            limits: ConnLimits {
                max_connections: config.limits.max_connections,
                max_per_ip: config.limits.max_connections_per_ip,
                header_timeout: config.limits.header_timeout,
                max_header_bytes: config.limits.max_header_bytes,
            },
        })
    }

    /// The bound address (with the real port when the config asked for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Lowers the total connection cap (to fit the open-file limit, say).
    pub fn cap_connections(&mut self, max: usize) {
        self.limits.max_connections = self.limits.max_connections.min(max.max(1));
    }

    /// The total connection cap in force.
    pub fn max_connections(&self) -> usize {
        self.limits.max_connections
    }

    /// Serves until `signal` completes, then shuts down cleanly.
    pub async fn run(self, signal: impl Future<Output = ()> + Send + 'static) -> Result<(), RelayError> {
        let purger = Purger::start(Arc::clone(&self.app.store), self.retention, self.purge_interval);
        let shutdown = self.shutdown;
        let stopped = shutdown.subscribe();
        tokio::spawn(async move {
            signal.await;
            // Long-polls and connections watch this: polls return at once, so shutdown is quick.
            shutdown.send_replace(true);
            // Keep the sender alive until every watcher has seen it.
            shutdown.closed().await;
        });
        serve::serve(self.listener, router(self.app), self.limits, stopped).await;
        purger.stop().await;
        Ok(())
    }
}

/// The HTTP routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/v1/hooks/{channel}",
            post(hooks::receive).get(handshake::get).head(handshake::head).options(handshake::options),
        )
        .route("/v1/events", get(events::list))
        .route("/v1/team", get(records::list))
        .route("/v1/team/claim", post(records::claim))
        .route("/v1/team/release", post(records::release))
        .route("/v1/team/answered", post(records::answered))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        // The webhook and team handlers enforce their body limits themselves, with a JSON 413.
        .layer(DefaultBodyLimit::disable())
        .with_state(app)
}
