//! The channels a running relay serves: how each authenticates webhooks and
//! readers, its rate limiter, and the signal that wakes its long-polls.
//!
//! Invariants: tokens are held only as SHA-256 digests and compared in constant
//! time, so neither lookups nor comparisons leak a token's prefix through
//! timing; a channel's watch value only ever moves to a committed event id,
//! and it is set after the commit, never before.

use std::{collections::HashMap, sync::Arc};

use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::{
    config::{ChannelConfig, Secret},
    handshake::Handshake,
    limits::RateLimiter,
    signature::Verifier,
};

type TokenDigest = [u8; 32];

fn digest(token: &str) -> TokenDigest {
    Sha256::digest(token.as_bytes()).into()
}

fn constant_time_eq(a: &TokenDigest, b: &TokenDigest) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One channel at run time.
#[derive(Debug)]
pub struct Channel {
    id: String,
    hook_token: Option<TokenDigest>,
    verifier: Option<Verifier>,
    limiter: RateLimiter,
    latest: watch::Sender<i64>,
    handshake: Option<Handshake>,
    verify_token: Option<TokenDigest>,
}

impl Channel {
    fn new(config: &ChannelConfig) -> Self {
        let verifier = config.signature.as_ref().map(|s| {
            Verifier::new(
                s.secret.expose().as_bytes(),
                s.header.clone(),
                s.algorithm,
                s.encoding,
                s.prefix.clone(),
            )
        });
        Self {
            id: config.id.clone(),
            hook_token: config.hook_token.as_ref().map(|t: &Secret| digest(t.expose())),
            verifier,
            limiter: RateLimiter::per_minute(config.rate_per_minute),
            latest: watch::Sender::new(0),
            handshake: config.handshake.as_ref().map(|h| h.kind),
            verify_token: config
                .handshake
                .as_ref()
                .and_then(|h| h.verify_token.as_ref())
                .map(|t| digest(t.expose())),
        }
    }

    /// The channel id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether `given` satisfies the channel's hook token (always, when it has none).
    pub fn hook_token_ok(&self, given: Option<&str>) -> bool {
        match (&self.hook_token, given) {
            (None, _) => true,
            (Some(expected), Some(given)) => constant_time_eq(expected, &digest(given)),
            (Some(_), None) => false,
        }
    }

    /// The URL validation handshake the channel answers, if any.
    pub fn handshake(&self) -> Option<Handshake> {
        self.handshake
    }

    /// Whether the channel has a verify token for its handshake.
    pub fn has_verify_token(&self) -> bool {
        self.verify_token.is_some()
    }

    /// Whether `given` equals the channel's verify token (never, when it has none).
    pub fn verify_token_ok(&self, given: Option<&str>) -> bool {
        match (&self.verify_token, given) {
            (Some(expected), Some(given)) => constant_time_eq(expected, &digest(given)),
            _ => false,
        }
    }

    /// The signature verifier, when the channel has a secret.
    pub fn verifier(&self) -> Option<&Verifier> {
        self.verifier.as_ref()
    }

    /// The webhook rate limiter.
    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    /// A receiver that changes whenever an event of this channel commits.
    /// Subscribe before querying, so a commit in between is not missed.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }

    /// Wakes this channel's long-polls; call only after `id` has committed.
    pub fn announce(&self, id: i64) {
        self.latest.send_if_modified(|latest| {
            let newer = id > *latest;
            *latest = (*latest).max(id);
            newer
        });
    }
}

/// All channels, by id and by read token.
#[derive(Debug)]
pub struct Channels {
    by_id: HashMap<String, Arc<Channel>>,
    by_read_token: HashMap<TokenDigest, Arc<Channel>>,
}

impl Channels {
    /// Builds the registry from validated config (ids and read tokens are unique).
    pub fn new(configs: &[ChannelConfig]) -> Self {
        let mut by_id = HashMap::new();
        let mut by_read_token = HashMap::new();
        for config in configs {
            let channel = Arc::new(Channel::new(config));
            by_read_token.insert(digest(config.read_token.expose()), Arc::clone(&channel));
            by_id.insert(config.id.clone(), channel);
        }
        Self { by_id, by_read_token }
    }

    /// The channel with this id.
    pub fn by_id(&self, id: &str) -> Option<&Arc<Channel>> {
        self.by_id.get(id)
    }

    /// The channel whose read token is `token`. The map is keyed by digest, so
    /// the lookup's timing depends on the digest, not on the token's prefix.
    pub fn by_read_token(&self, token: &str) -> Option<&Arc<Channel>> {
        self.by_read_token.get(&digest(token))
    }

    /// How many channels there are.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
