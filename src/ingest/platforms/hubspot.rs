//! HubSpot chatflows notification emails.
//!
//! Layout source: not yet researched — this recogniser claims nothing yet, so
//! the generic reader reads these mails.

use super::{Evidence, Mail, Reading, Recogniser};

/// HubSpot chatflows.
pub struct Hubspot;

impl Recogniser for Hubspot {
    fn name(&self) -> &'static str {
        "hubspot"
    }

    fn recognise(&self, _mail: &Mail) -> Option<Evidence> {
        None
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading::default()
    }
}
