//! The words of the demo: three client businesses, the questions their
//! visitors ask (grouped by the reason the bot escalates), names and pages.

use crate::model::Reason;

/// A demo client business.
pub struct Client {
    pub slug: &'static str,
    pub name: &'static str,
    pub tz: &'static str,
    pub bot: &'static str,
    pub site: &'static str,
    pub promise: &'static str,
    /// (path, title)
    pub pages: &'static [(&'static str, &'static str)],
    /// (reason, questions); `{n}` is replaced by a number.
    pub questions: &'static [(Reason, &'static [&'static str])],
}

pub const CLIENTS: &[Client] = &[
    Client {
        slug: "acme-plumbing",
        name: "Acme Plumbing & Heating",
        tz: "America/New_York",
        bot: "Piper",
        site: "https://acmeplumbing.example",
        promise: "We'll get back to you within 4 business hours.",
        pages: &[
            ("/", "Acme Plumbing & Heating — Brooklyn"),
            ("/services/water-heaters", "Water heater repair and installation"),
            ("/services/drain-cleaning", "Drain cleaning"),
            ("/pricing", "Pricing"),
            ("/emergency", "24/7 emergency plumbing"),
            ("/financing", "Financing options"),
            ("/contact", "Contact us"),
        ],
        questions: &[
            (
                Reason::KnowledgeGap,
                &[
                    "Do you service tankless water heaters from Rinnai?",
                    "Can you install a tankless water heater in a condo?",
                    "Do you work in Staten Island?",
                    "Do you cover Staten Island or only Brooklyn?",
                    "Is a permit needed to move a gas line in NYC?",
                    "Do you offer a warranty on drain cleaning?",
                    "How long does a warranty on a new water heater last?",
                    "Do you install water softeners?",
                    "Can you fix radiant floor heating?",
                    "Do you do backflow testing for commercial buildings?",
                    "Do you unclog sewer lines with a camera inspection?",
                    "What brands of boilers do you install?",
                ],
            ),
            (
                Reason::LowConfidence,
                &[
                    "How much is it to replace a {n} gallon water heater?",
                    "Roughly what does a sewer line replacement cost?",
                    "is a slow drain in two sinks a sewer problem",
                    "my boiler pressure keeps dropping what does that mean",
                ],
            ),
            (
                Reason::HumanRequest,
                &[
                    "Can I talk to a real person about a leak under my sink?",
                    "I'd like to speak to someone about scheduling",
                    "Please have a plumber call me",
                ],
            ),
            (
                Reason::Frustration,
                &[
                    "THE WATER IS STILL LEAKING AND NOBODY CALLED ME BACK",
                    "This is the third time I'm asking when the technician arrives",
                    "your bot is useless, i need someone to fix my heater today",
                ],
            ),
            (
                Reason::PolicyTopic,
                &[
                    "I was charged twice for the visit on the {n}th, can I get a refund?",
                    "How do I cancel my annual maintenance plan?",
                    "Your technician damaged my floor, who do I talk to about a claim?",
                    "Can I get an itemized invoice for my insurance?",
                ],
            ),
            (
                Reason::HighIntent,
                &[
                    "We're renovating {n} apartments and need a quote for all new water heaters",
                    "Can you give me a quote for repiping a brownstone?",
                    "I want to book a boiler replacement this month, what are next steps?",
                ],
            ),
        ],
    },
    Client {
        slug: "bergblick-hotel",
        name: "Hotel Bergblick",
        tz: "Europe/Berlin",
        bot: "Bergblick Concierge",
        site: "https://bergblick.example",
        promise: "Our front desk will answer within one business day.",
        pages: &[
            ("/", "Hotel Bergblick — Garmisch-Partenkirchen"),
            ("/zimmer", "Rooms & suites"),
            ("/spa", "Alpine spa"),
            ("/angebote", "Packages and offers"),
            ("/anreise", "Getting here"),
            ("/buchen", "Book your stay"),
        ],
        questions: &[
            (
                Reason::KnowledgeGap,
                &[
                    "Are dogs allowed in the suites?",
                    "Can I bring my dog to the hotel?",
                    "Is there a charging station for electric cars?",
                    "Do you have an EV charger in the garage?",
                    "Is the spa open to day guests?",
                    "Do you offer airport transfer from Munich?",
                    "Gibt es einen Shuttle vom Bahnhof?",
                    "Is breakfast gluten free friendly?",
                    "Can we host a wedding for {n} guests?",
                    "Is the sauna textile-free?",
                    "Do you rent ski equipment at the hotel?",
                ],
            ),
            (
                Reason::LowConfidence,
                &[
                    "Is the Zugspitze cable car running in {n} weeks?",
                    "what time is late checkout and how much",
                    "Can I change my booking from 3 to 4 nights?",
                ],
            ),
            (
                Reason::HumanRequest,
                &[
                    "Kann ich bitte mit einem Mitarbeiter sprechen?",
                    "Can I speak to the front desk please",
                    "I need a human to help with a group booking",
                ],
            ),
            (
                Reason::Frustration,
                &["I have asked three times if the room has a balcony!!!", "WHY IS MY BOOKING NOT CONFIRMED"],
            ),
            (
                Reason::PolicyTopic,
                &[
                    "What is your cancellation policy if I cancel {n} days before arrival?",
                    "I want a refund for the spa voucher",
                    "Can you send me an invoice with our company VAT number?",
                    "Wie storniere ich meine Buchung?",
                ],
            ),
            (
                Reason::HighIntent,
                &[
                    "We'd like to book {n} rooms for a company retreat in March",
                    "Do you have availability for a family of five over Christmas?",
                ],
            ),
        ],
    },
    Client {
        slug: "koala-dental",
        name: "Koala Dental Studio",
        tz: "Australia/Sydney",
        bot: "Koala Assistant",
        site: "https://koaladental.example",
        promise: "A team member will reply within 2 business hours.",
        pages: &[
            ("/", "Koala Dental Studio — Surry Hills"),
            ("/treatments/invisalign", "Invisalign clear aligners"),
            ("/treatments/whitening", "Teeth whitening"),
            ("/fees", "Fees and health funds"),
            ("/new-patients", "New patients"),
            ("/emergency", "Emergency dentist"),
        ],
        questions: &[
            (
                Reason::KnowledgeGap,
                &[
                    "Do you accept Bupa health insurance?",
                    "Are you HICAPS registered for Medibank?",
                    "Do you take Medibank extras cover?",
                    "Do you offer sedation for anxious patients?",
                    "Can children under {n} see the dentist here?",
                    "Do you do wisdom teeth removal in the clinic?",
                    "Is there parking near the clinic?",
                    "Do you offer payment plans for Invisalign?",
                    "Can I get Invisalign if I have a crown?",
                ],
            ),
            (
                Reason::LowConfidence,
                &[
                    "How much is teeth whitening?",
                    "is a chipped tooth an emergency",
                    "How long does Invisalign take for crowding?",
                ],
            ),
            (
                Reason::HumanRequest,
                &[
                    "Can I please talk to the receptionist",
                    "I want to speak to a person about my appointment",
                ],
            ),
            (
                Reason::Frustration,
                &["I STILL HAVE NOT RECEIVED MY X-RAYS", "This chat is not helpful, my tooth really hurts"],
            ),
            (
                Reason::PolicyTopic,
                &[
                    "I want a refund for the cancelled appointment fee of ${n}",
                    "How do I get a copy of my dental records?",
                    "What is the cancellation fee if I cancel the day before?",
                ],
            ),
            (
                Reason::HighIntent,
                &[
                    "I'd like to book Invisalign, when can I start?",
                    "Can I book a new patient exam for my family of {n}?",
                ],
            ),
        ],
    },
];

pub const FIRST_NAMES: &[&str] = &[
    "Dana", "Priya", "Lukas", "Mia", "Omar", "Chen", "Sofia", "Jamal", "Hannah", "Mateo", "Aisha", "Tom",
    "Zoe", "Kenji", "Grace", "Felix", "Amara", "Noah", "Leonie", "Diego", "Olivia", "Yusuf", "Emma", "Ravi",
];
pub const LAST_NAMES: &[&str] = &[
    "Reyes", "Sharma", "Becker", "Nguyen", "Haddad", "Wei", "Rossi", "Carter", "Müller", "López", "Okafor",
    "Kelly", "Schmidt", "Tanaka", "O'Brien", "Fischer", "Mensah", "Walsh", "Dubois", "Silva",
];
pub const MAIL_DOMAINS: &[&str] = &["example.com", "mail.example", "example.net", "inbox.example"];

pub const GREETINGS: &[&str] = &["Hi", "Hello", "Hey there", "Good morning", "hi!", "Hallo"];

pub const BOT_FAILURES: &[&str] = &[
    "I'm sorry, I don't have information about that yet.",
    "I couldn't find an answer to that in our help articles.",
    "I'm not sure about that one.",
    "That's a great question — I don't know the answer, but our team does.",
];
