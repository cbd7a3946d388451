//! Step 5: who the customer is. The same rules the server applies (`mm-domain`) check the form
//! as the customer types, so most mistakes never make a round trip; the server's answer is still
//! the last word and its field errors land next to the same fields.

mod form;
mod question;

use std::collections::BTreeMap;

use leptos::prelude::*;
use mm_api_types::{bookings::AnswerValue, meeting_types::CustomQuestion};
use mm_domain::{
    Email, FieldErrors, Phone,
    booking::{Answer, parse_answers},
    meeting_type::{self},
};
use serde::{Deserialize, Serialize};

use super::param;
use crate::{
    api::{self, ApiError},
    components::{Loading, NotFound, Problem, Steps, find_slot},
    wizard::{Frame, VisitorZone, repeat},
};
use form::CustomerForm;

/// The form as typed, kept in session storage so a reload or a step back loses nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Draft {
    name: String,
    email: String,
    phone: String,
    notes: String,
    answers: BTreeMap<String, AnswerValue>,
}

/// Every failing field, under the contract's names (`customer_email`, `answers.<key>`).
pub(super) fn check(draft: &Draft, questions: &[CustomQuestion]) -> BTreeMap<String, String> {
    let mut errors = FieldErrors::new();
    errors.check("customer_name", mm_domain::required_text(&draft.name, 200));
    errors.check("customer_email", Email::parse(&draft.email));
    errors.check("customer_phone", Phone::parse(&draft.phone));
    let questions: Vec<meeting_type::CustomQuestion> = questions
        .iter()
        .filter_map(|q| {
            Some(meeting_type::CustomQuestion {
                key: q.key.clone(),
                label: q.label.clone(),
                kind: q.kind.parse().ok()?,
                required: q.required,
                options: q.options.clone(),
            })
        })
        .collect();
    let answers = draft
        .answers
        .iter()
        .map(|(key, value)| {
            let answer = match value {
                AnswerValue::Flag(flag) => Answer::Checked(*flag),
                AnswerValue::Text(text) => Answer::Text(text.clone()),
            };
            (key.clone(), answer)
        })
        .collect();
    if let Err(failures) = parse_answers(&questions, &answers) {
        errors.merge(failures);
    }
    errors
        .iter()
        .map(|(field, message)| (field.to_owned(), message.to_owned()))
        .collect()
}

/// "Email is invalid" reads better than the server's bare "invalid email" next to a label.
pub(super) fn sentence(label: &str, message: &str) -> String {
    format!("{label} {message}.")
}

/// The step-5 page: finds the chosen time among the day's free times, then asks who is coming.
#[component]
pub fn DetailsStep() -> impl IntoView {
    let frame = expect_context::<Frame>();
    let visitor = expect_context::<VisitorZone>();
    let (department, meeting, date, time) = (
        param("department"),
        param("meeting"),
        param("date"),
        param("time"),
    );
    let repeat = repeat::from_address();
    let loaded = LocalResource::new(move || {
        let (d, m, day, zone, repeat) =
            (department(), meeting(), date(), visitor.get(), repeat.get());
        async move {
            let (choice, slots) =
                futures::join!(api::choice(&d, &m), api::slots(&d, &m, &day, &zone, repeat));
            Ok::<_, ApiError>((choice?, slots?.slots))
        }
    });
    view! {
        <Steps current=5 />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((choice, slots)) => match find_slot(&time(), &slots) {
                        Some(slot) => view! { <CustomerForm choice=choice chosen=slot.clone() repeat=repeat.get_untracked() /> }.into_any(),
                        None => {
                            let back = format!(
                                "{}{}",
                                frame.path(&[&department(), &meeting(), &date()]),
                                repeat::query(repeat.get_untracked())
                            );
                            view! {
                                <div class="notice warning" role="alert">
                                    <p>"That time is no longer available."</p>
                                    <p><a class="button" href=back>"Choose another time"</a></p>
                                </div>
                            }.into_any()
                        }
                    },
                    Err(error) if error.is_not_found() => view! { <NotFound what="meeting type" /> }.into_any(),
                    Err(error) => view! { <Problem error=error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
