//! The staff app under `/admin`: sign-in, then pages that show each person what their role lets
//! them see (the server decides; the app never widens it). A token that expired or was revoked
//! sends the person to sign in again and then back to where they were.

mod api_keys;
mod availability;
mod booking;
mod bookings;
mod calendar;
mod client;
mod connections;
mod dashboard;
mod departments;
mod login;
mod meeting_types;
mod new_meeting;
mod outbox;
mod people;
mod share;
mod status;
mod webhooks;

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Redirect, Route, Router, Routes},
    hooks::{use_location, use_navigate},
    path,
};
use mm_api_types::users::Me;
use wasm_bindgen::{JsCast, JsValue};

pub use self::client::StaffClient;
use self::{
    availability::Availability,
    booking::BookingPage,
    bookings::Bookings,
    calendar::Calendar,
    connections::Connections,
    dashboard::Dashboard,
    departments::{DepartmentEditor, Departments},
    login::Login,
    meeting_types::MeetingTypeEditor,
    new_meeting::NewMeeting,
    outbox::Outbox,
    people::{Profile, Users},
    webhooks::Webhooks,
};
use crate::{
    api::ApiError,
    components::{Loading, NotFound, Problem},
};

/// The signed-in person: their client and who they are.
#[derive(Debug, Clone, Copy)]
pub struct Session(RwSignal<Option<(StaffClient, Me)>>);

impl Session {
    pub fn client(self) -> Option<StaffClient> {
        self.0
            .with_untracked(|s| s.as_ref().map(|(c, _)| c.clone()))
    }

    pub fn me(self) -> Option<Me> {
        self.0.with(|s| s.as_ref().map(|(_, m)| m.clone()))
    }
}

/// Where to sign in so as to come back to `path` afterwards.
fn login_path(path: &str) -> String {
    let next: String = js_sys::encode_uri_component(path).into();
    format!("/admin/login?next={next}")
}

/// A save's answer: a sentence, or the server's error with every failing field.
#[component]
pub fn Said(outcome: RwSignal<Option<Result<String, ApiError>>>) -> impl IntoView {
    move || {
        outcome.get().map(|result| match result {
            Ok(text) => view! { <div class="notice success" role="status">{text}</div> }.into_any(),
            Err(error) => {
                let fields = error.fields();
                view! {
                    <div class="notice error" role="alert">
                        <p>{error.to_string()}</p>
                        <ul>{fields.into_iter().map(|(f, why)| view! { <li>{format!("{}: {why}", f.replace('_', " "))}</li> }).collect_view()}</ul>
                    </div>
                }
                .into_any()
            }
        })
    }
}

/// Offers `text` as a file download named `name` of type `mime`.
pub(crate) fn download(name: &str, mime: &str, text: &str) -> Option<()> {
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    // The download has its own copy once started; the URL is not needed after this turn.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000)
        .ok()?;
    Some(())
}

/// Handles a refused call the same way everywhere: an expired or revoked token signs the person
/// out and sends them to sign in, then back here.
pub fn on_unauthorized(error: &ApiError) {
    if error.is_unauthorized() {
        StaffClient::forget();
        if let Some(window) = web_sys::window() {
            let here = window.location().pathname().unwrap_or_default()
                + &window.location().search().unwrap_or_default();
            let _ = window.location().assign(&login_path(&here));
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(Session(RwSignal::new(None)));
    view! {
        <Router>
            <Routes fallback=|| view! { <main class="page"><NotFound what="page" /></main> }>
                <Route path=path!("/admin/login") view=Login />
                <ParentRoute path=path!("/admin") view=StaffLayout>
                    <Route path=path!("") view=|| view! { <Redirect path="/admin/dashboard" /> } />
                    <Route path=path!("dashboard") view=Dashboard />
                    <Route path=path!("calendar") view=Calendar />
                    <Route path=path!("bookings") view=Bookings />
                    <Route path=path!("bookings/:id") view=BookingPage />
                    <Route path=path!("meetings/new") view=NewMeeting />
                    <Route path=path!("availability") view=Availability />
                    <Route path=path!("calendars") view=Connections />
                    <Route path=path!("outbox") view=Outbox />
                    <Route path=path!("webhooks") view=Webhooks />
                    <Route path=path!("users") view=Users />
                    <Route path=path!("profile") view=Profile />
                    <Route path=path!("departments") view=Departments />
                    <Route path=path!("departments/:id") view=DepartmentEditor />
                    <Route path=path!("meeting-types/:id") view=MeetingTypeEditor />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The staff area's frame: a signed-in person's header and navigation around the page.
#[component]
fn StaffLayout() -> impl IntoView {
    let session = expect_context::<Session>();
    let location = use_location();
    let navigate = use_navigate();
    let here = move || location.pathname.get_untracked() + &location.search.get_untracked();
    let Some(client) = StaffClient::restore() else {
        navigate(&login_path(&here()), Default::default());
        return view! { <Loading /> }.into_any();
    };
    let me = LocalResource::new({
        let client = client.clone();
        move || {
            let client = client.clone();
            async move { client.me().await }
        }
    });
    let sign_out = move |_| {
        let client = session.client();
        session.0.set(None);
        leptos::task::spawn_local(async move {
            match client {
                Some(client) => client.sign_out().await,
                None => StaffClient::forget(),
            }
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign("/admin/login");
            }
        });
    };
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let client = client.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(me) => {
                            session.0.set(Some((client, me.clone())));
                            // Department settings are for System Managers and leaders.
                            let runs = me.user.is_system_manager || !me.leads_department_ids.is_empty();
                            view! {
                                <header class="site-header staff-header">
                                    <a class="brand" href="/admin/dashboard">"Meeting Manager"</a>
                                    <nav aria-label="Staff">
                                        <a href="/admin/calendar">"Calendar"</a>
                                        <a href="/admin/bookings">"Bookings"</a>
                                        <a href="/admin/meetings/new">"New meeting"</a>
                                        <a href="/admin/availability">"Availability"</a>
                                        <a href="/admin/calendars">"Calendar sync"</a>
                                        <a href="/admin/dashboard">"Dashboard"</a>
                                        {runs.then(|| view! { <a href="/admin/departments">"Departments"</a> })}
                                        {me.user.is_system_manager.then(|| view! { <a href="/admin/users">"Users"</a> })}
                                        {me.user.is_system_manager.then(|| view! { <a href="/admin/outbox">"Outbox"</a> })}
                                        {runs.then(|| view! { <a href="/admin/webhooks">"Webhooks"</a> })}
                                    </nav>
                                    <a class="who" href="/admin/profile" title="Your profile">{me.user.full_name.clone()}</a>
                                    <button type="button" class="link sign-out" on:click=sign_out>"Sign out"</button>
                                </header>
                                <main id="main" class="page wide"><Outlet /></main>
                            }
                            .into_any()
                        }
                        Err(error) => {
                            on_unauthorized(&error);
                            view! { <main class="page"><Problem error=error /></main> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}
