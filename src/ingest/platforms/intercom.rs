//! Intercom (Fin handover) notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Intercom (Fin handover).
pub struct Intercom;

impl Recogniser for Intercom {
    fn name(&self) -> &'static str {
        "intercom"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
