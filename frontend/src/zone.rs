//! Time zones in the browser, through `Intl`: the visitor's zone, every zone the browser knows
//! (for the picker), and instants written in a zone in the visitor's own language. Wall-clock
//! arithmetic stays on the server; this module only reads and writes.

use chrono::NaiveDate;
use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The zone the browser runs in, or UTC when it does not say.
pub fn detected() -> String {
    let format = Intl::DateTimeFormat::new(&Array::new(), &Object::new());
    Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// Every IANA zone the browser knows, sorted; always including UTC.
pub fn all() -> Vec<String> {
    let mut zones: Vec<String> = Intl::supported_values_of(Intl::SupportedValuesKey::TimeZone)
        .iter()
        .map(String::from)
        .collect();
    if !zones.iter().any(|z| z == "UTC") {
        zones.push("UTC".to_owned());
    }
    zones.sort();
    zones
}

/// A zone's name for people: `America/New_York` → `America/New York`.
pub fn label(zone: &str) -> String {
    zone.replace('_', " ")
}

/// How much of an instant to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `3:00 AM` or `03:00`, as the visitor's language writes times.
    Time,
    /// `Monday, March 29, 2027`.
    LongDate,
    /// `March 2027`.
    Month,
    /// `Mon`.
    Weekday,
}

impl Style {
    fn fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Time => &[("hour", "numeric"), ("minute", "2-digit")],
            Self::LongDate => &[
                ("weekday", "long"),
                ("day", "numeric"),
                ("month", "long"),
                ("year", "numeric"),
            ],
            Self::Month => &[("month", "long"), ("year", "numeric")],
            Self::Weekday => &[("weekday", "short")],
        }
    }
}

/// `Intl.DateTimeFormat` for a zone, or `None` for a zone the browser does not know (the
/// constructor throws then, so it is called through `Reflect`).
fn formatter(zone: &str, style: Style) -> Option<Intl::DateTimeFormat> {
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    for (key, value) in style.fields() {
        Reflect::set(&options, &(*key).into(), &(*value).into()).ok()?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let arguments = Array::of2(&JsValue::UNDEFINED, &options);
    Reflect::construct(&constructor, &arguments)
        .ok()
        .map(JsCast::unchecked_into)
}

fn write(date: &Date, zone: &str, style: Style) -> String {
    formatter(zone, style)
        .and_then(|f| f.format().call1(&JsValue::NULL, date).ok())
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// An RFC 3339 instant written in `zone`.
pub fn instant(utc: &str, zone: &str, style: Style) -> String {
    write(&Date::new(&JsValue::from_str(utc)), zone, style)
}

/// A calendar day (or its month, or its weekday) as the visitor's language writes it.
pub fn day(date: NaiveDate, style: Style) -> String {
    // Noon UTC written in UTC is that day whatever the visitor's zone.
    let noon = format!("{date}T12:00:00Z");
    instant(&noon, "UTC", style)
}

/// Whether the browser knows `zone`.
pub fn is_known(zone: &str) -> bool {
    formatter(zone, Style::Time).is_some()
}

/// Today in `zone`.
pub fn today(zone: &str) -> Option<NaiveDate> {
    local_date(&Date::new_0(), zone)
}

/// The day of `zone` an RFC 3339 instant falls on.
pub fn date_of(utc: &str, zone: &str) -> Option<NaiveDate> {
    local_date(&Date::new(&JsValue::from_str(utc)), zone)
}

fn local_date(date: &Date, zone: &str) -> Option<NaiveDate> {
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    for key in ["year", "month", "day"] {
        Reflect::set(&options, &key.into(), &"numeric".into()).ok()?;
    }
    // Known zones only: the constructor throws on others.
    formatter(zone, Style::Time)?;
    let format = Intl::DateTimeFormat::new(&Array::of1(&"en-US".into()), &options);
    let parts = format.format_to_parts(date);
    let part = |kind: &str| -> Option<u32> {
        parts.iter().find_map(|p: JsValue| {
            let is_kind = Reflect::get(&p, &"type".into()).ok()?.as_string()? == kind;
            if is_kind {
                Reflect::get(&p, &"value".into())
                    .ok()?
                    .as_string()?
                    .parse()
                    .ok()
            } else {
                None
            }
        })
    };
    let year = i32::try_from(part("year")?).ok()?;
    NaiveDate::from_ymd_opt(year, part("month")?, part("day")?)
}
