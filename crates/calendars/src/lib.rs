//! Meeting Manager's external calendars: reading a member's busy times from the calendars they
//! connect (iCal feeds, Google Calendar, Outlook) into [`SyncedEvent`]s, and writing our bookings
//! into them; fetching feeds from the internet without letting a URL reach into our own network;
//! OAuth 2.0 with PKCE for the providers; and the encryption of their tokens at rest.
//!
//! It knows HTTP and the providers' formats. It must not know SQL, our own API or the clock:
//! callers pass the window to read, and the store decides what to keep.

mod api;
pub mod crypto;
mod feed;
pub mod google;
pub mod ical;
pub mod oauth;
pub mod outlook;
pub mod provider;
mod zone;
pub mod zoom;

pub use api::CalendarApi;
pub use crypto::{CryptoError, TokenCipher};
pub use feed::{FeedError, FeedFetcher, is_public};
pub use ical::{FeedLimits, IcalError, read_feed};
pub use mm_domain::external_calendar::SyncedEvent;
