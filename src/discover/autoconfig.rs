//! The Thunderbird autoconfig protocol: where a domain publishes its mail
//! server settings, and the XML file that says them.
//!
//! Sources (read December 2026):
//! - lookup order, https://wiki.mozilla.org/Thunderbird:Autoconfiguration and
//!   draft-bucksch-autoconfig-02 §4: the domain's own
//!   `autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=<address>`, then
//!   `<domain>/.well-known/autoconfig/mail/config-v1.1.xml`, each over HTTPS
//!   then HTTP (Thunderbird still tries plain HTTP; what is found is shown
//!   for confirmation before anything logs in), then Mozilla's ISPDB at
//!   `https://autoconfig.thunderbird.net/v1.1/<domain>`;
//! - the file, https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat:
//!   `<clientConfig><emailProvider><incomingServer type="imap">` with
//!   `hostname`, `port`, `socketType` (`SSL`, `STARTTLS`, `plain`),
//!   `username` (placeholders `%EMAILADDRESS%`, `%EMAILLOCALPART%`,
//!   `%EMAILDOMAIN%`) and `authentication` (`OAuth2`, `password-cleartext`, …);
//!   `<outgoingServer type="smtp">` likewise. The first IMAP and the first
//!   SMTP server listed are the provider's preference.

use super::{Found, MailSettings, OAuthProvider, Security, Server};
use quick_xml::events::Event;

/// The URLs to try for a domain, in order.
pub fn urls(address: &str, domain: &str, ispdb_base: &str) -> Vec<String> {
    let mut out = Vec::new();
    for scheme in ["https", "http"] {
        out.push(format!(
            "{scheme}://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={}",
            percent(address)
        ));
        out.push(format!("{scheme}://{domain}/.well-known/autoconfig/mail/config-v1.1.xml"));
    }
    out.push(format!("{}/{domain}", ispdb_base.trim_end_matches('/')));
    out
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[derive(Default)]
struct Partial {
    kind: String,
    host: String,
    port: Option<u16>,
    socket: String,
    username: String,
    auth: Vec<String>,
}

/// Read an autoconfig file. `None` when it names no usable IMAP server.
pub fn parse(xml: &str, address: &str, url: &str) -> Option<MailSettings> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut provider = String::new();
    let mut current: Option<Partial> = None;
    let mut servers: Vec<Partial> = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                if name == "incomingServer" || name == "outgoingServer" {
                    let kind = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "type")
                        .map(|a| a.value.to_ascii_lowercase())
                        .unwrap_or_default();
                    current = Some(Partial { kind, ..Partial::default() });
                }
                path.push(name);
            }
            Event::End(_) => {
                if let Some(name) = path.pop()
                    && (name == "incomingServer" || name == "outgoingServer")
                    && let Some(p) = current.take()
                {
                    servers.push(p);
                }
            }
            Event::Text(t) => {
                let text = t.trim().to_string();
                let leaf = path.last().map(String::as_str).unwrap_or("");
                let parent = path.len().checked_sub(2).and_then(|i| path.get(i)).map(String::as_str);
                if let Some(p) = current.as_mut() {
                    match leaf {
                        "hostname" => p.host = text,
                        "port" => p.port = text.parse().ok(),
                        "socketType" => p.socket = text,
                        "username" => p.username = text,
                        "authentication" => p.auth.push(text),
                        _ => {}
                    }
                } else if parent == Some("emailProvider")
                    && (leaf == "displayName" || leaf == "displayShortName" && provider.is_empty())
                {
                    provider = text;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let to_server = |p: &Partial| -> Option<Server> {
        let security = match p.socket.to_ascii_uppercase().as_str() {
            "SSL" | "TLS" => Security::Implicit,
            "STARTTLS" => Security::Starttls,
            "PLAIN" => Security::Plain,
            _ => return None,
        };
        if p.host.is_empty() || p.host.contains(char::is_whitespace) {
            return None;
        }
        Some(Server {
            host: p.host.clone(),
            port: p.port?,
            security,
            username: username(&p.username, address),
        })
    };
    let imap_partial = servers.iter().find(|p| p.kind == "imap" && to_server(p).is_some())?;
    let imap = to_server(imap_partial)?;
    let smtp = servers.iter().filter(|p| p.kind == "smtp").find_map(to_server);
    let oauth = if imap_partial.auth.iter().any(|a| a.eq_ignore_ascii_case("OAuth2")) {
        OAuthProvider::for_host(&imap.host)
    } else {
        None
    };
    Some(MailSettings {
        provider: if provider.is_empty() { imap.host.clone() } else { provider },
        imap,
        smtp,
        oauth,
        note: None,
        found: Found::Autoconfig { url: url.to_string() },
    })
}

fn username(pattern: &str, address: &str) -> String {
    let (local, domain) = address.rsplit_once('@').unwrap_or((address, ""));
    if pattern.is_empty() {
        return address.to_string();
    }
    pattern
        .replace("%EMAILADDRESS%", address)
        .replace("%EMAILLOCALPART%", local)
        .replace("%EMAILDOMAIN%", domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="acme.test">
    <domain>acme.test</domain>
    <displayName>Acme Mail</displayName>
    <incomingServer type="pop3"><hostname>pop.acme.test</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
    <incomingServer type="imap">
      <hostname>imap.acme.test</hostname><port>143</port><socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.acme.test</hostname><port>465</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;

    #[test]
    fn reads_the_first_imap_and_smtp_server() {
        let s = parse(FILE, "dana@acme.test", "u").unwrap();
        assert_eq!(s.provider, "Acme Mail");
        assert_eq!(
            (s.imap.host.as_str(), s.imap.port, s.imap.security),
            ("imap.acme.test", 143, Security::Starttls)
        );
        assert_eq!(s.imap.username, "dana");
        let smtp = s.smtp.unwrap();
        assert_eq!(
            (smtp.port, smtp.security, smtp.username.as_str()),
            (465, Security::Implicit, "dana@acme.test")
        );
        assert_eq!(s.oauth, None);
    }

    #[test]
    fn odd_files_give_nothing_and_never_panic() {
        assert!(parse("", "a@b", "u").is_none());
        assert!(parse("<clientConfig><emailProvider>", "a@b", "u").is_none());
        assert!(parse("<html><body>Not found</body></html>", "a@b", "u").is_none());
        let no_port = FILE.replace("<port>143</port>", "");
        assert!(parse(&no_port, "a@b", "u").is_none());
    }

    #[test]
    fn lookup_order() {
        let u = urls("a+b@acme.test", "acme.test", "https://autoconfig.thunderbird.net/v1.1/");
        assert_eq!(u[0], "https://autoconfig.acme.test/mail/config-v1.1.xml?emailaddress=a%2Bb%40acme.test");
        assert_eq!(u[1], "https://acme.test/.well-known/autoconfig/mail/config-v1.1.xml");
        assert_eq!(u.last().unwrap(), "https://autoconfig.thunderbird.net/v1.1/acme.test");
    }
}
