//! Meeting Manager's web apps (Leptos, client-side rendered), one WASM binary each so that a
//! customer never downloads the staff app: the public booking wizard (`bin/wizard.rs`) and the
//! staff app (`bin/staff.rs`).
//!
//! They talk to the server only through the JSON API, with the server's own wire types
//! (`mm-api-types`) and its validation rules (`mm-domain`); what they show is computed there.

pub mod api;
pub mod components;
pub mod staff;
pub mod storage;
pub mod wizard;
pub mod zone;
