//! Tawk.to notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Tawk.to.
pub struct Tawkto;

impl Recogniser for Tawkto {
    fn name(&self) -> &'static str {
        "tawkto"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
