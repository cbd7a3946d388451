//! Liveness, readiness, and the API's answers for what it does not serve: 404 for an unknown
//! path, 405 with `Allow` for a method a described path does not take.

use std::sync::LazyLock;

use actix_web::{
    HttpResponse, Responder,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    get,
    middleware::Next,
    web,
};

use crate::{AppState, error::ApiError};

/// 200 while the process is up.
#[get("/health")]
pub async fn health() -> impl Responder {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// How long `/ready` waits for the database: a health checker must hear "no" quickly while the
/// connection pool would go on trying to connect.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// 200 when the database answers within [`READY_WITHIN`], else 503.
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> impl Responder {
    let answer = tokio::time::timeout(READY_WITHIN, state.store.ping()).await;
    match answer {
        Ok(Ok(())) => HttpResponse::Ok()
            .json(serde_json::json!({"status": "ready", "database": state.store.backend()})),
        Ok(Err(error)) => {
            tracing::warn!(%error, "database not ready");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "unavailable"}))
        }
        Err(_) => {
            tracing::warn!("database not ready: no answer within {READY_WITHIN:?}");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "unavailable"}))
        }
    }
}

pub async fn api_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("endpoint"))
}

/// Answers 405 with `Allow` before routing when the path is a described endpoint's (the most
/// specific of those it matches: `/bookings/export.csv` is not a booking's id) and the method is
/// not one it takes.
pub async fn refuse_undescribed_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.path().starts_with("/api/v1/")
        && let Some(allow) = allowed_methods(req.path())
        && !allow.contains(&req.method().as_str())
    {
        // Carrying the error, so that its message is put in the reader's language.
        let refusal = HttpResponse::from_error(ApiError::MethodNotAllowed { allow });
        // `into_response` would drop the error the response carries.
        let (request, _) = req.into_parts();
        return Ok(ServiceResponse::new(request, refusal).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// A described path as its segments (`None` for a `{parameter}`), with the methods it takes.
type Endpoint = (Vec<Option<String>>, Vec<&'static str>);

/// Every described path.
static ENDPOINTS: LazyLock<Vec<Endpoint>> = LazyLock::new(|| {
    crate::collected()
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let segments = path
                .split('/')
                .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                .collect();
            // In `Allow`'s alphabetical order.
            let methods = [
                ("DELETE", &item.delete),
                ("GET", &item.get),
                ("PATCH", &item.patch),
                ("POST", &item.post),
                ("PUT", &item.put),
            ]
            .into_iter()
            .filter(|(_, operation)| operation.is_some())
            .map(|(method, _)| method)
            .collect();
            (segments, methods)
        })
        .collect()
});

/// The methods `path` takes, if it is a described endpoint's path.
fn allowed_methods(path: &str) -> Option<Vec<&'static str>> {
    let asked: Vec<&str> = path.split('/').collect();
    let matching = ENDPOINTS.iter().filter_map(|(segments, methods)| {
        let fits = segments.len() == asked.len()
            && segments.iter().zip(&asked).all(|(s, a)| match s {
                Some(literal) => literal == a,
                None => !a.is_empty(),
            });
        let literal = segments.iter().filter(|s| s.is_some()).count();
        fits.then_some((literal, methods))
    });
    // `/bookings/export.csv` is that endpoint's, not a booking's id.
    let most_specific = matching.clone().map(|(literal, _)| literal).max()?;
    let mut allow: Vec<&'static str> = matching
        .filter(|(literal, _)| *literal == most_specific)
        .flat_map(|(_, methods)| methods.iter().copied())
        .collect();
    allow.sort_unstable();
    allow.dedup();
    Some(allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoints_methods_come_from_the_description_and_the_most_specific_path_wins() {
        assert_eq!(
            allowed_methods("/api/v1/bookings"),
            Some(vec!["GET", "POST"])
        );
        assert_eq!(
            allowed_methods("/api/v1/bookings/export.csv"),
            Some(vec!["GET"])
        );
        assert_eq!(
            allowed_methods("/api/v1/bookings/5"),
            Some(vec!["DELETE", "GET", "PATCH"])
        );
        assert_eq!(allowed_methods("/api/v1/bookings/5/nothing"), None);
        assert_eq!(allowed_methods("/api/v1/bookings/"), None);
    }
}
