//! Drift notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Drift.
pub struct Drift;

impl Recogniser for Drift {
    fn name(&self) -> &'static str {
        "drift"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
