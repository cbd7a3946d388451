//! Internal meetings: staff with staff. The host and every participant must be free; they may
//! come from any department, and the rules are read in the meeting type's department's zone.

use chrono::{DateTime, Utc};
use mm_domain::{Interval, scheduling::MeetingSpec};
use uuid::Uuid;

use crate::{Result, Store, scheduling::load_attendee_schedule};

impl Store {
    /// The starts within `window` at which all of `people` are free for a `spec` meeting placed
    /// by staff, with the rules read in `zone`: the times an internal meeting can be created at.
    pub async fn common_availability(
        &self,
        zone: mm_domain::TimeZone,
        people: &[Uuid],
        spec: &MeetingSpec,
        window: Interval,
        step: mm_domain::Minutes,
        now: DateTime<Utc>,
    ) -> Result<Vec<Interval>> {
        let schedule = load_attendee_schedule(&self.db, zone, people, window, None).await?;
        if schedule.members().len() < people.len() {
            // Someone's account is inactive: nothing is common.
            return Ok(Vec::new());
        }
        Ok(schedule.common_starts(spec, window, step, now))
    }
}
