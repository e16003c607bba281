//! Dialogflow CX notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Dialogflow CX.
pub struct Dialogflow;

impl Recogniser for Dialogflow {
    fn name(&self) -> &'static str {
        "dialogflow"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
