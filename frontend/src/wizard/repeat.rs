//! A customer's choice to repeat their meeting ("every week, 4 meetings"), made on the time step
//! of a meeting type that takes series. It lives in the address (`?frequency=weekly&count=4`)
//! from the time step to the booking, so a reload, the back button or a shared link keeps it;
//! the domain's own rule reads it, and the server has the last word on the limit.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::bookings::RecurrenceRequest;
use mm_domain::recurrence::{Frequency, Recurrence};

/// The repeat the address asks for, if it is a series at all.
pub fn from_address() -> Memo<Option<Recurrence>> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let frequency = query.get("frequency")?.parse::<Frequency>().ok()?;
        let count = query.get("count")?.parse::<i64>().ok()?;
        Recurrence::new(frequency, count, Recurrence::MAX_COUNT).ok()
    })
}

/// The address's query for a repeat: empty for a single meeting.
pub fn query(repeat: Option<Recurrence>) -> String {
    repeat.map_or_else(String::new, |r| {
        format!("?frequency={}&count={}", r.frequency(), r.count())
    })
}

/// The request's form of a repeat.
pub fn request(repeat: Recurrence) -> RecurrenceRequest {
    RecurrenceRequest {
        frequency: repeat.frequency().to_string(),
        count: i64::from(repeat.count()),
    }
}

fn how_often(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Weekly => "Every week",
        Frequency::Biweekly => "Every other week",
        Frequency::Monthly => "Every month (same weekday)",
    }
}

/// "Every week, 4 meetings".
pub fn label(repeat: Recurrence) -> String {
    format!(
        "{}, {} meetings",
        how_often(repeat.frequency()),
        repeat.count()
    )
}

/// "Repeat: every week × N" on the time step, for a meeting type that takes series of up to
/// `max` meetings. A change leads to `href` of the new choice, whose times are those at which
/// one member is free for every meeting.
#[component]
pub fn RepeatChoice(
    max: u32,
    current: Memo<Option<Recurrence>>,
    href: Callback<Option<Recurrence>, String>,
) -> impl IntoView {
    let navigate = use_navigate();
    let max = u16::try_from(max)
        .unwrap_or(Recurrence::MAX_COUNT)
        .min(Recurrence::MAX_COUNT);
    let go = move |frequency: Option<Frequency>, count: u16| {
        let repeat = frequency.and_then(|f| Recurrence::new(f, i64::from(count), max).ok());
        navigate(&href.run(repeat), Default::default());
    };
    let count_now = move || current.get().map_or(max.min(4), |r| r.count());
    let frequency_now = move || current.get().map(|r| r.frequency());
    let pick_frequency = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let frequency = event_target_value(&ev).parse::<Frequency>().ok();
            go(frequency, count_now());
        }
    };
    let pick_count = move |ev: leptos::ev::Event| {
        let count = event_target_value(&ev).parse::<u16>().unwrap_or(2);
        go(frequency_now(), count);
    };
    view! {
        <fieldset class="repeat">
            <legend>"Repeat"</legend>
            <label for="repeat-frequency" class="visually-hidden">"How often"</label>
            <select id="repeat-frequency" on:change=pick_frequency>
                <option value="" selected=move || frequency_now().is_none()>"Does not repeat"</option>
                {[Frequency::Weekly, Frequency::Biweekly, Frequency::Monthly].into_iter().map(|f| view! {
                    <option value=f.to_string() selected=move || frequency_now() == Some(f)>{how_often(f)}</option>
                }).collect_view()}
            </select>
            <Show when=move || frequency_now().is_some()>
                <label for="repeat-count">"Meetings"</label>
                <select id="repeat-count" on:change=pick_count.clone()>
                    {(2..=max).map(|n| view! {
                        <option value=n.to_string() selected=move || count_now() == n>{n.to_string()}</option>
                    }).collect_view()}
                </select>
            </Show>
            <p class="hint">{move || match current.get() {
                Some(_) => "The times below are free for every meeting, all with the same person.",
                None => "Book a series of meetings at the same time, all with the same person.",
            }}</p>
        </fieldset>
    }
}
