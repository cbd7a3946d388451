//! The page behind the answer link in a colleague's invitation to an internal meeting: the
//! meeting, their answer so far, and accept / maybe / decline. The link names the meeting and
//! the person; an unknown one gets a plain explanation.

use leptos::{prelude::*, task::spawn_local};
use mm_api_types::{AttendanceStatus, bookings::Invitation};

use super::param;
use crate::{
    api::{self, ApiError},
    components::{Loading, Problem, set_title},
    zone::{self, Style},
};

fn answer_words(response: AttendanceStatus) -> &'static str {
    match response {
        AttendanceStatus::Confirmed => "You accepted.",
        AttendanceStatus::Tentative => "You said maybe.",
        AttendanceStatus::Declined => "You declined.",
        _ => "You have not answered yet.",
    }
}

#[component]
pub fn InvitationAnswer() -> impl IntoView {
    set_title("Your invitation");
    let token = param("token");
    let answered = RwSignal::new(None::<Invitation>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let invitation = LocalResource::new(move || {
        let token = token();
        async move { api::invitation(&token).await }
    });
    let answer = move |response: &'static str| {
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            match api::answer_invitation(&token(), response).await {
                Ok(now) => answered.set(Some(now)),
                Err(error) => failure.set(Some(error.to_string())),
            }
            busy.set(false);
        });
    };
    let page = move |invitation: Invitation| {
        let zone = if zone::is_known(&invitation.timezone) {
            invitation.timezone.clone()
        } else {
            zone::detected()
        };
        let when = format!(
            "{}, {} – {}",
            zone::instant(invitation.start_utc, &zone, Style::LongDate),
            zone::instant(invitation.start_utc, &zone, Style::Time),
            zone::instant(invitation.end_utc, &zone, Style::Time)
        );
        let choice = |label: &'static str, response: &'static str, chosen: bool| {
            view! {
                <button type="button" class=if chosen { "button primary" } else { "button" }
                    data-response=response aria-pressed=chosen.to_string()
                    disabled=move || busy.get() on:click=move |_| answer(response)>{label}</button>
            }
        };
        let now = invitation.response;
        view! {
            <section class="invitation" data-response=now.as_str()>
                <h1>{invitation.title.clone()}</h1>
                <p>{format!("{} invites {}.", invitation.organiser_name, invitation.participant_name)}</p>
                <dl class="facts">
                    <dt>"When"</dt>
                    <dd>{when}<br /><span class="meta">{zone::label(&zone)}</span></dd>
                    {invitation.physical_location.clone().map(|p| view! { <dt>"Where"</dt><dd>{p}</dd> })}
                    {invitation.meeting_link.clone().map(|l| view! { <dt>"Link"</dt><dd><a href=l.clone() rel="noopener">{l.clone()}</a></dd> })}
                    {invitation.meeting_agenda.clone().map(|a| view! { <dt>"Agenda"</dt><dd class="prose">{a}</dd> })}
                </dl>
                <p class="answer-now" role="status">{answer_words(now)}</p>
                {if invitation.open {
                    view! {
                        <div class="actions" role="group" aria-label="Your answer">
                            {choice("Accept", "accepted", now == AttendanceStatus::Confirmed)}
                            {choice("Maybe", "tentative", now == AttendanceStatus::Tentative)}
                            {choice("Decline", "declined", now == AttendanceStatus::Declined)}
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="meta">"The meeting has started or no longer takes place: answers are closed."</p> }.into_any()
                }}
                {move || failure.get().map(|f| view! { <div class="notice error" role="alert">{f}</div> })}
            </section>
        }
    };
    view! {
        {move || match answered.get() {
            Some(now) => page(now).into_any(),
            None => view! {
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Ok(invitation) => page(invitation).into_any(),
                            Err(error) => view! { <Unknown error /> }.into_any(),
                        }
                    })}
                </Transition>
            }.into_any(),
        }}
    }
}

#[component]
fn Unknown(error: ApiError) -> impl IntoView {
    if error.is_not_found() {
        set_title("Invitation not found");
        view! {
            <section>
                <h1>"This invitation link does not work"</h1>
                <p>"The meeting may have been deleted, or you are no longer invited. Your latest invitation email has a link that works."</p>
            </section>
        }
        .into_any()
    } else {
        view! { <Problem error /> }.into_any()
    }
}
