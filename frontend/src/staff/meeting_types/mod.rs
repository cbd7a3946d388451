//! `/admin/meeting-types/{id}` (and `/admin/meeting-types/new?department=`): every setting of a
//! meeting type — what customers see, where it happens, who may book it, approval, buffers and
//! slot grid, custom questions, the reminder schedule and the thank-you — saved in one request.

mod questions;
mod reminders;

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use mm_api_types::{
    LocationType, ReminderChannel, VideoPlatform,
    meeting_types::{CreateMeetingType, MeetingType, ReminderEntry, UpdateMeetingType},
};
use uuid::Uuid;

use super::{Said, Session, on_unauthorized, share::Share};
use crate::{
    api::{self, ApiError},
    components::{Loading, Problem, set_title},
};

use questions::QuestionsEditor;
use reminders::RemindersEditor;

const LOCATIONS: [(LocationType, &str); 4] = [
    (LocationType::VideoCall, "Video call"),
    (LocationType::PhoneCall, "Phone call"),
    (LocationType::PhysicalLocation, "In person"),
    (LocationType::Custom, "Other"),
];
const PLATFORMS: [(VideoPlatform, &str); 4] = [
    (VideoPlatform::Zoom, "Zoom"),
    (VideoPlatform::GoogleMeet, "Google Meet"),
    (VideoPlatform::MicrosoftTeams, "Microsoft Teams"),
    (VideoPlatform::Custom, "Our own link"),
];
#[component]
pub fn MeetingTypeEditor() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let query = use_query_map();
    let loaded = LocalResource::new(move || {
        let (client, id) = (
            session.client(),
            params.read().get("id").unwrap_or_default(),
        );
        async move {
            let client = client.ok_or(ApiError::Network)?;
            if id == "new" {
                return Ok(None);
            }
            let id = id.parse().map_err(|_| api::not_found("meeting type"))?;
            client.meeting_type(id).await.map(Some)
        }
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(found) => {
                        let department = found.as_ref().map(|t| t.department_id)
                            .or_else(|| query.get_untracked().get("department").and_then(|d| d.parse().ok()));
                        let Some(department) = department else {
                            return view! { <Problem error=api::not_found("department") what="department" /> }.into_any();
                        };
                        view! {
                            <p><a class="back" href=format!("/admin/departments/{department}")>"← Department"</a></p>
                            <TypeForm found department />
                        }.into_any()
                    }
                    Err(error) => {
                        on_unauthorized(&error);
                        view! { <Problem error what="meeting type" /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// A whole number typed into a field (minutes, a count); `None` when blank or not a number.
fn whole_number(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn shown(value: Option<u32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[component]
fn TypeForm(found: Option<MeetingType>, department: Uuid) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let creating = found.is_none();
    set_title(if creating {
        "New meeting type"
    } else {
        "Meeting type"
    });
    let t = found.clone();
    let text = |f: fn(&MeetingType) -> Option<String>| {
        RwSignal::new(t.as_ref().and_then(f).unwrap_or_default())
    };
    let flag =
        |f: fn(&MeetingType) -> bool, default: bool| RwSignal::new(t.as_ref().map_or(default, f));
    let name = text(|t| Some(t.meeting_name.clone()));
    let slug = text(|t| Some(t.meeting_slug.clone()));
    let description = text(|t| t.description.clone());
    let duration = RwSignal::new(
        t.as_ref()
            .map_or("30".to_owned(), |t| t.duration.to_string()),
    );
    let color = RwSignal::new(t.as_ref().map_or("#1f5fae".to_owned(), |t| t.color.clone()));
    let location = RwSignal::new(
        t.as_ref()
            .map_or(LocationType::VideoCall, |t| t.location_type),
    );
    let platform = RwSignal::new(t.as_ref().and_then(|t| t.video_platform));
    let custom_location = text(|t| t.custom_location.clone());
    let is_public = flag(|t| t.is_public, true);
    let is_internal = flag(|t| t.is_internal, false);
    let is_active = flag(|t| t.is_active, true);
    let approval = flag(|t| t.requires_approval, false);
    let thank_you = flag(|t| t.thank_you_enabled, false);
    let no_show_email = flag(|t| t.no_show_follow_up, false);
    let auto_no_show = RwSignal::new(shown(t.as_ref().and_then(|t| t.auto_no_show_minutes)));
    let before = RwSignal::new(shown(t.as_ref().and_then(|t| t.buffer_before)));
    let after = RwSignal::new(shown(t.as_ref().and_then(|t| t.buffer_after)));
    let interval = RwSignal::new(shown(t.as_ref().and_then(|t| t.slot_interval)));
    let series = RwSignal::new(shown(t.as_ref().and_then(|t| t.max_series_count)));
    let questions = RwSignal::new(
        t.as_ref()
            .map(|t| t.custom_questions.clone())
            .unwrap_or_default(),
    );
    let reminders = RwSignal::new(
        t.as_ref()
            .map(|t| t.reminder_schedule.clone())
            .unwrap_or_else(|| {
                vec![ReminderEntry {
                    hours_before: 24,
                    notification_type: ReminderChannel::Email.to_string(),
                    is_active: true,
                }]
            }),
    );
    let feedback = text(|t| t.feedback_url.clone());
    let next_steps = text(|t| t.next_steps.clone());
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let some = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        let video = (location.get_untracked() == LocationType::VideoCall)
            .then(|| platform.get_untracked().map(|p| p.to_string()))
            .flatten();
        let create = CreateMeetingType {
            meeting_name: name.get_untracked().trim().to_owned(),
            meeting_slug: some(slug),
            description: some(description),
            duration: whole_number(&duration.get_untracked()).unwrap_or(0),
            location_type: Some(location.get_untracked().to_string()),
            video_platform: video,
            custom_location: some(custom_location),
            requires_approval: approval.get_untracked(),
            is_public: Some(is_public.get_untracked()),
            is_internal: is_internal.get_untracked(),
            is_active: Some(is_active.get_untracked()),
            color: Some(color.get_untracked()),
            buffer_before: whole_number(&before.get_untracked()),
            buffer_after: whole_number(&after.get_untracked()),
            slot_interval: whole_number(&interval.get_untracked()),
            max_series_count: whole_number(&series.get_untracked()),
            custom_questions: questions.get_untracked(),
            reminder_schedule: Some(reminders.get_untracked()),
            thank_you_enabled: thank_you.get_untracked(),
            feedback_url: some(feedback),
            next_steps: some(next_steps),
            no_show_follow_up: no_show_email.get_untracked(),
            auto_no_show_minutes: whole_number(&auto_no_show.get_untracked()),
        };
        let (found, navigate) = (found.clone(), navigate.clone());
        busy.set(true);
        spawn_local(async move {
            let saved = match &found {
                None => client.create_meeting_type(department, &create).await,
                Some(before) => {
                    client
                        .update_meeting_type(before.id, &changes(before, create))
                        .await
                }
            };
            match saved {
                Ok(saved) => {
                    outcome.set(Some(Ok("Saved.".to_owned())));
                    if found.is_none() {
                        navigate(
                            &format!("/admin/meeting-types/{}", saved.id),
                            Default::default(),
                        );
                    }
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
        });
    };
    let check = |id: &'static str, label: &'static str, value: RwSignal<bool>| {
        view! {
            <label class="check" for=id><input id=id type="checkbox" prop:checked=move || value.get() on:change=move |_| value.update(|v| *v = !*v) />{label}</label>
        }
    };
    let field = |id: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 hint: &'static str,
                 value: RwSignal<String>| {
        view! {
            <div class="field"><label for=id>{label}</label>
                <input id=id type=kind placeholder=hint prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) /></div>
        }
    };
    view! {
        <h1>{if creating { "New meeting type".to_owned() } else { t.as_ref().map(|t| t.meeting_name.clone()).unwrap_or_default() }}</h1>
        {t.as_ref().map(|t| if t.is_public {
            view! { <Share what=t.meeting_name.clone() booking_url=t.booking_url.clone() embed_url=t.embed_url.clone() taking_bookings=t.is_active /> }.into_any()
        } else {
            view! { <p class="meta">"Not offered to customers: staff book it under New meeting."</p> }.into_any()
        })}
        <form class="details settings type-form" on:submit=submit>
            <div class="field-grid">
                {field("meeting_name", "Name", "text", "", name)}
                {field("meeting_slug", "Address (slug)", "text", "from the name", slug)}
                {field("duration", "Length (minutes, 5–480)", "number", "30", duration)}
                {field("color", "Colour in the calendar", "color", "", color)}
            </div>
            <div class="field"><label for="description">"Description (shown to customers)"</label>
                <textarea id="description" rows="2" prop:value=move || description.get() on:input=move |e| description.set(event_target_value(&e))></textarea></div>
            <div class="field-grid">
                <div class="field"><label for="location_type">"Where"</label>
                    <select id="location_type" on:change=move |e| if let Ok(chosen) = event_target_value(&e).parse() { location.set(chosen) }>
                        {LOCATIONS.into_iter().map(|(k, l)| view! { <option value=k.as_str() selected=move || location.get() == k>{l}</option> }).collect_view()}
                    </select></div>
                {move || (location.get() == LocationType::VideoCall).then(|| view! {
                    <div class="field"><label for="video_platform">"Video platform"</label>
                        <select id="video_platform" on:change=move |e| platform.set(event_target_value(&e).parse().ok())>
                            <option value="" selected=move || platform.get().is_none()>"None"</option>
                            {PLATFORMS.into_iter().map(|(k, l)| view! { <option value=k.as_str() selected=move || platform.get() == Some(k)>{l}</option> }).collect_view()}
                        </select></div>
                })}
                {move || matches!(location.get(), LocationType::PhysicalLocation | LocationType::Custom).then(|| field("custom_location", "Address or instructions", "text", "", custom_location))}
            </div>
            <p class="checks">
                {check("is_public", "Customers book it", is_public)}
                {check("is_internal", "Staff use it internally", is_internal)}
                {check("is_active", "Active", is_active)}
                {check("requires_approval", "A leader approves each booking", approval)}
            </p>
            <div class="field-grid">
                {field("buffer_before", "Buffer before (minutes)", "number", "the member's rule", before)}
                {field("buffer_after", "Buffer after (minutes)", "number", "the member's rule", after)}
                {field("slot_interval", "Minutes between start times", "number", "the length", interval)}
                {field("max_series_count", "Customers may book a weekly, fortnightly or monthly series of up to (2–52 meetings)", "number", "single meetings only", series)}
            </div>
            <QuestionsEditor questions />
            <RemindersEditor reminders />
            <h2>"After the meeting"</h2>
            <p class="checks">{check("thank_you_enabled", "Send the customer a thank-you", thank_you)}</p>
            {field("feedback_url", "Feedback or survey link", "url", "", feedback)}
            <div class="field"><label for="next_steps">"What happens next (in the thank-you)"</label>
                <textarea id="next_steps" rows="2" prop:value=move || next_steps.get() on:input=move |e| next_steps.set(event_target_value(&e))></textarea></div>
            <p class="checks">{check("no_show_follow_up", "Email a customer who did not come a link to book again", no_show_email)}</p>
            {field("auto_no_show_minutes", "Mark as no-show when nobody marked it, minutes after the start (5–1440)", "number", "never", auto_no_show)}
            <Said outcome />
            <button type="submit" class="button primary" disabled=move || busy.get()>{if creating { "Create meeting type" } else { "Save meeting type" }}</button>
        </form>
    }
}

/// Everything the form holds, as a change of `before` (its address only when it changed).
fn changes(before: &MeetingType, create: CreateMeetingType) -> UpdateMeetingType {
    UpdateMeetingType {
        meeting_name: Some(create.meeting_name),
        meeting_slug: create.meeting_slug.filter(|s| *s != before.meeting_slug),
        description: Some(create.description),
        duration: Some(create.duration),
        location_type: create.location_type,
        video_platform: Some(create.video_platform),
        custom_location: Some(create.custom_location),
        requires_approval: Some(create.requires_approval),
        is_public: create.is_public,
        is_internal: Some(create.is_internal),
        is_active: create.is_active,
        color: create.color,
        buffer_before: Some(create.buffer_before),
        buffer_after: Some(create.buffer_after),
        slot_interval: Some(create.slot_interval),
        max_series_count: Some(create.max_series_count),
        custom_questions: Some(create.custom_questions),
        reminder_schedule: create.reminder_schedule,
        thank_you_enabled: Some(create.thank_you_enabled),
        feedback_url: Some(create.feedback_url),
        next_steps: Some(create.next_steps),
        no_show_follow_up: Some(create.no_show_follow_up),
        auto_no_show_minutes: Some(create.auto_no_show_minutes),
    }
}
