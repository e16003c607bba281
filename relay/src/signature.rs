//! Webhook signature verification: an HMAC over the exact raw body bytes,
//! carried in a configurable header (Intercom's `X-Hub-Signature: sha1=<hex>`,
//! GitHub-style `X-Hub-Signature-256: sha256=<hex>`, base64 variants, …).
//!
//! Invariants: the body is hashed exactly as received (never re-serialized);
//! the comparison is constant-time (`hmac`'s `verify_slice`); neither the
//! secret nor the presented signature is ever logged or echoed back.

use std::{fmt, str::FromStr};

use axum::http::{HeaderMap, HeaderName};
use base64::Engine as _;
use hmac::{Hmac, Mac};

/// The hash function under the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA-256 (the default).
    Sha256,
    /// HMAC-SHA-1 (Intercom and older GitHub-style hooks).
    Sha1,
}

impl FromStr for Algorithm {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" => Ok(Self::Sha256),
            "sha1" | "sha-1" => Ok(Self::Sha1),
            _ => Err(()),
        }
    }
}

/// How the MAC is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hexadecimal, either case (the default).
    Hex,
    /// Standard base64 with padding.
    Base64,
}

impl FromStr for Encoding {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.to_ascii_lowercase().as_str() {
            "hex" => Ok(Self::Hex),
            "base64" => Ok(Self::Base64),
            _ => Err(()),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
        })
    }
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The configured header is absent (or empty).
    Missing {
        /// The header the channel expects.
        header: String,
    },
    /// The header is present but not valid in the configured encoding.
    Malformed {
        /// The header the channel expects.
        header: String,
        /// The encoding the channel expects.
        encoding: Encoding,
    },
    /// The MAC does not match the body.
    Mismatch,
}

/// Checks one channel's signatures.
pub struct Verifier {
    secret: Vec<u8>,
    header: HeaderName,
    algorithm: Algorithm,
    encoding: Encoding,
    prefix: Option<String>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("header", &self.header)
            .field("algorithm", &self.algorithm)
            .field("encoding", &self.encoding)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for `secret`, reading `header`; `prefix` (e.g. `sha1=`) is
    /// stripped before decoding when the header value starts with it.
    pub fn new(
        secret: &[u8],
        header: HeaderName,
        algorithm: Algorithm,
        encoding: Encoding,
        prefix: Option<String>,
    ) -> Self {
        Self { secret: secret.to_vec(), header, algorithm, encoding, prefix }
    }

    /// The header this verifier reads.
    pub fn header(&self) -> &HeaderName {
        &self.header
    }

    /// Verifies the signature in `headers` over `body`.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
        let header = self.header.as_str().to_owned();
        let value = headers
            .get(&self.header)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or(SignatureError::Missing { header: header.clone() })?;
        // Lenient about the prefix: it carries no secret, and the MAC must match anyway.
        let value = match &self.prefix {
            Some(prefix) => value.strip_prefix(prefix.as_str()).unwrap_or(value),
            None => value,
        };
        let given = match self.encoding {
            Encoding::Hex => hex::decode(value).ok(),
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.decode(value).ok(),
        }
        .ok_or(SignatureError::Malformed { header, encoding: self.encoding })?;
        let ok = match self.algorithm {
            Algorithm::Sha256 => verify_with::<Hmac<sha2::Sha256>>(&self.secret, body, &given),
            Algorithm::Sha1 => verify_with::<Hmac<sha1::Sha1>>(&self.secret, body, &given),
        };
        if ok { Ok(()) } else { Err(SignatureError::Mismatch) }
    }
}

fn verify_with<M: Mac + hmac::digest::KeyInit>(secret: &[u8], body: &[u8], given: &[u8]) -> bool {
    match <M as Mac>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            mac.verify_slice(given).is_ok()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        h
    }

    fn verifier(alg: Algorithm, enc: Encoding, prefix: Option<&str>) -> Verifier {
        Verifier::new(b"s3cret", HeaderName::from_static("x-sig"), alg, enc, prefix.map(str::to_owned))
    }

    const BODY: &[u8] = b"{\"a\":1}";

    fn sha256_hex() -> String {
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(b"s3cret").unwrap();
        mac.update(BODY);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn sha256_hex_with_prefix_is_accepted_and_case_insensitive() {
        let v = verifier(Algorithm::Sha256, Encoding::Hex, Some("sha256="));
        let good = sha256_hex();
        assert_eq!(v.verify(&headers("x-sig", &format!("sha256={good}")), BODY), Ok(()));
        assert_eq!(v.verify(&headers("x-sig", &good.to_uppercase()), BODY), Ok(()));
    }

    #[test]
    fn tampered_body_missing_and_malformed_headers_are_refused() {
        let v = verifier(Algorithm::Sha256, Encoding::Hex, None);
        let good = sha256_hex();
        assert_eq!(v.verify(&headers("x-sig", &good), b"{\"a\":2}"), Err(SignatureError::Mismatch));
        assert!(matches!(v.verify(&HeaderMap::new(), BODY), Err(SignatureError::Missing { .. })));
        assert!(matches!(v.verify(&headers("x-sig", "zz"), BODY), Err(SignatureError::Malformed { .. })));
        assert_eq!(v.verify(&headers("x-sig", &good[..10]), BODY), Err(SignatureError::Mismatch));
    }

    #[test]
    fn sha1_base64_matches_an_independent_computation() {
        let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(b"s3cret").unwrap();
        mac.update(BODY);
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let v = verifier(Algorithm::Sha1, Encoding::Base64, None);
        assert_eq!(v.verify(&headers("x-sig", &sig), BODY), Ok(()));
        let v256 = verifier(Algorithm::Sha256, Encoding::Base64, None);
        assert_eq!(v256.verify(&headers("x-sig", &sig), BODY), Err(SignatureError::Mismatch));
    }

    #[test]
    fn known_answers_from_rfc_4231_and_rfc_2202() {
        let data = b"what do ya want for nothing?";
        let v =
            Verifier::new(b"Jefe", HeaderName::from_static("x-sig"), Algorithm::Sha256, Encoding::Hex, None);
        let sha256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(v.verify(&headers("x-sig", sha256), data), Ok(()));
        let v =
            Verifier::new(b"Jefe", HeaderName::from_static("x-sig"), Algorithm::Sha1, Encoding::Hex, None);
        let sha1 = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
        assert_eq!(v.verify(&headers("x-sig", sha1), data), Ok(()));
    }

    #[test]
    fn names_parse_case_insensitively() {
        assert_eq!("SHA1".parse(), Ok(Algorithm::Sha1));
        assert_eq!("sha-256".parse(), Ok(Algorithm::Sha256));
        assert_eq!("md5".parse::<Algorithm>(), Err(()));
        assert_eq!("Base64".parse(), Ok(Encoding::Base64));
    }
}
