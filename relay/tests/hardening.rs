//! The relay under connection abuse: idle and stalled connections, slow
//! heads and bodies, oversize headers, per-client and total connection caps.
//! Every test talks raw TCP to the real binary (reqwest would hide what the
//! relay does with a connection), from several loopback addresses
//! (127.0.0.0/8 is all loopback on Linux) so that per-address caps can be told
//! apart from the total one.

use std::{
    io::{ErrorKind, Read, Write},
    net::{Ipv4Addr, SocketAddr, TcpStream},
    time::Duration,
};

use crate::support::{Harness, Relay, sha256_hex};

/// The relay's address from its URL.
fn addr(relay: &Relay) -> SocketAddr {
    relay.url.trim_start_matches("http://").parse().unwrap()
}

/// Opens `n` connections from `from` (a loopback address) to `to`.
fn connect_from(from: Ipv4Addr, to: SocketAddr, n: usize) -> Vec<TcpStream> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind(SocketAddr::new(from.into(), 0)).unwrap();
            let stream = socket.connect(to).await.unwrap();
            let stream = stream.into_std().unwrap();
            stream.set_nonblocking(false).unwrap();
            out.push(stream);
        }
        out
    })
}

/// Raises this test process's open-file soft limit to its hard limit.
fn raise_nofile() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    setrlimit(Resource::Nofile, Rlimit { current: limit.maximum, maximum: limit.maximum }).unwrap();
    let now = getrlimit(Resource::Nofile).current;
    assert!(now.is_none_or(|n| n >= 8192), "this test needs 8192 open files; the hard limit is {now:?}");
}

/// Reads what the relay sends until it closes (or `wait` passes): the text, and whether it closed.
fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> (String, bool) {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                return (String::from_utf8_lossy(&got).into_owned(), true);
            }
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

/// (VmRSS, Pss) of a process in KiB, from /proc.
fn memory_kib(pid: u32) -> (u64, u64) {
    let field = |text: &str, name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}"))
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap();
    (field(&status, "VmRSS:"), field(&rollup, "Pss:"))
}

const SECRET: &str = "only-a-signing-secret-9f2c4e6a";

#[test]
fn idle_connections_and_stalled_uploads_neither_starve_a_webhook_nor_bloat_the_relay() {
    raise_nofile();
    // A channel with only a signature secret: its bodies must be read before they can be checked.
    // Idle connections must outlast this test on a loaded machine (their timeout is tested below).
    let h = Harness::new(&format!(
        "header_timeout_seconds = 60\n[[channels]]\nid = \"signed\"\nread_token = \"signed-read-token-0123456789\"\nsecret = \"{SECRET}\"\n"
    ));
    let relay = h.start();
    let to = addr(&relay);

    // 2,000 idle connections, 50 from each of 40 addresses (under the per-address cap, so all are held).
    let mut idle = Vec::new();
    for host in 2..42u8 {
        idle.extend(connect_from(Ipv4Addr::new(127, 0, 0, host), to, 50));
    }
    // 1,000 uploads stalled just short of a 256 KiB body, 50 from each of 20 more addresses.
    let head = "POST /v1/hooks/signed HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n\
                X-Hub-Signature-256: sha256=00\r\nContent-Length: 262144\r\n\r\n";
    let almost = vec![b'x'; 262_144 - 1024];
    let mut stalled = Vec::new();
    for host in 42..62u8 {
        for mut s in connect_from(Ipv4Addr::new(127, 0, 0, host), to, 50) {
            s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
            // A refused upload may be closed mid-write: that is the relay protecting itself.
            let _ = s.write_all(head.as_bytes()).and_then(|()| s.write_all(&almost));
            stalled.push(s);
        }
    }
    // Let the relay take in what was sent.
    std::thread::sleep(Duration::from_millis(1500));

    // A real, signed webhook from yet another address is answered, within a 1 s client timeout.
    let body = br#"{"type":"handoff","id":"w1"}"#.to_vec();
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(1)).build().unwrap();
    let res = client
        .post(format!("{}/v1/hooks/signed", relay.url))
        .header("X-Hub-Signature-256", sha256_hex(SECRET, &body))
        .body(body)
        .send()
        .expect("the webhook was not answered within 1 s");
    assert_eq!(res.status(), 202);

    let (rss, pss) = memory_kib(relay.pid());
    assert!(rss < 100 * 1024 && pss < 100 * 1024, "relay memory: VmRSS {rss} KiB, Pss {pss} KiB");

    // The idle connections were held, not refused: a sample is still open.
    for s in idle.iter_mut().step_by(400) {
        s.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        assert!(
            matches!(s.read(&mut byte), Err(e) if e.kind() == ErrorKind::WouldBlock),
            "an idle connection was closed"
        );
    }
    // And the stalled uploads past the memory budget were turned away with 503, not buffered.
    let mut busy = 0;
    for s in stalled.iter_mut() {
        s.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 64];
        if let Ok(n) = s.read(&mut buf)
            && String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 503")
        {
            busy += 1;
        }
    }
    assert!(busy > 500, "only {busy} of 1,000 stalled uploads were refused");
    let log = std::fs::read_to_string(h.path().join("relay.log")).unwrap();
    assert!(!log.contains("refused a connection"), "no cap was hit: {log}");
}

#[test]
fn connections_over_the_per_address_or_total_cap_are_closed_and_logged() {
    let h = Harness::new("max_connections = 8\nmax_connections_per_ip = 3");
    let relay = h.start();
    let to = addr(&relay);
    let _held = connect_from(Ipv4Addr::new(127, 0, 0, 2), to, 3);
    let mut over = connect_from(Ipv4Addr::new(127, 0, 0, 2), to, 1);
    let (_, closed) = read_until_closed(&mut over[0], Duration::from_secs(5));
    assert!(closed, "a 4th connection from one address is closed");
    // Other addresses still get in, up to the total.
    let _more = connect_from(Ipv4Addr::new(127, 0, 0, 3), to, 3);
    let _last = connect_from(Ipv4Addr::new(127, 0, 0, 4), to, 2);
    let mut ninth = connect_from(Ipv4Addr::new(127, 0, 0, 5), to, 1);
    let (_, closed) = read_until_closed(&mut ninth[0], Duration::from_secs(5));
    assert!(closed, "a 9th connection in all is closed");
    let log = std::fs::read_to_string(h.path().join("relay.log")).unwrap();
    assert!(
        log.contains("refused a connection from 127.0.0.2") && log.contains("max_connections_per_ip"),
        "{log}"
    );
}

#[test]
fn idle_connections_slow_heads_and_slow_bodies_time_out() {
    let h = Harness::new("header_timeout_seconds = 1\nbody_timeout_seconds = 1");
    let relay = h.start();
    let to = addr(&relay);
    let local = Ipv4Addr::LOCALHOST;
    let mut conns = connect_from(local, to, 3);
    // 1: says nothing. 2: half a head. 3: a head and a tenth of its body.
    conns[1].write_all(b"POST /v1/hooks/plain HTTP/1.1\r\nHost: relay\r\n").unwrap();
    conns[2]
        .write_all(b"POST /v1/hooks/plain HTTP/1.1\r\nHost: relay\r\nContent-Length: 100\r\n\r\n0123456789")
        .unwrap();
    let (_, closed) = read_until_closed(&mut conns[0], Duration::from_secs(10));
    assert!(closed, "an idle connection is closed");
    let (_, closed) = read_until_closed(&mut conns[1], Duration::from_secs(10));
    assert!(closed, "a connection stuck in its head is closed");
    let (answer, closed) = read_until_closed(&mut conns[2], Duration::from_secs(10));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout_seconds"), "{answer}");
    assert!(closed, "a connection stuck in its body is closed");
    let (_, page) = relay.events(crate::support::PLAIN_READ, "");
    assert!(Relay::ids(&page).is_empty(), "nothing was stored");
}

#[test]
fn oversize_headers_are_refused_and_nothing_is_stored() {
    let h = Harness::new("");
    let relay = h.start();
    let to = addr(&relay);
    // A 300 KB Content-Type: the head is over max_header_bytes (16 KiB).
    let mut conn = connect_from(Ipv4Addr::LOCALHOST, to, 1).remove(0);
    let huge = format!(
        "POST /v1/hooks/plain HTTP/1.1\r\nHost: relay\r\nContent-Type: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(300_000)
    );
    conn.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = conn.write_all(huge.as_bytes());
    let (answer, closed) = read_until_closed(&mut conn, Duration::from_secs(10));
    assert!(closed);
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 431"), "{answer}");

    // Any other header just as much: a 20 KB custom one.
    let res = relay
        .client
        .post(format!("{}/v1/hooks/plain", relay.url))
        .header("X-Pad", "b".repeat(20_000))
        .body("{}")
        .send();
    if let Ok(res) = res {
        assert_eq!(res.status(), 431);
    }

    // A Content-Type within the head's limit but longer than a media type is: 431 with the reason.
    let res = relay.post("plain", "", &[("content-type", &"c".repeat(2_000))], "{}");
    assert_eq!(res.status(), 431);
    assert!(crate::support::error_of(res).contains("Content-Type"));

    let (_, page) = relay.events(crate::support::PLAIN_READ, "");
    assert!(Relay::ids(&page).is_empty(), "nothing was stored: {page}");
    assert_eq!(
        relay.post("plain", "", &[("content-type", "application/json; charset=utf-8")], "{}").status(),
        202
    );
}

#[test]
fn check_warns_about_open_channels_weak_tokens_and_public_listening() {
    let h = Harness::new("");
    let text = "listen = \"0.0.0.0:0\"\n[[channels]]\nid = \"acme\"\nread_token = \"0000000000000000\"\n";
    std::fs::write(h.config_path(), text).unwrap();
    let out = std::process::Command::new(crate::support::BIN)
        .arg("--config")
        .arg(h.config_path())
        .arg("--check")
        .env_remove("HANDOFF_RELAY_LISTEN")
        .output()
        .unwrap();
    assert!(out.status.success(), "warnings do not fail the check");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let warnings: Vec<&str> = stdout.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 3, "{stdout}");
    assert!(warnings[0].contains("0.0.0.0:0") && warnings[0].contains("TLS"), "{stdout}");
    assert!(warnings[1].contains("neither hook_token nor secret"), "{stdout}");
    assert!(
        warnings[2].contains("channels[acme].read_token") && warnings[2].contains("one character repeated")
    );
    assert!(!stdout.contains("0000000000000000"), "the token itself is never printed");
}
