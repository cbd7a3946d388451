//! The public booking wizard: one URL per step, its embeddable twin for other websites, and the
//! self-service pages the customer's emails link to. It knows nothing of how availability is
//! computed: every time it shows comes from the server.

mod funnel;
mod pages;
pub(crate) mod repeat;

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Redirect, Route, Router, Routes},
    path,
};

use self::pages::{
    Confirmation, DateStep, Departments, DetailsStep, InvitationAnswer, MeetingTypes,
    RescheduleDate, RescheduleTime, SelfServiceCancel, TimeStep,
};
use crate::{components::NotFound, storage, zone};

/// Where the wizard runs: on our own site, or inside another website's iframe without our
/// header and footer. Every link the wizard makes goes through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    Site,
    Embed,
}

impl Frame {
    /// A wizard path under this frame: `path(&["support", "call"])` → `/book/support/call`.
    pub fn path(self, segments: &[&str]) -> String {
        let base = match self {
            Self::Site => "/book",
            Self::Embed => "/embed",
        };
        segments
            .iter()
            .fold(base.to_owned(), |path, segment| format!("{path}/{segment}"))
    }
}

/// The time zone the visitor sees times in: detected from the browser, changeable, remembered
/// for the tab.
#[derive(Debug, Clone, Copy)]
pub struct VisitorZone(pub RwSignal<String>);

impl VisitorZone {
    fn restore() -> Self {
        let zone = storage::load::<String>(storage::ZONE)
            .filter(|z| zone::is_known(z))
            .unwrap_or_else(zone::detected);
        Self(RwSignal::new(zone))
    }

    pub fn get(self) -> String {
        self.0.get()
    }

    pub fn get_untracked(self) -> String {
        self.0.get_untracked()
    }

    pub fn set(self, zone: String) {
        storage::save(storage::ZONE, &zone);
        self.0.set(zone);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(VisitorZone::restore());
    view! {
        <Router>
            <Routes fallback=|| view! { <SiteLayoutShell><NotFound what="page" /></SiteLayoutShell> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/book" /> } />
                <ParentRoute path=path!("/book") view=SiteLayout>
                    <Route path=path!("") view=Departments />
                    <Route path=path!("confirm/:reference") view=Confirmation />
                    <Route path=path!("cancel/:token") view=SelfServiceCancel />
                    <Route path=path!("invitation/:token") view=InvitationAnswer />
                    <Route path=path!("reschedule/:token") view=RescheduleDate />
                    <Route path=path!("reschedule/:token/:date") view=RescheduleTime />
                    <Route path=path!(":department") view=MeetingTypes />
                    <Route path=path!(":department/:meeting") view=DateStep />
                    <Route path=path!(":department/:meeting/:date") view=TimeStep />
                    <Route path=path!(":department/:meeting/:date/:time") view=DetailsStep />
                </ParentRoute>
                <ParentRoute path=path!("/embed") view=EmbedLayout>
                    <Route path=path!("confirm/:reference") view=Confirmation />
                    <Route path=path!(":department") view=MeetingTypes />
                    <Route path=path!(":department/:meeting") view=DateStep />
                    <Route path=path!(":department/:meeting/:date") view=TimeStep />
                    <Route path=path!(":department/:meeting/:date/:time") view=DetailsStep />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
fn SiteLayoutShell(children: Children) -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/book">"Meeting Manager"</a>
        </header>
        <main id="main" class="page">{children()}</main>
        <footer class="site-footer">
            <a href="/api/docs/">"API"</a>
        </footer>
    }
}

#[component]
fn SiteLayout() -> impl IntoView {
    provide_context(Frame::Site);
    view! {
        <SiteLayoutShell>
            <Outlet />
        </SiteLayoutShell>
    }
}

#[component]
fn EmbedLayout() -> impl IntoView {
    provide_context(Frame::Embed);
    view! {
        <main id="main" class="page embedded">
            <Outlet />
        </main>
    }
}
