//! The SASL strings that carry a bearer token to IMAP and SMTP servers, and
//! an `imap` crate authenticator for them.
//!
//! - XOAUTH2 (Google, https://developers.google.com/workspace/gmail/imap/xoauth2-protocol;
//!   Microsoft uses the same): `user={user}^Aauth=Bearer {token}^A^A`. On
//!   failure the server sends a JSON challenge and the client answers with an
//!   empty response to receive the tagged NO.
//! - OAUTHBEARER (RFC 7628 §3.1): a GS2 header `n,a={authzid},` (RFC 5801
//!   §4: `,` and `=` escaped as `=2C`, `=3D`), then `^Ahost=…^Aport=…^Aauth=Bearer {token}^A^A`.
//!   On failure (§3.2.3) the client answers the JSON challenge with a single `^A`.

use std::cell::RefCell;

/// Which SASL mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// Google's and Microsoft's XOAUTH2.
    Xoauth2,
    /// RFC 7628 OAUTHBEARER.
    OAuthBearer,
}

impl Mechanism {
    /// The name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Xoauth2 => "XOAUTH2",
            Mechanism::OAuthBearer => "OAUTHBEARER",
        }
    }
}

/// The XOAUTH2 initial response.
pub fn xoauth2(user: &str, token: &str) -> String {
    format!("user={user}\x01auth=Bearer {token}\x01\x01")
}

/// The OAUTHBEARER initial response.
pub fn oauthbearer(user: &str, host: &str, port: u16, token: &str) -> String {
    let authzid = user.replace('=', "=3D").replace(',', "=2C");
    format!("n,a={authzid},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
}

/// Answers the server's challenges for one AUTHENTICATE; keeps the server's
/// error challenge (JSON) for the message.
pub struct Authenticator {
    mechanism: Mechanism,
    initial: String,
    sent: RefCell<bool>,
    /// The server's error challenge, if it sent one.
    pub error: RefCell<Option<String>>,
}

impl Authenticator {
    /// For `user` with `token` on `host:port`.
    pub fn new(mechanism: Mechanism, user: &str, host: &str, port: u16, token: &str) -> Authenticator {
        let initial = match mechanism {
            Mechanism::Xoauth2 => xoauth2(user, token),
            Mechanism::OAuthBearer => oauthbearer(user, host, port, token),
        };
        Authenticator { mechanism, initial, sent: RefCell::new(false), error: RefCell::new(None) }
    }
}

impl imap::Authenticator for Authenticator {
    type Response = Vec<u8>;

    fn process(&self, challenge: &[u8]) -> Vec<u8> {
        if !self.sent.replace(true) {
            return self.initial.as_bytes().to_vec();
        }
        *self.error.borrow_mut() = Some(String::from_utf8_lossy(challenge).into_owned());
        match self.mechanism {
            Mechanism::Xoauth2 => Vec::new(),
            Mechanism::OAuthBearer => vec![1],
        }
    }
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator").field("mechanism", &self.mechanism).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_responses_as_the_specs_spell_them() {
        // Google's documented example.
        assert_eq!(
            xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"),
            "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
        // RFC 7628 §4.1's example.
        assert_eq!(
            oauthbearer(
                "user@example.com",
                "server.example.com",
                143,
                "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
            ),
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert!(oauthbearer("a,b=c", "h", 1, "t").starts_with("n,a=a=2Cb=3Dc,"));
    }

    #[test]
    fn an_error_challenge_gets_the_dummy_answer() {
        use imap::Authenticator as _;
        let a = Authenticator::new(Mechanism::OAuthBearer, "u", "h", 1, "t");
        assert!(a.process(b"").starts_with(b"n,a=u,"));
        assert_eq!(a.process(br#"{"status":"invalid_token"}"#), vec![1]);
        assert_eq!(a.error.borrow().as_deref(), Some(r#"{"status":"invalid_token"}"#));
        let x = Authenticator::new(Mechanism::Xoauth2, "u", "h", 1, "t");
        x.process(b"");
        assert!(x.process(b"{}").is_empty());
    }
}
