//! Which language a request is answered in: its `Accept-Language` among the languages we
//! speak, else the organisation's default. API error messages are put in it here, on their
//! way out, so that handlers and the error type need not know the request.

use actix_web::{
    HttpRequest,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header::ACCEPT_LANGUAGE,
    middleware::Next,
    web,
};
use mm_i18n::Language;

use crate::{AppState, error::ApiError};

/// The language `Accept-Language` asks for, when we speak one it lists; else `default`.
pub fn of_request(request: &HttpRequest, default: Language) -> Language {
    negotiated(request.headers().get(ACCEPT_LANGUAGE), default)
}

fn negotiated(
    header: Option<&actix_web::http::header::HeaderValue>,
    default: Language,
) -> Language {
    header
        .and_then(|value| value.to_str().ok())
        .and_then(Language::negotiate)
        .unwrap_or(default)
}

/// Renders an error response again in the request's language when that is not English, the
/// language every error is first rendered in; status and headers stay as they are.
pub async fn localise_errors(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let default = request
        .app_data::<web::Data<AppState>>()
        .map_or(Language::En, |state| state.config.default_language);
    let language = negotiated(request.headers().get(ACCEPT_LANGUAGE), default);
    let response = next.call(request).await?;
    if language == Language::En {
        return Ok(response.map_into_boxed_body());
    }
    let Some(error) = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    else {
        return Ok(response.map_into_boxed_body());
    };
    // Status and headers come from the error itself, as in its first rendering; the layers
    // that add their own headers (security policy, tracing) sit outside this one.
    let localised = error.response_in(language);
    Ok(response.into_response(localised))
}
