//! Rocket.Chat Omnichannel notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// Rocket.Chat Omnichannel.
pub struct Rocketchat;

impl Recogniser for Rocketchat {
    fn name(&self) -> &'static str {
        "rocketchat"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
