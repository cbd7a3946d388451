//! One booking, in two places: the panel that opens beside the calendar and the booking list,
//! and the page `/admin/bookings/{id}` that emails and calendar events link to. Both show
//! everything about the meeting, both of its histories and the quick actions its status allows;
//! the page also edits the booking's own fields and lists the messages sent about it. The server
//! decides what is allowed; a refused action shows its reason.

mod details;
mod edit;
mod history;
mod messages;
mod page;
mod panel;
mod privacy;

use chrono::{DateTime, Utc};
use leptos::{prelude::*, task::spawn_local};
use mm_api_types::{SeriesScope, bookings::Booking};
use uuid::Uuid;

use super::{Session, StaffClient, on_unauthorized};
use crate::api::ApiResult;

pub use page::BookingPage;
pub use panel::BookingPanel;

/// An action from the panel, with what it needs.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Approve,
    Reject(String),
    /// With which meetings of its series, when it is a meeting of one.
    Cancel(Option<String>, Option<SeriesScope>),
    /// With which meetings of its series, when it is a meeting of one.
    Reschedule(DateTime<Utc>, Option<SeriesScope>),
    Reassign(Uuid, Option<String>, Option<SeriesScope>),
    Complete,
    NoShow,
    /// The signed-in participant's answer: `accepted`, `tentative` or `declined`.
    Answer(&'static str),
}

impl Action {
    async fn run(self, client: &StaffClient, id: Uuid) -> ApiResult<Booking> {
        match self {
            Self::Approve => client.approve(id).await,
            Self::Reject(reason) => client.reject(id, reason).await,
            Self::Cancel(reason, scope) => client.cancel(id, reason, scope).await,
            Self::Reschedule(start, scope) => client.reschedule(id, start, None, scope).await,
            Self::Reassign(host, reason, scope) => client.reassign(id, host, reason, scope).await,
            Self::Complete => client.complete(id).await,
            Self::NoShow => client.no_show(id).await,
            Self::Answer(response) => client.answer_invitation(id, response).await,
        }
    }

    fn done(&self) -> &'static str {
        match self {
            Self::Approve => "Approved.",
            Self::Reject(_) => "Rejected.",
            Self::Cancel(..) => "Cancelled.",
            Self::Reschedule(..) => "Rescheduled.",
            Self::Reassign(..) => "Reassigned.",
            Self::Complete => "Marked as completed.",
            Self::NoShow => "Marked as no-show.",
            Self::Answer(_) => "Your answer is recorded.",
        }
    }
}

/// The form the person opened below the actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Cancel,
    Reject,
    Reschedule,
    Reassign,
}

/// What the actions of one booking share: the form open, whether a call is under way, the last
/// outcome, and a version that goes up after each change so the booking is read again.
#[derive(Debug, Clone, Copy)]
struct Actions {
    form: RwSignal<Option<Form>>,
    busy: RwSignal<bool>,
    outcome: RwSignal<Option<(bool, String)>>,
    version: RwSignal<u32>,
}

impl Actions {
    fn new() -> Self {
        Self {
            form: RwSignal::new(None),
            busy: RwSignal::new(false),
            outcome: RwSignal::new(None),
            version: RwSignal::new(0),
        }
    }

    /// Runs actions on booking `id`; `on_change` hears of each that succeeded.
    fn runner(
        self,
        session: Session,
        id: Uuid,
        on_change: Option<Callback<()>>,
    ) -> impl Fn(Action) + Clone + Send + Sync + 'static {
        move |action: Action| {
            let Some(client) = session.client() else {
                return;
            };
            self.busy.set(true);
            self.outcome.set(None);
            spawn_local(async move {
                let done = action.done();
                match action.run(&client, id).await {
                    Ok(_) => {
                        self.outcome.set(Some((true, done.to_owned())));
                        self.form.set(None);
                        self.version.update(|v| *v += 1);
                        if let Some(on_change) = on_change {
                            on_change.run(());
                        }
                    }
                    Err(error) => {
                        on_unauthorized(&error);
                        self.outcome.set(Some((false, error.to_string())));
                    }
                }
                self.busy.set(false);
            });
        }
    }
}

/// The booking `id`, read again whenever `version` moves.
fn load(session: Session, id: Uuid, version: RwSignal<u32>) -> LocalResource<ApiResult<Booking>> {
    LocalResource::new(move || {
        version.track();
        let client = session.client();
        async move {
            let booking = client
                .ok_or(crate::api::ApiError::Network)?
                .booking(id)
                .await;
            if let Err(error) = &booking {
                on_unauthorized(error);
            }
            booking
        }
    })
}
