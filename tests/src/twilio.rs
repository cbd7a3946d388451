//! A local stand-in for Twilio's Messages API that speaks its wire format: `POST
//! /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP basic auth and a form-encoded `To`,
//! `From` and `Body`, answered by `201 Created` and a Message resource. It records each request.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// One request as the provider received it.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    pub method: String,
    pub path: String,
    pub authorization: String,
    pub content_type: String,
    pub form: BTreeMap<String, String>,
}

pub struct FakeTwilio {
    pub url: String,
    received: Arc<Mutex<Vec<SmsRequest>>>,
    task: JoinHandle<()>,
}

impl FakeTwilio {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    if let Some(request) = answer(stream).await {
                        log.lock().unwrap().push(request);
                    }
                });
            }
        });
        Self {
            url,
            received,
            task,
        }
    }

    pub fn received(&self) -> Vec<SmsRequest> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (at most 60 s), then returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<SmsRequest> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let found = self.received();
            if found.len() >= n || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for FakeTwilio {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one HTTP/1.1 request and answers it as Twilio would a message it accepted.
async fn answer(mut stream: TcpStream) -> Option<SmsRequest> {
    let mut raw = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&buffer[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers.get("content-length")?.parse().ok()?;
    while raw.len() < head_end + length {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&buffer[..n]);
    }
    let body = String::from_utf8_lossy(&raw[head_end..head_end + length]).to_string();
    let form: BTreeMap<String, String> = reqwest::Url::parse(&format!("http://form/?{body}"))
        .ok()?
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let reply = format!(
        r#"{{"sid": "SM{id}", "status": "queued", "to": {to:?}, "from": {from:?}, "body": {text:?}, "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01"}}"#,
        id = uuid::Uuid::new_v4().simple(),
        to = form.get("To").cloned().unwrap_or_default(),
        from = form.get("From").cloned().unwrap_or_default(),
        text = form.get("Body").cloned().unwrap_or_default(),
    );
    let response = format!(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
    stream.write_all(response.as_bytes()).await.ok()?;
    stream.shutdown().await.ok()?;
    Some(SmsRequest {
        method,
        path,
        authorization: headers.get("authorization").cloned().unwrap_or_default(),
        content_type: headers.get("content-type").cloned().unwrap_or_default(),
        form,
    })
}
