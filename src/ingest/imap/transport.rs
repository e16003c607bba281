//! The IMAP transport: plain TCP or TLS over it, STARTTLS by hand, the
//! [`Canceller`] that breaks any blocking read by shutting the socket down,
//! and a [`Tap`] that keeps a copy of what the server sent while it is open
//! (the `imap` crate drops the tagged line of a raw command's answer, and with
//! it response codes such as CONDSTORE's `[MODIFIED …]`).

use super::ImapError;
use imap::extensions::idle::SetReadTimeout;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Breaks a blocked sync or wait from another thread.
#[derive(Debug, Clone, Default)]
pub struct Canceller {
    inner: Arc<(Mutex<CancelState>, Condvar)>,
}

#[derive(Debug, Default)]
struct CancelState {
    cancelled: bool,
    woken: bool,
    socket: Option<TcpStream>,
}

impl Canceller {
    /// Stop: shuts the live socket down and wakes any poll sleep.
    pub fn cancel(&self) {
        let (lock, cv) = &*self.inner;
        if let Ok(mut s) = lock.lock() {
            s.cancelled = true;
            if let Some(sock) = s.socket.take() {
                let _ = sock.shutdown(Shutdown::Both);
            }
        }
        cv.notify_all();
    }

    /// Cut a poll sleep short (sync now). IDLE needs no nudge: it wakes on new mail.
    pub fn wake(&self) {
        let (lock, cv) = &*self.inner;
        if let Ok(mut s) = lock.lock() {
            s.woken = true;
        }
        cv.notify_all();
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.0.lock().map(|s| s.cancelled).unwrap_or(true)
    }

    pub(super) fn register(&self, sock: TcpStream) -> Result<(), ImapError> {
        let mut s = self.inner.0.lock().map_err(|_| ImapError::Cancelled)?;
        if s.cancelled {
            let _ = sock.shutdown(Shutdown::Both);
            return Err(ImapError::Cancelled);
        }
        s.socket = Some(sock);
        Ok(())
    }

    /// Sleep up to `d`; returns early on cancel or wake, and says whether it was woken.
    pub fn sleep_or_woken(&self, d: Duration) -> bool {
        let (lock, cv) = &*self.inner;
        let Ok(guard) = lock.lock() else { return true };
        let Ok((mut guard, _)) = cv.wait_timeout_while(guard, d, |s| !s.cancelled && !s.woken) else {
            return true;
        };
        std::mem::replace(&mut guard.woken, false) || guard.cancelled
    }

    /// Sleep up to `d`; returns early on cancel or wake.
    pub fn sleep(&self, d: Duration) {
        let (lock, cv) = &*self.inner;
        let Ok(guard) = lock.lock() else { return };
        let Ok((mut guard, _)) = cv.wait_timeout_while(guard, d, |s| !s.cancelled && !s.woken) else {
            return;
        };
        guard.woken = false;
    }
}

/// The transport: plain TCP or TLS over it, with a [`Tap`].
#[derive(Debug)]
pub(super) struct Stream {
    io: Io,
    tap: Tap,
}

#[derive(Debug)]
enum Io {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Stream {
    /// Plain TCP.
    pub(super) fn plain(tcp: TcpStream, tap: Tap) -> Stream {
        Stream { io: Io::Plain(tcp), tap }
    }

    /// TLS over TCP.
    pub(super) fn tls(tls: native_tls::TlsStream<TcpStream>, tap: Tap) -> Stream {
        Stream { io: Io::Tls(Box::new(tls)), tap }
    }
}

/// A copy of the bytes read from the server between [`Tap::open`] and
/// [`Tap::close`]. Shared by the stream (inside the `imap` session) and the mailbox.
#[derive(Debug, Clone, Default)]
pub(super) struct Tap(Arc<Mutex<Option<Vec<u8>>>>);

impl Tap {
    /// Start recording (drops anything recorded before).
    pub(super) fn open(&self) {
        if let Ok(mut t) = self.0.lock() {
            *t = Some(Vec::new());
        }
    }

    /// Stop recording and hand over what was read.
    pub(super) fn close(&self) -> Vec<u8> {
        self.0.lock().ok().and_then(|mut t| t.take()).unwrap_or_default()
    }

    fn record(&self, bytes: &[u8]) {
        if let Ok(mut t) = self.0.lock()
            && let Some(buf) = t.as_mut()
        {
            buf.extend_from_slice(bytes);
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match &mut self.io {
            Io::Plain(s) => s.read(buf)?,
            Io::Tls(s) => s.read(buf)?,
        };
        self.tap.record(&buf[..n]);
        Ok(n)
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.io {
            Io::Plain(s) => s.write(buf),
            Io::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.io {
            Io::Plain(s) => s.flush(),
            Io::Tls(s) => s.flush(),
        }
    }
}

impl SetReadTimeout for Stream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> imap::Result<()> {
        let sock = match &self.io {
            Io::Plain(s) => s,
            Io::Tls(s) => s.get_ref(),
        };
        sock.set_read_timeout(timeout).map_err(imap::Error::Io)
    }
}

/// Read the greeting and upgrade with STARTTLS, by hand: the `imap` crate's
/// own upgrade returns a client of a different type than [`Stream`].
pub(super) fn starttls(tcp: &TcpStream) -> Result<(), String> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(tcp.try_clone().map_err(|e| e.to_string())?);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    if !line.starts_with("* OK") {
        return Err(format!("unexpected greeting {:?}", line.trim_end()));
    }
    (&*tcp).write_all(b"s0 STARTTLS\r\n").map_err(|e| e.to_string())?;
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("the server closed the connection".into());
        }
        if let Some(rest) = line.strip_prefix("s0 ") {
            return if rest.starts_with("OK") {
                // Nothing may follow the OK before the handshake; a buffered byte would be an injection.
                if reader.buffer().is_empty() { Ok(()) } else { Err("unexpected data after STARTTLS".into()) }
            } else {
                Err(format!("the server refused STARTTLS: {}", rest.trim_end()))
            };
        }
    }
}
