//! What the local stand-ins for Google and Microsoft share: an HTTP/1.1 server on loopback that
//! hands each request, body read, to a handler over the fake's state, and an OAuth 2.0
//! authorization server (consent that agrees at once, authorization code with PKCE, refresh,
//! revocation) as RFC 6749 and RFC 7636 describe it.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use http_body_util::{BodyExt as _, Full};
use hyper::{
    HeaderMap, Method, Request, Response, StatusCode, Uri,
    body::{Bytes, Incoming},
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tokio::{net::TcpListener, task::JoinHandle};

pub type Answer = Response<Full<Bytes>>;

/// One request, read whole.
#[derive(Debug)]
pub struct Call {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Call {
    pub fn bearer(&self) -> Option<&str> {
        self.headers
            .get("authorization")?
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")
    }

    pub fn query(&self) -> HashMap<String, String> {
        url::form_urlencoded::parse(self.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    pub fn form(&self) -> HashMap<String, String> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The path with `%40` read as `@` (calendar ids are addresses).
    pub fn path(&self) -> String {
        self.uri.path().replace("%40", "@")
    }
}

/// Serves `handler` over `state` on a loopback port; returns the base URL and the server task.
pub async fn serve<S: Send + 'static>(
    state: Arc<Mutex<S>>,
    handler: fn(&mut S, &Call) -> Answer,
) -> (String, JoinHandle<()>) {
    serve_on(0, state, handler).await
}

/// [`serve`] on loopback port `port` (0: any free one).
pub async fn serve_on<S: Send + 'static>(
    port: u16,
    state: Arc<Mutex<S>>,
    handler: fn(&mut S, &Call) -> Answer,
) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let state = state.clone();
                    async move {
                        let (parts, body) = request.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        let call = Call {
                            method: parts.method,
                            uri: parts.uri,
                            headers: parts.headers,
                            body,
                        };
                        let answer = handler(&mut state.lock().unwrap(), &call);
                        Ok::<_, Infallible>(answer)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (base, task)
}

pub fn json_answer(status: StatusCode, body: &Value) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        "content-type",
        "application/json; charset=UTF-8".parse().unwrap(),
    );
    response
}

pub fn html_answer(body: &str) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    response
        .headers_mut()
        .insert("content-type", "text/html; charset=utf-8".parse().unwrap());
    response
}

pub fn empty_answer(status: StatusCode) -> Answer {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

pub fn redirect(location: &str) -> Answer {
    let mut response = empty_answer(StatusCode::FOUND);
    response
        .headers_mut()
        .insert("location", location.parse().unwrap());
    response
}

/// An OAuth 2.0 authorization server for one registered client.
#[derive(Debug, Default)]
pub struct FakeOAuth {
    pub client_id: String,
    pub client_secret: String,
    /// Codes handed out at consent, with the PKCE challenge and redirect they belong to.
    codes: HashMap<String, (String, String)>,
    /// Issued tokens and whether each still works.
    pub access_tokens: HashMap<String, bool>,
    pub refresh_tokens: HashMap<String, bool>,
    issued: u64,
    /// Seconds an access token lives, as `expires_in` says.
    pub token_lifetime: i64,
    /// What the token endpoint's forms carried, oldest first.
    pub token_forms: Vec<HashMap<String, String>>,
    pub revoked: Vec<String>,
}

impl FakeOAuth {
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            token_lifetime: 3599,
            ..Self::default()
        }
    }

    pub fn accepts(&self, call: &Call) -> bool {
        call.bearer()
            .is_some_and(|t| self.access_tokens.get(t) == Some(&true))
    }

    /// The person consents at once: back to the app with a code, or `invalid_request`.
    pub fn consent(&mut self, call: &Call) -> Answer {
        let query = call.query();
        if query.get("client_id") != Some(&self.client_id)
            || query.get("code_challenge_method").map(String::as_str) != Some("S256")
            || query.get("response_type").map(String::as_str) != Some("code")
        {
            return json_answer(
                StatusCode::BAD_REQUEST,
                &json!({"error": "invalid_request"}),
            );
        }
        self.issued += 1;
        let code = format!("code-{}", self.issued);
        let redirect_uri = query.get("redirect_uri").cloned().unwrap_or_default();
        self.codes.insert(
            code.clone(),
            (
                query.get("code_challenge").cloned().unwrap_or_default(),
                redirect_uri.clone(),
            ),
        );
        let mut location = url::Url::parse(&redirect_uri).unwrap();
        location
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair(
                "state",
                query.get("state").map(String::as_str).unwrap_or(""),
            );
        redirect(location.as_str())
    }

    /// The token endpoint; tokens are named `<access_prefix>N` and `<refresh_prefix>N`.
    pub fn token(&mut self, call: &Call, access_prefix: &str, refresh_prefix: &str) -> Answer {
        let form = call.form();
        self.token_forms.push(form.clone());
        let invalid_grant = || {
            json_answer(
                StatusCode::BAD_REQUEST,
                &json!({"error": "invalid_grant",
                    "error_description": "Token has been expired or revoked."}),
            )
        };
        if form.get("client_id") != Some(&self.client_id)
            || form.get("client_secret") != Some(&self.client_secret)
        {
            return json_answer(
                StatusCode::UNAUTHORIZED,
                &json!({"error": "invalid_client"}),
            );
        }
        self.issued += 1;
        let access = format!("{access_prefix}{}", self.issued);
        let mut answer = json!({"access_token": access, "expires_in": self.token_lifetime,
            "token_type": "Bearer"});
        match form.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {
                let code = form.get("code").cloned().unwrap_or_default();
                let Some((challenge, redirect_uri)) = self.codes.remove(&code) else {
                    return invalid_grant();
                };
                let verifier = form.get("code_verifier").cloned().unwrap_or_default();
                if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge
                    || form.get("redirect_uri") != Some(&redirect_uri)
                {
                    return invalid_grant();
                }
                let refresh = format!("{refresh_prefix}{}", self.issued);
                self.refresh_tokens.insert(refresh.clone(), true);
                answer["refresh_token"] = json!(refresh);
            }
            Some("refresh_token") => {
                let refresh = form.get("refresh_token").cloned().unwrap_or_default();
                if self.refresh_tokens.get(&refresh) != Some(&true) {
                    return invalid_grant();
                }
            }
            _ => {
                return json_answer(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": "unsupported_grant_type"}),
                );
            }
        }
        self.access_tokens.insert(access, true);
        json_answer(StatusCode::OK, &answer)
    }

    /// RFC 7009 revocation: the whole grant ends.
    pub fn revoke(&mut self, call: &Call) -> Answer {
        let token = call.form().get("token").cloned().unwrap_or_default();
        let known =
            self.refresh_tokens.contains_key(&token) || self.access_tokens.contains_key(&token);
        self.revoke_everything();
        self.revoked.push(token);
        if known {
            json_answer(StatusCode::OK, &json!({}))
        } else {
            json_answer(StatusCode::BAD_REQUEST, &json!({"error": "invalid_token"}))
        }
    }

    pub fn expire_access_tokens(&mut self) {
        self.access_tokens.values_mut().for_each(|v| *v = false);
    }

    pub fn revoke_everything(&mut self) {
        self.expire_access_tokens();
        self.refresh_tokens.values_mut().for_each(|v| *v = false);
    }

    /// Whether a token issued so far appears anywhere in `text`.
    pub fn any_token_in(&self, text: &str) -> bool {
        self.access_tokens
            .keys()
            .chain(self.refresh_tokens.keys())
            .any(|t| text.contains(t.as_str()))
    }
}
