//! The outbox page: every email the system queued, sent or gave up on (System Managers). Without
//! `MM_SMTP_URL` this is where a person sees what would have been sent.

use actix_web::{get, web};
use mm_api_types::{
    Page, PageQuery,
    error::ErrorBody,
    outbox::{OutboxEmail, OutboxQuery},
};
use mm_domain::notification::MessageKind;
use utoipa_actix_web::service_config::ServiceConfig;

use super::wire::{self, ToWire as _};
use crate::{
    AppState,
    auth::Staff,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(outbox);
}

#[utoipa::path(
    tag = "outbox",
    params(OutboxQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = Page<OutboxEmail>),
        (status = 403, description = "System Managers only", body = ErrorBody)
    )
)]
#[get("/outbox")]
async fn outbox(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    query: web::Query<OutboxQuery>,
) -> ApiResult<web::Json<Page<OutboxEmail>>> {
    if !principal.can_administer() {
        return Err(ApiError::Forbidden("only System Managers see the outbox"));
    }
    let paging = PageQuery {
        page: query.page,
        per_page: query.per_page,
    };
    let page = mm_store::Page {
        page: paging.page(),
        per_page: paging.per_page(),
    };
    let (emails, total) = state.store.outbox(query.to.as_deref(), page).await?;
    fn word<T: std::str::FromStr>(value: &str) -> ApiResult<T> {
        value
            .parse()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("unknown outbox word {value:?}")))
    }
    Ok(web::Json(Page {
        items: emails
            .into_iter()
            .map(|e| {
                Ok(OutboxEmail {
                    id: e.id,
                    channel: word(&e.channel)?,
                    booking_id: e.booking_id,
                    to: e.to_address,
                    to_name: e.to_name,
                    subject: e.subject,
                    kind: word::<MessageKind>(&e.kind)?.to_wire(),
                    status: word(&e.status)?,
                    attempts: e.attempts,
                    last_error: e.last_error,
                    has_ics: e.ics.is_some(),
                    body_text: e.body_text,
                    created_utc: wire::utc(e.created_utc),
                    sent_utc: e.sent_utc.map(wire::utc),
                })
            })
            .collect::<ApiResult<_>>()?,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}
