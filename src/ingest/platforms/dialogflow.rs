//! Dialogflow CX live agent hand-offs relayed by email. Dialogflow sends no
//! mail itself: a fulfillment's `liveAgentHandoff` response message (with
//! free-form `metadata`) tells the integration to hand over, and a bot's own
//! webhook or integration mails the team (SendGrid, Apps Script, …).
//!
//! Layout source: cloud.google.com/dialogflow/cx/docs/concept/fulfillment
//! (liveAgentHandoff and its metadata) and .../concept/session (session names
//! `projects/P/locations/L/agents/A/sessions/S`). Evidence is those fixed
//! Dialogflow markers in the body — the session path and the word
//! `liveAgentHandoff` — never the integration's own wording.
//!
//! Reading: the hand-off metadata's `"reason"` as the reason wording and the
//! last end-user input as the visitor's line; labelled fields and
//! "End user:"/"Virtual agent:" lines are the generic reader's.

use super::{Evidence, Mail, Reading, Recogniser, labelled, message};
use crate::ingest::transcript::role_word;
use crate::model::Author;
use regex::Regex;
use std::sync::LazyLock;

/// Dialogflow CX (Google).
pub struct Dialogflow;

static SESSION: LazyLock<Regex> = LazyLock::new(|| {
    crate::ingest::dates::re(
        r"projects/[^/\s]+/locations/[^/\s]+/agents/[0-9a-f-]{8,}/(?:environments/[^/\s]+/)?sessions/\S+",
    )
});
static METADATA_REASON: LazyLock<Regex> =
    LazyLock::new(|| crate::ingest::dates::re(r#""reason"\s*:\s*"([^"\n]{1,300})""#));

const LAST_INPUT: &[&str] =
    &["Last end-user input", "Last user input", "Last input", "Última entrada", "Letzte Eingabe"];

impl Recogniser for Dialogflow {
    fn name(&self) -> &'static str {
        "dialogflow"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let body = mail.body();
        let session = SESSION.is_match(body);
        let handoff = mail.body_has("liveAgentHandoff");
        match (session, handoff) {
            (true, true) => Some(Evidence::new(90, "a Dialogflow CX session path and liveAgentHandoff")),
            (true, false) => Some(Evidence::new(70, "a Dialogflow CX session path")),
            (false, true) => Some(Evidence::new(65, "Dialogflow's liveAgentHandoff")),
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let body = mail.body();
        let mut r = Reading { platform_name: Some("Dialogflow CX".into()), ..Reading::default() };
        r.fields.reason =
            METADATA_REASON.captures(body).and_then(|c| c.get(1)).map(|m| m.as_str().to_string());
        if let Some(last) = LAST_INPUT.iter().find_map(|l| labelled(body, l)) {
            r.fields.question = Some(last.to_string());
            // Only when no transcript is written out (the generic reader's wins then).
            let speaker = |l: &str| l.split_once(':').is_some_and(|(who, _)| role_word(who.trim()).is_some());
            if !body.lines().any(speaker) {
                r.transcript.push(message(Author::Visitor, None, None, last));
            }
        }
        r
    }
}
