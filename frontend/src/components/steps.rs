//! The wizard's step indicator.

use leptos::prelude::*;

const STEP_NAMES: [&str; 6] = ["Department", "Meeting", "Date", "Time", "Details", "Done"];

/// "Step 3 of 6" with the six steps as a progress bar.
#[component]
pub fn Steps(current: usize) -> impl IntoView {
    view! {
        <nav class="steps" aria-label="Booking progress">
            <p class="step-count">{format!("Step {current} of 6 · {}", STEP_NAMES[current - 1])}</p>
            <ol>
                {STEP_NAMES
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let n = i + 1;
                        let state = if n < current {
                            "done"
                        } else if n == current {
                            "current"
                        } else {
                            "todo"
                        };
                        view! {
                            <li class=state aria-current=(n == current).then_some("step")>
                                <span class="visually-hidden">{*name}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
