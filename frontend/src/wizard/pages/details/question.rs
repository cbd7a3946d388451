//! One of the meeting type's own questions, as the kind of field it asks for.

use std::collections::BTreeMap;

use leptos::{ev, prelude::*};
use mm_api_types::{bookings::AnswerValue, meeting_types::CustomQuestion};
use mm_domain::meeting_type::QuestionKind;

use super::{Draft, sentence};

/// One of the meeting type's own questions.
#[component]
pub(super) fn Question(
    question: CustomQuestion,
    draft: RwSignal<Draft>,
    errors: Memo<BTreeMap<String, String>>,
    touch: Callback<String>,
) -> impl IntoView {
    let field = format!("answers.{}", question.key);
    let id = format!("answer-{}", question.key);
    let described = format!("{id}-error");
    let key = question.key.clone();
    let label = question.label.clone();
    let error = {
        let (field, label) = (field.clone(), label.clone());
        move || errors.with(|e| e.get(&field).map(|m| sentence(&label, m)))
    };
    let text_of = {
        let key = key.clone();
        move || {
            draft.with(|d| match d.answers.get(&key) {
                Some(AnswerValue::Text(t)) => t.clone(),
                _ => String::new(),
            })
        }
    };
    let set_text = {
        let key = key.clone();
        move |ev: ev::Event| {
            let value = event_target_value(&ev);
            draft.update(|d| {
                d.answers.insert(key.clone(), AnswerValue::Text(value));
            });
        }
    };
    let blur = {
        let field = field.clone();
        move |_| touch.run(field.clone())
    };
    let marker = question
        .required
        .then(|| view! { " "<span class="required" aria-hidden="true">"*"</span> });
    let input = match question.kind.parse::<QuestionKind>() {
        Ok(QuestionKind::Checkbox) => {
            let key = key.clone();
            let checked = {
                let key = key.clone();
                move || draft.with(|d| matches!(d.answers.get(&key), Some(AnswerValue::Flag(true))))
            };
            return view! {
                <div class="field checkbox">
                    <input id=id.clone() type="checkbox" required=question.required prop:checked=checked
                        aria-describedby=described.clone()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| { d.answers.insert(key.clone(), AnswerValue::Flag(on)); });
                            touch.run(format!("answers.{}", key));
                        } />
                    <label for=id>{label}{marker}</label>
                    <p class="field-error" id=described aria-live="polite">{error}</p>
                </div>
            }
            .into_any();
        }
        Ok(QuestionKind::Select) => view! {
            <select id=id.clone() required=question.required aria-describedby=described.clone()
                prop:value=text_of on:change=set_text on:blur=blur>
                <option value="">"Choose…"</option>
                {question.options.iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        Ok(QuestionKind::Textarea) => view! {
            <textarea id=id.clone() rows="3" required=question.required aria-describedby=described.clone()
                prop:value=text_of on:input=set_text on:blur=blur></textarea>
        }
        .into_any(),
        _ => view! {
            <input id=id.clone() type="text" required=question.required aria-describedby=described.clone()
                prop:value=text_of on:input=set_text on:blur=blur />
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label.clone()}{marker}</label>
            {input}
            <p class="field-error" id=described aria-live="polite">{error}</p>
        </div>
    }
    .into_any()
}
