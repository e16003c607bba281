//! Logging in with an OAuth access token: the server's CAPABILITY read
//! before login (the `imap` crate asks only after), then `AUTHENTICATE
//! OAUTHBEARER` (RFC 7628) when offered, else `AUTHENTICATE XOAUTH2`
//! (Gmail offers both, Exchange Online only XOAUTH2).

use super::transport::Stream;
use super::{ImapConfig, ImapError};
use crate::discover::OAuthProvider;
use crate::oauth::sasl::{Authenticator, Mechanism};
use std::io::{Read, Write};

/// One line from the server, read a byte at a time so nothing meant for the
/// `imap` crate is left in a buffer here.
fn line(stream: &mut Stream) -> Result<String, ImapError> {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(0) => return Err(ImapError::Lost("the server closed the connection".into())),
            Ok(_) => out.push(byte[0]),
            Err(e) => return Err(ImapError::Lost(e.to_string())),
        }
        if out.len() > 64 * 1024 {
            return Err(ImapError::Protocol("a line longer than 64 KiB before login".into()));
        }
    }
    Ok(String::from_utf8_lossy(&out).trim_end().to_string())
}

/// The greeting (unless STARTTLS already read it), then `CAPABILITY`.
pub(super) fn capabilities(stream: &mut Stream, greeting: bool) -> Result<Vec<String>, ImapError> {
    if greeting {
        let g = line(stream)?;
        if !g.starts_with("* OK") && !g.starts_with("* PREAUTH") {
            return Err(ImapError::Protocol(format!("unexpected greeting {g:?}")));
        }
    }
    stream.write_all(b"c0 CAPABILITY\r\n").map_err(|e| ImapError::Lost(e.to_string()))?;
    let mut caps = Vec::new();
    loop {
        let l = line(stream)?;
        if let Some(rest) = l.strip_prefix("* CAPABILITY ") {
            caps.extend(rest.split_whitespace().map(str::to_ascii_uppercase));
        } else if let Some(rest) = l.strip_prefix("c0 ") {
            if rest.starts_with("OK") {
                return Ok(caps);
            }
            return Err(ImapError::Protocol(format!("CAPABILITY failed: {rest}")));
        }
    }
}

/// Which mechanism a server with these capabilities takes.
pub(super) fn mechanism(caps: &[String]) -> Option<Mechanism> {
    if caps.iter().any(|c| c == "AUTH=OAUTHBEARER") {
        Some(Mechanism::OAuthBearer)
    } else if caps.iter().any(|c| c == "AUTH=XOAUTH2") {
        Some(Mechanism::Xoauth2)
    } else {
        None
    }
}

/// AUTHENTICATE with the access token.
pub(super) fn with_token(
    client: imap::Client<Stream>,
    config: &ImapConfig,
    provider: OAuthProvider,
    token: &str,
    caps: &[String],
) -> Result<imap::Session<Stream>, ImapError> {
    let Some(mech) = mechanism(caps) else {
        return Err(ImapError::Auth {
            user: config.user.clone(),
            why: format!(
                "the server {} offers no OAuth login (neither XOAUTH2 nor OAUTHBEARER); use a password for it instead of signing in",
                config.host
            ),
        });
    };
    let auth = Authenticator::new(mech, &config.user, &config.host, config.port, token);
    client.authenticate(mech.name(), &auth).map_err(|(e, _)| match e {
        imap::Error::No(why) | imap::Error::Bad(why) => {
            let detail = auth
                .error
                .borrow()
                .as_deref()
                .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                .and_then(|v| v.get("status").and_then(|s| s.as_str().map(str::to_string)))
                .map(|s| format!(" (status {s})"))
                .unwrap_or_default();
            ImapError::Token {
                user: config.user.clone(),
                provider: match provider {
                    OAuthProvider::Google => "Google".into(),
                    OAuthProvider::Microsoft => "Microsoft".into(),
                },
                why: format!("{}{detail}", why.trim_end_matches('.')),
            }
        }
        imap::Error::Io(e) => ImapError::Lost(e.to_string()),
        imap::Error::ConnectionLost => ImapError::Lost("the server closed the connection".into()),
        other => ImapError::Protocol(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauthbearer_is_preferred_when_offered() {
        let caps = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(mechanism(&caps("IMAP4REV1 AUTH=XOAUTH2 AUTH=OAUTHBEARER")), Some(Mechanism::OAuthBearer));
        assert_eq!(mechanism(&caps("IMAP4REV1 AUTH=PLAIN AUTH=XOAUTH2")), Some(Mechanism::Xoauth2));
        assert_eq!(mechanism(&caps("IMAP4REV1 AUTH=PLAIN")), None);
    }
}
