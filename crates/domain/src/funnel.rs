//! The public wizard's funnel: how far visits get, step by step, from choosing a department to a
//! booking made. Only counts exist — per department, meeting type, step and day — never who
//! took a step, so nothing here is personal data.

use std::collections::BTreeMap;

use strum::{AsRefStr, Display, EnumIter, EnumString, IntoEnumIterator as _, VariantNames};
use uuid::Uuid;

/// A step of the wizard a visit reached, in the order the wizard takes them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Display,
    EnumString,
    AsRefStr,
    VariantNames,
    EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum FunnelStep {
    /// A department's meeting types were shown.
    Department,
    /// A meeting type was chosen: its calendar was shown.
    MeetingType,
    /// A date was chosen: its times were shown.
    Date,
    /// A time was chosen: the details form was shown.
    Time,
    /// The details form was sent.
    Details,
    /// The booking was made. Counted by the server when it is, never reported by a visitor.
    Booked,
}

impl FunnelStep {
    /// Whether visitors report it (the booking itself the server counts).
    pub fn reported_by_visitor(self) -> bool {
        self != Self::Booked
    }

    /// Whether it is taken for one meeting type (all but choosing the department).
    pub fn has_meeting_type(self) -> bool {
        self != Self::Department
    }
}

/// How many visits reached a step, and what share of the step before that is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepCount {
    pub step: FunnelStep,
    pub count: u64,
    /// `count` over the previous step's; `None` for the first step or after a step of 0. It may
    /// pass 1 when visits enter past the first step (a shared link to a meeting type, two
    /// meeting types tried in one visit).
    pub rate: Option<f64>,
}

/// One meeting type's funnel, from choosing it to booked.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingTypeFunnel {
    pub meeting_type_id: Uuid,
    pub steps: Vec<StepCount>,
    /// Booked over chosen; `None` when nobody chose it.
    pub conversion: Option<f64>,
}

/// The funnel of the departments read, together and per meeting type.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    /// Every step, department first.
    pub steps: Vec<StepCount>,
    /// Booked over visits that chose a department; `None` before any.
    pub conversion: Option<f64>,
    /// Meeting types that were chosen or booked, by id.
    pub by_meeting_type: Vec<MeetingTypeFunnel>,
}

/// A summed count of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub meeting_type_id: Option<Uuid>,
    pub step: FunnelStep,
    pub count: u64,
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Every step from `first` with its count (0 where none) and rate.
fn steps_from(first: FunnelStep, counts: &BTreeMap<FunnelStep, u64>) -> Vec<StepCount> {
    let mut previous: Option<u64> = None;
    FunnelStep::iter()
        .filter(|step| *step >= first)
        .map(|step| {
            let count = counts.get(&step).copied().unwrap_or(0);
            let rate = previous.and_then(|before| ratio(count, before));
            previous = Some(count);
            StepCount { step, count, rate }
        })
        .collect()
}

/// The funnel of `tallies` (any number per step and meeting type; they are summed).
pub fn funnel(tallies: &[Tally]) -> Funnel {
    let mut together: BTreeMap<FunnelStep, u64> = BTreeMap::new();
    let mut per_type: BTreeMap<Uuid, BTreeMap<FunnelStep, u64>> = BTreeMap::new();
    for tally in tallies {
        *together.entry(tally.step).or_default() += tally.count;
        if let Some(id) = tally.meeting_type_id {
            *per_type
                .entry(id)
                .or_default()
                .entry(tally.step)
                .or_default() += tally.count;
        }
    }
    let booked = |counts: &BTreeMap<FunnelStep, u64>| counts.get(&FunnelStep::Booked).copied();
    Funnel {
        steps: steps_from(FunnelStep::Department, &together),
        conversion: ratio(
            booked(&together).unwrap_or(0),
            together.get(&FunnelStep::Department).copied().unwrap_or(0),
        ),
        by_meeting_type: per_type
            .into_iter()
            .map(|(meeting_type_id, counts)| MeetingTypeFunnel {
                meeting_type_id,
                conversion: ratio(
                    booked(&counts).unwrap_or(0),
                    counts.get(&FunnelStep::MeetingType).copied().unwrap_or(0),
                ),
                steps: steps_from(FunnelStep::MeetingType, &counts),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(meeting_type_id: Option<Uuid>, step: FunnelStep, count: u64) -> Tally {
        Tally {
            meeting_type_id,
            step,
            count,
        }
    }

    #[test]
    fn each_step_is_a_share_of_the_one_before_and_conversion_of_the_first() {
        let call = Uuid::from_u128(1);
        let funnel = funnel(&[
            tally(None, FunnelStep::Department, 10),
            tally(Some(call), FunnelStep::MeetingType, 8),
            tally(Some(call), FunnelStep::Date, 4),
            tally(Some(call), FunnelStep::Time, 4),
            tally(Some(call), FunnelStep::Details, 2),
            tally(Some(call), FunnelStep::Booked, 1),
        ]);
        let counts: Vec<_> = funnel.steps.iter().map(|s| (s.count, s.rate)).collect();
        assert_eq!(
            counts,
            [
                (10, None),
                (8, Some(0.8)),
                (4, Some(0.5)),
                (4, Some(1.0)),
                (2, Some(0.5)),
                (1, Some(0.5))
            ]
        );
        assert_eq!(funnel.conversion, Some(0.1));
        assert_eq!(funnel.by_meeting_type.len(), 1);
        assert_eq!(funnel.by_meeting_type[0].steps.len(), 5);
        assert_eq!(funnel.by_meeting_type[0].conversion, Some(1.0 / 8.0));
    }

    #[test]
    fn rows_of_one_key_are_summed_and_missing_steps_are_zero() {
        let call = Uuid::from_u128(1);
        let funnel = funnel(&[
            tally(None, FunnelStep::Department, 2),
            tally(None, FunnelStep::Department, 3),
            tally(Some(call), FunnelStep::Booked, 1),
        ]);
        assert_eq!(funnel.steps[0].count, 5);
        assert_eq!(funnel.steps[1].count, 0);
        assert_eq!(funnel.steps[1].rate, Some(0.0));
        // Nothing reached the date step, so there is no share of it to give.
        assert_eq!(funnel.steps[2].rate, None);
        assert_eq!(funnel.by_meeting_type[0].conversion, None);
    }

    #[test]
    fn no_visits_means_no_conversion_rather_than_zero() {
        let funnel = funnel(&[]);
        assert_eq!(funnel.conversion, None);
        assert!(
            funnel
                .steps
                .iter()
                .all(|s| s.count == 0 && s.rate.is_none())
        );
        assert!(funnel.by_meeting_type.is_empty());
    }

    #[test]
    fn visitors_report_every_step_but_the_booking() {
        let reported: Vec<_> = FunnelStep::iter()
            .filter(|s| s.reported_by_visitor())
            .collect();
        assert_eq!(reported.len(), 5);
        assert!(!FunnelStep::Booked.reported_by_visitor());
        assert_eq!(FunnelStep::MeetingType.as_ref(), "meeting_type");
    }
}
