//! Meeting Manager's external calendars: reading a member's busy times from the calendars they
//! connect (iCal feeds today) into [`SyncedEvent`]s, and fetching feeds from the internet without
//! letting a URL reach into our own network.
//!
//! It knows HTTP and the providers' formats. It must not know SQL, our own API or the clock:
//! callers pass the window to read, and the store decides what to keep.

mod feed;
pub mod ical;
mod zone;

pub use feed::{FeedError, FeedFetcher};
pub use ical::{IcalError, read_feed};
pub use mm_domain::external_calendar::SyncedEvent;
