//! A real SMTP server for the tests (mailin-embedded, in-process on a loopback port):
//! records every message it accepts, can refuse for a while (451), and can hold a
//! message after receiving it before answering — the moment a dispatcher may die.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use mailin_embedded::response::{INTERNAL_ERROR, OK};
use mailin_embedded::{Handler, Response, Server, SslConfig};

/// One accepted message.
#[derive(Clone, Debug)]
pub struct Received {
    /// MAIL FROM.
    pub from: String,
    /// RCPT TO, in order.
    pub to: Vec<String>,
    /// The raw message (headers and body).
    pub data: String,
}

impl Received {
    /// The first value of header `name` (unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut lines = head.split("\r\n").peekable();
        while let Some(line) = lines.next() {
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                let mut value = v.trim().to_owned();
                while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
                    value.push(' ');
                    value.push_str(next.trim());
                    lines.next();
                }
                return Some(value);
            }
        }
        None
    }

    /// The Message-ID without angle brackets.
    pub fn message_id(&self) -> String {
        self.header("Message-ID")
            .unwrap_or_default()
            .trim_matches(['<', '>'])
            .to_owned()
    }

    /// Whether the decoded body contains `needle` (quoted-printable soft breaks removed).
    pub fn body_contains(&self, needle: &str) -> bool {
        let unfolded = self.data.replace("=\r\n", "");
        unfolded.contains(needle) || decode_qp(&unfolded).contains(needle)
    }
}

/// A crude quoted-printable decoder, enough to search bodies for UTF-8 text.
fn decode_qp(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    refused: usize,
    refuse: bool,
    hold: bool,
    holding: bool,
}

/// The shared state of the server and its sessions.
#[derive(Clone, Default)]
struct Shared(Arc<(Mutex<State>, Condvar)>);

#[derive(Clone)]
struct Session {
    shared: Shared,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Session {
    fn mail(&mut self, _ip: std::net::IpAddr, _domain: &str, from: &str) -> Response {
        let (lock, _) = &*self.shared.0;
        let mut state = lock.lock().unwrap();
        if state.refuse {
            state.refused += 1;
            return INTERNAL_ERROR;
        }
        self.from = from.to_owned();
        self.to.clear();
        self.data.clear();
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        self.to.push(to.to_owned());
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let (lock, cvar) = &*self.shared.0;
        let mut state = lock.lock().unwrap();
        state.received.push(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            data: String::from_utf8_lossy(&self.data).into_owned(),
        });
        if state.hold {
            // Accepted, but the answer is held back until the test releases it.
            state.holding = true;
            cvar.notify_all();
            while state.hold {
                state = cvar.wait(state).unwrap();
            }
            state.holding = false;
        }
        OK
    }
}

/// The running test SMTP server.
#[derive(Clone)]
pub struct MailServer {
    /// `smtp://127.0.0.1:<port>`.
    pub url: String,
    shared: Shared,
}

impl MailServer {
    /// Starts a server on a fresh loopback port (its thread lives until the test ends).
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let shared = Shared::default();
        let handler = Session {
            shared: shared.clone(),
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("smtp.test")
            .with_ssl(SslConfig::None)
            .expect("no tls")
            .with_num_threads(4)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(err) = server.serve() {
                eprintln!("test SMTP server stopped: {err}");
            }
        });
        Self {
            url: format!("smtp://127.0.0.1:{port}"),
            shared,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let (lock, cvar) = &*self.shared.0;
        let mut state = lock.lock().unwrap();
        let out = f(&mut state);
        cvar.notify_all();
        out
    }

    /// Every message accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.with(|s| s.received.clone())
    }

    /// Messages accepted for `rcpt`.
    pub fn to(&self, rcpt: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(rcpt)))
            .collect()
    }

    /// Refuse every new message with 451 (or accept again).
    pub fn refuse(&self, refuse: bool) {
        self.with(|s| s.refuse = refuse);
    }

    /// Messages refused so far.
    pub fn refused(&self) -> usize {
        self.with(|s| s.refused)
    }

    /// Hold the answer to the next accepted message until [`MailServer::release`].
    pub fn hold(&self) {
        self.with(|s| s.hold = true);
    }

    /// Whether a message has been accepted and its answer is being held back.
    pub fn holding(&self) -> bool {
        self.with(|s| s.holding)
    }

    /// Lets a held answer go.
    pub fn release(&self) {
        self.with(|s| s.hold = false);
    }

    /// Waits until `n` messages went to `rcpt` (fails the test after `within`).
    pub async fn wait_for(&self, rcpt: &str, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.to(rcpt);
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {n} e-mail(s) to {rcpt}; got {}: {:?}",
                got.len(),
                self.received()
                    .iter()
                    .map(|m| (&m.to, m.header("Subject")))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
