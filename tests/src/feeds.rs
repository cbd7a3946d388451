//! A local web server that publishes iCal feeds, as Google, Outlook or iCloud publish a secret
//! calendar address: `GET /path` answers `200 text/calendar` with what the test set there, or
//! the status the test chose. It counts requests so tests can see a sync happen.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

#[derive(Debug, Clone)]
enum Answer {
    Calendar(String),
    Status(u16),
}

pub struct FeedServer {
    pub base: String,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
    requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl FeedServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let answers: Arc<Mutex<HashMap<String, Answer>>> = Arc::default();
        let requests = Arc::new(AtomicUsize::new(0));
        let (table, count) = (answers.clone(), requests.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (table, count) = (table.clone(), count.clone());
                tokio::spawn(async move { serve(stream, &table, &count).await });
            }
        });
        Self {
            base,
            answers,
            requests,
            task,
        }
    }

    /// The feed's URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Publishes `text` at `path`.
    pub fn publish(&self, path: &str, text: &str) {
        self.set(path, Answer::Calendar(text.to_owned()));
    }

    /// Makes `path` answer `status` with no calendar.
    pub fn fail(&self, path: &str, status: u16) {
        self.set(path, Answer::Status(status));
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn set(&self, path: &str, answer: Answer) {
        self.answers.lock().unwrap().insert(path.to_owned(), answer);
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    answers: &Mutex<HashMap<String, Answer>>,
    requests: &AtomicUsize,
) {
    let mut raw = Vec::new();
    let mut buffer = [0u8; 4096];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let head = String::from_utf8_lossy(&raw).to_string();
    let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
    let answer = answers.lock().unwrap().get(&path).cloned();
    let response = match answer {
        Some(Answer::Calendar(text)) => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/calendar; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
            text.len()
        ),
        Some(Answer::Status(status)) => {
            format!("HTTP/1.1 {status} Failed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        }
        None => {
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
        }
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// A calendar of busy events, each `(uid, start_utc, end_utc, summary)` with instants as the
/// contract writes them, in the shape Google exports.
pub fn calendar(events: &[(&str, &str, &str, &str)]) -> String {
    let mut text = String::from(
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-TIMEZONE:Europe/Copenhagen\r\n",
    );
    for (uid, start, end, summary) in events {
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nDTSTART:{}\r\nDTEND:{}\r\nDTSTAMP:20261101T120000Z\r\nUID:{uid}\r\nSTATUS:CONFIRMED\r\nSUMMARY:{summary}\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n",
            crate::invite::ical_utc(start),
            crate::invite::ical_utc(end),
        ));
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}
