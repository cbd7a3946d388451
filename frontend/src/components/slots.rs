//! A day's times as links, and the keys that name a time in a step's URL.

use leptos::prelude::*;
use mm_api_types::public::PublicSlot;

use crate::{
    wizard::VisitorZone,
    zone::{self, Style},
};

/// The key of a slot in a step's URL: its local `HH:MM`, with the offset only on the one day a
/// year when a clock time happens twice.
pub fn slot_key(slot: &PublicSlot, day: &[PublicSlot]) -> String {
    let clock = |s: &PublicSlot| s.start_local.get(11..16).unwrap_or_default().to_owned();
    let time = clock(slot);
    if day.iter().filter(|s| clock(s) == time).count() > 1 {
        let offset = slot.start_local.get(19..).unwrap_or_default();
        format!("{time}{offset}")
    } else {
        time
    }
}

/// The slot a URL's time key names.
pub fn find_slot<'a>(key: &str, day: &'a [PublicSlot]) -> Option<&'a PublicSlot> {
    day.iter().find(|s| slot_key(s, day) == key)
}

/// A day's times as links, each with its duration.
#[component]
pub fn SlotList(
    slots: Vec<PublicSlot>,
    duration: u32,
    href: Callback<PublicSlot, String>,
) -> impl IntoView {
    let visitor = expect_context::<VisitorZone>();
    let zone = visitor.get_untracked();
    view! {
        <ul class="slots" aria-label="Available times">
            {slots
                .into_iter()
                .map(|slot| {
                    let time = zone::instant(slot.start_utc, &zone, Style::Time);
                    let link = href.run(slot.clone());
                    view! {
                        <li>
                            <a class="slot" href=link data-start-utc=zone::wire(slot.start_utc)>
                                <span class="slot-time">{time}</span>
                                <span class="slot-duration">{format!("{duration} min")}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
