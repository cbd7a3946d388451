//! Step 6: the booking as the customer sees it: what, when in both time zones, the invite and the
//! self-service links. Never the host: the email names them.

use leptos::prelude::*;
use mm_api_types::{BookingStatus, bookings::PublicBooking};

use super::{duration_label, location_label, param, self_service::SeriesMeetings};
use crate::{
    api,
    components::{Loading, Steps, set_title},
    storage,
    wizard::{Frame, VisitorZone},
    zone::{self, Style},
};

#[component]
pub fn Confirmation() -> impl IntoView {
    let reference = param("reference");
    // The page was reached from the form, which kept the booking for it; its status is read
    // afresh, since an approval or a cancellation may have happened since.
    let booking = LocalResource::new(move || {
        let kept = storage::load::<PublicBooking>(&storage::booking_key(&reference()));
        async move {
            let kept = kept?;
            // The cancel link shows everything (the reschedule link does not lead to the cancel
            // link), while it lives; a used one dies, and the reschedule link tells the rest.
            let mut fresh = None;
            for link in [&kept.cancel_url, &kept.reschedule_url] {
                if let Some(token) = link.as_deref().and_then(api::token_of)
                    && let Ok(booking) = api::booking(token).await
                {
                    fresh = Some(booking);
                    break;
                }
            }
            Some(fresh.unwrap_or(kept))
        }
    });
    view! {
        <Steps current=6 />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match booking.await {
                    Some(booking) => view! { <BookingConfirmed booking=booking /> }.into_any(),
                    None => {
                        set_title("Booking");
                        view! {
                            <section>
                                <h1>"Check your email"</h1>
                                <p>"This confirmation is not stored in this browser. The email we sent when you booked has every detail, and links to change or cancel your meeting."</p>
                                <p><a class="button" href="/book">"Book a meeting"</a></p>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// When the meeting is, in a zone: `Monday, March 29, 2027 · 3:00 AM – 4:00 AM`.
pub fn when_in(booking: &PublicBooking, zone: &str) -> String {
    format!(
        "{} · {} – {}",
        zone::instant(booking.start_utc, zone, Style::LongDate),
        zone::instant(booking.start_utc, zone, Style::Time),
        zone::instant(booking.end_utc, zone, Style::Time),
    )
}

#[component]
fn BookingConfirmed(booking: PublicBooking) -> impl IntoView {
    let frame = expect_context::<Frame>();
    let visitor = expect_context::<VisitorZone>().get_untracked();
    let customer_zone = if zone::is_known(&booking.customer_timezone) {
        booking.customer_timezone.clone()
    } else {
        visitor
    };
    let pending = booking.status == BookingStatus::Pending;
    let cancelled = booking.status == BookingStatus::Cancelled;
    set_title(if pending {
        "Request received"
    } else {
        "Booking confirmed"
    });
    let heading = if cancelled {
        "This meeting is cancelled"
    } else if pending {
        "Request received"
    } else if booking.series_meetings.len() > 1 {
        "Your meetings are booked"
    } else {
        "You're booked"
    };
    let department_zone = booking.department_timezone.clone();
    let both_zones = department_zone != customer_zone;
    // Inside another site's iframe, the self-service pages open in a tab of their own.
    let target = (frame == Frame::Embed).then_some("_blank");
    view! {
        <section class="confirmation" data-status=booking.status.as_str()>
            <h1><span class="check" aria-hidden="true">{if cancelled { "✕" } else { "✓" }}</span>" "{heading}</h1>
            {pending.then(|| view! {
                <p class="notice">"The team reviews this request and confirms it by email. The time is held for you meanwhile."</p>
            })}
            <dl class="facts">
                <dt>"Meeting"</dt>
                <dd>{booking.meeting_name.clone()}" · "{duration_label(booking.duration)}" · "{location_label(booking.location_type)}</dd>
                <dt>"With"</dt>
                <dd>{booking.department_name.clone()}</dd>
                <dt>"When"</dt>
                <dd class="when-visitor">{when_in(&booking, &customer_zone)}<br/><span class="meta">{zone::label(&customer_zone)}</span></dd>
                {both_zones.then(|| view! {
                    <dt>"Our time"</dt>
                    <dd class="when-department">{when_in(&booking, &department_zone)}<br/><span class="meta">{zone::label(&department_zone)}</span></dd>
                })}
                <dt>"Reference"</dt>
                <dd class="reference">{booking.booking_reference.clone()}</dd>
            </dl>
            <SeriesMeetings booking=booking.clone() />
            {(!cancelled).then(|| view! {
                <p class="email-note">"Check your email for the meeting details and the name of your host."</p>
                <div class="add-to-calendar" role="group" aria-labelledby="add-to-calendar">
                    <h2 id="add-to-calendar">"Add to your calendar"</h2>
                    <a class="button" href=booking.add_to_calendar.google.clone() target="_blank" rel="noopener">"Google Calendar"</a>
                    <a class="button" href=booking.add_to_calendar.outlook_com.clone() target="_blank" rel="noopener">"Outlook.com"</a>
                    <a class="button" href=booking.add_to_calendar.office_365.clone() target="_blank" rel="noopener">"Microsoft 365"</a>
                    <a class="button" href=booking.ics_url.clone() download=format!("{}.ics", booking.booking_reference)>"Apple & others (.ics)"</a>
                </div>
                <div class="actions">
                    {booking.reschedule_url.clone().map(|url| view! { <a class="button secondary" href=url rel="external" target=target>"Reschedule"</a> })}
                    {booking.cancel_url.clone().map(|url| view! { <a class="button secondary danger" href=url rel="external" target=target>"Cancel"</a> })}
                </div>
            })}
            {(frame == Frame::Site).then(|| view! { <p><a class="link" href="/book">"Book another meeting"</a></p> })}
        </section>
    }
}
