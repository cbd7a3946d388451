//! A customer's personal data on request (System Managers): the export of everything held about
//! an address, and its erasure across every booking. Both are audited.

use actix_web::{get, post, web};
use chrono::Utc;
use mm_api_types::{
    customers::{CustomerExport, CustomerExportQuery, EraseRequest, Erasure, ExportedMessage},
    error::ErrorBody,
};
use mm_domain::{Email, FieldErrors, Principal};
use utoipa_actix_web::service_config::ServiceConfig;

use super::wire::{self, ToWire as _};
use crate::{
    AppState,
    auth::Staff,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(export).service(erase);
}

fn system_manager(principal: &Principal) -> ApiResult<()> {
    if principal.can_administer() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only System Managers export or erase a customer's data",
        ))
    }
}

fn address(raw: &str) -> ApiResult<Email> {
    Email::parse(raw).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.add("email", e.to_string());
        ApiError::Validation(errors)
    })
}

#[utoipa::path(
    tag = "customers",
    params(CustomerExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Everything held about the address: its bookings and the messages to it or about them", body = CustomerExport),
        (status = 400, body = ErrorBody),
        (status = 403, description = "System Managers only", body = ErrorBody)
    )
)]
#[get("/customers/export")]
async fn export(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    query: web::Query<CustomerExportQuery>,
) -> ApiResult<web::Json<CustomerExport>> {
    system_manager(&principal)?;
    let email = address(&query.email)?;
    let now = Utc::now();
    let mut data = state
        .store
        .customer_data(email.as_str(), Some(principal.user_id), now)
        .await?;
    super::outbox::write_pending(&state, &mut data.messages).await?;
    let messages = data
        .messages
        .into_iter()
        .map(|m| {
            Ok(ExportedMessage {
                id: m.id,
                booking_id: m.booking_id,
                channel: wire::stored_word(&m.channel)?,
                kind: m.kind.to_wire(),
                to: m.to_address,
                subject: m.subject,
                body_text: m.body_text,
                status: wire::stored_word(&m.status)?,
                created_utc: wire::utc(m.created_utc),
                sent_utc: m.sent_utc.map(wire::utc),
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(CustomerExport {
        email: email.to_string(),
        exported_utc: wire::utc(now),
        bookings: data.bookings.iter().map(wire::booking).collect(),
        messages,
    }))
}

#[utoipa::path(
    tag = "customers",
    request_body = EraseRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The customer's data is gone from every booking, which stays for the statistics", body = Erasure),
        (status = 400, body = ErrorBody),
        (status = 403, description = "System Managers only", body = ErrorBody)
    )
)]
#[post("/customers/erase")]
async fn erase(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    body: crate::json::Json<EraseRequest>,
) -> ApiResult<web::Json<Erasure>> {
    system_manager(&principal)?;
    let email = address(&body.email)?;
    let erased =
        mm_app::privacy::erase_customer(&state.store, &email, Some(principal.user_id), Utc::now())
            .await?;
    Ok(web::Json(Erasure {
        bookings_anonymised: erased.bookings,
        messages_dropped: erased.messages,
    }))
}
