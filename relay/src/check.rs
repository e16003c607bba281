//! `--check` warnings: settings that are valid but leave the relay open to
//! abuse. The relay still starts with them (it logs them at start too); each
//! warning says what is at risk and what to change.
//!
//! Warned about:
//! - a channel with neither `hook_token` nor `secret`: anyone who learns or
//!   guesses its id can post webhooks (and fill the store) for it;
//! - a weak token or secret: one character repeated, or fewer than 8 distinct
//!   characters (not what `openssl rand -hex 24` makes);
//! - a `listen` address other than loopback: the relay speaks plain HTTP, so
//!   a reader's bearer token and every body would cross the network in clear
//!   unless a TLS proxy sits in front on a private network.
//!
//! Invariant: warnings name fields, never a secret's value.

use crate::config::{Config, Secret};

/// Fewer distinct characters than this makes a token weak.
const MIN_DISTINCT_CHARS: usize = 8;

/// The warnings for a valid config, in file order; empty when there is nothing to say.
pub fn warnings(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    if !config.listen.ip().is_loopback() {
        out.push(format!(
            "listen = \"{}\" is reachable from other machines, and the relay speaks plain HTTP: read tokens, \
             hook tokens and webhook bodies would cross the network in clear. Listen on 127.0.0.1 and put a TLS \
             proxy (Caddy, nginx) in front (see the README's deployment steps); ignore this only if such a \
             proxy is the sole client, on a private network",
            config.listen
        ));
    }
    for channel in &config.channels {
        let field = |name: &str| format!("channels[{}].{name}", channel.id);
        if channel.hook_token.is_none() && channel.signature.is_none() {
            out.push(format!(
                "channels[{}] has neither hook_token nor secret: anyone who knows the channel id can post \
                 webhooks to it. Set hook_token (e.g. `openssl rand -hex 24`) and give the platform the URL \
                 with ?token=, or set the platform's signing secret as secret",
                channel.id
            ));
        }
        let tokens = [
            ("read_token", Some(&channel.read_token)),
            ("hook_token", channel.hook_token.as_ref()),
            ("secret", channel.signature.as_ref().map(|s| &s.secret)),
            ("verify_token", channel.handshake.as_ref().and_then(|h| h.verify_token.as_ref())),
        ];
        for (name, token) in tokens {
            if let Some(problem) = token.and_then(weakness) {
                out.push(format!(
                    "{} {problem}, which is easy to guess; replace it with a long random value, e.g. \
                     `openssl rand -hex 24`",
                    field(name)
                ));
            }
        }
    }
    out
}

/// Why a token is weak, if it is.
fn weakness(token: &Secret) -> Option<String> {
    let mut chars: Vec<char> = token.expose().chars().collect();
    chars.sort_unstable();
    chars.dedup();
    match chars.len() {
        0 => None,
        1 => Some("is one character repeated".into()),
        n if n < MIN_DISTINCT_CHARS => Some(format!("uses only {n} different characters")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn warn(text: &str) -> Vec<String> {
        let config =
            Config::parse(text, Path::new("/etc/relay/relay.toml"), Path::new("/etc/relay"), &|_| None)
                .unwrap();
        warnings(&config)
    }

    #[test]
    fn a_careful_config_gets_no_warning() {
        let text = "[[channels]]\nid = \"acme\"\nread_token = \"9f2c4e6a8b0d1f3e5a7c\"\n\
                    hook_token = \"c1d2e3f4a5b6c7d8e9f0\"\n";
        assert_eq!(warn(text), Vec::<String>::new());
    }

    #[test]
    fn open_channels_weak_tokens_and_public_listening_are_named_without_the_values() {
        let text = "listen = \"0.0.0.0:8787\"\n[[channels]]\nid = \"acme\"\nread_token = \"0000000000000000\"\n\
                    [[channels]]\nid = \"b\"\nread_token = \"9f2c4e6a8b0d1f3e5a7c\"\n\
                    secret = \"abababababab\"\n";
        let w = warn(text);
        assert_eq!(w.len(), 4, "{w:#?}");
        assert!(w[0].contains("0.0.0.0:8787") && w[0].contains("TLS"), "{}", w[0]);
        assert!(
            w[1].contains("channels[acme]") && w[1].contains("neither hook_token nor secret"),
            "{}",
            w[1]
        );
        assert!(w[2].contains("channels[acme].read_token") && w[2].contains("one character"), "{}", w[2]);
        assert!(w[3].contains("channels[b].secret") && w[3].contains("only 2 different"), "{}", w[3]);
        assert!(w.iter().all(|m| !m.contains("0000000000000000") && !m.contains("abababab")));
    }
}
