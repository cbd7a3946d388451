//! What every response tells the browser about how it may be used: never sniffed into another
//! type, referrers cut to the origin, pages framed only where that is the point (`/embed/*`, by
//! the sites in `MM_ALLOWED_ORIGINS`), scripts only from our own files (the WASM apps run under
//! `script-src 'self' 'wasm-unsafe-eval'`), HTTPS remembered when we are served over it; and which
//! other sites' pages may call the public API (CORS), which staff routes never allow.

use actix_web::{
    Error, HttpResponse,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method,
        header::{self, HeaderMap, HeaderName, HeaderValue},
    },
    middleware::Next,
    web,
};

use crate::AppState;

/// The pages' policy: our own scripts (and their WebAssembly), our own API, styles set by the
/// apps on elements, images of our own or inline (SVG icons); nothing else.
const PAGE_SOURCES: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'";

/// Everything else (JSON, calendar files, CSV) is data: it may load nothing and sit in no frame.
const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The public API, which other sites' pages may call when `MM_ALLOWED_ORIGINS` names them.
const PUBLIC_API: &str = "/api/v1/public/";

/// How long a browser may reuse a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "600";

/// The browser policy of this server, from its configuration.
#[derive(Debug, Clone)]
pub struct HttpPolicy {
    /// Origins allowed to frame `/embed/*` and call the public API.
    allowed_origins: Vec<String>,
    /// Whether pages are served over HTTPS (the public base URL says so): HSTS.
    https: bool,
}

impl HttpPolicy {
    pub fn new(allowed_origins: Vec<String>, public_base_url: &str) -> Self {
        Self {
            allowed_origins,
            https: public_base_url.starts_with("https://"),
        }
    }

    fn allows(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }

    /// The `frame-ancestors` of a page at `path`.
    fn frame_ancestors(&self, path: &str) -> String {
        if is_embed(path) && !self.allowed_origins.is_empty() {
            format!("frame-ancestors {}", self.allowed_origins.join(" "))
        } else {
            "frame-ancestors 'none'".to_owned()
        }
    }
}

fn is_embed(path: &str) -> bool {
    path == "/embed" || path.starts_with("/embed/")
}

/// Pages whose address holds a customer's link token: not even the origin goes to another site.
fn holds_a_token(path: &str) -> bool {
    [
        "/book/cancel/",
        "/book/reschedule/",
        "/embed/cancel/",
        "/embed/reschedule/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn add_vary_origin(headers: &mut HeaderMap) {
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

/// The middleware: answers CORS preflights of the public API and sets every response's headers.
pub async fn apply(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, Error> {
    let policy = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.policy.clone());
    let Some(policy) = policy else {
        return Ok(next.call(request).await?.map_into_left_body());
    };
    let path = request.path().to_owned();
    let public_api = path.starts_with(PUBLIC_API);
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let cross_origin = origin
        .as_deref()
        .filter(|origin| public_api && policy.allows(origin))
        .map(str::to_owned);

    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight && public_api {
        let mut response = match &cross_origin {
            Some(origin) => {
                let mut ok = HttpResponse::NoContent();
                ok.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.as_str()))
                    .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"))
                    .insert_header((
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        "Content-Type, Idempotency-Key, Accept-Language",
                    ))
                    .insert_header((header::ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE));
                ok.finish()
            }
            None => actix_web::ResponseError::error_response(&crate::error::ApiError::Forbidden(
                "this site may not call the booking API from its pages (see MM_ALLOWED_ORIGINS)",
            )),
        };
        add_vary_origin(response.headers_mut());
        finish(&policy, &path, response.headers_mut());
        return Ok(request.into_response(response).map_into_right_body());
    }

    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    if public_api {
        add_vary_origin(headers);
        if let Some(origin) = &cross_origin {
            set(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            set(
                headers,
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                "Retry-After",
            );
        }
    }
    finish(&policy, &path, headers);
    Ok(response.map_into_left_body())
}

/// The headers every response carries, by what it is.
fn finish(policy: &HttpPolicy, path: &str, headers: &mut HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let referrer = if holds_a_token(path) {
        "no-referrer"
    } else {
        "strict-origin-when-cross-origin"
    };
    set(headers, header::REFERRER_POLICY, referrer);
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if html {
        let policy_text = format!("{PAGE_SOURCES}; {}", policy.frame_ancestors(path));
        set(headers, header::CONTENT_SECURITY_POLICY, &policy_text);
        if !is_embed(path) {
            // For browsers that predate frame-ancestors.
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    } else {
        set(headers, header::CONTENT_SECURITY_POLICY, DATA_POLICY);
    }
    if policy.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_of(policy: &HttpPolicy, path: &str, content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        set(&mut headers, header::CONTENT_TYPE, content_type);
        finish(policy, path, &mut headers);
        headers
    }

    fn get(headers: &HeaderMap, name: HeaderName) -> &str {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    #[test]
    fn the_staff_app_and_the_wizard_may_sit_in_no_frame() {
        let policy = HttpPolicy::new(vec!["https://partner.example".into()], "http://x");
        for path in ["/admin/calendar", "/book/support", "/"] {
            let headers = headers_of(&policy, path, "text/html; charset=utf-8");
            let csp = get(&headers, header::CONTENT_SECURITY_POLICY);
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(
                csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
                "{csp}"
            );
            assert!(csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"));
            let scripts = csp
                .split(';')
                .find(|d| d.trim().starts_with("script-src"))
                .unwrap_or_default();
            assert!(
                !scripts.contains("unsafe-inline"),
                "no inline script: {csp}"
            );
            assert_eq!(get(&headers, header::X_FRAME_OPTIONS), "DENY");
            assert_eq!(get(&headers, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        }
    }

    #[test]
    fn the_embed_may_be_framed_by_exactly_the_allowed_sites() {
        let allowed = HttpPolicy::new(
            vec![
                "https://partner.example".into(),
                "http://localhost:3000".into(),
            ],
            "http://x",
        );
        let headers = headers_of(&allowed, "/embed/support", "text/html");
        assert!(
            get(&headers, header::CONTENT_SECURITY_POLICY)
                .ends_with("frame-ancestors https://partner.example http://localhost:3000")
        );
        assert!(headers.get(header::X_FRAME_OPTIONS).is_none());
        let nobody = HttpPolicy::new(vec![], "http://x");
        let headers = headers_of(&nobody, "/embed/support", "text/html");
        assert!(get(&headers, header::CONTENT_SECURITY_POLICY).ends_with("frame-ancestors 'none'"));
    }

    #[test]
    fn data_loads_nothing_and_token_pages_send_no_referrer() {
        let policy = HttpPolicy::new(vec![], "https://booking.example.com");
        let json = headers_of(&policy, "/api/v1/public/departments", "application/json");
        assert_eq!(get(&json, header::CONTENT_SECURITY_POLICY), DATA_POLICY);
        assert_eq!(
            get(&json, header::REFERRER_POLICY),
            "strict-origin-when-cross-origin"
        );
        assert!(get(&json, header::STRICT_TRANSPORT_SECURITY).starts_with("max-age="));
        let token_page = headers_of(&policy, "/book/cancel/abc", "text/html");
        assert_eq!(get(&token_page, header::REFERRER_POLICY), "no-referrer");
        let plain = HttpPolicy::new(vec![], "http://127.0.0.1:8080");
        assert!(
            headers_of(&plain, "/", "text/html")
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none()
        );
    }
}
