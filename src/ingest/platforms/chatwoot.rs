//! Chatwoot (and its forks) notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Chatwoot (and its forks).
pub struct Chatwoot;

impl Recogniser for Chatwoot {
    fn name(&self) -> &'static str {
        "chatwoot"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
