//! The relay's configuration: one TOML file (`--config` / `HANDOFF_RELAY_CONFIG`)
//! plus the `HANDOFF_RELAY_LISTEN` and `HANDOFF_RELAY_DB` overrides.
//!
//! Invariants: a [`Config`] is only ever built fully validated — channel ids are
//! unique and URL-safe, read tokens are unique and long enough, every `*_env`
//! variable was found, signature settings are known. Errors name the field and
//! say what to do; they never contain a secret's value. Unknown keys are
//! refused so a typo cannot silently disable a check.

use std::{
    collections::HashSet,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use axum::http::HeaderName;
use serde::Deserialize;

use crate::{
    handshake::Handshake,
    signature::{Algorithm, Encoding},
};

/// Shortest accepted read or hook token.
pub const MIN_TOKEN_CHARS: usize = 16;

/// A configuration problem a person has to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error(
        "cannot read config file {}: {source}; check the path given with --config (or HANDOFF_RELAY_CONFIG)",
        path.display()
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has unknown or mistyped keys.
    #[error("config file {} is not valid: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The TOML parser's explanation, with line and column.
        message: String,
    },
    /// A value is present but unusable.
    #[error("config field {field}: {problem}")]
    Invalid {
        /// Where, e.g. `channels[acme].read_token`.
        field: String,
        /// What is wrong and what to do.
        problem: String,
    },
}

pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { field: field.into(), problem: problem.into() }
}

/// A secret string; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value, for hashing and comparison only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (port 0 picks a free one).
    pub listen: SocketAddr,
    /// The SQLite file.
    pub database: PathBuf,
    /// Events older than this are purged.
    pub retention: Duration,
    /// How often the purge runs.
    pub purge_interval: Duration,
    /// Largest accepted webhook body.
    pub max_body_bytes: usize,
    /// Cap on `?wait=`.
    pub max_wait: Duration,
    /// Connection caps, timeouts and header and body memory limits.
    pub limits: Limits,
    /// The channels, in file order.
    pub channels: Vec<ChannelConfig>,
}

/// What one client, or all together, may hold of the relay (see README, "Hardened defaults").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request head must be in within this of the connection opening or of its previous answer.
    pub header_timeout: Duration,
    /// A request body must be in within this of its head.
    pub body_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// Open connections at most per IPv4 address or IPv6 /64.
    pub max_connections_per_ip: usize,
    /// Largest request head (request line and all headers) in bytes.
    pub max_header_bytes: usize,
    /// Body bytes the relay buffers at most, all requests together.
    pub max_body_memory_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_connections_per_ip: 64,
            max_header_bytes: 16 << 10,
            max_body_memory_bytes: 16 << 20,
        }
    }
}

/// One validated `[[channels]]` entry.
#[derive(Debug, Clone)]
pub struct ChannelConfig {
    /// `[a-z0-9-]+`, the webhook URL's last segment.
    pub id: String,
    /// Bearer token for `GET /v1/events`.
    pub read_token: Secret,
    /// When set, webhooks must carry `?token=<hook_token>`.
    pub hook_token: Option<Secret>,
    /// When set, webhooks must carry a valid HMAC signature.
    pub signature: Option<SignatureConfig>,
    /// Token-bucket rate for webhooks.
    pub rate_per_minute: u32,
    /// The URL validation handshake the channel's platform performs, if any.
    pub handshake: Option<HandshakeConfig>,
}

/// A channel's URL validation handshake (see [`crate::handshake`]).
#[derive(Debug, Clone)]
pub struct HandshakeConfig {
    /// Which handshake.
    pub kind: Handshake,
    /// The token the platform echoes (Meta's `hub.verify_token`, Slack's `token`).
    pub verify_token: Option<Secret>,
}

/// How a channel's webhooks are signed.
#[derive(Debug, Clone)]
pub struct SignatureConfig {
    /// The HMAC key.
    pub secret: Secret,
    /// The header carrying the signature.
    pub header: HeaderName,
    /// The hash under the HMAC.
    pub algorithm: Algorithm,
    /// How the MAC is written.
    pub encoding: Encoding,
    /// Stripped before decoding, e.g. `sha1=`.
    pub prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    database: Option<PathBuf>,
    retention_hours: Option<f64>,
    purge_interval_seconds: Option<u64>,
    max_body_bytes: Option<usize>,
    max_wait_seconds: Option<u64>,
    header_timeout_seconds: Option<u64>,
    body_timeout_seconds: Option<u64>,
    max_connections: Option<usize>,
    max_connections_per_ip: Option<usize>,
    max_header_bytes: Option<usize>,
    max_body_memory_bytes: Option<usize>,
    #[serde(default)]
    channels: Vec<RawChannel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    id: String,
    read_token: Option<String>,
    read_token_env: Option<String>,
    hook_token: Option<String>,
    hook_token_env: Option<String>,
    secret: Option<String>,
    secret_env: Option<String>,
    signature_header: Option<String>,
    signature_algorithm: Option<String>,
    signature_encoding: Option<String>,
    signature_prefix: Option<String>,
    rate_per_minute: Option<u32>,
    handshake: Option<String>,
    verify_token: Option<String>,
    verify_token_env: Option<String>,
}

impl Config {
    /// Reads and validates `path`, with the process environment for `*_env`
    /// values and the `HANDOFF_RELAY_*` overrides.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, path, base, &|name| std::env::var(name).ok())
    }

    /// Validates TOML `text` read from `path`; relative paths resolve against
    /// `base`; `env` looks up environment variables.
    pub fn parse(
        text: &str,
        path: &Path,
        base: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: path.to_owned(), message: e.to_string() })?;

        let (listen, listen_field) = match env("HANDOFF_RELAY_LISTEN") {
            Some(v) => (v, "HANDOFF_RELAY_LISTEN"),
            None => (raw.listen.clone().unwrap_or_else(|| "127.0.0.1:8787".into()), "listen"),
        };
        let listen: SocketAddr = listen.trim().parse().map_err(|_| {
            invalid(listen_field, format!("{listen:?} is not an IP:port; use e.g. \"127.0.0.1:8787\""))
        })?;

        let database = match env("HANDOFF_RELAY_DB") {
            Some(v) => PathBuf::from(v),
            None => base.join(raw.database.clone().unwrap_or_else(|| "relay.db".into())),
        };

        let retention_hours = raw.retention_hours.unwrap_or(336.0);
        if !(retention_hours.is_finite() && retention_hours > 0.0 && retention_hours < 1e6) {
            return Err(invalid("retention_hours", "must be a positive number of hours, e.g. 336 (14 days)"));
        }
        let purge_interval_seconds = raw.purge_interval_seconds.unwrap_or(60);
        if purge_interval_seconds == 0 {
            return Err(invalid("purge_interval_seconds", "must be at least 1; the default is 60"));
        }
        let max_body_bytes = raw.max_body_bytes.unwrap_or(262_144);
        if max_body_bytes == 0 {
            return Err(invalid("max_body_bytes", "must be at least 1; the default is 262144 (256 KiB)"));
        }

        let limits = limits(&raw, max_body_bytes)?;

        if raw.channels.is_empty() {
            return Err(invalid(
                "channels",
                "no [[channels]] configured; add at least one with an id and a read_token",
            ));
        }
        let mut ids = HashSet::new();
        let mut read_tokens = HashSet::new();
        let mut channels = Vec::with_capacity(raw.channels.len());
        for (index, rc) in raw.channels.into_iter().enumerate() {
            let channel = channel(rc, index, env)?;
            if !ids.insert(channel.id.clone()) {
                return Err(invalid(
                    format!("channels[{}].id", channel.id),
                    "is used by more than one channel; give each channel its own id",
                ));
            }
            if !read_tokens.insert(channel.read_token.clone().0) {
                return Err(invalid(
                    format!("channels[{}].read_token", channel.id),
                    "is the same as another channel's; the token identifies the channel, so each needs its own",
                ));
            }
            channels.push(channel);
        }

        Ok(Self {
            listen,
            database,
            retention: Duration::from_secs_f64(retention_hours * 3600.0),
            purge_interval: Duration::from_secs(purge_interval_seconds),
            max_body_bytes,
            max_wait: Duration::from_secs(raw.max_wait_seconds.unwrap_or(60)),
            limits,
            channels,
        })
    }
}

fn limits(raw: &RawConfig, max_body_bytes: usize) -> Result<Limits, ConfigError> {
    let d = Limits::default();
    let seconds = |value: Option<u64>, field: &str, default: Duration| match value {
        None => Ok(default),
        Some(0) => Err(invalid(field, format!("must be at least 1; the default is {}", default.as_secs()))),
        Some(s) => Ok(Duration::from_secs(s)),
    };
    let count = |value: Option<usize>, field: &str, default: usize| match value {
        None => Ok(default),
        Some(0) => Err(invalid(field, format!("must be at least 1; the default is {default}"))),
        Some(n) => Ok(n),
    };
    let limits = Limits {
        header_timeout: seconds(raw.header_timeout_seconds, "header_timeout_seconds", d.header_timeout)?,
        body_timeout: seconds(raw.body_timeout_seconds, "body_timeout_seconds", d.body_timeout)?,
        max_connections: count(raw.max_connections, "max_connections", d.max_connections)?,
        max_connections_per_ip: count(
            raw.max_connections_per_ip,
            "max_connections_per_ip",
            d.max_connections_per_ip,
        )?,
        max_header_bytes: count(raw.max_header_bytes, "max_header_bytes", d.max_header_bytes)?,
        max_body_memory_bytes: count(
            raw.max_body_memory_bytes,
            "max_body_memory_bytes",
            d.max_body_memory_bytes,
        )?,
    };
    if !(1024..=1 << 20).contains(&limits.max_header_bytes) {
        return Err(invalid("max_header_bytes", "must be between 1024 and 1048576; the default is 16384"));
    }
    if limits.max_body_memory_bytes < max_body_bytes {
        return Err(invalid(
            "max_body_memory_bytes",
            format!(
                "is smaller than max_body_bytes ({max_body_bytes}), so no large webhook could ever be read; \
                 raise it (the default is 16777216, 16 MiB)"
            ),
        ));
    }
    Ok(limits)
}

fn channel(
    rc: RawChannel,
    index: usize,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ChannelConfig, ConfigError> {
    let id = rc.id;
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(invalid(
            format!("channels[{index}].id"),
            format!("{id:?} must be 1–64 characters of a-z, 0-9 and '-', e.g. \"acme\""),
        ));
    }
    let field = |name: &str| format!("channels[{id}].{name}");

    let read_token = secret(&field("read_token"), rc.read_token, rc.read_token_env, env)?
        .ok_or_else(|| invalid(field("read_token"), "is required; set read_token or read_token_env"))?;
    check_token_length(&field("read_token"), &read_token)?;
    let hook_token = secret(&field("hook_token"), rc.hook_token, rc.hook_token_env, env)?;
    if let Some(token) = &hook_token {
        check_token_length(&field("hook_token"), token)?;
    }

    let verify_token = secret(&field("verify_token"), rc.verify_token, rc.verify_token_env, env)?;
    let signing_secret = secret(&field("secret"), rc.secret, rc.secret_env, env)?;
    let signature = match signing_secret {
        None => {
            let stray = [
                ("signature_header", rc.signature_header.is_some()),
                ("signature_algorithm", rc.signature_algorithm.is_some()),
                ("signature_encoding", rc.signature_encoding.is_some()),
                ("signature_prefix", rc.signature_prefix.is_some()),
            ];
            if let Some((name, _)) = stray.iter().find(|(_, set)| *set) {
                return Err(invalid(
                    field(name),
                    "is set but the channel has no secret, so nothing would be verified; \
                     set secret (or secret_env) or remove the signature_* settings",
                ));
            }
            None
        }
        Some(secret) => {
            let header = rc.signature_header.unwrap_or_else(|| "X-Hub-Signature-256".into());
            let header = HeaderName::from_bytes(header.trim().as_bytes()).map_err(|_| {
                invalid(field("signature_header"), format!("{header:?} is not a valid HTTP header name"))
            })?;
            let algorithm = match rc.signature_algorithm {
                None => Algorithm::Sha256,
                Some(a) => a.parse().map_err(|()| {
                    invalid(
                        field("signature_algorithm"),
                        format!("{a:?} is unknown; use \"sha256\" or \"sha1\""),
                    )
                })?,
            };
            let encoding = match rc.signature_encoding {
                None => Encoding::Hex,
                Some(e) => e.parse().map_err(|()| {
                    invalid(
                        field("signature_encoding"),
                        format!("{e:?} is unknown; use \"hex\" or \"base64\""),
                    )
                })?,
            };
            let prefix = rc.signature_prefix.filter(|p| !p.is_empty());
            Some(SignatureConfig { secret, header, algorithm, encoding, prefix })
        }
    };

    let rate_per_minute = rc.rate_per_minute.unwrap_or(600);
    if rate_per_minute == 0 {
        return Err(invalid(field("rate_per_minute"), "must be at least 1; the default is 600"));
    }
    let handshake = crate::handshake::configure(&field, rc.handshake, verify_token)?;
    Ok(ChannelConfig { id, read_token, hook_token, signature, rate_per_minute, handshake })
}

/// Resolves `value` or `value_env`; at most one may be given.
fn secret(
    field: &str,
    value: Option<String>,
    var: Option<String>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Secret>, ConfigError> {
    let value = match (value, var) {
        (Some(_), Some(_)) => {
            return Err(invalid(field, format!("give either {field} or {field}_env, not both")));
        }
        (Some(v), None) => v,
        (None, Some(var)) => env(&var).ok_or_else(|| {
            invalid(
                format!("{field}_env"),
                format!("names the environment variable {var}, which is not set; export it or put the value in the file"),
            )
        })?,
        (None, None) => return Ok(None),
    };
    let value = value.trim().to_owned();
    if value.is_empty() {
        return Err(invalid(field, "is empty; give a value or remove the setting"));
    }
    Ok(Some(Secret(value)))
}

fn check_token_length(field: &str, token: &Secret) -> Result<(), ConfigError> {
    if token.0.chars().count() < MIN_TOKEN_CHARS {
        return Err(invalid(
            field,
            format!(
                "is shorter than {MIN_TOKEN_CHARS} characters; use a long random value, e.g. `openssl rand -hex 24`"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        parse_env(text, &[])
    }

    fn parse_env(text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let env = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Config::parse(text, Path::new("/etc/relay/relay.toml"), Path::new("/etc/relay"), &env)
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    const OK: &str = r#"
        [[channels]]
        id = "acme"
        read_token = "rrrrrrrrrrrrrrrrrrrr"
    "#;

    #[test]
    fn defaults_apply_and_relative_database_is_beside_the_config() {
        let c = parse(OK).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8787".parse().unwrap());
        assert_eq!(c.database, Path::new("/etc/relay/relay.db"));
        assert_eq!(c.retention, Duration::from_secs(336 * 3600));
        assert_eq!(c.max_body_bytes, 262_144);
        assert_eq!(c.max_wait, Duration::from_secs(60));
        assert_eq!(c.channels[0].rate_per_minute, 600);
        assert!(c.channels[0].signature.is_none());
    }

    #[test]
    fn env_overrides_listen_database_and_secrets() {
        let text = r#"
            listen = "127.0.0.1:1"
            [[channels]]
            id = "acme"
            read_token_env = "ACME_READ"
            secret_env = "ACME_SECRET"
            signature_algorithm = "sha1"
            signature_encoding = "base64"
        "#;
        let c = parse_env(
            text,
            &[
                ("HANDOFF_RELAY_LISTEN", "0.0.0.0:0"),
                ("HANDOFF_RELAY_DB", "here.db"),
                ("ACME_READ", "from-the-environment-1234"),
                ("ACME_SECRET", "k"),
            ],
        )
        .unwrap();
        assert_eq!(c.listen.port(), 0);
        assert_eq!(c.database, Path::new("here.db"));
        assert_eq!(c.channels[0].read_token.expose(), "from-the-environment-1234");
        let sig = c.channels[0].signature.as_ref().unwrap();
        assert_eq!((sig.algorithm, sig.encoding), (Algorithm::Sha1, Encoding::Base64));
        assert_eq!(sig.header.as_str(), "x-hub-signature-256");
    }

    #[test]
    fn problems_name_the_field_and_never_the_secret() {
        let dup = format!("{OK}{OK}");
        assert!(err(&dup).contains("channels[acme].id"), "{}", err(&dup));
        let same_token = format!("{OK}[[channels]]\nid = \"b\"\nread_token = \"rrrrrrrrrrrrrrrrrrrr\"\n");
        assert!(err(&same_token).contains("channels[b].read_token"));
        let short = "[[channels]]\nid = \"a\"\nread_token = \"short-secret\"\n";
        let e = err(short);
        assert!(e.contains("channels[a].read_token") && e.contains("16"), "{e}");
        assert!(!e.contains("short-secret"), "secret leaked: {e}");
        let alg = format!("{OK}secret = \"k\"\nsignature_algorithm = \"md5\"\n");
        assert!(err(&alg).contains("signature_algorithm"));
        assert!(err(&format!("{OK}signature_header = \"X-Sig\"\n")).contains("no secret"));
        assert!(err("[[channels]]\nid = \"Acme!\"\nread_token = \"rrrrrrrrrrrrrrrrrrrr\"\n").contains("a-z"));
        assert!(err(&format!("{OK}read_tokn = \"x\"\n")).contains("read_tokn"));
        assert!(err(&format!("{OK}read_token_env = \"NOPE\"\n")).contains("not both"));
        assert!(err("listen = \"x\"\n").contains("listen"));
        assert!(err("retention_hours = 0\n").contains("retention_hours"));
        assert!(err("").contains("[[channels]]"));
    }

    #[test]
    fn a_missing_env_variable_is_named() {
        let e = err("[[channels]]\nid = \"a\"\nread_token_env = \"NOPE_NOT_SET\"\n");
        assert!(e.contains("NOPE_NOT_SET") && e.contains("read_token_env"), "{e}");
    }
}
