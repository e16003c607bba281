//! Reason detection: map a platform's wording to [`Reason`], or infer it from
//! the transcript when none is given; derive the unanswered question.
//! (Stub: being written.)

use crate::model::{Message, NewHandoff, Reason};

/// Map a platform's or bot's wording ("no_answer", "Visitor asked for a human",
/// "low confidence (0.31)", "billing") to a reason; `None` when not recognised.
pub fn map_wording(text: &str) -> Option<Reason> {
    let _ = text;
    None
}

/// Infer a reason from the transcript, with a short explanation of the evidence.
pub fn infer(transcript: &[Message]) -> Option<(Reason, String)> {
    let _ = transcript;
    None
}

/// The visitor's question the bot failed on, as the visitor wrote it.
pub fn derive_question(transcript: &[Message]) -> Option<String> {
    let _ = transcript;
    None
}

/// Fill what the source left out: an inferred reason (recorded as inferred)
/// and a derived question.
pub fn finish(h: &mut NewHandoff) {
    let _ = h;
}
