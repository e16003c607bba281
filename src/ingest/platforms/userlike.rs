//! Userlike notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Userlike.
pub struct Userlike;

impl Recogniser for Userlike {
    fn name(&self) -> &'static str {
        "userlike"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
