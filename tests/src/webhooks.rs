//! A webhook receiver on loopback, as an integrator would run one: it records every delivery
//! with its Standard Webhooks headers and answers with the statuses a test lines up (204 once
//! they are used up), and checks signatures independently of the server's code.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use hmac::{Hmac, KeyInit as _, Mac as _};
use hyper::StatusCode;
use serde_json::Value;
use sha2::Sha256;
use tokio::task::JoinHandle;

use crate::fake_http::{Answer, Call, empty_answer, serve_on};

/// One delivery as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
    /// What the receiver answered.
    pub answered: u16,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The body's `type`.
    pub fn event(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_owned()
    }

    /// Whether the signature is the HMAC-SHA256 of `{id}.{timestamp}.{body}` under `secret`
    /// (`whsec_` and base64), as Standard Webhooks verifies it.
    pub fn signed_with(&self, secret: &str) -> bool {
        let key = STANDARD
            .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
            .expect("a base64 secret");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        self.signature.split(' ').any(|s| s == expected)
    }
}

#[derive(Debug, Default)]
struct State {
    received: Vec<Received>,
    answers: VecDeque<(u16, Option<String>)>,
}

pub struct Receiver {
    pub base: String,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

fn header(call: &Call, name: &str) -> String {
    call.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn answer(state: &mut State, call: &Call) -> Answer {
    let (status, retry_after) = state.answers.pop_front().unwrap_or((204, None));
    state.received.push(Received {
        id: header(call, "webhook-id"),
        timestamp: header(call, "webhook-timestamp"),
        signature: header(call, "webhook-signature"),
        body: String::from_utf8_lossy(&call.body).into_owned(),
        answered: status,
    });
    let mut response = empty_answer(StatusCode::from_u16(status).unwrap());
    if let Some(wait) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", wait.parse().unwrap());
    }
    response
}

impl Receiver {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// A receiver on loopback port `port`: one that comes up where a test's deliveries failed.
    pub async fn start_on(port: u16) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let (base, task) = serve_on(port, state.clone(), answer).await;
        Self { base, state, task }
    }

    pub fn url(&self) -> String {
        format!("{}/hooks", self.base)
    }

    /// The next deliveries are answered with these statuses, in turn.
    pub fn answer_with(&self, statuses: &[u16]) {
        let mut state = self.state.lock().unwrap();
        state.answers.extend(statuses.iter().map(|s| (*s, None)));
    }

    /// The next delivery is answered `status` with `Retry-After: retry_after`.
    pub fn answer_once_with_retry_after(&self, status: u16, retry_after: &str) {
        let mut state = self.state.lock().unwrap();
        state
            .answers
            .push_back((status, Some(retry_after.to_owned())));
    }

    /// Every delivery so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}
