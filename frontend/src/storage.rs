//! The wizard's memory across reloads and back/forward: JSON values in the tab's session storage,
//! which the browser forgets when the tab closes. Storage that is full or switched off only
//! costs the visitor that memory, never the booking.

use serde::{Serialize, de::DeserializeOwned};

/// The visitor's chosen time zone.
pub const ZONE: &str = "mm.zone";
/// What the visitor typed in the details form.
pub const DETAILS: &str = "mm.details";
/// The wizard steps this visit has reported (`step/department/meeting`).
pub const FUNNEL: &str = "mm.funnel";
/// A one-off message for the next page, such as "that time was just taken".
pub const NOTICE: &str = "mm.notice";

/// Where a confirmed booking is kept for its confirmation page.
pub fn booking_key(reference: &str) -> String {
    format!("mm.booking.{reference}")
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = session()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (session(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
}

pub fn remove(key: &str) {
    if let Some(storage) = session() {
        let _ = storage.remove_item(key);
    }
}

/// Reads and forgets a value.
pub fn take<T: DeserializeOwned>(key: &str) -> Option<T> {
    let value = load(key);
    remove(key);
    value
}
