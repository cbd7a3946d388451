//! The slots a series can start at: a start on its first day from which one member is free for
//! every meeting of the series.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Slot;
use crate::{recurrence::Recurrence, time::TimeZone};

/// `first_day`'s slots (bookable singly) with their members narrowed to those free at every
/// later start of a `recurrence` series begun at the slot, as `free_at` says who is free at a
/// start (the slot table of that meeting's day); slots nobody is left for are dropped. A series
/// goes to one host, so a member free at every start is what a slot promises.
pub fn series_slots(
    first_day: Vec<Slot>,
    recurrence: Recurrence,
    zone: TimeZone,
    mut free_at: impl FnMut(DateTime<Utc>) -> Vec<Uuid>,
) -> Vec<Slot> {
    first_day
        .into_iter()
        .filter_map(|mut slot| {
            for start in recurrence
                .starts(zone, slot.span.start())
                .into_iter()
                .skip(1)
            {
                if slot.free_members.is_empty() {
                    break;
                }
                let free = free_at(start);
                slot.free_members.retain(|member| free.contains(member));
            }
            (!slot.free_members.is_empty()).then_some(slot)
        })
        .collect()
}
