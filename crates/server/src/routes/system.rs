//! Liveness, readiness and the API's 404.

use actix_web::{HttpResponse, Responder, get, web};

use crate::{AppState, error::ApiError};

/// 200 while the process is up.
#[get("/health")]
pub async fn health() -> impl Responder {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// 200 when the database answers, else 503.
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> impl Responder {
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok()
            .json(serde_json::json!({"status": "ready", "database": state.store.backend()})),
        Err(error) => {
            tracing::warn!(%error, "database not ready");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "unavailable"}))
        }
    }
}

pub async fn api_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("endpoint"))
}
