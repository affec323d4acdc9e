//! A real SMTP server for the tests, on a tokio `TcpListener`: enough SMTP for lettre (greeting, EHLO/HELO,
//! MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT; no STARTTLS). It records each complete
//! message, and can be told to hang on the Nth DATA (never answering, never recording) to play a server that
//! stops responding mid-send, or to refuse every login. Also a small reader for what arrived: headers, RFC 2047 subjects, and the
//! parts of a multipart message (nested too) in base64, quoted-printable or 7/8 bit.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// How long the tests wait for mail to arrive.
pub const WAIT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA, dots unstuffed, CRLF line ends.
    pub raw: String,
}

#[derive(Default)]
struct State {
    messages: Vec<ReceivedMail>,
    data_commands: usize,
    stall_on_data: Option<usize>,
    stalled: usize,
    refuse_logins: bool,
}

pub struct SmtpSink {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A loopback port nobody listens on now (for "the SMTP server is down"); `SmtpSink::start_on` can open it later.
pub fn unused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    pub async fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("the SMTP sink binds");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let changed = Arc::new(Notify::new());
        let (s, c) = (state.clone(), changed.clone());
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, s.clone(), c.clone()));
            }
        });
        SmtpSink { addr, state, changed, accept }
    }

    /// From now on, the `n`-th DATA (counting from 1, over all connections) hangs forever.
    pub fn stall_on_data(&self, n: usize) {
        self.state.lock().unwrap().stall_on_data = Some(n);
    }

    /// From now on, offers AUTH and refuses every login (535), as a server does with a wrong password.
    pub fn refuse_logins(&self) {
        self.state.lock().unwrap().refuse_logins = true;
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.addr.port())
    }

    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.state.lock().unwrap().messages.clone()
    }

    /// Waits until at least `n` messages have arrived; fails the test after [`WAIT`].
    pub async fn wait_for_messages(&self, n: usize) -> Vec<ReceivedMail> {
        self.wait_until(|s| s.messages.len() >= n, &format!("{n} messages")).await;
        self.messages()
    }

    /// Waits until a DATA has hung.
    pub async fn wait_for_stall(&self) {
        self.wait_until(|s| s.stalled > 0, "a stalled DATA").await;
    }

    async fn wait_until(&self, done: impl Fn(&State) -> bool, what: &str) {
        let outcome = tokio::time::timeout(WAIT, async {
            loop {
                let notified = self.changed.notified();
                if done(&self.state.lock().unwrap()) {
                    return;
                }
                // Waking on each change, and at least every 100 ms in case a wake-up came before `notified`.
                let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
            }
        })
        .await;
        if outcome.is_err() {
            panic!("the SMTP sink did not get {what} within {WAIT:?}; it has {} messages", self.messages().len());
        }
    }
}

async fn serve(stream: TcpStream, state: Arc<Mutex<State>>, changed: Arc<Notify>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if write.write_all(b"220 sink.test ESMTP ready\r\n").await.is_err() {
        return;
    }
    let mut mail_from = String::new();
    let mut rcpt_to: Vec<String> = Vec::new();
    loop {
        let Some(line) = read_line(&mut lines).await else { return };
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            if state.lock().unwrap().refuse_logins {
                b"250-sink.test\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10485760\r\n"
            } else {
                b"250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n"
            }
        } else if upper.starts_with("AUTH") {
            b"535 5.7.8 Authentication credentials invalid\r\n"
        } else if upper.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = address(&line["MAIL FROM:".len()..]);
            rcpt_to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            rcpt_to.push(address(&line["RCPT TO:".len()..]));
            b"250 OK\r\n"
        } else if upper == "DATA" {
            let stall = {
                let mut s = state.lock().unwrap();
                s.data_commands += 1;
                let stall = s.stall_on_data == Some(s.data_commands);
                if stall {
                    s.stalled += 1;
                }
                stall
            };
            if stall {
                changed.notify_waiters();
                // Hang: read and drop whatever comes until the client goes away; never answer.
                let mut sink = [0u8; 4096];
                while matches!(lines.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            if write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.is_err() {
                return;
            }
            let mut raw = String::new();
            loop {
                let Some(line) = read_line(&mut lines).await else { return };
                if line == "." {
                    break;
                }
                raw.push_str(line.strip_prefix('.').unwrap_or(&line));
                raw.push_str("\r\n");
            }
            let mail = ReceivedMail { mail_from: mail_from.clone(), rcpt_to: std::mem::take(&mut rcpt_to), raw };
            state.lock().unwrap().messages.push(mail);
            changed.notify_waiters();
            b"250 OK queued\r\n"
        } else if upper == "RSET" {
            mail_from.clear();
            rcpt_to.clear();
            b"250 OK\r\n"
        } else if upper == "NOOP" {
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 Bye\r\n").await;
            return;
        } else {
            b"502 Command not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// One line without its CRLF; `None` at the end of the connection.
async fn read_line(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut buf = Vec::new();
    match reader.read_until(b'\n', &mut buf).await {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            Some(String::from_utf8_lossy(&buf).into_owned())
        }
    }
}

/// `<a@b> SIZE=…` → `a@b`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(open), Some(close)) if open < close => arg[open + 1..close].to_string(),
        _ => arg.split_whitespace().next().unwrap_or("").to_string(),
    }
}

/// A parsed MIME entity: headers (unfolded) and body.
struct Entity {
    headers: Vec<(String, String)>,
    body: String,
}

fn parse_entity(raw: &str) -> Entity {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    Entity { headers, body: body.to_string() }
}

impl Entity {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn decoded_body(&self) -> String {
        let encoding = self.header("Content-Transfer-Encoding").unwrap_or("7bit").to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => {
                let compact: String = self.body.chars().filter(|c| !c.is_whitespace()).collect();
                base64::engine::general_purpose::STANDARD.decode(compact).expect("valid base64")
            }
            "quoted-printable" => decode_quoted_printable(&self.body),
            _ => self.body.clone().into_bytes(),
        };
        String::from_utf8(bytes).expect("UTF-8 body")
    }
}

impl ReceivedMail {
    pub fn header(&self, name: &str) -> Option<String> {
        parse_entity(&self.raw).header(name).map(str::to_string)
    }

    pub fn subject(&self) -> String {
        decode_rfc2047(&self.header("Subject").unwrap_or_default())
    }

    pub fn message_id(&self) -> String {
        self.header("Message-ID").unwrap_or_default()
    }

    /// The decoded body of the part with this content type (`text/plain`, `text/html`, `text/calendar`),
    /// looked for inside nested multiparts too (a mail with a file is mixed around an alternative part).
    pub fn part(&self, content_type: &str) -> Option<String> {
        find_part(parse_entity(&self.raw), content_type).map(|e| e.decoded_body())
    }

    /// A header of the part with this content type (its full `Content-Type`, its `Content-Disposition`).
    pub fn part_header(&self, content_type: &str, header: &str) -> Option<String> {
        find_part(parse_entity(&self.raw), content_type).and_then(|e| e.header(header).map(str::to_string))
    }
}

/// The first entity under `entity` (depth first) whose type starts with `content_type`.
fn find_part(entity: Entity, content_type: &str) -> Option<Entity> {
    let ct = entity.header("Content-Type")?.to_string();
    if !ct.to_ascii_lowercase().starts_with("multipart/") {
        return ct.to_ascii_lowercase().starts_with(content_type).then_some(entity);
    }
    let boundary = ct.split(';').find_map(|p| p.trim().strip_prefix("boundary="))?.trim_matches('"').to_string();
    entity
        .body
        .split(&format!("--{boundary}"))
        .skip(1)
        .filter(|p| !p.starts_with("--"))
        .map(|p| parse_entity(p.trim_start_matches("\r\n")))
        .find_map(|e| find_part(e, content_type))
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        if let (b'=', Some(Ok(b))) = (bytes[i], hex.map(|h| u8::from_str_radix(h, 16))) {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Decodes `=?charset?B|Q?…?=` words; white space between two encoded words is dropped.
fn decode_rfc2047(value: &str) -> String {
    let mut out = String::new();
    let mut last_was_encoded = false;
    for (i, token) in value.split_whitespace().enumerate() {
        let decoded = token.strip_prefix("=?").and_then(|t| t.strip_suffix("?=")).and_then(|t| {
            let mut parts = t.splitn(3, '?');
            let (_charset, encoding, text) = (parts.next()?, parts.next()?, parts.next()?);
            let bytes = match encoding.to_ascii_lowercase().as_str() {
                "b" => base64::engine::general_purpose::STANDARD.decode(text).ok()?,
                "q" => decode_quoted_printable(&text.replace('_', " ")),
                _ => return None,
            };
            String::from_utf8(bytes).ok()
        });
        match decoded {
            Some(d) => {
                if i > 0 && !last_was_encoded {
                    out.push(' ');
                }
                out.push_str(&d);
                last_was_encoded = true;
            }
            None => {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(token);
                last_was_encoded = false;
            }
        }
    }
    out
}
