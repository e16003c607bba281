//! Reason wording, inference from transcripts, the derived question, and `finish`.

use handoff::ingest::reason::{derive_question, finish, infer, map_wording};
use handoff::model::{Author, Message, NewHandoff, RawKind, Reason, SourceKind};

/// A transcript from `(who, text)` pairs: v = visitor, b = bot, a = agent, s = system.
fn t(lines: &[(&str, &str)]) -> Vec<Message> {
    lines
        .iter()
        .map(|(who, text)| Message {
            author: match *who {
                "v" => Author::Visitor,
                "b" => Author::Bot,
                "a" => Author::Agent,
                _ => Author::System,
            },
            name: None,
            at: None,
            text: text.to_string(),
        })
        .collect()
}

fn reason_of(lines: &[(&str, &str)]) -> Option<Reason> {
    infer(&t(lines)).map(|(r, _)| r)
}

#[test]
fn wordings_map_to_reasons() {
    use Reason::*;
    let table: &[(&str, Option<Reason>)] = &[
        ("knowledge_gap", Some(KnowledgeGap)),
        ("KnowledgeGap", Some(KnowledgeGap)),
        ("low-confidence", Some(LowConfidence)),
        ("human_request", Some(HumanRequest)),
        ("frustration", Some(Frustration)),
        ("policy_topic", Some(PolicyTopic)),
        ("HIGH_INTENT", Some(HighIntent)),
        ("other", Some(Other)),
        ("no answer found", Some(KnowledgeGap)),
        ("no article matched", Some(KnowledgeGap)),
        ("I don't know", Some(KnowledgeGap)),
        ("I don\u{2019}t know", Some(KnowledgeGap)),
        ("fallback", Some(KnowledgeGap)),
        ("Default Fallback Intent", Some(KnowledgeGap)),
        ("unanswered", Some(KnowledgeGap)),
        ("NO_MATCH", Some(KnowledgeGap)),
        ("low confidence", Some(LowConfidence)),
        ("confidence 0.31", Some(LowConfidence)),
        ("low confidence (0.31)", Some(LowConfidence)),
        ("uncertain", Some(LowConfidence)),
        ("below threshold", Some(LowConfidence)),
        ("visitor asked for a human", Some(HumanRequest)),
        ("agent requested", Some(HumanRequest)),
        ("talk to a person", Some(HumanRequest)),
        ("manual", Some(HumanRequest)),
        ("handoff requested", Some(HumanRequest)),
        ("live agent", Some(HumanRequest)),
        ("frustrated", Some(Frustration)),
        ("angry customer", Some(Frustration)),
        ("negative sentiment", Some(Frustration)),
        ("billing", Some(PolicyTopic)),
        ("refund", Some(PolicyTopic)),
        ("cancel subscription", Some(PolicyTopic)),
        ("legal", Some(PolicyTopic)),
        ("complaint", Some(PolicyTopic)),
        ("GDPR request", Some(PolicyTopic)),
        ("policy", Some(PolicyTopic)),
        ("pricing", Some(HighIntent)),
        ("quote", Some(HighIntent)),
        ("demo request", Some(HighIntent)),
        ("purchase intent", Some(HighIntent)),
        ("sales", Some(HighIntent)),
        ("high intent", Some(HighIntent)),
        // German
        ("keine Antwort gefunden", Some(KnowledgeGap)),
        ("Kunde möchte einen Mitarbeiter", Some(HumanRequest)),
        ("Rückerstattung", Some(PolicyTopic)),
        ("Preisanfrage", Some(HighIntent)),
        ("Kunde ist verärgert", Some(Frustration)),
        ("geringe Konfidenz", Some(LowConfidence)),
        // French
        ("pas de réponse", Some(KnowledgeGap)),
        ("demande un conseiller", Some(HumanRequest)),
        ("remboursement", Some(PolicyTopic)),
        ("demande de devis", Some(HighIntent)),
        ("client en colère", Some(Frustration)),
        ("faible confiance", Some(LowConfidence)),
        // Spanish
        ("sin respuesta", Some(KnowledgeGap)),
        ("quiere hablar con un agente", Some(HumanRequest)),
        ("reembolso", Some(PolicyTopic)),
        ("solicitud de precio", Some(HighIntent)),
        ("cliente enojado", Some(Frustration)),
        ("baja confianza", Some(LowConfidence)),
        // Not reasons
        ("", None),
        ("   ", None),
        ("escalation_rule_7", None),
        ("inactive", None),
        ("assigned", None),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter(|(w, r)| map_wording(w) != *r)
        .map(|(w, r)| format!("{w:?}: expected {r:?}, got {:?}", map_wording(w)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn map_wording_survives_odd_input() {
    assert_eq!(map_wording(&"ä".repeat(100_000)), None);
    assert_eq!(map_wording("\0\u{7}"), None);
    assert_eq!(map_wording("🙂 refund 🙂"), Some(Reason::PolicyTopic));
}

#[test]
fn infers_a_human_request_with_evidence() {
    let got = infer(&t(&[
        ("v", "Hi"),
        ("b", "Hello! How can I help?"),
        ("v", "can I talk to a person?"),
        ("b", "Sure, connecting you now."),
    ]));
    assert_eq!(got, Some((Reason::HumanRequest, "visitor asked: 'can I talk to a person?'".into())));
    assert_eq!(reason_of(&[("v", "Ich möchte mit einem Mitarbeiter sprechen")]), Some(Reason::HumanRequest));
    assert_eq!(reason_of(&[("v", "Je voudrais parler à un humain")]), Some(Reason::HumanRequest));
    assert_eq!(reason_of(&[("v", "Quiero hablar con una persona")]), Some(Reason::HumanRequest));
    assert_eq!(reason_of(&[("v", "real person please")]), Some(Reason::HumanRequest));
}

#[test]
fn infers_frustration() {
    let (r, ev) = infer(&t(&[
        ("v", "How do I reset my password?"),
        ("b", "Here is our FAQ: https://acme.test/faq"),
        ("v", "how do I reset my password??"),
    ]))
    .unwrap();
    assert_eq!(r, Reason::Frustration);
    assert!(ev.contains("asked the same thing twice"), "{ev}");
    let (_, ev) = infer(&t(&[("v", "WHY IS THIS NOT WORKING")])).unwrap();
    assert!(ev.contains("capitals"), "{ev}");
    assert_eq!(reason_of(&[("v", "hello??? anyone!!!")]), Some(Reason::Frustration));
    assert_eq!(reason_of(&[("v", "this is useless")]), Some(Reason::Frustration));
    assert_eq!(reason_of(&[("v", "Das ist doch nutzlos")]), Some(Reason::Frustration));
    assert_eq!(reason_of(&[("v", "C'est inutile, ça ne m'aide pas")]), Some(Reason::Frustration));
    assert_eq!(reason_of(&[("v", "Esto no sirve para nada")]), Some(Reason::Frustration));
}

#[test]
fn infers_a_policy_topic() {
    let (r, ev) = infer(&t(&[
        ("v", "I want a refund for my last order"),
        ("b", "Refunds are handled by our billing team. Let me connect you."),
    ]))
    .unwrap();
    assert_eq!(r, Reason::PolicyTopic);
    assert!(ev.starts_with("policy topic \"refund\" in:"), "{ev}");
    assert_eq!(reason_of(&[("v", "Ich möchte meinen Vertrag kündigen")]), Some(Reason::PolicyTopic));
    assert_eq!(reason_of(&[("v", "Je veux annuler mon abonnement")]), Some(Reason::PolicyTopic));
    assert_eq!(reason_of(&[("v", "Quiero un reembolso de mi pedido")]), Some(Reason::PolicyTopic));
}

#[test]
fn infers_a_knowledge_gap_from_bot_failure() {
    let (r, ev) =
        infer(&t(&[("v", "Do you ship to Canada?"), ("b", "I'm sorry, I don't have that information.")]))
            .unwrap();
    assert_eq!(r, Reason::KnowledgeGap);
    assert_eq!(ev, "bot said: 'I'm sorry, I don't have that information.'");
    let de = [("v", "Liefert ihr in die Schweiz?"), ("b", "Das weiß ich leider nicht.")];
    assert_eq!(reason_of(&de), Some(Reason::KnowledgeGap));
    let fr = [("v", "Livrez-vous en Suisse ?"), ("b", "Je ne sais pas, désolé.")];
    assert_eq!(reason_of(&fr), Some(Reason::KnowledgeGap));
    let es = [("v", "¿Envían a Chile?"), ("b", "No lo sé, lo siento.")];
    assert_eq!(reason_of(&es), Some(Reason::KnowledgeGap));
    // A bare hand-over right after a real question is a (weak) knowledge gap…
    let weak = [("v", "Do you ship to Canada?"), ("b", "Let me connect you with our team.")];
    assert_eq!(reason_of(&weak), Some(Reason::KnowledgeGap));
    // …but not when the visitor asked nothing.
    assert_eq!(reason_of(&[("v", "hi"), ("b", "Let me connect you with our team.")]), None);
}

#[test]
fn infers_high_intent() {
    let (r, ev) = infer(&t(&[
        ("v", "How much is the enterprise plan for 50 seats?"),
        ("b", "Our sales team will follow up."),
    ]))
    .unwrap();
    assert_eq!(r, Reason::HighIntent);
    assert!(ev.starts_with("buying signal \"how much\""), "{ev}");
    assert_eq!(reason_of(&[("v", "Was kostet das? Ich hätte gern ein Angebot.")]), Some(Reason::HighIntent));
    assert_eq!(
        reason_of(&[("v", "Pouvez-vous m'envoyer un devis pour 30 licences ?")]),
        Some(Reason::HighIntent)
    );
    assert_eq!(reason_of(&[("v", "¿Cuánto cuesta el plan para empresas?")]), Some(Reason::HighIntent));
}

#[test]
fn priority_when_several_signals_apply() {
    // Frustration outranks the request for a human it comes with.
    assert_eq!(reason_of(&[("v", "THIS IS USELESS, I WANT A HUMAN")]), Some(Reason::Frustration));
    // An explicit request outranks the topic.
    assert_eq!(
        reason_of(&[("v", "I want a refund"), ("v", "can I speak to someone?")]),
        Some(Reason::HumanRequest)
    );
    // The bot saying it failed outranks a topic keyword in the question.
    let kg = [("v", "Can I get a refund after 30 days?"), ("b", "I don't know.")];
    assert_eq!(reason_of(&kg), Some(Reason::KnowledgeGap));
    // A topic outranks a bare hand-over phrase.
    let policy = [("v", "I need to cancel my contract"), ("b", "Let me connect you.")];
    assert_eq!(reason_of(&policy), Some(Reason::PolicyTopic));
    // What the visitor tells the agent after the hand-over does not count.
    let later = [
        ("v", "Do you ship to Canada?"),
        ("b", "Let me connect you."),
        ("a", "Hi, I'm Sam."),
        ("v", "THIS IS RIDICULOUS!!!"),
    ];
    assert_eq!(reason_of(&later), Some(Reason::KnowledgeGap));
    assert_eq!(reason_of(&[("v", "Hi"), ("b", "Hello!")]), None);
    assert_eq!(infer(&[]), None);
}

#[test]
fn question_in_a_multi_question_conversation() {
    let chat = t(&[
        ("v", "Hi"),
        ("b", "Hello! How can I help?"),
        ("v", "What are your opening hours on Saturday?"),
        ("b", "We're open 9–1 on Saturdays."),
        ("v", "Do you offer refunds after 30 days?"),
        (
            "b",
            "I'm sorry, I don't have that information. Could I get your email so a colleague can follow up?",
        ),
        ("v", "dana@example.com"),
        ("b", "Thanks! Someone from our team will email you within 4 business hours."),
        ("v", "thanks!"),
    ]);
    assert_eq!(derive_question(&chat).as_deref(), Some("Do you offer refunds after 30 days?"));
}

#[test]
fn question_skips_greetings_names_and_contact_details() {
    let chat = t(&[
        ("v", "hello"),
        ("b", "Hi! What's your name?"),
        ("v", "Dana"),
        ("b", "Thanks Dana. What can I do for you?"),
        ("v", "Can I pay by invoice?"),
        ("b", "What's your phone number, in case we get cut off?"),
        ("v", "+1 555 0100"),
        ("b", "I'm not sure about invoices, sorry."),
        ("v", "ok thanks"),
    ]);
    assert_eq!(derive_question(&chat).as_deref(), Some("Can I pay by invoice?"));
    let chat = t(&[
        ("v", "Where is my order #4411?"),
        ("b", "Let me connect you. What's your email?"),
        ("v", "my email is jo@example.com"),
        ("v", "My name is Jo Bloggs"),
    ]);
    assert_eq!(derive_question(&chat).as_deref(), Some("Where is my order #4411?"));
}

#[test]
fn question_skips_requests_for_a_human() {
    let chat =
        t(&[("v", "Is the X200 waterproof?"), ("b", "Good question!"), ("v", "can I talk to a person?")]);
    assert_eq!(derive_question(&chat).as_deref(), Some("Is the X200 waterproof?"));
    let chat = t(&[("v", "human"), ("v", "AGENT!!!")]);
    assert_eq!(derive_question(&chat), None);
}

#[test]
fn question_is_the_first_one_the_bot_failed_on() {
    let chat = t(&[
        ("v", "Do you ship to Canada?"),
        ("b", "I'm not sure."),
        ("v", "What about returns?"),
        ("b", "I don't know, let me connect you."),
    ]);
    assert_eq!(derive_question(&chat).as_deref(), Some("Do you ship to Canada?"));
}

#[test]
fn question_keeps_the_visitors_wording() {
    let chat = t(&[("v", "  do u ship 2 canada?? need it by fri  "), ("b", "I couldn't find that.")]);
    assert_eq!(derive_question(&chat).as_deref(), Some("do u ship 2 canada?? need it by fri"));
}

#[test]
fn question_in_other_languages() {
    let fr = t(&[
        ("v", "Bonjour"),
        ("b", "Bonjour ! Comment puis-je vous aider ?"),
        ("v", "Est-ce que vous livrez en Belgique ?"),
        ("b", "Je ne sais pas, je vous mets en relation avec un conseiller."),
        ("v", "Merci"),
    ]);
    assert_eq!(derive_question(&fr).as_deref(), Some("Est-ce que vous livrez en Belgique ?"));
    let es =
        t(&[("v", "Hola"), ("v", "¿Tienen tallas grandes?"), ("b", "No estoy seguro."), ("v", "gracias")]);
    assert_eq!(derive_question(&es).as_deref(), Some("¿Tienen tallas grandes?"));
    let de =
        t(&[("v", "Guten Tag"), ("v", "Kann ich per Rechnung zahlen?"), ("b", "Das weiß ich leider nicht.")]);
    assert_eq!(derive_question(&de).as_deref(), Some("Kann ich per Rechnung zahlen?"));
    let zh = t(&[("v", "你好，你们发货到加拿大吗？"), ("b", "I don't know.")]);
    assert_eq!(derive_question(&zh).as_deref(), Some("你好，你们发货到加拿大吗？"));
    assert_eq!(derive_question(&t(&[("v", "👋"), ("v", "???"), ("v", "thanks")])), None);
    assert_eq!(derive_question(&[]), None);
}

fn handoff(transcript: Vec<Message>) -> NewHandoff {
    let mut h = NewHandoff::raw(SourceKind::Import, RawKind::Json, Vec::new());
    h.transcript = transcript;
    h
}

#[test]
fn finish_uses_the_detail_wording_first() {
    let mut h = handoff(t(&[("v", "can I talk to a person?")]));
    h.reason_detail = Some("no article matched".into());
    h.reason_inferred = true;
    finish(&mut h);
    assert_eq!(h.reason, Reason::KnowledgeGap);
    assert!(!h.reason_inferred);
    assert!(h.parse_notes.is_empty());
}

#[test]
fn finish_infers_records_evidence_and_is_idempotent() {
    let mut h = handoff(t(&[("v", "Is the X200 waterproof?"), ("v", "can I talk to a person?")]));
    h.reason_inferred = true;
    finish(&mut h);
    assert_eq!(h.reason, Reason::HumanRequest);
    assert!(h.reason_inferred);
    assert_eq!(
        h.parse_notes,
        ["reason inferred from the transcript: visitor asked: 'can I talk to a person?'"]
    );
    assert_eq!(h.question.as_deref(), Some("Is the X200 waterproof?"));
    assert!(h.question_derived);
    let once = h.clone();
    finish(&mut h);
    assert_eq!(h, once);
}

#[test]
fn finish_keeps_a_given_reason_and_question() {
    let mut h = handoff(t(&[("v", "can I talk to a person?"), ("v", "Is it waterproof?")]));
    h.reason = Reason::PolicyTopic;
    h.question = Some("Given question".into());
    finish(&mut h);
    assert_eq!(h.reason, Reason::PolicyTopic);
    assert!(!h.reason_inferred);
    assert_eq!(h.question.as_deref(), Some("Given question"));
    assert!(!h.question_derived);
}

#[test]
fn finish_uses_a_low_bot_confidence_unless_a_stronger_signal_exists() {
    let mut h = handoff(t(&[("v", "Can I get a refund?")]));
    h.confidence = Some(0.2);
    finish(&mut h);
    assert_eq!(h.reason, Reason::LowConfidence);
    assert!(h.parse_notes[0].contains("bot confidence 0.2"), "{:?}", h.parse_notes);
    let mut h = handoff(t(&[("v", "talk to a human")]));
    h.confidence = Some(0.2);
    finish(&mut h);
    assert_eq!(h.reason, Reason::HumanRequest);
}

#[test]
fn finish_with_nothing_to_go_on_leaves_other() {
    let mut h = handoff(Vec::new());
    finish(&mut h);
    assert_eq!(h.reason, Reason::Other);
    assert_eq!(h.question, None);
    assert!(h.parse_notes.is_empty());
}

#[test]
fn question_for_each_reason_shape() {
    // (transcript, the reason it shows, the question a content writer needs)
    type Case<'a> = (&'a [(&'a str, &'a str)], Reason, Option<&'a str>);
    let cases: &[Case<'_>] = &[
        (
            &[
                ("v", "hi"),
                ("v", "Do you repair Miele dishwashers?"),
                ("b", "Sorry, I couldn't find an answer to that."),
            ],
            Reason::KnowledgeGap,
            Some("Do you repair Miele dishwashers?"),
        ),
        (
            &[
                ("v", "How long does shipping to Norway take?"),
                ("b", "I think it may take about a week, but I'm not sure."),
                ("b", "Let me connect you with someone who knows."),
            ],
            Reason::KnowledgeGap,
            Some("How long does shipping to Norway take?"),
        ),
        (
            &[
                ("v", "Is the blue sofa in stock?"),
                ("b", "Let me check…"),
                ("v", "actually can I talk to a human please"),
            ],
            Reason::HumanRequest,
            Some("Is the blue sofa in stock?"),
        ),
        (
            &[
                ("v", "where is my order 5521"),
                ("b", "You can track orders on the Orders page."),
                ("v", "where is my order 5521"),
                ("b", "You can track orders on the Orders page."),
                ("v", "THIS IS USELESS I WANT MY ORDER"),
            ],
            Reason::Frustration,
            Some("where is my order 5521"),
        ),
        (
            &[
                ("v", "Hello"),
                ("v", "I want a refund for my last invoice"),
                ("b", "Our billing team handles refunds personally."),
            ],
            Reason::PolicyTopic,
            Some("I want a refund for my last invoice"),
        ),
        (
            &[
                ("v", "Can I get a quote for 40 office chairs?"),
                ("b", "Great — our team would love to help with that."),
            ],
            Reason::HighIntent,
            Some("Can I get a quote for 40 office chairs?"),
        ),
        // Only a request for a person, then contact details: no question to write content for.
        (
            &[("v", "agent please"), ("b", "Sure. Your email?"), ("v", "kim@example.com")],
            Reason::HumanRequest,
            None,
        ),
    ];
    for (lines, reason, question) in cases {
        let chat = t(lines);
        assert_eq!(infer(&chat).map(|(r, _)| r), Some(*reason), "{lines:?}");
        assert_eq!(derive_question(&chat).as_deref(), *question, "{lines:?}");
    }
}
