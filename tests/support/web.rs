//! A small real HTTP/1.1 server on a free loopback port for tests that need a
//! web host: it answers requests from a table of path prefixes (path and query as
//! sent) and records every request line it saw, with its header lines and body. One thread, one connection at
//! a time, `Connection: close`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// Path prefix → (status, content type, body).
type Routes = Arc<Mutex<BTreeMap<String, (u16, String, String)>>>;

pub struct Web {
    pub port: u16,
    routes: Routes,
    seen: Arc<Mutex<Vec<String>>>,
    headers: Arc<Mutex<Vec<Vec<String>>>>,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl Web {
    pub fn start() -> Web {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Routes = Arc::default();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let headers: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
        let bodies: Arc<Mutex<Vec<String>>> = Arc::default();
        let (r, s, hs, bs) = (routes.clone(), seen.clone(), headers.clone(), bodies.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                // A TLS ClientHello (a client trying https first): hang up at once.
                let mut first_byte = [0u8; 1];
                if conn.peek(&mut first_byte).map_or(true, |n| n == 0 || first_byte[0] == 0x16) {
                    continue;
                }
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                let mut host = String::new();
                let mut lines = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    lines.push(line.trim_end().to_string());
                    if let Some(h) = line.to_ascii_lowercase().strip_prefix("host:") {
                        host = h.trim().to_string();
                    }
                }
                let length = lines
                    .iter()
                    .find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().to_string())
                    })
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length.min(1 << 20)];
                if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
                    continue;
                }
                bs.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
                let target = first.split_whitespace().nth(1).unwrap_or("/").to_string();
                let host = host.split(':').next().unwrap_or("").to_string();
                s.lock().unwrap().push(format!("{host}{target}"));
                hs.lock().unwrap().push(lines);
                let routes = r.lock().unwrap();
                // The longest matching prefix of "host/path?query" or "/path?query".
                let found = routes
                    .iter()
                    .filter(|(k, _)| {
                        format!("{host}{target}").starts_with(k.as_str()) || target.starts_with(k.as_str())
                    })
                    .max_by_key(|(k, _)| k.len())
                    .map(|(_, v)| v.clone());
                let (status, ctype, body) = found.unwrap_or((404, "text/plain".into(), "not found".into()));
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Web { port, routes, seen, headers, bodies }
    }

    /// Answer requests starting with `prefix` (`/path` or `host/path`).
    pub fn route(&self, prefix: &str, content_type: &str, body: &str) {
        self.answer(prefix, 200, content_type, body);
    }

    /// Answer requests starting with `prefix` with `status`.
    pub fn answer(&self, prefix: &str, status: u16, content_type: &str, body: &str) {
        self.routes.lock().unwrap().insert(prefix.into(), (status, content_type.into(), body.into()));
    }

    /// Each request's header lines, in the order the requests came.
    pub fn headers(&self) -> Vec<Vec<String>> {
        self.headers.lock().unwrap().clone()
    }

    /// Each request's body (empty for none), in the order the requests came.
    pub fn bodies(&self) -> Vec<String> {
        self.bodies.lock().unwrap().clone()
    }

    /// Every request seen, as `host/path?query`.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}
