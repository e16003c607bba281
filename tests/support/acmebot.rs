//! "AcmeBot": a notification format no built-in recogniser knows (made up
//! for these tests: its labels are none the generic reader looks for, its
//! transcript uses "Who » text" lines between two fixed marker lines), sent
//! as HTML only, as form plugins and agencies' own bots do. Tests build
//! variations of it (values, lengths, optional fields, whitespace, dates)
//! from a [`Notice`], so the expected reading is the input, never the code's
//! own output.

/// What one AcmeBot notification says.
#[derive(Debug, Clone)]
pub struct Notice {
    pub message_id: String,
    pub name: String,
    pub email: String,
    /// `None`: the phone line is left out altogether.
    pub phone: Option<String>,
    pub page: String,
    /// As written in the notification (any date format).
    pub when: String,
    pub question: String,
    pub reason: String,
    pub promise: String,
    /// (speaker, text); the visitor speaks under `name`'s first word.
    pub chat: Vec<(String, String)>,
    /// Extra whitespace, no-break spaces and line breaks inside the markup.
    pub loose_whitespace: bool,
    /// The phone line present with its value left blank.
    pub blank_phone: bool,
}

impl Notice {
    /// The notification taught in the tests (and in the e2e run).
    pub fn first() -> Notice {
        Notice {
            message_id: "acme-0001@acme.test".into(),
            name: "Dana Reyes".into(),
            email: "dana.reyes@example.com".into(),
            phone: Some("+1 555 0100".into()),
            page: "https://acme.test/pricing".into(),
            when: "2 December 2026 10:32".into(),
            question: "Do you offer refunds after 30 days?".into(),
            reason: "no article matched".into(),
            promise: "Someone from the team will write within 4 business hours.".into(),
            chat: vec![
                ("Dana".into(), "Hi, I bought the annual plan last month".into()),
                ("AcmeBot".into(), "Hello! How can I help?".into()),
                ("Dana".into(), "Do you offer refunds after 30 days?".into()),
                ("AcmeBot".into(), "I am not sure about that one, let me get a person.".into()),
            ],
            loose_whitespace: false,
            blank_phone: false,
        }
    }

    /// A second notification of the same format: other values, a longer transcript.
    pub fn second() -> Notice {
        let mut chat = vec![
            ("Marcus".into(), "Good evening".into()),
            ("AcmeBot".into(), "Hi Marcus, what can I do for you?".into()),
        ];
        for i in 1..=6 {
            chat.push((
                "Marcus".into(),
                format!("Question {i} about the enterprise plan and its seat pricing"),
            ));
            chat.push(("AcmeBot".into(), format!("Answer {i}: the enterprise plan is priced per seat")));
        }
        chat.push(("Marcus".into(), "Can I get a quote for 250 seats with SSO?".into()));
        Notice {
            message_id: "acme-0002@acme.test".into(),
            name: "Marcus Lee-Okonkwo".into(),
            email: "marcus.lee@globex.example".into(),
            phone: Some("+44 20 7946 0958".into()),
            page: "https://acme.test/enterprise?ref=ad".into(),
            when: "3 December 2026 21:05".into(),
            question: "Can I get a quote for 250 seats with SSO?".into(),
            reason: "high value lead".into(),
            promise: "We will call you tomorrow morning.".into(),
            chat,
            loose_whitespace: false,
            blank_phone: false,
        }
    }

    /// The visitor's first name, as the transcript calls them.
    pub fn speaker(&self) -> String {
        self.name.split(' ').next().unwrap_or_default().to_string()
    }

    /// The RFC 5322 message (HTML only).
    pub fn email(&self) -> Vec<u8> {
        let (sp, br) =
            if self.loose_whitespace { ("\n      &nbsp; ", "\n   <br/>\n\n") } else { ("", "<br>") };
        let mut rows = vec![
            format!("<p>{sp}Who: {}{sp}</p>", self.name),
            format!("<p>Reach at:{sp} {}</p>", self.email),
        ];
        if self.blank_phone {
            rows.push(format!("<p>Callback no.:{sp}</p>"));
        } else if let Some(p) = &self.phone {
            rows.push(format!("<p>Callback no.: {p}</p>"));
        }
        rows.push(format!("<p>Seen on: <a href=\"{0}\">{0}</a></p>", self.page));
        rows.push(format!("<p>When:{sp} {}</p>", self.when));
        rows.push(format!("<p><b>What they asked</b></p>\n<p>{sp}{}{sp}</p>", self.question));
        rows.push(format!("<p>Why I stopped: {}</p>", self.reason));
        rows.push(format!("<p>I told them: {}</p>", self.promise));
        let chat: Vec<String> = self.chat.iter().map(|(w, t)| format!("{w} &raquo; {t}")).collect();
        let html = format!(
            "<html><body>\n<h3>AcmeBot flagged a conversation for your team</h3>\n{}\n<p>~~ chat log ~~</p>\n<p>{}</p>\n<p>~~ end of log ~~</p>\n<p style=\"color:#999\">AcmeBot &middot; you get this because you run AcmeBot on acme.test</p>\n</body></html>\n",
            rows.join("\n"),
            chat.join(br),
        );
        format!(
            "From: AcmeBot <bot@acme.test>\r\nTo: team@acme.test\r\nSubject: AcmeBot flagged a conversation\r\nDate: Wed, 02 Dec 2026 10:33:00 +0000\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{}",
            self.message_id,
            html.replace('\n', "\r\n")
        )
        .into_bytes()
    }
}
