//! A meeting type's custom questions as edited: key, wording, kind, whether required, and the
//! choices of a choice question. Saved with the meeting type.

use leptos::{ev, prelude::*};
use mm_api_types::{QuestionKind, meeting_types::CustomQuestion};

const KINDS: [(QuestionKind, &str); 4] = [
    (QuestionKind::Text, "Short text"),
    (QuestionKind::Textarea, "Long text"),
    (QuestionKind::Select, "Choice"),
    (QuestionKind::Checkbox, "Yes / no"),
];
#[component]
pub(super) fn QuestionsEditor(questions: RwSignal<Vec<CustomQuestion>>) -> impl IntoView {
    view! {
        <h2>"Questions for the customer"</h2>
        <table class="table questions">
            <thead><tr><th>"Key"</th><th>"Question"</th><th>"Kind"</th><th>"Required"</th><th>"Choices (comma-separated)"</th><th></th></tr></thead>
            <tbody>
                {move || (0..questions.with(Vec::len)).map(|i| {
                    let read = move |f: fn(&CustomQuestion) -> String| move || questions.with(|all| all.get(i).map(f).unwrap_or_default());
                    let write = move |f: fn(&mut CustomQuestion, String)| move |e: ev::Event| { let v = event_target_value(&e); questions.update(|all| if let Some(q) = all.get_mut(i) { f(q, v); }); };
                    view! {
                        <tr>
                            <td><input type="text" aria-label="Key" prop:value=read(|q| q.key.clone()) on:change=write(|q, v| q.key = v) /></td>
                            <td><input type="text" aria-label="Question" prop:value=read(|q| q.label.clone()) on:change=write(|q, v| q.label = v) /></td>
                            <td><select aria-label="Kind" on:change=write(|q, v| q.kind = v)>
                                {KINDS.into_iter().map(|(k, l)| view! { <option value=k.as_str() selected=move || questions.with(|all| all.get(i).is_some_and(|q| q.kind == k.as_str()))>{l}</option> }).collect_view()}
                            </select></td>
                            <td><input type="checkbox" aria-label="Required" prop:checked=move || questions.with(|all| all.get(i).is_some_and(|q| q.required))
                                on:change=move |_| questions.update(|all| if let Some(q) = all.get_mut(i) { q.required = !q.required; }) /></td>
                            <td><input type="text" aria-label="Choices" prop:value=read(|q| q.options.join(", "))
                                on:change=write(|q, v| q.options = v.split(',').map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect()) /></td>
                            <td><button type="button" class="link" on:click=move |_| questions.update(|all| { if i < all.len() { all.remove(i); } })>"Remove"</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <p><button type="button" class="button" on:click=move |_| questions.update(|all| all.push(CustomQuestion {
            key: String::new(), label: String::new(), kind: QuestionKind::Text.to_string(), required: false, options: Vec::new(),
        }))>"Add a question"</button></p>
    }
}
