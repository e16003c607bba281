//! generic form-style "lead captured" mails (form plugins, lead forms) notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// generic form-style "lead captured" mails (form plugins, lead forms).
pub struct Forms;

impl Recogniser for Forms {
    fn name(&self) -> &'static str {
        "forms"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
