//! The facts of one booking, the actions its status allows, and the form an action needs.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::{ev, prelude::*};
use mm_api_types::{
    ApprovalStatus, AttendanceStatus, BookingStatus, BookingType, CalendarWrite, SeriesScope,
    bookings::{AnswerValue, Booking},
    calendar::CalendarResource,
};
use uuid::Uuid;

use super::{super::status, Action, Actions, Form, history::Histories};
use crate::staff::Session;
use crate::zone::{self, Style};

fn text(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "–".to_owned())
}

fn answer_text(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Text(text) => text.clone(),
        AnswerValue::Flag(true) => "Yes".to_owned(),
        AnswerValue::Flag(false) => "No".to_owned(),
    }
}

#[component]
pub(super) fn Details<F>(
    booking: Booking,
    names: BTreeMap<Uuid, String>,
    members: Vec<CalendarResource>,
    zone: String,
    run: F,
    actions: Actions,
) -> impl IntoView
where
    F: Fn(Action) + Clone + Send + Sync + 'static,
{
    let Actions {
        form,
        busy,
        outcome,
        ..
    } = actions;
    let name_of = {
        let names = names.clone();
        move |id: Uuid| {
            names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "someone".to_owned())
        }
    };
    let when = format!(
        "{}, {} – {}",
        zone::instant(booking.start_utc, &zone, Style::LongDate),
        zone::instant(booking.start_utc, &zone, Style::Time),
        zone::instant(booking.end_utc, &zone, Style::Time)
    );
    let customer_when = booking
        .customer_timezone
        .clone()
        .filter(|z| *z != zone && zone::is_known(z))
        .map(|z| {
            format!(
                "{} {} for the customer ({})",
                zone::instant(booking.start_utc, &z, Style::LongDate),
                zone::instant(booking.start_utc, &z, Style::Time),
                zone::label(&z)
            )
        });
    let started = zone::millis(booking.start_utc) <= js_sys::Date::now();
    let open = status::is_movable(booking.status);
    let awaiting_approval = booking.status == BookingStatus::Pending
        && booking.approval_status == Some(ApprovalStatus::Pending);
    let hosts: Vec<(Uuid, String)> = members
        .iter()
        .filter(|m| {
            m.department_ids.contains(&booking.department_id) && m.user_id != booking.assigned_to
        })
        .map(|m| (m.user_id, m.full_name.clone()))
        .collect();
    let reason = RwSignal::new(String::new());
    let start_date = RwSignal::new(
        zone::date_of(booking.start_utc, &zone)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let start_time = RwSignal::new(String::new());
    let new_host = RwSignal::new(hosts.first().map(|h| h.0));
    let in_series = booking.series_id.is_some();
    let scope = RwSignal::new(SeriesScope::This);
    let submit = {
        let (run, zone) = (run.clone(), zone.clone());
        move |ev: ev::SubmitEvent| {
            ev.prevent_default();
            let reason_given =
                Some(reason.get_untracked().trim().to_owned()).filter(|r| !r.is_empty());
            let action = match form.get_untracked() {
                Some(Form::Cancel) => {
                    Action::Cancel(reason_given, in_series.then(|| scope.get_untracked()))
                }
                Some(Form::Reject) => Action::Reject(reason_given.unwrap_or_default()),
                Some(Form::Reassign) => match new_host.get_untracked() {
                    Some(host) => Action::Reassign(
                        host,
                        reason_given,
                        in_series.then(|| scope.get_untracked()),
                    ),
                    None => return,
                },
                Some(Form::Reschedule) => {
                    let start = parse_local(
                        &start_date.get_untracked(),
                        &start_time.get_untracked(),
                        &zone,
                    );
                    match start {
                        Some(start) => {
                            Action::Reschedule(start, in_series.then(|| scope.get_untracked()))
                        }
                        None => {
                            outcome.set(Some((false, "Choose a date and a time.".to_owned())));
                            return;
                        }
                    }
                }
                None => return,
            };
            run(action);
        }
    };
    let button = {
        let run = run.clone();
        move |label: &'static str, action: Action| {
            let run = run.clone();
            view! { <button type="button" class="button" disabled=move || busy.get() on:click=move |_| run(action.clone())>{label}</button> }
        }
    };
    let opener = move |label: &'static str, which: Form| {
        view! {
            <button type="button" class="button" aria-expanded=move || (form.get() == Some(which)).to_string()
                on:click=move |_| { reason.set(String::new()); scope.set(SeriesScope::This); outcome.set(None); form.set(Some(which)); }>{label}</button>
        }
    };
    // The signed-in person's own answer, when they are invited to this internal meeting.
    let me = expect_context::<Session>().me().map(|me| me.user.id);
    let my_answer = booking
        .participants
        .iter()
        .find(|p| {
            p.user_id.is_some() && p.user_id == me && me != Some(booking.assigned_to) && !p.is_host
        })
        .map(|p| p.attendance_status)
        .filter(|_| open && !started && booking.booking_type == BookingType::Internal);
    let status_badge = format!(
        "badge {}",
        status::class(booking.status, booking.booking_type)
    );
    let answers = booking.answers.clone();
    let participants = booking.participants.clone();
    let assignments = booking.assignment_history.clone();
    let history = booking.booking_history.clone();
    let zone_for_history = zone.clone();
    view! {
        <h2>{booking.title.clone()}</h2>
        <p>
            <span class=status_badge>{status::label(booking.status)}</span>
            {booking.approval_status.map(|a| view! { " "<span class="badge">{format!("Approval: {a}")}</span> })}
            " "<span class="meta">{booking.booking_reference.clone()}</span>
        </p>
        <p class="when">{when}</p>
        {customer_when.map(|w| view! { <p class="meta">{w}</p> })}
        <dl class="facts">
            <dt>"Host"</dt><dd>{name_of(booking.assigned_to)}{format!(" ({})", status::words(booking.assignment_method.as_str()))}</dd>
            {(!booking.co_hosts.is_empty()).then(|| {
                let co_hosts: Vec<String> = booking.co_hosts.iter().map(|id| name_of(*id)).collect();
                view! { <dt>"Co-hosts"</dt><dd class="co-hosts">{co_hosts.join(", ")}</dd> }
            })}
            {(booking.booking_type == BookingType::Customer).then(|| view! {
                <dt>"Customer"</dt><dd>{text(booking.customer_name.clone())}</dd>
                <dt>"Email"</dt><dd>{booking.customer_email.clone().map(|e| view! { <a href=format!("mailto:{e}")>{e.clone()}</a> })}</dd>
                <dt>"Phone"</dt><dd>{text(booking.customer_phone.clone())}</dd>
                <dt>"Notes"</dt><dd>{text(booking.customer_notes.clone())}</dd>
            })}
            {answers.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{answer_text(&v)}</dd> }).collect_view()}
            <dt>"Where"</dt><dd>{status::words(booking.location_type.as_str())}
                {booking.video_platform.map(|v| format!(" ({})", status::words(v.as_str())))}
                {booking.meeting_link.clone().map(|l| view! { " · "<a class="meeting-link" href=l.clone() target="_blank" rel="noopener">{l.clone()}</a> })}
                {booking.physical_location.clone().map(|p| format!(" · {p}"))}</dd>
            {booking.meeting_description.clone().map(|d| view! { <dt>"Description"</dt><dd class="prose">{d}</dd> })}
            {booking.meeting_agenda.clone().map(|a| view! { <dt>"Agenda"</dt><dd class="prose">{a}</dd> })}
            {booking.meeting_notes.clone().map(|n| view! { <dt>"Internal notes"</dt><dd class="prose internal-notes">{n}</dd> })}
            {booking.meeting_minutes.clone().map(|m| view! { <dt>"Minutes"</dt><dd class="prose">{m}</dd> })}
            {booking.action_items.clone().map(|a| view! { <dt>"Action items"</dt><dd class="prose">{a}</dd> })}
            {booking.series_id.zip(booking.series_index).map(|(series, index)| view! {
                <dt>"Series"</dt>
                <dd><a class="series-link" href=format!("/admin/bookings?series={series}")>{format!("Meeting {index} of a recurring series · all its meetings")}</a></dd>
            })}
            {booking.requires_approval.then(|| view! { <dt>"Approval"</dt><dd>"Needed for this meeting type"</dd> })}
            {(booking.buffer_before.is_some() || booking.buffer_after.is_some()).then(|| {
                let shown = |m: Option<u32>| m.map_or("the meeting type's".to_owned(), |m| format!("{m} min"));
                view! { <dt>"Kept free"</dt><dd>{format!("{} before, {} after", shown(booking.buffer_before), shown(booking.buffer_after))}</dd> }
            })}
            <dt>"Calendar"</dt>
            <dd>{match (booking.external_calendar_link.clone(), booking.calendar_sync_error.clone()) {
                (_, Some(error)) => view! { <span class="calendar-error">{format!("Not yet in the host's calendar: {error}")}</span> }.into_any(),
                (Some(link), None) => view! {
                    <a class="calendar-link" href=link target="_blank" rel="noopener">"Open in the host's calendar"</a>
                    {(booking.calendar_sync_status == CalendarWrite::Pending).then_some(" · the latest change is on its way")}
                }.into_any(),
                (None, None) => status::calendar_write(booking.calendar_sync_status).into_any(),
            }}</dd>
            {(!participants.is_empty()).then(|| {
                let zone = zone.clone();
                view! {
                    <dt>"Participants"</dt>
                    <dd><ul class="plain participants">{participants.into_iter().map(|p| {
                        let answered = p.response_utc.map(|at| format!(" ({})", zone::instant(at, &zone, Style::LongDate))).unwrap_or_default();
                        let standing = if p.is_host { "co-host".to_owned() } else { status::words(p.attendance_status.as_str()) };
                        view! { <li>{format!("{} <{}> · {standing}{answered}", p.name, p.email)}</li> }
                    }).collect_view()}</ul></dd>
                }
            })}
            {booking.cancellation_reason.clone().map(|r| view! { <dt>"Cancelled because"</dt><dd>{r}</dd> })}
            {booking.rejection_reason.clone().map(|r| view! { <dt>"Rejected because"</dt><dd>{r}</dd> })}
        </dl>
        {my_answer.map(|now| {
            let answer = |label: &'static str, response: &'static str, chosen: bool| {
                let run = run.clone();
                view! {
                    <button type="button" class=if chosen { "button primary" } else { "button" } data-response=response
                        aria-pressed=chosen.to_string() disabled=move || busy.get()
                        on:click=move |_| run(Action::Answer(response))>{label}</button>
                }
            };
            view! {
                <div class="actions my-answer" role="group" aria-label="Your answer">
                    <strong>{if in_series { "Your answer (this and the later meetings of the series):" } else { "Your answer:" }}</strong>
                    {answer("Accept", "accepted", now == AttendanceStatus::Confirmed)}
                    {answer("Maybe", "tentative", now == AttendanceStatus::Tentative)}
                    {answer("Decline", "declined", now == AttendanceStatus::Declined)}
                </div>
            }
        })}
        <div class="actions" role="group" aria-label="Actions">
            // A series is approved or rejected as one.
            {awaiting_approval.then(|| button(if in_series { "Approve the series" } else { "Approve" }, Action::Approve))}
            {awaiting_approval.then(|| opener(if in_series { "Reject the series…" } else { "Reject…" }, Form::Reject))}
            {open.then(|| opener("Reschedule…", Form::Reschedule))}
            {(open && !hosts.is_empty()).then(|| opener("Reassign…", Form::Reassign))}
            {open.then(|| opener("Cancel…", Form::Cancel))}
            {(booking.status == BookingStatus::Confirmed && started).then(|| button("Completed", Action::Complete))}
            {(booking.status == BookingStatus::Confirmed && started).then(|| button("No-show", Action::NoShow))}
        </div>
        {move || form.get().map(|which| {
            let hosts = hosts.clone();
            let submit = submit.clone();
            let (title, confirm) = match which {
                Form::Cancel => ("Cancel the meeting", "Cancel meeting"),
                Form::Reject => ("Reject the request", "Reject"),
                Form::Reschedule => ("Move to another time", "Reschedule"),
                Form::Reassign => ("Give to another member", "Reassign"),
            };
            view! {
                <form class="details panel-form" on:submit=submit>
                    <h3>{title}</h3>
                    {(which == Form::Reschedule).then(|| view! {
                        <div class="field"><label for="panel-date">"Date"</label>
                            <input id="panel-date" type="date" required prop:value=move || start_date.get() on:input=move |e| start_date.set(event_target_value(&e)) /></div>
                        <div class="field"><label for="panel-time">"Start time"</label>
                            <input id="panel-time" type="time" step="300" required prop:value=move || start_time.get() on:input=move |e| start_time.set(event_target_value(&e)) /></div>
                    })}
                    {(which == Form::Reassign).then(|| view! {
                        <div class="field"><label for="panel-host">"New host"</label>
                            <select id="panel-host" on:change=move |e| new_host.set(event_target_value(&e).parse().ok())>
                                {hosts.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select></div>
                    })}
                    {(which != Form::Reject && in_series).then(|| view! {
                        <div class="field"><label for="panel-scope">"Which meetings"</label>
                            <select id="panel-scope" on:change=move |e| scope.set(event_target_value(&e).parse().unwrap_or(SeriesScope::This))>
                                <option value="this">"This meeting"</option>
                                <option value="following">"This and the following meetings"</option>
                                <option value="series">"Every meeting of the series"</option>
                            </select></div>
                    })}
                    {(which != Form::Reschedule).then(|| view! {
                        <div class="field"><label for="panel-reason">{if which == Form::Reject { "Reason (required)" } else { "Reason" }}</label>
                            <textarea id="panel-reason" rows="2" required=which == Form::Reject
                                prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e))></textarea></div>
                    })}
                    <div class="actions">
                        <button type="submit" class="button primary" disabled=move || busy.get()>{confirm}</button>
                        <button type="button" class="button" on:click=move |_| form.set(None)>"Back"</button>
                    </div>
                </form>
            }
        })}
        {move || outcome.get().map(|(ok, text)| view! { <div class=if ok { "notice success" } else { "notice error" } role="status">{text}</div> })}
        <Histories assignments history names zone=zone_for_history />
    }
}

/// A date and time typed in `zone` as the API's instant.
fn parse_local(date: &str, time: &str, zone: &str) -> Option<DateTime<Utc>> {
    let day: NaiveDate = date.parse().ok()?;
    let (hours, minutes) = time.split_once(':')?;
    let minute = hours.parse::<u32>().ok()? * 60 + minutes.get(..2)?.parse::<u32>().ok()?;
    zone::instant_of(day, minute, zone).map(zone::at)
}
