//! Meeting Manager's web app (Leptos, client-side rendered). For now the shell: routing and a
//! live status line from the server; the booking wizard and the staff app grow from here.
//!
//! It talks to the server only through the JSON API and shares its wire types (`mm-api-types`).

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The server's `/ready` answer, or why it could not be read.
async fn server_status() -> Result<String, String> {
    let response = gloo_net::http::Request::get("/ready").send().await.map_err(|e| e.to_string())?;
    #[derive(serde::Deserialize)]
    struct Ready {
        status: String,
        database: Option<String>,
    }
    let ready: Ready = response.json().await.map_err(|e| e.to_string())?;
    Ok(format!("{} ({})", ready.status, ready.database.unwrap_or_default()))
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="site-header"><a href="/">"Meeting Manager"</a></header>
            <main>
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("/") view=Home />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Home() -> impl IntoView {
    let status = LocalResource::new(server_status);
    view! {
        <h1>"Book a meeting with our team"</h1>
        <p>"The booking wizard is on its way. The API and its reference are ready: "
            <a href="/api/docs/">"API documentation"</a>"."</p>
        <p class="status">"Server: "
            <Suspense fallback=|| "checking…">
                {move || status.get().map(|s| match s {
                    Ok(text) => text,
                    Err(error) => format!("unreachable: {error}"),
                })}
            </Suspense>
        </p>
    }
}
