//! The relay's own accept loop: HTTP/1.1 connections served by hyper with the
//! limits a server on the internet needs, which `axum::serve` does not set.
//!
//! - **Connection caps**: at most `max_connections` open at once and at most
//!   `max_connections_per_ip` from one IPv4 address or one IPv6 /64 (one
//!   host's usual allocation). A connection over a cap is closed at once,
//!   before anything is read, and the relay logs one line saying which cap and
//!   what to raise (then at most one summary line per 10 s while refusals go on,
//!   so a flood cannot flood the log too).
//! - **Header timeout**: a connection must deliver a complete request head
//!   within `header_timeout` of opening or of its previous answer, or it is
//!   closed. hyper runs this timer whenever a connection waits for a request,
//!   so it is also the idle timeout of new and kept-alive connections
//!   (hyper 1.x `http1::Builder::header_read_timeout`, which needs a timer).
//! - **Header size**: the whole request head (request line and every header)
//!   may be at most `max_header_bytes`; larger heads are answered `431` by
//!   hyper (`max_header_size` for complete heads, `max_buf_size` so a head still
//!   arriving cannot grow the buffer past the same bound).
//! - The body timeout and the body memory budget apply in the handlers that
//!   read bodies (see [`crate::body`]).
//!
//! Invariants: a refused connection costs one accept and one close; every
//! accepted connection holds one slot of each cap until its task ends (a
//! guard frees it, also on panic); shutdown stops accepting, lets each
//! connection finish its request in flight and returns once all have ended.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::watch};

/// The limits the accept loop applies (from the config).
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    /// Open connections at most, all clients together.
    pub max_connections: usize,
    /// Open connections at most from one IPv4 address or IPv6 /64.
    pub max_per_ip: usize,
    /// Time allowed to deliver a request head (also the idle timeout).
    pub header_timeout: Duration,
    /// Largest request head in bytes.
    pub max_header_bytes: usize,
}

/// The smallest read buffer hyper accepts (`MINIMUM_MAX_BUFFER_SIZE`).
const HYPER_MIN_BUF: usize = 8192;

/// Counts open connections per client and in total.
#[derive(Debug)]
struct Counter {
    limits: ConnLimits,
    open: Mutex<(usize, HashMap<IpKey, usize>)>,
    refused: AtomicU64,
    last_log: Mutex<Option<Instant>>,
}

/// An IPv4 address, or the /64 of an IPv6 one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum IpKey {
    V4(u32),
    V6(u64),
}

impl IpKey {
    fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self::V4(u32::from(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self::V4(u32::from(v4)),
                None => Self::V6((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

/// Which cap refused a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Total,
    PerIp,
}

/// Holds one slot of each cap; frees them when dropped.
struct Slot {
    counter: Arc<Counter>,
    key: IpKey,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.counter.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.0 = open.0.saturating_sub(1);
        if let Some(n) = open.1.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.1.remove(&self.key);
            }
        }
    }
}

impl Counter {
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, Refusal> {
        let key = IpKey::of(ip);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.0 >= self.limits.max_connections {
            return Err(Refusal::Total);
        }
        let per_ip = open.1.entry(key).or_insert(0);
        if *per_ip >= self.limits.max_per_ip {
            return Err(Refusal::PerIp);
        }
        *per_ip += 1;
        open.0 += 1;
        Ok(Slot { counter: Arc::clone(self), key })
    }

    /// Logs the first refusal, then at most one line per 10 s with the count.
    fn log_refusal(&self, peer: SocketAddr, why: Refusal) {
        let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        let mut last = self.last_log.lock().unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|t| t.elapsed() < Duration::from_secs(10)) {
            return;
        }
        *last = Some(Instant::now());
        let ConnLimits { max_connections, max_per_ip, .. } = self.limits;
        let what = match why {
            Refusal::Total => format!(
                "{max_connections} connections are open (max_connections); raise it in the config if this \
                 is real traffic"
            ),
            Refusal::PerIp => format!(
                "{} already has {max_per_ip} open (max_connections_per_ip); raise it in the config if many \
                 clients share that address (a proxy in front must then set its own limits)",
                peer.ip()
            ),
        };
        eprintln!("handoff-relay: refused a connection from {}: {what}; {refused} refused so far", peer.ip());
    }
}

/// Accepts and serves connections until `stop` turns true, then waits for
/// the open ones to finish their request in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
) {
    let counter = Arc::new(Counter {
        limits,
        open: Mutex::new((0, HashMap::new())),
        refused: AtomicU64::new(0),
        last_log: Mutex::new(None),
    });
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes)
        .max_buf_size(limits.max_header_bytes.max(HYPER_MIN_BUF));
    // Every connection task holds a receiver; `closed()` resolves when all are gone.
    let (all_done, done_rx) = watch::channel(());
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                eprintln!("handoff-relay: cannot accept a connection ({e}); retrying");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let slot = match counter.admit(peer.ip()) {
            Ok(slot) => slot,
            Err(why) => {
                counter.log_refusal(peer, why);
                drop(stream);
                continue;
            }
        };
        // Nagle would hold small answers back; an error here only costs latency.
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut stop = stop.clone();
        let done = done_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _done = done;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                // Errors here are a client's doing (reset, timeout, bad request) and were answered if possible.
                _ = connection.as_mut() => return,
                _ = stop.wait_for(|s| *s) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(done_rx);
    all_done.closed().await;
}

/// Raises this process's open-file soft limit to its hard limit (a systemd
/// service starts at 1,024) and returns the soft limit now in force, if known.
pub fn raise_nofile_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = rustix::process::Rlimit { current: limit.maximum, maximum: limit.maximum };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return limit.maximum.or(Some(u64::MAX));
        }
    }
    limit.current.or(Some(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(IpKey::of(a), IpKey::of(b));
        assert_ne!(IpKey::of(a), IpKey::of(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let plain: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(IpKey::of(mapped), IpKey::of(plain));
    }

    #[test]
    fn caps_hold_and_slots_come_back_when_dropped() {
        let limits = ConnLimits {
            max_connections: 3,
            max_per_ip: 2,
            header_timeout: Duration::from_secs(1),
            max_header_bytes: 8192,
        };
        let counter = Arc::new(Counter {
            limits,
            open: Mutex::new((0, HashMap::new())),
            refused: AtomicU64::new(0),
            last_log: Mutex::new(None),
        });
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let two: IpAddr = "192.0.2.2".parse().unwrap();
        let a = counter.admit(one).unwrap();
        let _b = counter.admit(one).unwrap();
        assert_eq!(counter.admit(one).err(), Some(Refusal::PerIp));
        let _c = counter.admit(two).unwrap();
        assert_eq!(counter.admit(two).err(), Some(Refusal::Total));
        drop(a);
        assert!(counter.admit(one).is_ok(), "a closed connection frees its slot");
    }
}
