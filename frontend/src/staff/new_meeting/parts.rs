//! What both forms share: the data they load, the free times to choose from, and the outcome.

use chrono::{DateTime, Utc};
use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::{
    bookings::{Booking, RecurrenceRequest},
    calendar::{CalendarResource, CommonAvailability},
    departments::Department,
    meeting_types::MeetingType,
};
use mm_domain::recurrence::{Frequency, Recurrence};
use uuid::Uuid;

use super::super::{Session, on_unauthorized};
use crate::{
    api::ApiResult,
    components::Loading,
    zone::{self, Style},
};

/// What every form loads: departments, the people the signed-in person may see, and the zone
/// times are shown in.
#[derive(Clone, Copy)]
pub(super) struct Basics {
    pub(super) departments: LocalResource<Vec<Department>>,
    pub(super) people: LocalResource<Vec<CalendarResource>>,
    pub(super) zone: StoredValue<String>,
    pub(super) session: Session,
}

impl Basics {
    pub(super) fn load() -> Self {
        let session = expect_context::<Session>();
        let zone = session
            .me()
            .map(|me| me.user.timezone)
            .filter(|z| zone::is_known(z))
            .unwrap_or_else(zone::detected);
        Self {
            departments: LocalResource::new(move || {
                let client = session.client();
                async move {
                    match client {
                        Some(client) => client.departments().await.unwrap_or_default(),
                        None => Vec::new(),
                    }
                }
            }),
            people: LocalResource::new(move || {
                let client = session.client();
                async move {
                    match client {
                        Some(client) => client.people().await.unwrap_or_default(),
                        None => Vec::new(),
                    }
                }
            }),
            zone: StoredValue::new(zone),
            session,
        }
    }

    pub(super) fn meeting_types(
        self,
        department: RwSignal<Option<Uuid>>,
    ) -> LocalResource<Vec<MeetingType>> {
        let session = self.session;
        LocalResource::new(move || {
            let (client, department) = (session.client(), department.get());
            async move {
                match (client, department) {
                    (Some(client), Some(department)) => {
                        client.meeting_types(department).await.unwrap_or_default()
                    }
                    _ => Vec::new(),
                }
            }
        })
    }
}

/// Picks the first choice once the choices arrive, and again when the chosen one disappears.
pub(super) fn default_to_first(
    chosen: RwSignal<Option<Uuid>>,
    choices: impl Fn() -> Vec<Uuid> + 'static,
) {
    Effect::new(move |_| {
        let choices = choices();
        if chosen.get_untracked().is_none_or(|c| !choices.contains(&c)) {
            chosen.set(choices.into_iter().next());
        }
    });
}

/// The picked option of a `<select>` of ids; the empty choice is none.
pub(super) fn chosen_id(ev: &ev::Event) -> Option<Uuid> {
    event_target_value(ev).parse().ok()
}

/// The day's free times as buttons; the chosen one is pressed.
#[component]
pub(super) fn Times(
    times: LocalResource<Option<ApiResult<CommonAvailability>>>,
    start: RwSignal<Option<DateTime<Utc>>>,
) -> impl IntoView {
    view! {
        <fieldset class="times">
            <legend>"Time"</legend>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match times.await {
                        None => view! { <p class="meta">"Choose who and when first."</p> }.into_any(),
                        Some(Err(error)) => view! { <p class="notice error">{error.to_string()}</p> }.into_any(),
                        Some(Ok(found)) if found.slots.is_empty() => view! {
                            <p class="meta">"No free time on this day: try another."</p>
                        }.into_any(),
                        Some(Ok(found)) => view! {
                            <div class="slots">
                                {found.slots.into_iter().map(|slot| {
                                    let at = slot.start_utc;
                                    view! {
                                        <button type="button" class="slot" data-start-utc=zone::wire(at)
                                            aria-pressed=move || (start.get() == Some(at)).to_string()
                                            on:click=move |_| start.set(Some(at))>
                                            {format!("{} – {}", slot.start_local, slot.end_local)}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </fieldset>
    }
}

/// A form's choice to repeat the meeting, and the dates of the series to leave out (those the
/// server named as not fitting, once staff chose to book the rest).
#[derive(Clone, Copy)]
pub(super) struct Repeat {
    frequency: RwSignal<Option<Frequency>>,
    count: RwSignal<u16>,
    pub(super) skip: RwSignal<Vec<String>>,
}

impl Repeat {
    pub(super) fn new() -> Self {
        Self {
            frequency: RwSignal::new(None),
            count: RwSignal::new(4),
            skip: RwSignal::new(Vec::new()),
        }
    }

    /// The request's `recurrence`, when the meeting repeats.
    pub(super) fn request(self) -> Option<RecurrenceRequest> {
        self.frequency.get_untracked().map(|f| RecurrenceRequest {
            frequency: f.to_string(),
            count: i64::from(self.count.get_untracked()),
        })
    }

    /// The request's `skip_dates`.
    pub(super) fn skip_dates(self) -> Vec<String> {
        if self.frequency.get_untracked().is_some() {
            self.skip.get_untracked()
        } else {
            Vec::new()
        }
    }
}

/// "Repeat: every week, N meetings" on a staff form. A change forgets the dates left out.
#[component]
pub(super) fn RepeatFields(repeat: Repeat) -> impl IntoView {
    let Repeat {
        frequency,
        count,
        skip,
    } = repeat;
    let how_often = |f: Frequency| match f {
        Frequency::Weekly => "Every week",
        Frequency::Biweekly => "Every other week",
        Frequency::Monthly => "Every month (same weekday)",
    };
    view! {
        <fieldset class="repeat">
            <legend>"Repeat"</legend>
            <label for="repeat-frequency" class="visually-hidden">"How often"</label>
            <select id="repeat-frequency" on:change=move |e| {
                frequency.set(event_target_value(&e).parse().ok());
                skip.set(Vec::new());
            }>
                <option value="" selected=move || frequency.get().is_none()>"Does not repeat"</option>
                {[Frequency::Weekly, Frequency::Biweekly, Frequency::Monthly].into_iter().map(|f| view! {
                    <option value=f.to_string() selected=move || frequency.get() == Some(f)>{how_often(f)}</option>
                }).collect_view()}
            </select>
            <Show when=move || frequency.get().is_some()>
                <label for="repeat-count">"Meetings"</label>
                <input id="repeat-count" type="number" min="2" max=Recurrence::MAX_COUNT.to_string()
                    prop:value=move || count.get().to_string()
                    on:change=move |e| {
                        if let Ok(n) = event_target_value(&e).parse() {
                            count.set(n);
                        }
                        skip.set(Vec::new());
                    } />
            </Show>
        </fieldset>
    }
}

/// Sends a create and shows its outcome; a meeting created takes its time out of the times
/// offered.
pub(super) fn send(
    created: impl Future<Output = ApiResult<Booking>> + 'static,
    times: LocalResource<Option<ApiResult<CommonAvailability>>>,
    outcome: RwSignal<Option<ApiResult<Booking>>>,
    busy: RwSignal<bool>,
) {
    busy.set(true);
    spawn_local(async move {
        let created = created.await;
        match &created {
            Err(error) => on_unauthorized(error),
            Ok(_) => times.refetch(),
        }
        outcome.set(Some(created));
        busy.set(false);
    });
}

/// The outcome of a create: the meeting, with the way to it, or what was wrong.
///
/// A series refused for meetings that do not fit lists them, each with why, and offers to book
/// the others: the submit button it shows leaves those dates out.
#[component]
pub(super) fn Outcome(
    outcome: RwSignal<Option<ApiResult<Booking>>>,
    zone: String,
    repeat: Repeat,
) -> impl IntoView {
    move || {
        let zone = zone.clone();
        outcome.get().map(|result| match result {
            Err(error) if !error.series_misfits().is_empty() => {
                let misfits = error.series_misfits();
                let dates: Vec<String> = misfits.iter().map(|m| m.date.clone()).collect();
                view! {
                    <div class="notice error series-misfits" role="alert">
                        <p>{format!("{} of the series' meetings cannot be booked:", misfits.len())}</p>
                        <ul>
                            {misfits.into_iter().map(|m| {
                                let why: Vec<String> = m.conflicts.iter().map(|c| c.message.clone()).collect();
                                view! { <li data-date=m.date.clone()>{format!("{}: {}", zone::instant(m.start_utc, &zone, Style::LongDate), why.join("; "))}</li> }
                            }).collect_view()}
                        </ul>
                        <button type="submit" class="button skip-misfits" on:click=move |_| {
                            repeat.skip.update(|skip| skip.extend(dates.iter().cloned()));
                        }>"Book the others, without these dates"</button>
                    </div>
                }.into_any()
            }
            Ok(booking) => {
                let date = zone::date_of(booking.start_utc, &zone).map(|d| d.to_string()).unwrap_or_default();
                let href = format!("/admin/calendar?view=day&date={date}&member={}", booking.assigned_to);
                view! {
                    <div class="notice success" role="status">
                        {format!("{} booked for {} ({}).",
                            booking.title,
                            zone::instant(booking.start_utc, &zone, Style::LongDate) + " " + &zone::instant(booking.start_utc, &zone, Style::Time),
                            booking.booking_reference)}
                        " "<a href=href>"See it in the calendar"</a>
                    </div>
                }.into_any()
            }
            Err(error) => {
                let fields = error.fields();
                view! {
                    <div class="notice error" role="alert">
                        <p>{error.to_string()}</p>
                        {(!fields.is_empty()).then(|| view! {
                            <ul>{fields.into_iter().map(|(field, why)| view! { <li>{format!("{field}: {why}")}</li> }).collect_view()}</ul>
                        })}
                    </div>
                }.into_any()
            }
        })
    }
}
