//! `/admin/meetings/new`: staff create meetings at times the people are free. A customer meeting
//! for a chosen member (System Managers and leaders choose anyone in the department; a member
//! books for themself), or an internal meeting of several staff at a time they all have free.
//! The times offered come from the server's common availability; the server checks again when
//! the meeting is created, so a time taken meanwhile is refused with the reason.

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;
use mm_api_types::{
    bookings::{Booking, InternalMeetingRequest, StaffBookingRequest},
    calendar::{CalendarResource, CommonAvailability},
    departments::Department,
    meeting_types::MeetingType,
};

use super::{Session, on_unauthorized};
use crate::{
    api::{ApiError, ApiResult},
    components::{Loading, set_title},
    zone::{self, Style},
};

fn text_or_none(value: String) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

#[component]
pub fn NewMeeting() -> impl IntoView {
    set_title("New meeting");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let plans = session
        .me()
        .is_some_and(|me| me.user.is_system_manager || !me.leads_department_ids.is_empty());
    let internal = move || plans && query.read().get("kind").as_deref() == Some("internal");
    view! {
        <h1>"New meeting"</h1>
        <nav class="tabs" aria-label="Kind of meeting">
            <a href="/admin/meetings/new" class:active=move || !internal() aria-current=move || (!internal()).then_some("page")>"With a customer"</a>
            {plans.then(|| view! {
                <a href="/admin/meetings/new?kind=internal" class:active=internal aria-current=move || internal().then_some("page")>"Internal"</a>
            })}
        </nav>
        {move || if internal() { view! { <InternalForm /> }.into_any() } else { view! { <CustomerForm /> }.into_any() }}
    }
}

/// What every form loads: departments, the people the signed-in person may see, and the zone
/// times are shown in.
#[derive(Clone, Copy)]
struct Basics {
    departments: LocalResource<Vec<Department>>,
    people: LocalResource<Vec<CalendarResource>>,
    zone: StoredValue<String>,
    session: Session,
}

impl Basics {
    fn load() -> Self {
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

    fn meeting_types(self, department: RwSignal<String>) -> LocalResource<Vec<MeetingType>> {
        let session = self.session;
        LocalResource::new(move || {
            let (client, department) = (session.client(), department.get());
            async move {
                match client {
                    Some(client) if !department.is_empty() => {
                        client.meeting_types(&department).await.unwrap_or_default()
                    }
                    _ => Vec::new(),
                }
            }
        })
    }
}

/// Picks the first choice once the choices arrive, and again when the chosen one disappears.
fn default_to_first(chosen: RwSignal<String>, choices: impl Fn() -> Vec<String> + 'static) {
    Effect::new(move |_| {
        let choices = choices();
        if !choices.contains(&chosen.get_untracked()) {
            chosen.set(choices.into_iter().next().unwrap_or_default());
        }
    });
}

/// The day's free times as buttons; the chosen one is pressed.
#[component]
fn Times(
    times: LocalResource<Option<ApiResult<CommonAvailability>>>,
    start: RwSignal<Option<String>>,
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
                                    let (value, chosen) = (slot.start_utc.clone(), slot.start_utc.clone());
                                    view! {
                                        <button type="button" class="slot" data-start-utc=slot.start_utc.clone()
                                            aria-pressed=move || (start.get().as_deref() == Some(chosen.as_str())).to_string()
                                            on:click=move |_| start.set(Some(value.clone()))>
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

/// The outcome of a create: the meeting, with the way to it, or what was wrong.
#[component]
fn Outcome(outcome: RwSignal<Option<ApiResult<Booking>>>, zone: String) -> impl IntoView {
    move || {
        outcome.get().map(|result| match result {
            Ok(booking) => {
                let date = zone::date_of(&booking.start_utc, &zone).map(|d| d.to_string()).unwrap_or_default();
                let href = format!("/admin/calendar?view=day&date={date}&member={}", booking.assigned_to);
                view! {
                    <div class="notice success" role="status">
                        {format!("{} booked for {} ({}).",
                            booking.title,
                            zone::instant(&booking.start_utc, &zone, Style::LongDate) + " " + &zone::instant(&booking.start_utc, &zone, Style::Time),
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

#[component]
fn CustomerForm() -> impl IntoView {
    let basics = Basics::load();
    let session = basics.session;
    let zone = basics.zone.get_value();
    let me = session.me();
    let my_id = me.as_ref().map(|m| m.user.id.clone()).unwrap_or_default();
    let is_manager = me.as_ref().is_some_and(|m| m.user.is_system_manager);
    let leads = me.map(|m| m.leads_department_ids).unwrap_or_default();
    let department = RwSignal::new(String::new());
    let meeting_type = RwSignal::new(String::new());
    let host = RwSignal::new(String::new());
    let date = RwSignal::new(
        zone::today(&zone)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let start = RwSignal::new(None::<String>);
    let (name, email, phone, notes) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let customer_zone = RwSignal::new(zone.clone());
    let outcome = RwSignal::new(None::<ApiResult<Booking>>);
    let busy = RwSignal::new(false);
    let types = basics.meeting_types(department);
    let usable_types = move || {
        types
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.is_active && (t.is_public || !t.is_internal))
            .collect::<Vec<_>>()
    };
    // Leaders and System Managers choose the host; a member hosts their own customer meetings.
    let hosts = move || {
        let dep = department.get();
        if is_manager || leads.contains(&dep) {
            basics
                .people
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.department_ids.contains(&dep))
                .map(|p| (p.user_id, p.full_name))
                .collect::<Vec<_>>()
        } else {
            basics
                .people
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.user_id == my_id)
                .map(|p| (p.user_id, p.full_name))
                .collect()
        }
    };
    default_to_first(department, move || {
        basics
            .departments
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.id)
            .collect()
    });
    default_to_first(meeting_type, move || {
        usable_types().into_iter().map(|t| t.id).collect()
    });
    let hosts_for_default = hosts.clone();
    default_to_first(host, move || {
        hosts_for_default().into_iter().map(|h| h.0).collect()
    });
    let duration = move || {
        usable_types()
            .into_iter()
            .find(|t| t.id == meeting_type.get())
            .map(|t| t.duration)
    };
    let times = LocalResource::new({
        let zone = zone.clone();
        move || {
            let (client, host, date, duration, zone) = (
                session.client(),
                host.get(),
                date.get(),
                duration(),
                zone.clone(),
            );
            start.set(None);
            async move {
                let (Some(client), Some(duration)) = (client, duration) else {
                    return None;
                };
                if host.is_empty() || date.is_empty() {
                    return None;
                }
                let found = client
                    .common_availability(&[host], &date, Some(duration), None, &zone)
                    .await;
                if let Err(error) = &found {
                    on_unauthorized(error);
                }
                Some(found)
            }
        }
    });
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(start_utc) = start.get_untracked() else {
            outcome.set(Some(Err(field_error("start_utc", "choose a time"))));
            return;
        };
        let Some(client) = session.client() else {
            return;
        };
        let request = StaffBookingRequest {
            meeting_type_id: meeting_type.get_untracked(),
            assigned_to: host.get_untracked(),
            start_utc,
            customer_name: name.get_untracked().trim().to_owned(),
            customer_email: email.get_untracked().trim().to_owned(),
            customer_phone: phone.get_untracked().trim().to_owned(),
            customer_timezone: text_or_none(customer_zone.get_untracked()),
            customer_notes: text_or_none(notes.get_untracked()),
            answers: Default::default(),
        };
        busy.set(true);
        spawn_local(async move {
            let created = client.create_booking(&request).await;
            if let Err(error) = &created {
                on_unauthorized(error);
            } else {
                times.refetch();
            }
            outcome.set(Some(created));
            busy.set(false);
        });
    };
    view! {
        <form class="details meeting-form" on:submit=submit>
            <div class="field"><label for="department">"Department"</label>
                <select id="department" on:change=move |e| department.set(event_target_value(&e))>
                    {move || basics.departments.get().unwrap_or_default().into_iter().map(|d| {
                        let id = d.id.clone();
                        view! { <option value=d.id selected=move || department.get() == id>{d.department_name}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="meeting-type">"Meeting type"</label>
                <select id="meeting-type" on:change=move |e| meeting_type.set(event_target_value(&e))>
                    {move || usable_types().into_iter().map(|t| {
                        let id = t.id.clone();
                        view! { <option value=t.id selected=move || meeting_type.get() == id>{format!("{} ({} min)", t.meeting_name, t.duration)}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="host">"Host"</label>
                <select id="host" on:change=move |e| host.set(event_target_value(&e))>
                    {move || hosts().into_iter().map(|(id, name)| {
                        let chosen = id.clone();
                        view! { <option value=id selected=move || host.get() == chosen>{name}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="date">"Date"</label>
                <input id="date" type="date" required prop:value=move || date.get() on:change=move |e| date.set(event_target_value(&e)) /></div>
            <Times times start />
            <p class="meta">{format!("Times in {}", zone::label(&zone))}</p>
            <div class="field"><label for="customer_name">"Customer name"</label>
                <input id="customer_name" type="text" required autocomplete="off" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></div>
            <div class="field"><label for="customer_email">"Email"</label>
                <input id="customer_email" type="email" required autocomplete="off" prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e)) /></div>
            <div class="field"><label for="customer_phone">"Phone"</label>
                <input id="customer_phone" type="tel" required autocomplete="off" prop:value=move || phone.get() on:input=move |e| phone.set(event_target_value(&e)) /></div>
            <div class="field"><label for="customer_timezone">"Customer's time zone"</label>
                <input id="customer_timezone" type="text" list="zones" prop:value=move || customer_zone.get() on:input=move |e| customer_zone.set(event_target_value(&e)) />
                <datalist id="zones">{zone::all().into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist></div>
            <div class="field"><label for="customer_notes">"Notes"</label>
                <textarea id="customer_notes" rows="3" prop:value=move || notes.get() on:input=move |e| notes.set(event_target_value(&e))></textarea></div>
            <Outcome outcome zone=zone.clone() />
            <button type="submit" class="button primary" disabled=move || busy.get()>"Book the meeting"</button>
        </form>
    }
}

#[component]
fn InternalForm() -> impl IntoView {
    let basics = Basics::load();
    let session = basics.session;
    let zone = basics.zone.get_value();
    let me = session.me();
    let is_manager = me.as_ref().is_some_and(|m| m.user.is_system_manager);
    let leads = me.map(|m| m.leads_department_ids).unwrap_or_default();
    let department = RwSignal::new(String::new());
    let meeting_type = RwSignal::new(String::new());
    let host = RwSignal::new(String::new());
    let participants = RwSignal::new(Vec::<String>::new());
    let date = RwSignal::new(
        zone::today(&zone)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let start = RwSignal::new(None::<String>);
    let agenda = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<ApiResult<Booking>>);
    let busy = RwSignal::new(false);
    let types = basics.meeting_types(department);
    let planned = move || {
        basics
            .departments
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| is_manager || leads.contains(&d.id))
            .collect::<Vec<_>>()
    };
    let internal_types = move || {
        types
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.is_active && t.is_internal)
            .collect::<Vec<_>>()
    };
    let people = move || basics.people.get().unwrap_or_default();
    let planned_ids = planned.clone();
    default_to_first(department, move || {
        planned_ids().into_iter().map(|d| d.id).collect()
    });
    default_to_first(meeting_type, move || {
        internal_types().into_iter().map(|t| t.id).collect()
    });
    default_to_first(host, move || {
        let dep = department.get();
        people()
            .into_iter()
            .filter(|p| p.department_ids.contains(&dep))
            .map(|p| p.user_id)
            .collect()
    });
    let everyone = move || {
        let mut all = vec![host.get()];
        all.extend(participants.get().into_iter().filter(|p| *p != host.get()));
        all
    };
    let times = LocalResource::new({
        let zone = zone.clone();
        move || {
            let (client, people, date, kind, zone) = (
                session.client(),
                everyone(),
                date.get(),
                meeting_type.get(),
                zone.clone(),
            );
            start.set(None);
            async move {
                let client = client?;
                if people.len() < 2 || people[0].is_empty() || kind.is_empty() || date.is_empty() {
                    return None;
                }
                let found = client
                    .common_availability(&people, &date, None, Some(&kind), &zone)
                    .await;
                if let Err(error) = &found {
                    on_unauthorized(error);
                }
                Some(found)
            }
        }
    });
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(start_utc) = start.get_untracked() else {
            outcome.set(Some(Err(field_error("start_utc", "choose a time"))));
            return;
        };
        let Some(client) = session.client() else {
            return;
        };
        let request = InternalMeetingRequest {
            meeting_type_id: meeting_type.get_untracked(),
            host: host.get_untracked(),
            participants: participants
                .get_untracked()
                .into_iter()
                .filter(|p| *p != host.get_untracked())
                .collect(),
            start_utc,
            meeting_agenda: text_or_none(agenda.get_untracked()),
            physical_location: text_or_none(location.get_untracked()),
        };
        busy.set(true);
        spawn_local(async move {
            let created = client.create_internal(&request).await;
            if let Err(error) = &created {
                on_unauthorized(error);
            } else {
                times.refetch();
            }
            outcome.set(Some(created));
            busy.set(false);
        });
    };
    view! {
        <form class="details meeting-form" on:submit=submit>
            <div class="field"><label for="department">"Department"</label>
                <select id="department" on:change=move |e| department.set(event_target_value(&e))>
                    {move || planned().into_iter().map(|d| {
                        let id = d.id.clone();
                        view! { <option value=d.id selected=move || department.get() == id>{d.department_name}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="meeting-type">"Meeting type"</label>
                <select id="meeting-type" on:change=move |e| meeting_type.set(event_target_value(&e))>
                    {move || internal_types().into_iter().map(|t| {
                        let id = t.id.clone();
                        view! { <option value=t.id selected=move || meeting_type.get() == id>{format!("{} ({} min)", t.meeting_name, t.duration)}</option> }
                    }).collect_view()}
                </select>
                {move || (types.get().is_some() && internal_types().is_empty()).then(|| view! {
                    <p class="field-error">"This department has no internal meeting type yet."</p>
                })}</div>
            <div class="field"><label for="host">"Host"</label>
                <select id="host" on:change=move |e| host.set(event_target_value(&e))>
                    {move || people().into_iter().map(|p| {
                        let id = p.user_id.clone();
                        view! { <option value=p.user_id selected=move || host.get() == id>{p.full_name}</option> }
                    }).collect_view()}
                </select></div>
            <fieldset class="people">
                <legend>"Participants"</legend>
                {move || people().into_iter().filter(|p| p.user_id != host.get()).map(|p| {
                    let (id, toggled) = (p.user_id.clone(), p.user_id.clone());
                    view! {
                        <label class="check">
                            <input type="checkbox" value=p.user_id.clone()
                                prop:checked=move || participants.with(|all| all.contains(&id))
                                on:change=move |_| participants.update(|all| {
                                    if let Some(at) = all.iter().position(|x| *x == toggled) { all.remove(at); } else { all.push(toggled.clone()); }
                                }) />
                            {p.full_name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field"><label for="date">"Date"</label>
                <input id="date" type="date" required prop:value=move || date.get() on:change=move |e| date.set(event_target_value(&e)) /></div>
            <Times times start />
            <p class="meta">{format!("Times in {} at which everyone chosen is free", zone::label(&zone))}</p>
            <div class="field"><label for="agenda">"Agenda"</label>
                <textarea id="agenda" rows="3" prop:value=move || agenda.get() on:input=move |e| agenda.set(event_target_value(&e))></textarea></div>
            <div class="field"><label for="location">"Where (optional)"</label>
                <input id="location" type="text" prop:value=move || location.get() on:input=move |e| location.set(event_target_value(&e)) /></div>
            <Outcome outcome zone=zone.clone() />
            <button type="submit" class="button primary" disabled=move || busy.get()>"Schedule the meeting"</button>
        </form>
    }
}

/// A refusal made here, before asking the server, in the server's shape.
fn field_error(field: &str, why: &str) -> ApiError {
    ApiError::Refused {
        status: 400,
        body: mm_api_types::error::ErrorBody {
            error: mm_api_types::error::ErrorDetail {
                code: "validation_failed".to_owned(),
                message: "Some details are missing.".to_owned(),
                details: Some(serde_json::json!({ "fields": { field: why } })),
            },
        },
    }
}
