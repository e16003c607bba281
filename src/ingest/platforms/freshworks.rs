//! Freshchat / Freshdesk notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Freshchat / Freshdesk.
pub struct Freshworks;

impl Recogniser for Freshworks {
    fn name(&self) -> &'static str {
        "freshworks"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
