//! Zendesk (messaging and Sunshine Conversations) notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Zendesk (messaging and Sunshine Conversations).
pub struct Zendesk;

impl Recogniser for Zendesk {
    fn name(&self) -> &'static str {
        "zendesk"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
