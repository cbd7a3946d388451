//! Meeting Manager's HTTP server: the actix-web JSON API under `/api/v1`, bearer-token auth,
//! the generated OpenAPI description with an offline interactive reference, and the built
//! frontend served at `/`.
//!
//! Only this crate knows HTTP. Handlers parse wire types into domain types, call the store, and
//! map results back; rules live in `mm-domain`, SQL in `mm-store`.

mod auth;
pub mod backup;
mod calendar_push;
mod calendar_sync;
mod client_ip;
pub mod config;
mod contract;
mod demo;
mod error;
mod funnel;
mod http_policy;
mod json;
mod language;
mod links;
mod logging;
mod notices;
mod outbox_worker;
mod providers;
mod reminder_worker;
mod routes;
mod shutdown;
mod slot_cache;
mod telemetry;
mod throttle;
mod webhooks;

use std::{net::TcpListener, path::Path, sync::Arc};

use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use mm_store::Store;
use tracing_actix_web::TracingLogger;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub use config::Config;

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    pub store: Store,
    pub tokens: auth::TokenKeys,
    /// Base for links in responses, emails and `.ics` files, without a trailing slash.
    pub public_base_url: String,
    pub config: Arc<Config>,
    /// Open slots computed from the current data, shared by public requests.
    pub slots: slot_cache::SlotCache,
    /// Signs customers' self-service links.
    pub links: links::LinkKeys,
    /// The domain in calendar invites' `UID`s.
    pub uid_domain: String,
    /// Writes queued notices' text.
    pub notices: notices::Writer,
    /// Reads members' iCal feeds.
    pub feeds: mm_calendars::FeedFetcher,
    /// Google and Microsoft calendars, when configured.
    pub providers: providers::Providers,
    /// What browsers are told about framing, scripts and cross-site calls.
    pub policy: http_policy::HttpPolicy,
    /// Requests per API key and minute.
    pub key_throttle: throttle::KeyThrottle,
    /// Checks webhook URLs (and posts deliveries).
    pub webhooks: webhooks::WebhookSender,
    /// The public wizard's funnel counts not yet written.
    pub funnel: Arc<funnel::FunnelCounter>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Meeting Manager API",
        description = "Department-based meeting booking: customers book a department, the system picks the member. \
                       Staff endpoints need `Authorization: Bearer <token>` from `POST /api/v1/auth/login`, \
                       or an API key (`Authorization: Bearer mm_…`, from `POST /api/v1/api-keys`) that acts \
                       for the person who made it, within its scopes. \
                       Errors always have the shape `{\"error\": {\"code\", \"message\", \"details\"}}`.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign in and who am I"),
        (name = "api-keys", description = "Integrations' own keys: made by a signed-in person, shown once, scoped, expiring, revocable"),
        (name = "webhooks", description = "Signed booking events (Standard Webhooks) posted to your URL, with their deliveries"),
        (name = "users", description = "Staff users and working hours"),
        (name = "availability", description = "Availability rules and date overrides"),
        (name = "departments", description = "Departments and their members"),
        (name = "meeting types", description = "What each department offers"),
        (name = "public", description = "The public booking pages: no authentication; the host is never revealed"),
        (name = "bookings", description = "Staff: bookings, their changes and histories"),
        (name = "scheduling", description = "Common availability and the resource calendar"),
        (name = "calendars", description = "Members' external calendars and their syncs"),
        (name = "customers", description = "A customer's personal data on request: export and erasure"),
        (name = "outbox", description = "Emails queued, sent or failed"),
        (name = "analytics", description = "The staff dashboard's figures"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("mm_ key")
                    .description(Some(
                        "An API key: `mm_` and 36 letters and digits. Acts for the person who \
                         made it, never beyond their rights, within its scopes: `bookings:read`, \
                         `bookings:write`, `availability:read`, `settings:read`, \
                         `settings:write`, `webhooks:write` (a request outside them is 403 \
                         naming the missing scope). Throttled per key (429 with `Retry-After`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI description as the handlers declare it.
pub(crate) fn collected() -> utoipa::openapi::OpenApi {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::api)
        .split_for_parts()
        .1
}

/// The OpenAPI description: what the handlers declare, completed with what every operation may
/// answer and the rules of every value ([`contract`]).
pub fn openapi() -> serde_json::Value {
    contract::complete(&collected())
}

/// A sender of one channel's outbox rows.
fn outbox_worker(
    store: &Store,
    config: &Config,
    writer: &notices::Writer,
    courier: outbox_worker::Courier,
) -> outbox_worker::OutboxWorker {
    outbox_worker::OutboxWorker {
        store: store.clone(),
        writer: writer.clone(),
        courier,
        retry: mm_domain::notification::RetryPolicy {
            first_delay: chrono::Duration::seconds(config.outbox_retry_seconds as i64),
            ..Default::default()
        },
        lease: chrono::Duration::seconds(config.outbox_lease_seconds as i64),
        sms_countries: match &config.sms_allowed_countries {
            Some(countries) => outbox_worker::SmsCountries::Listed(countries.clone()),
            None => outbox_worker::SmsCountries::OfDepartments,
        },
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let config = Arc::new(config);
    telemetry::recorder();
    tokio::spawn(telemetry::keep_up());
    prepare_sqlite_dir(&config.database_url)?;
    // Held for the life of the process: see `backup`.
    let _serving = backup::serving(&config.database_url)?;
    let store = Store::connect(&config.database_url)
        .await
        .context("connecting to the database")?
        .with_booking_payload(routes::booking_payload);
    store.migrate().await.context("running migrations")?;
    tracing::info!(backend = store.backend(), "database ready");

    demo::bootstrap_admin(&store, &config).await?;

    // Held for the life of the process: see `Store::claim_secret_mode`.
    let _secret_mode = store
        .claim_secret_mode(config.jwt_secret.is_some())
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!(if config.jwt_secret.is_some() {
                "another server process runs on this database without MM_JWT_SECRET: \
                 its tokens and customer links would not work here; give every process \
                 the same MM_JWT_SECRET"
            } else {
                "another server process runs on this database: without MM_JWT_SECRET each \
                 process signs tokens and customer links the others refuse; give every process \
                 the same MM_JWT_SECRET (make one with `openssl rand -base64 48`)"
            })
        })?;
    let secret = match &config.jwt_secret {
        Some(secret) => secret.expose().as_bytes().to_vec(),
        None => {
            tracing::warn!(
                "MM_JWT_SECRET is not set: using a random secret, so sign-ins end with this \
                 process, and after a restart the emails about earlier bookings carry links \
                 that do not work; set it (`openssl rand -base64 48`) for anything but a trial"
            );
            use rand::RngCore;
            let mut bytes = vec![0u8; 48];
            rand::thread_rng().fill_bytes(&mut bytes);
            bytes
        }
    };
    let listener =
        TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
    let address = listener.local_addr()?;
    let public_base_url = config
        .public_base_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    let follower = store.clone();
    tokio::spawn(async move { follower.follow_other_processes().await });
    let uid_domain = notices::uid_domain(&public_base_url);
    let links = links::LinkKeys::new(&secret);
    if config.demo {
        demo::seed(&store, &links).await?;
    }
    let writer = notices::Writer::new(
        links.clone(),
        &public_base_url,
        &uid_domain,
        config.default_language,
    );
    let mut workers = shutdown::Workers::default();
    match &config.smtp_url {
        Some(url) => {
            let from = config
                .mail_from
                .clone()
                .unwrap_or_else(|| format!("Meeting Manager <no-reply@{uid_domain}>"));
            let composer = mm_notify::smtp::Composer::new(&from, &uid_domain)
                .context("MM_MAIL_FROM is not a mailbox")?;
            let mailer =
                mm_notify::smtp::SmtpMailer::new(url.expose(), composer).context("MM_SMTP_URL")?;
            let courier = outbox_worker::Courier::Smtp(Arc::new(mailer));
            let worker = outbox_worker(&store, &config, &writer, courier);
            workers.spawn(|stopping| worker.run(stopping));
            tracing::info!(%from, "sending email over SMTP");
        }
        None => {
            tracing::warn!("MM_SMTP_URL is not set: emails stay in the outbox (GET /api/v1/outbox)")
        }
    }
    match &config.twilio {
        Some(twilio) => {
            let sms = mm_notify::twilio::TwilioSms::new(
                &twilio.api_url,
                &twilio.account_sid,
                twilio.auth_token.expose(),
                &twilio.from,
            );
            let courier = outbox_worker::Courier::Sms(sms);
            let worker = outbox_worker(&store, &config, &writer, courier);
            workers.spawn(|stopping| worker.run(stopping));
            tracing::info!(from = %twilio.from, "sending text messages through Twilio");
        }
        None => tracing::info!("no SMS provider: text messages stay in the outbox"),
    }
    let state = web::Data::new(AppState {
        store,
        tokens: auth::TokenKeys::new(
            &secret,
            chrono::Duration::minutes(config.jwt_ttl_minutes as i64),
        ),
        links,
        notices: writer,
        uid_domain,
        public_base_url: public_base_url.clone(),
        config: config.clone(),
        slots: if config.verify_slot_cache {
            tracing::warn!("MM_VERIFY_SLOT_CACHE: every slot table is computed twice");
            slot_cache::SlotCache::verifying()
        } else {
            slot_cache::SlotCache::default()
        },
        feeds: mm_calendars::FeedFetcher {
            allow_private_hosts: config.ical_allow_private_hosts,
            ..Default::default()
        },
        providers: providers::Providers::from_config(&config)?,
        policy: http_policy::HttpPolicy::new(config.allowed_origins.clone(), &public_base_url),
        key_throttle: throttle::KeyThrottle::default(),
        webhooks: webhooks::WebhookSender::new(config.webhook_allow_private_hosts),
        funnel: Arc::default(),
    });
    workers.spawn(|stopping| {
        state
            .funnel
            .clone()
            .keep_writing(state.store.clone(), stopping)
    });
    let webhook_worker = webhooks::WebhookWorker {
        store: state.store.clone(),
        sender: state.webhooks.clone(),
        manage_url: format!("{public_base_url}/admin/webhooks"),
        default_language: config.default_language,
    };
    workers.spawn(|stopping| webhook_worker.run(stopping));
    let sync_every = std::time::Duration::from_secs(config.calendar_sync_interval_seconds);
    workers.spawn(|stopping| {
        calendar_sync::run(
            state.clone(),
            sync_every,
            sync_every.min(std::time::Duration::from_secs(30)),
            stopping,
        )
    });
    workers.spawn(|stopping| {
        calendar_push::run(state.clone(), std::time::Duration::from_secs(2), stopping)
    });
    tokio::spawn(sweep_expired(
        state.store.clone(),
        config.customer_retention_days,
    ));
    tokio::spawn(state.slots.clone().follow_changes(state.store.clone()));
    workers.spawn(|stopping| {
        reminder_worker::run(
            state.clone(),
            std::time::Duration::from_secs(config.reminder_interval_seconds),
            stopping,
        )
    });
    let static_dir = config.static_dir.clone();
    if !static_dir.join("index.html").is_file() {
        tracing::warn!(dir = %static_dir.display(), "no built frontend found; run `just frontend`");
    }
    let described = openapi();
    let state_for_metrics = state.clone();
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .configure(routes::api)
            .split_for_parts();
        // gzip, brotli or zstd as the client accepts: the web app's download shrinks to a third.
        app.wrap(actix_web::middleware::from_fn(
            routes::refuse_undescribed_methods,
        ))
        .wrap(actix_web::middleware::from_fn(language::localise_errors))
        .wrap(actix_web::middleware::Compress::default())
        .wrap(actix_web::middleware::from_fn(http_policy::apply))
        .wrap(TracingLogger::<logging::RedactedSpans>::new())
        .wrap(actix_web::middleware::from_fn(telemetry::record_request))
        .app_data(state.clone())
        .app_data(web::Data::new(telemetry::Access::Token))
        .app_data(
            web::JsonConfig::default()
                .limit(256 * 1024)
                .error_handler(error::json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .service(routes::health)
        .service(routes::ready)
        .route("/metrics", web::get().to(telemetry::scrape))
        .service(
            SwaggerUi::new("/api/docs/{_:.*}")
                .external_urls_from_iter_unchecked([("/api/openapi.json", described.clone())]),
        )
        .route(
            "/api/docs",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header(("Location", "/api/docs/"))
                    .finish()
            }),
        )
        .configure(|cfg| frontend(cfg, &static_dir))
    })
    .disable_signals()
    .listen(listener)?
    .run();
    let mut servers = vec![server.handle()];
    if let Some(bind) = &config.metrics_bind {
        let (address, metrics) = telemetry::serve_apart(bind, state_for_metrics)?;
        servers.push(metrics);
        #[allow(clippy::print_stdout)]
        {
            println!("metrics on http://{address}/metrics");
        }
    }
    tokio::spawn(shutdown::stop_on_signal(servers, workers)?);
    // The socket already accepts connections; scripts wait for this exact line.
    #[allow(clippy::print_stdout)]
    {
        println!("listening on http://{address}");
    }
    tracing::info!(%address, "listening");
    server.await?;
    Ok(())
}

/// Every ten minutes: rate-limit hits and sessions past their time go; with a retention period,
/// the customers of meetings that ended longer ago are erased (in batches, audited).
async fn sweep_expired(store: Store, retention_days: Option<u32>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        let now = chrono::Utc::now();
        if let Some(days) = retention_days {
            let cutoff = now - chrono::Duration::days(i64::from(days));
            loop {
                match store.erase_customers_before(cutoff, 500, now).await {
                    Ok(erased) if erased.bookings > 0 => {
                        tracing::info!(bookings = erased.bookings, "retention: customers erased");
                    }
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!(%error, "erasing customers past retention failed");
                        break;
                    }
                }
            }
        }
        if let Err(error) = store.sweep_hits(now).await {
            tracing::warn!(%error, "sweeping rate-limit hits failed");
        }
        if let Err(error) = store.sweep_sessions(now).await {
            tracing::warn!(%error, "sweeping expired sessions failed");
        }
    }
}

/// Serves the built web apps: `admin.html` (the staff app) for client routes under `/admin`,
/// `index.html` (the booking wizard) for every other one; or a note that they are not built.
fn frontend(cfg: &mut web::ServiceConfig, dir: &Path) {
    let index = dir.join("index.html");
    if index.is_file() {
        let admin = dir.join("admin.html");
        cfg.service(
            actix_files::Files::new("/", dir)
                .index_file("index.html")
                .default_handler(web::to(move |request: actix_web::HttpRequest| {
                    let is_staff =
                        request.path() == "/admin" || request.path().starts_with("/admin/");
                    let page = if is_staff {
                        admin.clone()
                    } else {
                        index.clone()
                    };
                    async move { actix_files::NamedFile::open_async(page).await }
                })),
        );
    } else {
        cfg.default_service(web::to(|| async {
            HttpResponse::NotFound()
                .content_type("text/html; charset=utf-8")
                .body("<!doctype html><title>Meeting Manager</title><p>The web app is not built. Run <code>just frontend</code>, or see the API at <a href=\"/api/docs/\">/api/docs/</a>.</p>")
        }));
    }
}

/// SQLite creates the database file but not its directory.
fn prepare_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_openapi_json_is_up_to_date() {
        let generated = serde_json::to_string_pretty(&super::openapi()).unwrap() + "\n";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            generated == committed,
            "openapi.json is not up to date: run `just openapi` and commit openapi/openapi.json"
        );
    }
}
