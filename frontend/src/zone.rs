//! Time zones in the browser, through `Intl`: the visitor's zone, every zone the browser knows
//! (for the picker), and instants written in a zone in the visitor's own language. Wall-clock
//! arithmetic stays on the server; this module only reads and writes.

use chrono::{DateTime, NaiveDate, Utc};
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
    /// `Mon, Nov 23`.
    ShortDate,
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
            Self::ShortDate => &[("weekday", "short"), ("day", "numeric"), ("month", "short")],
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

/// An instant written in `zone`.
pub fn instant(at: DateTime<Utc>, zone: &str, style: Style) -> String {
    write(&js_date(at), zone, style)
}

fn js_date(at: DateTime<Utc>) -> Date {
    Date::new(&JsValue::from_f64(millis(at)))
}

/// A calendar day (or its month, or its weekday) as the visitor's language writes it.
pub fn day(date: NaiveDate, style: Style) -> String {
    // Noon UTC written in UTC is that day whatever the visitor's zone.
    let noon = date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
    instant(noon, "UTC", style)
}

/// Whether the browser knows `zone`.
pub fn is_known(zone: &str) -> bool {
    formatter(zone, Style::Time).is_some()
}

/// Today in `zone`.
pub fn today(zone: &str) -> Option<NaiveDate> {
    local_date(&Date::new_0(), zone)
}

/// The day of `zone` an instant falls on.
pub fn date_of(at: DateTime<Utc>, zone: &str) -> Option<NaiveDate> {
    local_date(&js_date(at), zone)
}

fn local_date(date: &Date, zone: &str) -> Option<NaiveDate> {
    wall(date, zone).map(|(day, _)| day)
}

/// The day and the minutes since its midnight that `zone`'s clocks show at an instant.
fn wall(date: &Date, zone: &str) -> Option<(NaiveDate, u32)> {
    Clock::new(zone)?.read(date)
}

/// One zone's wall clock, its formatter built once: a calendar reads it thousands of times.
pub struct Clock(Intl::DateTimeFormat);

impl Clock {
    /// `None` for a zone the browser does not know.
    pub fn new(zone: &str) -> Option<Self> {
        // Known zones only: the constructor throws on others.
        formatter(zone, Style::Time)?;
        let options = Object::new();
        Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
        Reflect::set(&options, &"hourCycle".into(), &"h23".into()).ok()?;
        for key in ["year", "month", "day", "hour", "minute"] {
            Reflect::set(&options, &key.into(), &"numeric".into()).ok()?;
        }
        Some(Self(Intl::DateTimeFormat::new(
            &Array::of1(&"en-US".into()),
            &options,
        )))
    }

    /// The day and minute of the day the clock shows at an instant in milliseconds.
    pub fn at(&self, millis: f64) -> Option<(NaiveDate, u32)> {
        self.read(&Date::new(&JsValue::from_f64(millis)))
    }

    fn read(&self, date: &Date) -> Option<(NaiveDate, u32)> {
        let parts = self.0.format_to_parts(date);
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
        let day = NaiveDate::from_ymd_opt(year, part("month")?, part("day")?)?;
        Some((day, part("hour")? % 24 * 60 + part("minute")?))
    }
}

/// Writes instants of one zone in one style, its formatter built once.
pub struct Writer(Intl::DateTimeFormat);

impl Writer {
    pub fn new(zone: &str, style: Style) -> Option<Self> {
        formatter(zone, style).map(Self)
    }

    pub fn write(&self, millis: f64) -> String {
        self.0
            .format()
            .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(millis)))
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default()
    }
}

/// Milliseconds since the epoch of an instant.
pub fn millis(at: DateTime<Utc>) -> f64 {
    // Exact for every instant within ±285 000 years.
    at.timestamp_millis() as f64
}

/// The day and minute of the day `zone` shows at an instant given in milliseconds.
pub fn wall_clock(millis: f64, zone: &str) -> Option<(NaiveDate, u32)> {
    wall(&Date::new(&JsValue::from_f64(millis)), zone)
}

/// How far `zone` is ahead of UTC at an instant, in milliseconds.
fn offset(millis: f64, zone: &str) -> Option<f64> {
    let (day, minute) = wall_clock(millis, zone)?;
    let shown = midnight_utc(day) + f64::from(minute) * 60_000.0;
    // The wall clock has whole minutes; the instant may not.
    Some(shown - (millis / 60_000.0).floor() * 60_000.0)
}

fn midnight_utc(day: NaiveDate) -> f64 {
    use chrono::Datelike;
    Date::utc(f64::from(day.year()), f64::from(day.month0()))
        + f64::from(day.day() - 1) * 86_400_000.0
}

/// The instant at which `zone`'s clocks show `minute` minutes past midnight of `day` (a time the
/// clocks skipped lands just after the change; a time they showed twice is its first showing).
pub fn instant_of(day: NaiveDate, minute: u32, zone: &str) -> Option<f64> {
    const HALF_DAY: f64 = 43_200_000.0;
    let shown = midnight_utc(day) + f64::from(minute) * 60_000.0;
    // The offsets before and after any change that day give every candidate.
    let before = shown - offset(shown - HALF_DAY, zone)?;
    let after = shown - offset(shown + HALF_DAY, zone)?;
    let shows = |at: f64| wall_clock(at, zone) == Some((day, minute));
    Some(match (shows(before), shows(after)) {
        (true, true) => before.min(after),
        (false, true) => after,
        _ => before,
    })
}

/// An instant in milliseconds as the API writes instants: `2027-03-29T07:00:00Z`.
pub fn rfc3339(millis: f64) -> String {
    let iso: String = Date::new(&JsValue::from_f64(millis)).to_iso_string().into();
    format!("{}Z", iso.get(..19).unwrap_or_default())
}

/// An instant given in milliseconds since the epoch.
pub fn at(millis: f64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis as i64).unwrap_or_default()
}

/// An instant as the API writes instants: `2027-03-29T07:00:00Z`.
pub fn wire(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
