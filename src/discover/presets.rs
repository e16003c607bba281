//! Built-in mail server settings for the providers most small businesses
//! use, looked up by the address's domain, and the MX host patterns that
//! reveal a hosted domain (Google Workspace, Microsoft 365, IONOS, OVH, …).
//!
//! Every host, port and TLS mode is taken from the provider's own help page,
//! named beside its entry (read December 2026). Where a provider offers both
//! implicit TLS (465) and STARTTLS (587) for SMTP, the one its page lists
//! first is used.

use super::{Found, MailSettings, OAuthProvider, Security, Server};

/// One provider's settings.
struct Preset {
    /// Shown to people.
    name: &'static str,
    /// Address domains it serves (exact match, lower case).
    domains: &'static [&'static str],
    /// MX host suffixes that reveal a domain hosted there (lower case, no trailing dot).
    mx_suffixes: &'static [&'static str],
    imap: (&'static str, u16, Security),
    smtp: (&'static str, u16, Security),
    oauth: Option<OAuthProvider>,
    /// What the provider asks of people before IMAP works.
    note: &'static str,
}

const PRESETS: &[Preset] = &[
    // https://developers.google.com/workspace/gmail/imap/imap-smtp
    // ("imap.gmail.com 993 SSL", "smtp.gmail.com 465 SSL / 587 TLS"); Workspace
    // domains' MX: https://support.google.com/a/answer/174125 (smtp.google.com,
    // formerly aspmx.l.google.com and alt*.aspmx.l.google.com).
    Preset {
        name: "Gmail / Google Workspace",
        domains: &["gmail.com", "googlemail.com"],
        mx_suffixes: &["aspmx.l.google.com", "smtp.google.com", "googlemail.com"],
        imap: ("imap.gmail.com", 993, Security::Implicit),
        smtp: ("smtp.gmail.com", 465, Security::Implicit),
        oauth: Some(OAuthProvider::Google),
        note: "Sign in with Google. In Google Workspace the admin must allow IMAP (Admin console → Apps → Google Workspace → Gmail → End User Access).",
    },
    // https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4
    // (outlook.office365.com 993 SSL/TLS; smtp.office365.com 587 STARTTLS);
    // Outlook.com: https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040
    // (outlook.office365.com 993; smtp-mail.outlook.com 587 STARTTLS);
    // Microsoft 365 MX: <tenant>.mail.protection.outlook.com.
    Preset {
        name: "Outlook.com",
        domains: &[
            "outlook.com",
            "hotmail.com",
            "live.com",
            "msn.com",
            "hotmail.co.uk",
            "outlook.de",
            "hotmail.de",
            "hotmail.fr",
            "outlook.fr",
            "live.co.uk",
        ],
        mx_suffixes: &["olc.protection.outlook.com"],
        imap: ("outlook.office365.com", 993, Security::Implicit),
        smtp: ("smtp-mail.outlook.com", 587, Security::Starttls),
        oauth: Some(OAuthProvider::Microsoft),
        note: "Sign in with Microsoft: Outlook.com no longer takes passwords over IMAP.",
    },
    Preset {
        name: "Microsoft 365",
        domains: &[],
        mx_suffixes: &["mail.protection.outlook.com"],
        imap: ("outlook.office365.com", 993, Security::Implicit),
        smtp: ("smtp.office365.com", 587, Security::Starttls),
        oauth: Some(OAuthProvider::Microsoft),
        note: "Sign in with Microsoft. Exchange Online refuses passwords over IMAP and SMTP; the mailbox needs IMAP enabled (Exchange admin center → Mailboxes → Manage email apps).",
    },
    // https://support.apple.com/en-us/102525 (imap.mail.me.com 993 SSL; smtp.mail.me.com 587 STARTTLS)
    Preset {
        name: "iCloud Mail",
        domains: &["icloud.com", "me.com", "mac.com"],
        mx_suffixes: &["mail.icloud.com"],
        imap: ("imap.mail.me.com", 993, Security::Implicit),
        smtp: ("smtp.mail.me.com", 587, Security::Starttls),
        oauth: None,
        note: "iCloud needs an app-specific password (appleid.apple.com → Sign-In and Security → App-Specific Passwords).",
    },
    // https://help.yahoo.com/kb/SLN4075.html (imap.mail.yahoo.com 993 SSL; smtp.mail.yahoo.com 465 SSL or 587 TLS)
    Preset {
        name: "Yahoo Mail",
        domains: &[
            "yahoo.com",
            "ymail.com",
            "rocketmail.com",
            "yahoo.co.uk",
            "yahoo.de",
            "yahoo.fr",
            "yahoo.es",
            "yahoo.it",
        ],
        mx_suffixes: &["yahoodns.net"],
        imap: ("imap.mail.yahoo.com", 993, Security::Implicit),
        smtp: ("smtp.mail.yahoo.com", 465, Security::Implicit),
        oauth: None,
        note: "Yahoo needs an app password (Account security → Generate app password).",
    },
    // https://www.fastmail.help/hc/en-us/articles/1500000278342-Server-names-and-ports
    // (imap.fastmail.com 993 SSL/TLS; smtp.fastmail.com 465 SSL/TLS)
    Preset {
        name: "Fastmail",
        domains: &["fastmail.com", "fastmail.fm", "fastmail.net", "fastmail.org", "messagingengine.com"],
        mx_suffixes: &["messagingengine.com"],
        imap: ("imap.fastmail.com", 993, Security::Implicit),
        smtp: ("smtp.fastmail.com", 465, Security::Implicit),
        oauth: None,
        note: "Fastmail needs an app password (Settings → Privacy & Security → Integrations → App passwords).",
    },
    // https://www.zoho.com/mail/help/imap-access.html (imap.zoho.com 993 SSL; smtp.zoho.com 465 SSL / 587 TLS;
    // EU data centre: imap.zoho.eu / smtp.zoho.eu)
    Preset {
        name: "Zoho Mail",
        domains: &["zoho.com", "zohomail.com"],
        mx_suffixes: &["zoho.com"],
        imap: ("imap.zoho.com", 993, Security::Implicit),
        smtp: ("smtp.zoho.com", 465, Security::Implicit),
        oauth: None,
        note: "Turn IMAP access on in Zoho Mail (Settings → Mail Accounts → IMAP); with two-factor authentication use an app-specific password.",
    },
    Preset {
        name: "Zoho Mail (EU)",
        domains: &["zoho.eu", "zohomail.eu"],
        mx_suffixes: &["zoho.eu"],
        imap: ("imap.zoho.eu", 993, Security::Implicit),
        smtp: ("smtp.zoho.eu", 465, Security::Implicit),
        oauth: None,
        note: "Turn IMAP access on in Zoho Mail (Settings → Mail Accounts → IMAP); with two-factor authentication use an app-specific password.",
    },
    // https://hilfe.gmx.net/pop-imap/imap/imap-serverdaten.html (imap.gmx.net 993 SSL; mail.gmx.net 587 STARTTLS)
    Preset {
        name: "GMX",
        domains: &["gmx.de", "gmx.net", "gmx.at", "gmx.ch"],
        mx_suffixes: &["gmx.net"],
        imap: ("imap.gmx.net", 993, Security::Implicit),
        smtp: ("mail.gmx.net", 587, Security::Starttls),
        oauth: None,
        note: "Allow POP3/IMAP access in GMX first (E-Mail → Einstellungen → POP3/IMAP Abruf).",
    },
    // https://support.gmx.com/pop-imap/imap/windows-mail.html (imap.gmx.com 993 SSL; mail.gmx.com 587 STARTTLS)
    Preset {
        name: "GMX (international)",
        domains: &["gmx.com", "gmx.us", "gmx.co.uk", "gmx.fr"],
        mx_suffixes: &["gmx.com"],
        imap: ("imap.gmx.com", 993, Security::Implicit),
        smtp: ("mail.gmx.com", 587, Security::Starttls),
        oauth: None,
        note: "Allow POP3/IMAP access in GMX first (Settings → POP3 & IMAP).",
    },
    // https://hilfe.web.de/pop-imap/imap/imap-serverdaten.html (imap.web.de 993 SSL; smtp.web.de 587 STARTTLS)
    Preset {
        name: "WEB.DE",
        domains: &["web.de"],
        mx_suffixes: &["web.de"],
        imap: ("imap.web.de", 993, Security::Implicit),
        smtp: ("smtp.web.de", 587, Security::Starttls),
        oauth: None,
        note: "Allow POP3/IMAP access in WEB.DE first (E-Mail → Einstellungen → POP3/IMAP Abruf).",
    },
    // https://www.ionos.de/hilfe/e-mail/allgemeine-themen/serverinformationen-fuer-imap-pop3-und-smtp/
    // (imap.ionos.de 993 SSL/TLS; smtp.ionos.de 465 SSL/TLS); IONOS hosts customers'
    // own domains, recognised by its MX (mx00.ionos.de, mx01.kundenserver.de).
    Preset {
        name: "IONOS",
        domains: &[],
        mx_suffixes: &["ionos.de", "kundenserver.de"],
        imap: ("imap.ionos.de", 993, Security::Implicit),
        smtp: ("smtp.ionos.de", 465, Security::Implicit),
        oauth: None,
        note: "Use the mailbox password set in the IONOS control panel.",
    },
    // https://www.ionos.com/help/email/general-topics/settings-for-your-email-programs-imap-pop3/
    // (imap.ionos.com 993; smtp.ionos.com 465)
    Preset {
        name: "IONOS (US)",
        domains: &[],
        mx_suffixes: &["ionos.com", "perfora.net"],
        imap: ("imap.ionos.com", 993, Security::Implicit),
        smtp: ("smtp.ionos.com", 465, Security::Implicit),
        oauth: None,
        note: "Use the mailbox password set in the IONOS control panel.",
    },
    // https://help.ovhcloud.com/csm/en-web-hosting-email-configuration-generic?id=kb_article_view&sysparm_article=KB0052016
    // (MX Plan: ssl0.ovh.net, IMAP 993 SSL/TLS, SMTP 465 SSL/TLS); OVH's MX: mx*.mail.ovh.net.
    Preset {
        name: "OVHcloud",
        domains: &[],
        mx_suffixes: &["mail.ovh.net", "ovh.net"],
        imap: ("ssl0.ovh.net", 993, Security::Implicit),
        smtp: ("ssl0.ovh.net", 465, Security::Implicit),
        oauth: None,
        note: "Use the mailbox password set in the OVHcloud control panel.",
    },
];

fn settings(p: &Preset, address: &str, found: Found) -> MailSettings {
    let server = |(host, port, security): (&str, u16, Security)| Server {
        host: host.into(),
        port,
        security,
        username: address.into(),
    };
    MailSettings {
        provider: p.name.into(),
        imap: server(p.imap),
        smtp: Some(server(p.smtp)),
        oauth: p.oauth,
        note: Some(p.note.into()),
        found,
    }
}

/// The preset for an address's own domain (gmail.com, outlook.com, …).
pub fn by_domain(address: &str, domain: &str) -> Option<MailSettings> {
    PRESETS.iter().find(|p| p.domains.contains(&domain)).map(|p| settings(p, address, Found::Preset))
}

/// The preset for a domain whose mail goes to `mx` (a hosted domain).
pub fn by_mx(address: &str, mx: &str) -> Option<MailSettings> {
    let mx = mx.trim_end_matches('.').to_ascii_lowercase();
    let hit = |suffix: &&&str| mx == **suffix || mx.ends_with(&format!(".{suffix}"));
    // Longest suffix first: mail.protection.outlook.com beats outlook.com.
    PRESETS
        .iter()
        .filter_map(|p| p.mx_suffixes.iter().filter(hit).map(|s| (s.len(), p)).max_by_key(|(n, _)| *n))
        .max_by_key(|(n, _)| *n)
        .map(|(_, p)| settings(p, address, Found::Mx { mx: mx.clone() }))
}

/// Every preset's name (for documentation and the window's list).
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_find_their_provider() {
        let g = by_domain("dana@gmail.com", "gmail.com").unwrap();
        assert_eq!(
            (g.imap.host.as_str(), g.imap.port, g.imap.security),
            ("imap.gmail.com", 993, Security::Implicit)
        );
        assert_eq!(g.oauth, Some(OAuthProvider::Google));
        let o = by_domain("a@hotmail.com", "hotmail.com").unwrap();
        assert_eq!(o.smtp.as_ref().unwrap().security, Security::Starttls);
        assert_eq!(o.oauth, Some(OAuthProvider::Microsoft));
        assert_eq!(by_domain("a@web.de", "web.de").unwrap().imap.host, "imap.web.de");
        assert!(by_domain("a@acme.test", "acme.test").is_none());
    }

    #[test]
    fn hosted_domains_by_mx() {
        let m = by_mx("a@acme.test", "acme-test.mail.protection.outlook.com.").unwrap();
        assert_eq!(m.provider, "Microsoft 365");
        assert_eq!(m.smtp.unwrap().host, "smtp.office365.com");
        assert_eq!(by_mx("a@acme.test", "ASPMX.L.GOOGLE.COM").unwrap().imap.host, "imap.gmail.com");
        assert_eq!(by_mx("a@acme.test", "mx00.ionos.de").unwrap().provider, "IONOS");
        assert_eq!(by_mx("a@acme.test", "mx1.mail.ovh.net").unwrap().imap.host, "ssl0.ovh.net");
        // A suffix matches whole labels only.
        assert!(by_mx("a@acme.test", "notgmx.net").is_none());
        assert!(by_mx("a@acme.test", "mx.acme.test").is_none());
    }
}
