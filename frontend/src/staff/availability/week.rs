//! A person's working week: hours and breaks per weekday.

use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::users::{Break, WorkingDay, WorkingHours};

use uuid::Uuid;

use super::super::{Said, Session, on_unauthorized};
use crate::api::{ApiError, ApiResult};

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn day_mut(week: &mut WorkingHours, index: usize) -> &mut WorkingDay {
    match index {
        0 => &mut week.monday,
        1 => &mut week.tuesday,
        2 => &mut week.wednesday,
        3 => &mut week.thursday,
        4 => &mut week.friday,
        5 => &mut week.saturday,
        _ => &mut week.sunday,
    }
}

fn day(week: &WorkingHours, index: usize) -> &WorkingDay {
    match index {
        0 => &week.monday,
        1 => &week.tuesday,
        2 => &week.wednesday,
        3 => &week.thursday,
        4 => &week.friday,
        5 => &week.saturday,
        _ => &week.sunday,
    }
}

#[component]
pub(super) fn Week(hours: WorkingHours, user: Uuid, editable: bool) -> impl IntoView {
    let session = expect_context::<Session>();
    let week = RwSignal::new(hours);
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let save = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let mut sent = week.get_untracked();
        for index in 0..7 {
            let day = day_mut(&mut sent, index);
            if !day.enabled {
                *day = WorkingDay::default();
            }
        }
        busy.set(true);
        spawn_local(async move {
            let result: ApiResult<WorkingHours> = client.set_working_hours(user, &sent).await;
            match result {
                Ok(saved) => {
                    week.set(saved);
                    outcome.set(Some(Ok("Saved.".to_owned())));
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
        });
    };
    let time_field = move |index: usize,
                           label: String,
                           read: fn(&WorkingDay) -> Option<String>,
                           write: fn(&mut WorkingDay, String)| {
        view! {
            <input type="time" aria-label=label disabled=move || !editable || !week.with(|w| day(w, index).enabled)
                prop:value=move || week.with(|w| read(day(w, index)).unwrap_or_default())
                on:change=move |e| { let v = event_target_value(&e); week.update(|w| write(day_mut(w, index), v)); } />
        }
    };
    view! {
        <form class="settings week" on:submit=save>
            <h2>"Working hours"</h2>
            <p class="meta">"In the time zone of the person's department."</p>
            <table class="table">
                <thead><tr><th>"Day"</th><th>"From"</th><th>"To"</th><th>"Breaks"</th></tr></thead>
                <tbody>
                    {(0..7).map(|index| {
                        let name = WEEKDAYS[index];
                        view! {
                            <tr>
                                <td><label class="check"><input type="checkbox" disabled=!editable
                                    prop:checked=move || week.with(|w| day(w, index).enabled)
                                    on:change=move |_| week.update(|w| {
                                        let d = day_mut(w, index);
                                        d.enabled = !d.enabled;
                                        if d.enabled && d.start.is_none() {
                                            d.start = Some("09:00".to_owned());
                                            d.end = Some("17:00".to_owned());
                                        }
                                    }) />{name}</label></td>
                                <td>{time_field(index, format!("{name} from"), |d| d.start.clone(), |d, v| d.start = Some(v))}</td>
                                <td>{time_field(index, format!("{name} to"), |d| d.end.clone(), |d, v| d.end = Some(v))}</td>
                                <td>
                                    {move || (0..week.with(|w| day(w, index).breaks.len())).map(|b| view! {
                                        <span class="break">
                                            <input type="time" aria-label=format!("{name} break {} from", b + 1) disabled=!editable
                                                prop:value=move || week.with(|w| day(w, index).breaks.get(b).map(|x| x.start.clone()).unwrap_or_default())
                                                on:change=move |e| { let v = event_target_value(&e); week.update(|w| if let Some(x) = day_mut(w, index).breaks.get_mut(b) { x.start = v; }); } />
                                            "–"
                                            <input type="time" aria-label=format!("{name} break {} to", b + 1) disabled=!editable
                                                prop:value=move || week.with(|w| day(w, index).breaks.get(b).map(|x| x.end.clone()).unwrap_or_default())
                                                on:change=move |e| { let v = event_target_value(&e); week.update(|w| if let Some(x) = day_mut(w, index).breaks.get_mut(b) { x.end = v; }); } />
                                            {editable.then(|| view! { <button type="button" class="link" aria-label=format!("Remove {name} break {}", b + 1)
                                                on:click=move |_| week.update(|w| { let breaks = &mut day_mut(w, index).breaks; if b < breaks.len() { breaks.remove(b); } })>"Remove"</button> })}
                                        </span>
                                    }).collect_view()}
                                    {editable.then(|| view! { <button type="button" class="link" disabled=move || !week.with(|w| day(w, index).enabled)
                                        on:click=move |_| week.update(|w| day_mut(w, index).breaks.push(Break { start: "12:00".to_owned(), end: "12:30".to_owned() }))>"Add break"</button> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Said outcome />
            {editable.then(|| view! { <button type="submit" class="button primary" disabled=move || busy.get()>"Save working hours"</button> })}
        </form>
    }
}
