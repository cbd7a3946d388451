//! The outbox page: every email the system queued, sent or gave up on (System Managers). Without
//! `MM_SMTP_URL` this is where a person sees what would have been sent. A message is written
//! when it is sent; one still queued shows the text it would have now.

use actix_web::{get, web};
use chrono::Utc;
use mm_api_types::{
    Page, PageQuery,
    error::ErrorBody,
    outbox::{OutboxEmail, OutboxQuery},
};
use mm_domain::notification::Outgoing;
use mm_store::StoreError;
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
    let (mut emails, total) = state.store.outbox(query.to.as_deref(), page).await?;
    // A notice not sent yet shows the text it would have if it were sent now.
    let now = Utc::now();
    for email in emails.iter_mut().filter(|e| e.awaits_text) {
        let written = match state.store.pending_notice(email.id).await {
            Ok(Some(pending)) => state.notices.write(&pending, now),
            Ok(None) | Err(StoreError::NotFound(_)) => None,
            Err(other) => return Err(other.into()),
        };
        match written {
            Some(Outgoing::Email(text)) => {
                email.subject = text.subject;
                email.body_text = text.text;
                email.ics = text.ics;
            }
            Some(Outgoing::Sms(text)) => email.body_text = text.text,
            None => {}
        }
    }
    Ok(web::Json(Page {
        items: emails
            .into_iter()
            .map(|e| {
                Ok(OutboxEmail {
                    id: e.id,
                    channel: wire::stored_word(&e.channel)?,
                    booking_id: e.booking_id,
                    to: e.to_address,
                    to_name: e.to_name,
                    subject: e.subject,
                    kind: e.kind.to_wire(),
                    status: wire::stored_word(&e.status)?,
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
