//! Generated input for live-source tests: notification emails, unrelated
//! mail, and canonical webhook bodies, each unique by `tag` and `n`.

/// A plain-text handoff notification, the way a chatbot platform sends one.
pub fn handoff_email(tag: &str, n: usize) -> Vec<u8> {
    format!(
        "From: Convira Bot <notifications@convira.example>\r\n\
         To: helpdesk@example.test\r\n\
         Subject: New handoff: visitor {n} needs a human\r\n\
         Date: Sun, 22 Nov 2026 10:{:02}:00 +0000\r\n\
         Message-ID: <{tag}-{n}@convira.example>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         A visitor asked for a person.\r\n\
         \r\n\
         Name: Visitor {tag} {n}\r\n\
         Email: visitor{n}.{tag}@example.org\r\n\
         Page: https://shop.example.com/pricing\r\n\
         Reason: Visitor asked for a human\r\n\
         \r\n\
         Transcript:\r\n\
         Visitor: Can I speak to someone about order {tag}-{n}?\r\n\
         Bot: Let me get a colleague for you.\r\n",
        n % 60
    )
    .into_bytes()
}

/// Mail that is not a handoff (a newsletter).
pub fn unrelated_email(tag: &str, n: usize) -> Vec<u8> {
    format!(
        "From: Weekly News <news@newsletter.example>\r\n\
         To: helpdesk@example.test\r\n\
         Subject: This week's deals {n}\r\n\
         Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n\
         Message-ID: <news-{tag}-{n}@newsletter.example>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Big savings this week.\r\n"
    )
    .into_bytes()
}

/// The Message-ID source key of [`handoff_email`].
pub fn email_key(tag: &str, n: usize) -> String {
    format!("msgid:{tag}-{n}@convira.example")
}

/// A canonical handoff webhook body with its own event id.
pub fn handoff_webhook(tag: &str, n: usize) -> Vec<u8> {
    serde_json::json!({
        "id": format!("evt-{tag}-{n}"),
        "reason": "human_request",
        "visitor": { "name": format!("Webhook {tag} {n}"), "email": format!("hook{n}.{tag}@example.org") },
        "page": { "url": "https://shop.example.com/contact" },
        "escalated_at": "2026-11-22T10:00:00Z",
        "transcript": [
            { "author": "visitor", "text": format!("I need help with booking {tag}-{n}") },
            { "author": "bot", "text": "Connecting you with the team." }
        ]
    })
    .to_string()
    .into_bytes()
}
