//! Webhook subscriptions (`/webhooks`): System Managers subscribe to any department's booking
//! events or all of them, leaders to their departments'; each sees and changes their own (System
//! Managers everyone's). The secret is shown once; deliveries are listed, replayed and tested.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use mm_api_types::{
    Page, PageQuery,
    error::ErrorBody,
    webhooks::{Webhook, WebhookDelivery, WebhookRequest, WebhookUpdate},
};
use mm_domain::{
    FieldErrors, Principal,
    webhook::{Subscription, SubscriptionSpec},
};
use mm_store::{Delivery, StoreError};
use utoipa_actix_web::service_config::ServiceConfig;

use super::wire::ToWire as _;
use crate::{
    AppState,
    auth::Staff,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(remove)
        .service(deliveries)
        .service(retry)
        .service(test);
}

fn to_wire(subscription: Subscription, secret: Option<String>) -> Webhook {
    Webhook {
        id: subscription.id,
        owner_id: subscription.owner_id,
        url: subscription.spec.url,
        events: subscription
            .spec
            .events
            .iter()
            .map(|e| e.to_wire())
            .collect(),
        department_id: subscription.spec.department_id,
        description: subscription.spec.description,
        is_active: subscription.is_active,
        disabled_reason: subscription.disabled_reason,
        failing_since_utc: subscription.failing_since_utc,
        created_utc: subscription.created_utc,
        updated_utc: subscription.updated_utc,
        secret,
    }
}

fn delivery_to_wire(delivery: Delivery) -> WebhookDelivery {
    WebhookDelivery {
        id: delivery.id,
        subscription_id: delivery.subscription_id,
        event_type: delivery.event_type,
        booking_id: delivery.booking_id,
        status: delivery.status.to_wire(),
        attempts: delivery.attempts,
        next_attempt_utc: delivery.next_attempt_utc,
        last_attempt_utc: delivery.last_attempt_utc,
        response_status: delivery.response_status,
        last_error: delivery.last_error,
        created_utc: delivery.created_utc,
        delivered_utc: delivery.delivered_utc,
        payload: delivery.payload,
    }
}

/// Members hear of no webhooks: a subscription reaches every booking of a department.
fn may_subscribe_at_all(principal: &Principal) -> ApiResult<()> {
    if principal.is_system_manager || principal.is_leader() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only Department Leaders and System Managers manage webhooks",
        ))
    }
}

/// The subscription `raw` names, when the principal may manage it; someone else's is not found.
async fn managed(state: &AppState, principal: &Principal, raw: &str) -> ApiResult<Subscription> {
    may_subscribe_at_all(principal)?;
    let id = super::id(raw, "webhook")?;
    let subscription = state.store.webhook(id).await?;
    if !principal.can_manage_subscription(&subscription) {
        return Err(ApiError::NotFound("webhook"));
    }
    Ok(subscription)
}

/// Checks what a subscription will be: its URL's address, that its department exists, and
/// that the principal may subscribe to it.
async fn checked(
    state: &AppState,
    principal: &Principal,
    spec: &SubscriptionSpec,
) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    if let Err(refused) = state.webhooks.check(&spec.url).await {
        errors.add("url", refused.to_string());
    }
    if let Some(department) = spec.department_id {
        match state.store.department(department).await {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => errors.add("department_id", "no such department"),
            Err(other) => return Err(other.into()),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if !principal.can_subscribe_to(spec.department_id) {
        return Err(ApiError::Forbidden(match spec.department_id {
            None => {
                "only System Managers subscribe to every department; name yours in department_id"
            }
            Some(_) => "you may subscribe only to the departments you lead",
        }));
    }
    Ok(())
}

#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your subscriptions (System Managers: everyone's), oldest first; never their secrets", body = Vec<Webhook>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Members manage no webhooks; a key without `webhooks:write`", body = ErrorBody)
    )
)]
#[get("/webhooks")]
async fn list(
    state: web::Data<AppState>,
    Staff(principal): Staff,
) -> ApiResult<web::Json<Vec<Webhook>>> {
    may_subscribe_at_all(&principal)?;
    let owner = (!principal.is_system_manager).then_some(principal.user_id);
    let subscriptions = state.store.webhooks(owner).await?;
    Ok(web::Json(
        subscriptions
            .into_iter()
            .filter(|s| principal.can_manage_subscription(s))
            .map(|s| to_wire(s, None))
            .collect(),
    ))
}

#[utoipa::path(
    tag = "webhooks",
    request_body = WebhookRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The subscription, with `secret` shown this once", body = Webhook),
        (status = 400, description = "A URL that is not http(s) or not on a public address, an unknown event, no events, an unknown department", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a leader of the department (every department: System Managers only)", body = ErrorBody),
        (status = 409, description = "You keep 25 subscriptions already", body = ErrorBody)
    )
)]
#[post("/webhooks")]
async fn create(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    body: crate::json::Json<WebhookRequest>,
) -> ApiResult<HttpResponse> {
    may_subscribe_at_all(&principal)?;
    let spec = SubscriptionSpec::parse(
        &body.url,
        &body.events,
        body.department_id,
        body.description.as_deref(),
    )
    .map_err(ApiError::Validation)?;
    checked(&state, &principal, &spec).await?;
    let secret = crate::webhooks::new_secret();
    let subscription = state
        .store
        .create_webhook(principal.user_id, &spec, &secret, Utc::now())
        .await?;
    tracing::info!(webhook = %subscription.id, "webhook subscribed");
    Ok(HttpResponse::Created().json(to_wire(subscription, Some(secret))))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Webhook),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No subscription of yours has this id", body = ErrorBody)
    )
)]
#[get("/webhooks/{webhook_id}")]
async fn read(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<Webhook>> {
    let subscription = managed(&state, &principal, &path).await?;
    Ok(web::Json(to_wire(subscription, None)))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path)),
    request_body = WebhookUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription as changed; `is_active: true` turns a disabled one on again", body = Webhook),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    )
)]
#[patch("/webhooks/{webhook_id}")]
async fn update(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::Json<WebhookUpdate>,
) -> ApiResult<web::Json<Webhook>> {
    let current = managed(&state, &principal, &path).await?;
    let body = body.into_inner();
    let events: Vec<String> = match body.events {
        Some(events) => events,
        None => current
            .spec
            .events
            .iter()
            .map(|e| e.as_ref().to_owned())
            .collect(),
    };
    let description = match body.description {
        Some(description) => description,
        None => current.spec.description.clone(),
    };
    let spec = SubscriptionSpec::parse(
        body.url.as_deref().unwrap_or(&current.spec.url),
        &events,
        body.department_id.unwrap_or(current.spec.department_id),
        description.as_deref(),
    )
    .map_err(ApiError::Validation)?;
    checked(&state, &principal, &spec).await?;
    let is_active = body.is_active.unwrap_or(current.is_active);
    let changed = state
        .store
        .update_webhook(current.id, &spec, is_active, Utc::now())
        .await?;
    Ok(web::Json(to_wire(changed, None)))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted with its deliveries; nothing more is sent"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    )
)]
#[delete("/webhooks/{webhook_id}")]
async fn remove(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let subscription = managed(&state, &principal, &path).await?;
    if !state.store.delete_webhook(subscription.id).await? {
        return Err(ApiError::NotFound("webhook"));
    }
    tracing::info!(webhook = %subscription.id, "webhook deleted");
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first, with each body as sent; kept for 30 days after they went out", body = Page<WebhookDelivery>),
        (status = 400, description = "`page` below 1, `per_page` outside 1–200", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    )
)]
#[get("/webhooks/{webhook_id}/deliveries")]
async fn deliveries(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<WebhookDelivery>>> {
    let subscription = managed(&state, &principal, &path).await?;
    let page = mm_store::Page {
        page: query.page(),
        per_page: query.per_page(),
    };
    let (items, total) = state
        .store
        .webhook_deliveries(subscription.id, page)
        .await?;
    Ok(web::Json(Page {
        items: items.into_iter().map(delivery_to_wire).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued again at once with the same `webhook-id` and body, and a fresh retry schedule", body = WebhookDelivery),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "It is being sent right now", body = ErrorBody)
    )
)]
#[post("/webhooks/{webhook_id}/deliveries/{delivery_id}/retry")]
async fn retry(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (webhook, delivery) = path.into_inner();
    let subscription = managed(&state, &principal, &webhook).await?;
    let delivery = super::id(&delivery, "delivery")?;
    let again = state
        .store
        .retry_webhook_delivery(subscription.id, delivery, Utc::now())
        .await?;
    Ok(HttpResponse::Accepted().json(delivery_to_wire(again)))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A `webhook.test` delivery, queued now (also to a disabled subscription); its outcome shows in the deliveries", body = WebhookDelivery),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    )
)]
#[post("/webhooks/{webhook_id}/test")]
async fn test(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let subscription = managed(&state, &principal, &path).await?;
    let delivery = state
        .store
        .queue_test_delivery(&subscription, Utc::now())
        .await?;
    Ok(HttpResponse::Accepted().json(delivery_to_wire(delivery)))
}
