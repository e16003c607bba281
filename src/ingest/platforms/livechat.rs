//! LiveChat / HelpDesk notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// LiveChat / HelpDesk.
pub struct Livechat;

impl Recogniser for Livechat {
    fn name(&self) -> &'static str {
        "livechat"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
