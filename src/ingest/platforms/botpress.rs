//! Botpress email.
//!
//! Botpress sends no handoff notification email of its own: a hand-over
//! (HITL) shows in the studio's HITL tab, or goes to an agent platform
//! through an integration (see [`crate::ingest::adapters::botpress`] for the
//! "Human in the Loop API" webhook). Mail a bot sends through an email
//! integration has whatever layout its builder wrote, which the generic
//! reader handles. Searched: botpress.com/docs (HITL, ADK HITL plugin), the
//! botpress.com integrations hub, botpress/growth `integrations/hitl-api`.
//!
//! What this recogniser claims is mail from botpress.com itself (workspace
//! invitations, billing, usage alerts): not handoffs.

use super::{Evidence, Mail, Reading, Recogniser};

/// Botpress.
pub struct Botpress;

impl Recogniser for Botpress {
    fn name(&self) -> &'static str {
        "botpress"
    }

    fn recognise(&self, mail: &Mail) -> Option<Evidence> {
        mail.from_domain_is("botpress.com").then(|| Evidence::new(60, "sender domain botpress.com"))
    }

    fn read(&self, _mail: &Mail) -> Reading {
        Reading {
            not_a_handoff: Some(
                "an account email from Botpress (Botpress itself sends no handoff notifications)".into(),
            ),
            platform_name: Some("Botpress".into()),
            ..Reading::default()
        }
    }
}

#[cfg(test)]
mod webhook_fixtures {
    use crate::ingest::Parsed;

    /// The Botpress webhook corpus: handoffs where the expected JSON says so, skipped otherwise.
    #[test]
    fn the_webhook_folder_matches_its_expectations() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/webhook/botpress");
        let mut seen = 0;
        for f in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = f.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".json") || name.ends_with(".expected.json") {
                continue;
            }
            seen += 1;
            let want: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(path.with_file_name(name.replace(".json", ".expected.json")))
                    .unwrap(),
            )
            .unwrap();
            let parsed = crate::ingest::webhook::parse_webhook(
                &std::fs::read(&path).unwrap(),
                crate::model::SourceKind::Relay,
            );
            let handoff = parsed.iter().find_map(|p| match p {
                Parsed::Handoff(h) => Some(h),
                _ => None,
            });
            if std::env::var("HANDOFF_DEBUG_FIXTURES").is_ok() {
                eprintln!("{name}: {parsed:?}");
            }
            assert_eq!(handoff.is_some(), want["handoff"] == true, "{name}");
            if let Some(h) = handoff {
                assert_eq!(h.platform.as_deref(), Some("botpress"), "{name}");
                assert_eq!(Some(h.reason.as_str()), want["reason"].as_str(), "{name}");
            }
        }
        assert!(seen >= 3);
    }
}
