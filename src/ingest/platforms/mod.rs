//! Platform recognisers: one file per chatbot or helpdesk platform whose
//! notification emails have a known layout (its own mail templates), chosen by
//! evidence, read before the generic labelled-field reader fills what they
//! leave.
//!
//! How a notification is read ([`crate::ingest::email::parse_email`]):
//! 1. every recogniser in [`RECOGNISERS`] looks at the [`Mail`] cheaply
//!    ([`Recogniser::recognise`]: sender domain, headers such as X-Mailer,
//!    template markers in the subject or body) and says how sure it is and why;
//! 2. the most sure one reads the mail ([`Recogniser::read`]) into a
//!    [`Reading`]: the fields it knows where to find, the transcript in the
//!    platform's own layout, or that this mail is one of the platform's
//!    notifications that is not a handoff;
//! 3. the generic reader ([`super::fields`], [`super::transcript`]) fills every
//!    field the recogniser left empty, and the handoff records which
//!    recogniser read it and why (`platform` = `email:<name>`, and a line in
//!    `parse_notes`).
//!
//! Adding a platform is one file here (and its line in [`RECOGNISERS`]) plus its
//! fixtures under `tests/fixtures/corpus/email/<name>/`, each with an
//! expected JSON naming where the layout comes from.
//!
//! Invariants: recognisers never panic on any input and never drop
//! anything: what they cannot find they leave empty for the generic reader.
//! Evidence is never the visitor's own text alone (a visitor who types
//! "chatwoot" must not switch readers): it is the sender, the headers or the
//! template's fixed wording.

mod kit;
pub use kit::{Evidence, Mail, Reading, Recogniser, labelled, message, section};

pub mod botpress;
pub mod chatwoot;
pub mod copilot;
pub mod crisp;
pub mod dialogflow;
pub mod drift;
pub mod forms;
pub mod freshworks;
pub mod hubspot;
pub mod intercom;
pub mod landbot;
pub mod livechat;
pub mod liveperson;
pub mod manychat;
pub mod rocketchat;
pub mod smartsupp;
pub mod tawkto;
pub mod tidio;
pub mod tiledesk;
pub mod typebot;
pub mod userlike;
pub mod voiceflow;
pub mod zammad;
pub mod zendesk;

/// Every recogniser, in no particular order: the evidence decides.
pub static RECOGNISERS: &[&dyn Recogniser] = &[
    &botpress::Botpress,
    &chatwoot::Chatwoot,
    &copilot::Copilot,
    &crisp::Crisp,
    &dialogflow::Dialogflow,
    &drift::Drift,
    &forms::Forms,
    &freshworks::Freshworks,
    &hubspot::Hubspot,
    &intercom::Intercom,
    &landbot::Landbot,
    &livechat::Livechat,
    &liveperson::Liveperson,
    &manychat::Manychat,
    &rocketchat::Rocketchat,
    &smartsupp::Smartsupp,
    &tawkto::Tawkto,
    &tidio::Tidio,
    &tiledesk::Tiledesk,
    &typebot::Typebot,
    &userlike::Userlike,
    &voiceflow::Voiceflow,
    &zammad::Zammad,
    &zendesk::Zendesk,
];

/// The recogniser with the strongest evidence, if any claims the mail.
pub fn pick(mail: &Mail) -> Option<(&'static dyn Recogniser, Evidence)> {
    RECOGNISERS
        .iter()
        .filter_map(|r| r.recognise(mail).map(|e| (*r, e)))
        .max_by(|a, b| a.1.score.cmp(&b.1.score).then_with(|| b.0.name().cmp(a.0.name())))
}

#[cfg(test)]
mod fixtures {
    use super::RECOGNISERS;

    /// Every email in these platforms' corpus folders
    /// (`tests/fixtures/corpus/email/<name>/`) is read by that platform's
    /// recogniser: as a handoff, or kept raw as one of its non-handoff mails.
    /// (Other folders also hold mails the generic reader reads on purpose,
    /// such as form plugins' localised variants.)
    /// `HANDOFF_DEBUG_FIXTURES=1` prints what each was read as.
    #[test]
    fn every_platform_folder_is_read_by_its_own_recogniser() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/email");
        let mut checked = 0;
        let whole = ["chatwoot", "rocketchat", "tiledesk", "typebot"];
        for r in RECOGNISERS.iter().filter(|r| whole.contains(&r.name())) {
            let Ok(dir) = std::fs::read_dir(root.join(r.name())) else { continue };
            for path in dir.flatten().map(|f| f.path()).filter(|p| p.extension().is_some_and(|e| e == "eml"))
            {
                let raw = std::fs::read(&path).unwrap();
                let mut h = crate::ingest::email::parse_email(&raw, crate::model::SourceKind::Import);
                crate::ingest::reason::finish(&mut h);
                if std::env::var("HANDOFF_DEBUG_FIXTURES").is_ok() {
                    eprintln!(
                        "{}: {:?} {:?} {:?} {:?}",
                        path.display(),
                        h.parse_status,
                        h.platform,
                        h.visitor,
                        h.reason
                    );
                    for m in &h.transcript {
                        eprintln!("    {:?} {:?} {:?}: {}", m.author, m.name, m.at, m.text);
                    }
                }
                let want = format!("email:{}", r.name());
                assert_eq!(h.platform.as_deref(), Some(want.as_str()), "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 0, "no platform fixtures under {}", root.display());
    }
}
