//! The outbox page: every email the system queued, sent or gave up on (System Managers). Without
//! `MM_SMTP_URL` this is where a person sees what would have been sent. A message is written
//! when it is sent; one still queued shows the text it would have now.

use actix_web::{get, post, web};
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
    cfg.service(outbox).service(retry);
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
    write_pending(&state, &mut emails).await?;
    Ok(web::Json(Page {
        items: emails
            .into_iter()
            .map(wire_email)
            .collect::<ApiResult<_>>()?,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Gives each message not sent yet the text it would have if it were sent now.
pub(super) async fn write_pending(
    state: &AppState,
    messages: &mut [mm_store::OutboxEmail],
) -> ApiResult<()> {
    let now = Utc::now();
    for email in messages.iter_mut().filter(|e| e.awaits_text) {
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
    Ok(())
}

fn wire_email(e: mm_store::OutboxEmail) -> ApiResult<OutboxEmail> {
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
}

#[utoipa::path(
    tag = "outbox",
    params(("message_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Queued again at once, with a fresh count of attempts", body = OutboxEmail),
        (status = 403, description = "System Managers only", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Only a failed message can be retried", body = ErrorBody)
    )
)]
#[post("/outbox/{message_id}/retry")]
async fn retry(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<OutboxEmail>> {
    if !principal.can_administer() {
        return Err(ApiError::Forbidden("only System Managers retry messages"));
    }
    let id = super::id(&path, "message")?;
    let again = state.store.retry_message(id, Utc::now()).await?;
    Ok(web::Json(wire_email(again)?))
}
