//! A real SMTP server on loopback for the tests: Debian's `aiosmtpd` (python3-aiosmtpd), which
//! stores every message it accepts in a Maildir; the tests read and parse them.

use std::{
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};

use mail_parser::{MessageParser, MimeHeaders};
use tokio::process::{Child, Command};

/// A running mail server and the messages it received.
pub struct MailCatcher {
    pub port: u16,
    dir: PathBuf,
    _child: Child,
}

/// One received message.
#[derive(Debug, Clone)]
pub struct Received {
    /// The SMTP envelope's recipients.
    pub rcpt_to: Vec<String>,
    pub message_id: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Content types of every MIME part, e.g. `text/calendar; method=REQUEST`.
    pub part_types: Vec<String>,
    /// The `text/calendar` part, when there is one.
    pub ics: Option<String>,
    /// `Content-Language`, empty when absent.
    pub content_language: String,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl MailCatcher {
    pub async fn start() -> Self {
        Self::start_on(free_port()).await
    }

    /// Starts on `port` and returns once it accepts connections.
    pub async fn start_on(port: u16) -> Self {
        let dir = std::env::temp_dir().join(format!("mm-mail-{}", uuid::Uuid::new_v4().simple()));
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("starting aiosmtpd (Debian package python3-aiosmtpd)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            port,
            dir,
            _child: child,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        let mut found: Vec<Received> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read(e.path()).ok())
            .map(|raw| parse(&raw))
            .collect();
        found.sort_by(|a, b| a.message_id.cmp(&b.message_id));
        found
    }

    /// Waits until at least `n` messages arrived (at most 30 s), then returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found = self.messages();
            if found.len() >= n || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MailCatcher {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn parse(raw: &[u8]) -> Received {
    let message = MessageParser::default().parse(raw).expect("a MIME message");
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let rcpt_to = header("X-RcptTo")
        .split(',')
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let mut part_types = Vec::new();
    let mut ics = None;
    for part in &message.parts {
        if let Some(ct) = part.content_type() {
            let mut name = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default());
            if let Some(method) = ct.attribute("method") {
                name.push_str(&format!("; method={method}"));
            }
            if name.starts_with("text/calendar") {
                ics = part.text_contents().map(str::to_owned);
            }
            part_types.push(name);
        }
    }
    Received {
        rcpt_to,
        message_id: message.message_id().unwrap_or_default().to_owned(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        part_types,
        ics,
        content_language: header("Content-Language"),
    }
}
