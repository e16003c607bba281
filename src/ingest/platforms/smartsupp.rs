//! Smartsupp notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Smartsupp.
pub struct Smartsupp;

impl Recogniser for Smartsupp {
    fn name(&self) -> &'static str {
        "smartsupp"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
