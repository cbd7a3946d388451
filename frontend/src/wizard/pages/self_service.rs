//! The pages behind the links in the customer's emails: cancel with a reason, and reschedule
//! through the same date and time steps as booking. A link names its booking by an unguessable
//! token; a used, expired or unknown one gets a plain explanation.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::{
    BookingStatus, ErrorCode,
    bookings::{PublicBooking, PublicCancel, PublicReschedule},
};
use mm_domain::recurrence::SeriesScope;

use super::{
    confirmation::when_in,
    param,
    steps::{DatePicker, TimePicker},
};
use crate::{
    api::{self, ApiError},
    components::{Loading, Problem, month_key, set_title},
    storage,
    wizard::VisitorZone,
    zone::{self, Style},
};

/// What a dead link says instead of "not found".
#[component]
fn LinkGone(error: ApiError) -> impl IntoView {
    if error.is_not_found() {
        set_title("Link no longer works");
        view! {
            <section>
                <h1>"This link no longer works"</h1>
                <p>"It may have been used already, or the meeting is over. Your latest email about the meeting has the links that still work."</p>
                <p><a class="button" href="/book">"Book a meeting"</a></p>
            </section>
        }
        .into_any()
    } else {
        view! { <Problem error=error /> }.into_any()
    }
}

fn booking_by_link(
    token: impl Fn() -> String + 'static,
) -> LocalResource<Result<PublicBooking, ApiError>> {
    LocalResource::new(move || {
        let token = token();
        async move { api::booking(&token).await }
    })
}

fn customer_zone(booking: &PublicBooking) -> String {
    if zone::is_known(&booking.customer_timezone) {
        booking.customer_timezone.clone()
    } else {
        expect_context::<VisitorZone>().get_untracked()
    }
}

/// The meeting a link is about, in the customer's zone.
#[component]
fn BookingFacts(booking: PublicBooking) -> impl IntoView {
    let zone = customer_zone(&booking);
    // Every link of a booking leads to its current time: an older email's link says it moved.
    let moved = booking.moved_utc.map(|at| {
        format!(
            "This meeting was moved on {}. The time below is its time now.",
            zone::instant(at, &zone, Style::LongDate)
        )
    });
    view! {
        {moved.map(|text| view! { <p class="notice moved" role="status">{text}</p> })}
        <dl class="facts">
            <dt>"Meeting"</dt>
            <dd>{booking.meeting_name.clone()}" with "{booking.department_name.clone()}</dd>
            <dt>"When"</dt>
            <dd class="when-visitor">{when_in(&booking, &zone)}<br/><span class="meta">{zone::label(&zone)}</span></dd>
            <dt>"Reference"</dt>
            <dd class="reference">{booking.booking_reference.clone()}</dd>
        </dl>
    }
}

/// The meetings of a series that still take place, in the customer's zone.
#[component]
pub(super) fn SeriesMeetings(booking: PublicBooking) -> impl IntoView {
    let zone = customer_zone(&booking);
    let meetings = booking.series_meetings.clone();
    (!meetings.is_empty()).then(|| {
        view! {
            <h2 class="section">"Your meetings"</h2>
            <ol class="series-meetings">
                {meetings.into_iter().map(|m| view! {
                    <li data-index=m.series_index.to_string()>
                        {format!("{}, {}", zone::instant(m.start_utc, &zone, Style::LongDate), zone::instant(m.start_utc, &zone, Style::Time))}
                    </li>
                }).collect_view()}
            </ol>
        }
    })
}

/// Which meetings of a series to cancel or move (`verb`): one picked from those still held, it
/// and the later ones, or all. The link's own meeting (the next one) is picked at first. A move
/// takes the picked meeting to the new time, and the others by as many days to the same time.
#[component]
fn SeriesChoice(
    booking: PublicBooking,
    index: RwSignal<Option<u32>>,
    scope: RwSignal<SeriesScope>,
    verb: &'static str,
) -> impl IntoView {
    let moving = verb == "move";
    let zone = customer_zone(&booking);
    let own = booking
        .series_meetings
        .iter()
        .find(|m| m.start_utc == booking.start_utc)
        .map(|m| m.series_index);
    index.set(own);
    let options: Vec<(u32, String)> = booking
        .series_meetings
        .iter()
        .map(|m| {
            let label = format!(
                "{}, {}",
                zone::instant(m.start_utc, &zone, Style::LongDate),
                zone::instant(m.start_utc, &zone, Style::Time)
            );
            (m.series_index, label)
        })
        .collect();
    let choice = move |value: SeriesScope, label: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="scope" value=value.to_string()
                    prop:checked=move || scope.get() == value
                    on:change=move |_| scope.set(value) />
                " "{label}
            </label>
        }
    };
    view! {
        <fieldset class="series-choice">
            <legend>{format!("This meeting is part of a series. Which meetings do you want to {verb}?")}</legend>
            {choice(SeriesScope::This, "Only the meeting chosen below")}
            {choice(SeriesScope::Following, "The meeting chosen below and all later ones")}
            {choice(SeriesScope::Series, "Every meeting of the series")}
            {moving.then(|| view! { <p class="hint">"The meeting chosen below goes to the new time; the others move by as many days, to the same time of day."</p> })}
            <Show when=move || moving || scope.get() != SeriesScope::Series>
                <div class="field">
                    <label for="series-meeting">"Meeting"</label>
                    <select id="series-meeting" on:change=move |ev| index.set(event_target_value(&ev).parse().ok())>
                        {options.iter().cloned().map(|(value, label)| view! {
                            <option value=value.to_string() selected=move || index.get_untracked() == Some(value)>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
            </Show>
        </fieldset>
    }
}

#[component]
pub fn SelfServiceCancel() -> impl IntoView {
    set_title("Cancel your meeting");
    let token = param("token");
    let booking = booking_by_link(token);
    let cancelled = RwSignal::new(None::<(PublicBooking, SeriesScope)>);
    let reason = RwSignal::new(String::new());
    let series_index = RwSignal::new(None::<u32>);
    let scope = RwSignal::new(SeriesScope::This);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let submit = move |in_series: bool| {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            let scope = if in_series {
                scope.get_untracked()
            } else {
                SeriesScope::This
            };
            let request = PublicCancel {
                reason: Some(reason.get_untracked().trim().to_owned()).filter(|r| !r.is_empty()),
                series_index: series_index
                    .get_untracked()
                    .filter(|_| in_series && scope != SeriesScope::Series),
                scope: in_series.then(|| scope.to_string()),
            };
            spawn_local(async move {
                match api::cancel(&token(), &request).await {
                    Ok(booking) => cancelled.set(Some((booking, scope))),
                    Err(error) => failure.set(Some(error.to_string())),
                }
                busy.set(false);
            });
        }
    };
    view! {
        {move || match cancelled.get() {
            Some((booking, scope)) => {
                set_title("Meeting cancelled");
                let again = format!("/book/{}/{}", booking.department_slug, booking.meeting_slug);
                let heading = match scope {
                    SeriesScope::This => "Your meeting is cancelled",
                    SeriesScope::Following | SeriesScope::Series => "Your meetings are cancelled",
                };
                view! {
                    <section class="confirmation" data-status="cancelled">
                        <h1>{heading}</h1>
                        <p>"We've let the team know, and you'll get an email confirming the cancellation."</p>
                        <BookingFacts booking=booking.clone() />
                        <SeriesMeetings booking=booking />
                        <p><a class="button primary" href=again>"Book another time"</a></p>
                    </section>
                }.into_any()
            }
            None => view! {
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match booking.await {
                            Ok(booking) if booking.cancel_url.is_none() => view! {
                                <section>
                                    <h1>{if booking.status == BookingStatus::Cancelled { "This meeting is already cancelled" } else { "This meeting can no longer be cancelled online" }}</h1>
                                    <BookingFacts booking=booking />
                                </section>
                            }.into_any(),
                            Ok(booking) => {
                                let in_series = booking.series_meetings.len() > 1;
                                view! {
                                <section>
                                    <h1>{if in_series { "Cancel your meetings?" } else { "Cancel your meeting?" }}</h1>
                                    <BookingFacts booking=booking.clone() />
                                    <form class="details" on:submit=submit(in_series)>
                                        {in_series.then(|| view! { <SeriesChoice booking=booking.clone() index=series_index scope=scope verb="cancel" /> })}
                                        <div class="field">
                                            <label for="reason">"Reason (optional)"</label>
                                            <p class="hint">"It helps the team, and they see it in their email."</p>
                                            <textarea id="reason" rows="3" prop:value=move || reason.get()
                                                on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                                        </div>
                                        {move || failure.get().map(|f| view! { <div class="notice error" role="alert">{f}</div> })}
                                        <div class="actions">
                                            <button type="submit" class="button primary danger" disabled=move || busy.get()>
                                                {move || match (busy.get(), scope.get()) {
                                                    (true, _) => "Cancelling…",
                                                    (false, SeriesScope::This) => "Cancel meeting",
                                                    (false, _) => "Cancel meetings",
                                                }}
                                            </button>
                                            {booking.reschedule_url.clone().map(|url| view! { <a class="button secondary" href=url>"Reschedule instead"</a> })}
                                        </div>
                                    </form>
                                </section>
                            }.into_any()
                            }
                            Err(error) => view! { <LinkGone error=error /> }.into_any(),
                        }
                    })}
                </Transition>
            }.into_any(),
        }}
    }
}

/// Rescheduling, step one: the same calendar as booking.
#[component]
pub fn RescheduleDate() -> impl IntoView {
    set_title("Reschedule your meeting");
    let token = param("token");
    let booking = booking_by_link(token);
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match booking.await {
                    Ok(booking) if booking.reschedule_url.is_none() => {
                        let used_up = booking.reschedules_left == 0
                            && matches!(booking.status.as_str(), "confirmed" | "pending");
                        let department = booking.department_name.clone();
                        view! {
                            <section>
                                <h1>"This meeting can no longer be moved"</h1>
                                {used_up.then(|| view! {
                                    <p class="notice">{format!("You have moved it as often as its link allows. To move it again, please contact {department}.")}</p>
                                })}
                                <BookingFacts booking=booking />
                            </section>
                        }.into_any()
                    }
                    Ok(booking) => {
                        let (department, meeting) = (booking.department_slug.clone(), booking.meeting_slug.clone());
                        view! {
                            <h1>"Reschedule your meeting"</h1>
                            <BookingFacts booking=booking />
                            <h2 class="section">"Choose a new date"</h2>
                            <DatePicker department=Signal::stored(department) meeting=Signal::stored(meeting)
                                day_href=Callback::new(move |day: NaiveDate| format!("/book/reschedule/{}/{day}", token()))
                                month_href=Callback::new(move |month: NaiveDate| format!("/book/reschedule/{}?month={}", token(), month_key(month)))
                            />
                        }.into_any()
                    }
                    Err(error) => view! { <LinkGone error=error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Rescheduling, step two: the day's times; choosing one asks for a last confirmation.
#[component]
pub fn RescheduleTime() -> impl IntoView {
    set_title("Reschedule your meeting");
    let (token, date) = (param("token"), param("date"));
    let booking = booking_by_link(token);
    let query = use_query_map();
    // Only an instant counts as a chosen time; anything else in the address is ignored.
    let chosen = Memo::new(move |_| {
        query
            .read()
            .get("start")
            .filter(|s| s.parse::<DateTime<Utc>>().is_ok())
    });
    let moved = RwSignal::new(None::<(PublicBooking, SeriesScope)>);
    let busy = RwSignal::new(false);
    // For a series: which meetings move.
    let series_index = RwSignal::new(None::<u32>);
    let scope = RwSignal::new(SeriesScope::This);
    let in_series = RwSignal::new(false);
    let navigate = use_navigate();
    let here = move || format!("/book/reschedule/{}/{}", token(), date());
    let confirm = move |start_utc: String| {
        busy.set(true);
        let navigate = navigate.clone();
        let series = in_series.get_untracked();
        let scope = if series {
            scope.get_untracked()
        } else {
            SeriesScope::This
        };
        let request = PublicReschedule {
            start_utc,
            series_index: series_index.get_untracked().filter(|_| series),
            scope: series.then(|| scope.to_string()),
        };
        spawn_local(async move {
            match api::reschedule(&token(), &request).await {
                Ok(booking) => moved.set(Some((booking, scope))),
                Err(error) => {
                    let misfits = error.series_misfits();
                    let text = if !misfits.is_empty() {
                        let dates: Vec<String> = misfits.iter().map(|m| m.date.clone()).collect();
                        format!(
                            "These meetings of your series cannot move with it: {}. Please choose another time, or move fewer meetings.",
                            dates.join(", ")
                        )
                    } else if error.code() == Some(ErrorCode::SlotUnavailable) {
                        "Sorry, someone booked that time a moment ago. Please choose another time."
                            .to_owned()
                    } else {
                        error.to_string()
                    };
                    storage::save(storage::NOTICE, &text);
                    navigate(&here(), Default::default());
                }
            }
            busy.set(false);
        });
    };
    let calendar_href = Signal::derive(move || {
        let month = date()
            .parse::<NaiveDate>()
            .map(month_key)
            .unwrap_or_default();
        format!("/book/reschedule/{}?month={month}", token())
    });
    view! {
        {move || {
            let confirm = confirm.clone();
            match moved.get() {
            Some((booking, scope)) => {
                set_title("Meeting moved");
                view! {
                    <section class="confirmation" data-status=booking.status.as_str()>
                        <h1>{if scope == SeriesScope::This { "Your meeting is moved" } else { "Your meetings are moved" }}</h1>
                        <p>"We've sent you an updated invitation by email."</p>
                        <BookingFacts booking=booking.clone() />
                        <SeriesMeetings booking=booking.clone() />
                        <div class="actions">
                            <a class="button primary" href=booking.ics_url.clone()>"Add to calendar"</a>
                        </div>
                    </section>
                }.into_any()
            }
            None => view! {
                <Transition fallback=|| view! { <Loading /> }>
                    {move || {
                        let confirm = confirm.clone();
                        Suspend::new(async move {
                        match (booking.await, date().parse::<NaiveDate>()) {
                            (Ok(booking), Ok(day)) => {
                                let (department, meeting) = (booking.department_slug.clone(), booking.meeting_slug.clone());
                                let zone = customer_zone(&booking);
                                let series = booking.series_meetings.len() > 1;
                                in_series.set(series);
                                view! {
                                    <h1>"Reschedule your meeting"</h1>
                                    <BookingFacts booking=booking.clone() />
                                    {series.then(|| view! { <SeriesChoice booking=booking.clone() index=series_index scope=scope verb="move" /> })}
                                    <h2 class="section">{format!("New time on {}", zone::day(day, Style::LongDate))}</h2>
                                    {move || chosen.get().map(|start| {
                                        let confirm = confirm.clone();
                                        let at = start.parse::<DateTime<Utc>>().unwrap_or_default();
                                        let text = format!("{}, {}", zone::instant(at, &zone, Style::LongDate), zone::instant(at, &zone, Style::Time));
                                        view! {
                                            <div class="notice confirm-move">
                                                <p>{move || if scope.get() == SeriesScope::This { "Move your meeting to " } else { "Move your meetings from " }}<strong>{text}</strong>"?"</p>
                                                <button type="button" class="button primary" disabled=move || busy.get()
                                                    on:click=move |_| confirm(start.clone())>
                                                    {move || match (busy.get(), scope.get()) {
                                                        (true, _) => "Moving…",
                                                        (false, SeriesScope::This) => "Move my meeting",
                                                        (false, _) => "Move my meetings",
                                                    }}
                                                </button>
                                            </div>
                                        }
                                    })}
                                    <TimePicker department=Signal::stored(department) meeting=Signal::stored(meeting) date=Signal::derive(date)
                                        calendar_href=calendar_href
                                        slot_href=Callback::new(move |(slot, _): (mm_api_types::public::PublicSlot, Vec<_>)| format!("{}?start={}", here(), zone::wire(slot.start_utc))) />
                                }.into_any()
                            }
                            (Err(error), _) => view! { <LinkGone error=error /> }.into_any(),
                            (Ok(_), Err(_)) => view! { <crate::components::NotFound what="date" /> }.into_any(),
                        }
                    })}}
                </Transition>
            }.into_any(),
        }}}
    }
}
