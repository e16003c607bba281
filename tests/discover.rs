//! Mail server settings from an address alone: a preset, the domain's
//! autoconfig file (its `autoconfig.` host and `/.well-known/`), the ISPDB,
//! RFC 6186 SRV records and MX guesses, each served by a real local HTTP
//! server (host names pinned to it; DNS answered in the DNS-over-HTTPS JSON form).

use crate::support::web::Web;
use handoff::discover::{Discovery, Found, OAuthProvider, Security};
use std::time::Duration;

const ACME: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="acme.test">
    <domain>acme.test</domain>
    <displayName>Acme Hosting</displayName>
    <incomingServer type="imap">
      <hostname>mail.acme.test</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>mail.acme.test</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;

fn discovery(web: &Web, pinned: &[&str]) -> Discovery {
    let addr = format!("127.0.0.1:{}", web.port).parse().unwrap();
    Discovery {
        ispdb_base: format!("{}/ispdb/v1.1", web.url()),
        dns_json: Some(format!("{}/resolve", web.url())),
        resolve: pinned.iter().map(|h| (h.to_string(), addr)).collect(),
        timeout: Duration::from_secs(5),
    }
}

#[test]
fn gmail_and_outlook_come_from_presets_without_asking_anyone() {
    let web = Web::start();
    let d = discovery(&web, &[]);
    let g = d.find("dana@gmail.com").unwrap();
    assert_eq!(
        (g.imap.host.as_str(), g.imap.port, g.imap.security),
        ("imap.gmail.com", 993, Security::Implicit)
    );
    assert_eq!(g.oauth, Some(OAuthProvider::Google));
    assert_eq!(g.found, Found::Preset);
    let o = d.find("Sam@Outlook.com").unwrap();
    assert_eq!((o.imap.host.as_str(), o.imap.port), ("outlook.office365.com", 993));
    let smtp = o.smtp.unwrap();
    assert_eq!(
        (smtp.host.as_str(), smtp.port, smtp.security),
        ("smtp-mail.outlook.com", 587, Security::Starttls)
    );
    assert_eq!(o.oauth, Some(OAuthProvider::Microsoft));
    assert!(web.seen().is_empty(), "a preset needs no lookup: {:?}", web.seen());
}

#[test]
fn the_domains_autoconfig_host_is_asked_first() {
    let web = Web::start();
    web.route("autoconfig.acme.test/mail/config-v1.1.xml", "text/xml", ACME);
    let d = discovery(&web, &["autoconfig.acme.test", "acme.test"]);
    let s = d.find("dana@acme.test").unwrap();
    assert_eq!(s.provider, "Acme Hosting");
    assert_eq!(
        (s.imap.host.as_str(), s.imap.port, s.imap.security),
        ("mail.acme.test", 993, Security::Implicit)
    );
    assert_eq!(s.smtp.as_ref().unwrap().security, Security::Starttls);
    assert_eq!(s.imap.username, "dana@acme.test");
    let Found::Autoconfig { url } = &s.found else { panic!("{:?}", s.found) };
    assert!(url.starts_with("http://autoconfig.acme.test/mail/config-v1.1.xml"), "{url}");
    assert!(
        web.seen().iter().any(|r| r.ends_with("?emailaddress=dana%40acme.test")),
        "the address is passed as the protocol says: {:?}",
        web.seen()
    );
}

#[test]
fn the_well_known_path_then_the_ispdb() {
    let web = Web::start();
    web.route(
        "shop.test/.well-known/autoconfig/mail/config-v1.1.xml",
        "text/xml",
        &ACME.replace("Acme Hosting", "Shop"),
    );
    web.route("/ispdb/v1.1/isp.test", "text/xml", &ACME.replace("Acme Hosting", "From the ISPDB"));
    let d = discovery(&web, &["autoconfig.shop.test", "shop.test", "autoconfig.isp.test", "isp.test"]);
    let s = d.find("a@shop.test").unwrap();
    assert_eq!(s.provider, "Shop");
    assert!(matches!(&s.found, Found::Autoconfig { url } if url.contains("/.well-known/")));
    let s = d.find("a@isp.test").unwrap();
    assert_eq!(s.provider, "From the ISPDB");
    // The domain's own places were asked before the ISPDB.
    let seen = web.seen();
    let first_isp = seen.iter().position(|r| r.starts_with("autoconfig.isp.test")).unwrap();
    let ispdb = seen.iter().position(|r| r.contains("/ispdb/")).unwrap();
    assert!(first_isp < ispdb, "{seen:?}");
}

#[test]
fn srv_records_then_mx_guesses() {
    let web = Web::start();
    let answer = |name: &str, kind: u8, data: &str| {
        format!(r#"{{"Status":0,"Answer":[{{"name":"{name}.","type":{kind},"TTL":300,"data":"{data}"}}]}}"#)
    };
    web.route(
        "/resolve?name=_imaps._tcp.srv.test&type=SRV",
        "application/dns-json",
        &answer("_imaps._tcp.srv.test", 33, "0 1 993 imap.srv-host.test."),
    );
    web.route(
        "/resolve?name=_submission._tcp.srv.test&type=SRV",
        "application/dns-json",
        &answer("_submission._tcp.srv.test", 33, "0 1 587 smtp.srv-host.test."),
    );
    web.route(
        "/resolve?name=hosted.test&type=MX",
        "application/dns-json",
        &answer("hosted.test", 15, "0 hosted-test.mail.protection.outlook.com."),
    );
    web.route(
        "/resolve?name=gsuite.test&type=MX",
        "application/dns-json",
        &answer("gsuite.test", 15, "1 smtp.google.com."),
    );
    web.route("/resolve", "application/dns-json", r#"{"Status":3}"#);
    let d = discovery(
        &web,
        &[
            "autoconfig.srv.test",
            "srv.test",
            "autoconfig.hosted.test",
            "hosted.test",
            "autoconfig.gsuite.test",
            "gsuite.test",
            "autoconfig.none.test",
            "none.test",
        ],
    );
    let s = d.find("a@srv.test").unwrap();
    assert_eq!(s.found, Found::Srv);
    assert_eq!(
        (s.imap.host.as_str(), s.imap.port, s.imap.security),
        ("imap.srv-host.test", 993, Security::Implicit)
    );
    let smtp = s.smtp.unwrap();
    assert_eq!(
        (smtp.host.as_str(), smtp.port, smtp.security),
        ("smtp.srv-host.test", 587, Security::Starttls)
    );

    let m = d.find("owner@hosted.test").unwrap();
    assert_eq!(m.provider, "Microsoft 365");
    assert_eq!(m.oauth, Some(OAuthProvider::Microsoft));
    assert!(matches!(&m.found, Found::Mx { mx } if mx == "hosted-test.mail.protection.outlook.com"));
    assert_eq!(d.find("owner@gsuite.test").unwrap().imap.host, "imap.gmail.com");

    let e = d.find("a@none.test").unwrap_err().to_string();
    assert!(e.contains("no mail server settings were found for none.test") && e.contains("by hand"), "{e}");
    assert!(d.find("not an address").unwrap_err().to_string().contains("not an email address"));
}
