//! Transcript lines in the common text shapes ("Visitor: …", "[10:32] Dana: …").
//! (Stub: being written.)

use crate::model::Message;
use chrono::{DateTime, Utc};

/// Parse transcript lines out of plain text. `day` anchors bare times ("10:32").
pub fn parse_lines(text: &str, day: Option<DateTime<Utc>>) -> Vec<Message> {
    let _ = (text, day);
    Vec::new()
}
