//! Microsoft Copilot Studio / Power Virtual Agents notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Microsoft Copilot Studio / Power Virtual Agents.
pub struct Copilot;

impl Recogniser for Copilot {
    fn name(&self) -> &'static str {
        "copilot"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
