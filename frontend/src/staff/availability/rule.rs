//! A person's availability rule: buffers, caps, notice, booking window and date overrides.

use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::availability::{
    AvailabilityRule, CreateAvailabilityRule, DateOverride, UpdateAvailabilityRule,
};

use uuid::Uuid;

use super::super::{Said, Session, on_unauthorized};
use crate::api::ApiError;

fn number(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn shown(value: Option<u32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[component]
pub(super) fn Rule(rule: Option<AvailabilityRule>, user: Uuid, editable: bool) -> impl IntoView {
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
