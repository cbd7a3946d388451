//! `/admin/availability`: a person's working week (hours and breaks per weekday) and their
//! availability rule (buffers, daily and weekly caps, minimum notice, booking window, date
//! overrides). Everyone sees their own; System Managers and Department Leaders choose whom to
//! see and change it (`?user=`); members read theirs.

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::{
    availability::{
        AvailabilityRule, CreateAvailabilityRule, DateOverride, UpdateAvailabilityRule,
    },
    users::{Break, WorkingDay, WorkingHours},
};

use uuid::Uuid;

use super::{Said, Session, on_unauthorized};
use crate::{
    api::{ApiError, ApiResult},
    components::{Loading, Problem, set_title},
};

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
pub fn Availability() -> impl IntoView {
    set_title("Availability");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let me = session.me();
    let my_id = me.as_ref().map(|m| m.user.id).unwrap_or_default();
    let is_manager = me.as_ref().is_some_and(|m| m.user.is_system_manager);
    let leads = me.map(|m| m.leads_department_ids).unwrap_or_default();
    let chooses = is_manager || !leads.is_empty();
    let user = Memo::new(move |_| {
        query
            .read()
            .get("user")
            .and_then(|u| u.parse().ok())
            .unwrap_or(my_id)
    });
    let people = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) if chooses => client.people().await.unwrap_or_default(),
                _ => Vec::new(),
            }
        }
    });
    // System Managers change anyone's; leaders their members'. The server decides in the end.
    let editable =
        move || {
            let user = user.get();
            is_manager
                || people.get().unwrap_or_default().iter().any(|p| {
                    p.user_id == user && p.department_ids.iter().any(|d| leads.contains(d))
                })
        };
    let loaded = LocalResource::new(move || {
        let (client, user) = (session.client(), user.get());
        async move {
            let client = client.ok_or(ApiError::Network)?;
            let hours = client.working_hours(user).await;
            let rules = client.availability_rules(user).await;
            let both = hours.and_then(|h| rules.map(|r| (h, r)));
            if let Err(error) = &both {
                on_unauthorized(error);
            }
            both
        }
    });
    view! {
        <h1>"Availability"</h1>
        {chooses.then(|| view! {
            <label class="rc-filter"><span>"Person"</span>
                <select id="person" on:change=move |e| navigate(&format!("/admin/availability?user={}", event_target_value(&e)), Default::default())>
                    {move || people.get().unwrap_or_default().into_iter().map(|p| {
                        let id = p.user_id;
                        view! { <option value=id.to_string() selected=move || user.get() == id>{p.full_name}</option> }
                    }).collect_view()}
                </select>
            </label>
        })}
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let editable = editable.clone();
                Suspend::new(async move {
                match loaded.await {
                    Ok((hours, rules)) => {
                        let user = user.get_untracked();
                        let editable = editable();
                        let rule = rules.iter().find(|r| r.is_default).or(rules.first()).cloned();
                        view! {
                            {(!editable).then(|| view! { <p class="notice">"Your Department Leader or a System Manager changes these."</p> })}
                            <Week hours user=user editable />
                            <Rule rule user editable />
                        }.into_any()
                    }
                    Err(error) => view! { <Problem error /> }.into_any(),
                }
            })}}
        </Transition>
    }
}

#[component]
fn Week(hours: WorkingHours, user: Uuid, editable: bool) -> impl IntoView {
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

fn number(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn shown(value: Option<u32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[component]
fn Rule(rule: Option<AvailabilityRule>, user: Uuid, editable: bool) -> impl IntoView {
    let session = expect_context::<Session>();
    let rule_id = RwSignal::new(rule.as_ref().map(|r| r.id));
    let field = |value: String| RwSignal::new(value);
    let before = field(
        rule.as_ref()
            .map_or("0".to_owned(), |r| r.buffer_time_before.to_string()),
    );
    let after = field(
        rule.as_ref()
            .map_or("0".to_owned(), |r| r.buffer_time_after.to_string()),
    );
    let per_day = field(shown(rule.as_ref().and_then(|r| r.max_bookings_per_day)));
    let per_week = field(shown(rule.as_ref().and_then(|r| r.max_bookings_per_week)));
    let notice = field(
        rule.as_ref()
            .map_or("0".to_owned(), |r| r.min_notice_hours.to_string()),
    );
    let advance = field(shown(rule.as_ref().and_then(|r| r.max_days_advance)));
    let overrides = RwSignal::new(rule.map(|r| r.date_overrides).unwrap_or_default());
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let save = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let dates: Vec<DateOverride> = overrides
            .get_untracked()
            .into_iter()
            .map(|mut o| {
                if o.available {
                    o.custom_hours_start = o.custom_hours_start.filter(|t| !t.is_empty());
                    o.custom_hours_end = o.custom_hours_end.filter(|t| !t.is_empty());
                } else {
                    (o.custom_hours_start, o.custom_hours_end) = (None, None);
                }
                o.reason = o.reason.filter(|r| !r.trim().is_empty());
                o
            })
            .collect();
        let create = CreateAvailabilityRule {
            rule_name: "Default".to_owned(),
            is_default: true,
            buffer_time_before: number(&before.get_untracked()).unwrap_or(0),
            buffer_time_after: number(&after.get_untracked()).unwrap_or(0),
            max_bookings_per_day: number(&per_day.get_untracked()),
            max_bookings_per_week: number(&per_week.get_untracked()),
            min_notice_hours: number(&notice.get_untracked()).unwrap_or(0),
            max_days_advance: number(&advance.get_untracked()),
            date_overrides: dates,
        };
        busy.set(true);
        spawn_local(async move {
            let result = match rule_id.get_untracked() {
                Some(id) => {
                    let update = UpdateAvailabilityRule {
                        rule_name: None,
                        is_default: None,
                        buffer_time_before: Some(create.buffer_time_before),
                        buffer_time_after: Some(create.buffer_time_after),
                        max_bookings_per_day: Some(create.max_bookings_per_day),
                        max_bookings_per_week: Some(create.max_bookings_per_week),
                        min_notice_hours: Some(create.min_notice_hours),
                        max_days_advance: Some(create.max_days_advance),
                        date_overrides: Some(create.date_overrides),
                    };
                    client.update_rule(id, &update).await
                }
                None => client.create_rule(user, &create).await,
            };
            match result {
                Ok(saved) => {
                    rule_id.set(Some(saved.id));
                    overrides.set(saved.date_overrides);
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
    let number_field = move |id: &'static str,
                             label: &'static str,
                             hint: &'static str,
                             value: RwSignal<String>| {
        view! {
            <div class="field"><label for=id>{label}</label>
                <input id=id type="number" min="0" inputmode="numeric" placeholder=hint disabled=!editable
                    prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) /></div>
        }
    };
    view! {
        <form class="settings rule" on:submit=save>
            <h2>"Booking rules"</h2>
            <div class="field-grid">
                {number_field("buffer_before", "Buffer before (minutes)", "0", before)}
                {number_field("buffer_after", "Buffer after (minutes)", "0", after)}
                {number_field("max_per_day", "At most per day", "no limit", per_day)}
                {number_field("max_per_week", "At most per week", "no limit", per_week)}
                {number_field("min_notice", "Minimum notice (hours)", "0", notice)}
                {number_field("max_advance", "Bookable this many days ahead", "no limit", advance)}
            </div>
            <h3>"Date overrides"</h3>
            <p class="meta">"A day off, or other hours on one date: holidays, a short day."</p>
            <table class="table overrides">
                <thead><tr><th>"Date"</th><th>"Works"</th><th>"From"</th><th>"To"</th><th>"Reason"</th><th></th></tr></thead>
                <tbody>
                    {move || (0..overrides.with(Vec::len)).map(|i| {
                        let get = move |read: fn(&DateOverride) -> String| move || overrides.with(|all| all.get(i).map(read).unwrap_or_default());
                        let set = move |write: fn(&mut DateOverride, String)| move |e: ev::Event| { let v = event_target_value(&e); overrides.update(|all| if let Some(o) = all.get_mut(i) { write(o, v); }); };
                        view! {
                            <tr>
                                <td><input type="date" aria-label="Date" disabled=!editable prop:value=get(|o| o.date.clone()) on:change=set(|o, v| o.date = v) /></td>
                                <td><input type="checkbox" aria-label="Works that day" disabled=!editable
                                    prop:checked=move || overrides.with(|all| all.get(i).is_some_and(|o| o.available))
                                    on:change=move |_| overrides.update(|all| if let Some(o) = all.get_mut(i) { o.available = !o.available; }) /></td>
                                <td><input type="time" aria-label="From" disabled=move || !editable || !overrides.with(|all| all.get(i).is_some_and(|o| o.available))
                                    prop:value=get(|o| o.custom_hours_start.clone().unwrap_or_default()) on:change=set(|o, v| o.custom_hours_start = Some(v)) /></td>
                                <td><input type="time" aria-label="To" disabled=move || !editable || !overrides.with(|all| all.get(i).is_some_and(|o| o.available))
                                    prop:value=get(|o| o.custom_hours_end.clone().unwrap_or_default()) on:change=set(|o, v| o.custom_hours_end = Some(v)) /></td>
                                <td><input type="text" aria-label="Reason" disabled=!editable prop:value=get(|o| o.reason.clone().unwrap_or_default()) on:change=set(|o, v| o.reason = Some(v)) /></td>
                                <td>{editable.then(|| view! { <button type="button" class="link" on:click=move |_| overrides.update(|all| { if i < all.len() { all.remove(i); } })>"Remove"</button> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {editable.then(|| view! {
                <p><button type="button" class="button" on:click=move |_| overrides.update(|all| all.push(DateOverride {
                    date: String::new(), available: false, custom_hours_start: None, custom_hours_end: None, reason: None,
                }))>"Add a date"</button></p>
            })}
            <Said outcome />
            {editable.then(|| view! { <button type="submit" class="button primary" disabled=move || busy.get()>"Save booking rules"</button> })}
        </form>
    }
}
