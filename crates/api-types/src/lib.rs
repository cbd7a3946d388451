//! The JSON wire types of Meeting Manager's REST API (`/api/v1`), exactly as `design/api.md`
//! names them, shared by the server and the Leptos frontend.
//!
//! This crate compiles to WASM: serde, chrono and uuid only. It knows nothing of the domain rules, the
//! database or HTTP handlers; the server parses these types into domain types at the edge.
//! OpenAPI schemas are derived only with the `openapi` feature, which only the server enables.

pub mod analytics;
pub mod api_keys;
pub mod availability;
pub mod bookings;
pub mod calendar;
pub mod customers;
pub mod departments;
pub mod error;
pub mod integrations;
pub mod meeting_types;
pub mod outbox;
pub mod public;
pub mod users;
pub mod vocabulary;
pub mod webhooks;

pub use vocabulary::*;

use serde::{Deserialize, Deserializer, Serialize};

/// A page of a list: `?page=1&per_page=50` → `{items, total, page, per_page}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    /// A list short enough to send whole: one page holding everything.
    pub fn whole(items: Vec<T>) -> Self {
        let total = items.len() as u64;
        Self {
            items,
            total,
            page: 1,
            per_page: total.max(1),
        }
    }
}

/// `?page=&per_page=`; defaults 1 and 50, `per_page` at most 200.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    #[serde(default, deserialize_with = "page_number")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1_000_000))]
    pub page: Option<u64>,
    #[serde(default, deserialize_with = "page_size")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<u64>,
}

/// A page number: 1 to [`PageQuery::MAX_PAGE`].
pub fn page_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let page = Option::<u64>::deserialize(deserializer)?;
    if page.is_some_and(|n| !(1..=PageQuery::MAX_PAGE).contains(&n)) {
        return Err(serde::de::Error::custom(format!(
            "page must be from 1 to {}",
            PageQuery::MAX_PAGE
        )));
    }
    Ok(page)
}

/// A page size: 1 to [`PageQuery::MAX_PER_PAGE`].
pub fn page_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let size = Option::<u64>::deserialize(deserializer)?;
    if size.is_some_and(|n| !(1..=PageQuery::MAX_PER_PAGE).contains(&n)) {
        return Err(serde::de::Error::custom(format!(
            "per_page must be from 1 to {}",
            PageQuery::MAX_PER_PAGE
        )));
    }
    Ok(size)
}

impl PageQuery {
    pub const MAX_PER_PAGE: u64 = 200;
    /// Beyond a million pages a list is searched, not paged.
    pub const MAX_PAGE: u64 = 1_000_000;

    pub fn page(self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(self) -> u64 {
        self.per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE)
    }
}

/// For PATCH fields that may be set to `null`: absent → `None`, `null` → `Some(None)`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
