//! Voiceflow hand-offs relayed by email. Voiceflow sends no notification
//! mail of its own: an agent's API step (or a Zapier/Make hook it calls)
//! mails the team with the agent's variables and, usually, a link to the
//! session in Voiceflow's Transcripts view.
//!
//! Layout source: docs.voiceflow.com (API step; Transcripts), the transcript
//! link `creator.voiceflow.com/project/<projectID>/transcripts/<id>` being
//! the fixed Voiceflow marker the evidence rests on .
//!
//! Reading: the last utterance ("Last utterance", "Last user input",
//! "Laatste bericht", …) as the visitor's line when no transcript is written
//! out; labelled fields and speaker lines are the generic reader's.

use super::{Evidence, Mail, Reading, Recogniser, labelled, message};
use crate::ingest::transcript::role_word;
use crate::model::Author;

/// Voiceflow.
pub struct Voiceflow;

const LAST: &[&str] =
    &["Last utterance", "Last user input", "Last message", "Laatste bericht", "Letzte Nachricht"];

impl Recogniser for Voiceflow {
    fn name(&self) -> &'static str {
        "voiceflow"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        let link = mail.body_has("creator.voiceflow.com/project/");
        match (link, mail.from_domain_is("voiceflow.com")) {
            (true, _) => Some(Evidence::new(
                85,
                "a link into Voiceflow's transcripts (creator.voiceflow.com/project/…)",
            )),
            (false, true) => Some(Evidence::new(60, "sender domain voiceflow.com")),
            _ => None,
        }
    }

    fn read(&self, mail: &Mail) -> Reading {
        let body = mail.body();
        let mut r = Reading { platform_name: Some("Voiceflow".into()), ..Reading::default() };
        if mail.from_domain_is("voiceflow.com") && !mail.body_has("creator.voiceflow.com/project/") {
            r.not_a_handoff = Some("a Voiceflow account or product mail".into());
            return r;
        }
        if let Some(last) = LAST.iter().find_map(|l| labelled(body, l)) {
            r.fields.question = Some(last.to_string());
            let speaker = |l: &str| l.split_once(':').is_some_and(|(who, _)| role_word(who.trim()).is_some());
            if !body.lines().any(speaker) {
                r.transcript.push(message(Author::Visitor, None, None, last));
            }
        }
        r
    }
}
