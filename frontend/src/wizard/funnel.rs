//! Tells the server how far this visit got, for the staff dashboard's funnel: each step once per
//! visit (the tab's session), naming the department and meeting type and nothing about the
//! visitor. A report that fails is lost; it never holds up the wizard.

use leptos::task::spawn_local;
use mm_api_types::{FunnelStep, public::FunnelReport};

use crate::{api, storage};

/// This visit reached `last` in a department (and meeting type, for every step after the
/// first). The steps before it count as reached too, so a visit that starts from a shared link
/// to a meeting type is counted from the department on.
pub fn reached(department: &str, meeting: Option<&str>, last: FunnelStep) {
    let mut seen: Vec<String> = storage::load(storage::FUNNEL).unwrap_or_default();
    let mut unreported = |meeting: Option<&str>, steps: Vec<FunnelStep>| {
        let steps: Vec<FunnelStep> = steps
            .into_iter()
            .filter(|step| {
                let key = format!("{step}/{department}/{}", meeting.unwrap_or_default());
                let fresh = !seen.contains(&key);
                if fresh {
                    seen.push(key);
                }
                fresh
            })
            .collect();
        (!steps.is_empty()).then(|| FunnelReport {
            department_slug: department.to_owned(),
            meeting_slug: meeting.map(str::to_owned),
            steps,
        })
    };
    let up_to_last = || {
        FunnelStep::ALL
            .iter()
            .copied()
            .filter(move |step| *step <= last && *step != FunnelStep::Booked)
    };
    let first = unreported(
        None,
        up_to_last()
            .filter(|step| *step == FunnelStep::Department)
            .collect(),
    );
    let rest = meeting.and_then(|meeting| {
        unreported(
            Some(meeting),
            up_to_last()
                .filter(|step| *step != FunnelStep::Department)
                .collect(),
        )
    });
    storage::save(storage::FUNNEL, &seen);
    for report in first.into_iter().chain(rest) {
        spawn_local(api::report_funnel(report));
    }
}
