//! Completes the OpenAPI description with what follows from the shape of each operation and
//! each value, so that no handler or wire type has to repeat it and none can forget it:
//!
//! - answers: a signed-in operation may be refused (401, 403) or throttled (429), one with a
//!   path parameter may name nothing (404), one that reads a body, a query or a header may find
//!   it malformed (400);
//! - the API key scheme on each operation a key may call, with the scope it needs, from the
//!   table the server enforces ([`crate::auth::scope_for`]);
//! - what the server accepts, stated as patterns: a `format` (uuid, date, date-time) is only an
//!   annotation in JSON Schema, so each gets the pattern of exactly what the server parses; time
//!   zones are the IANA names the server knows; addresses, phone numbers and the
//!   `Idempotency-Key` follow the server's rules.
//!
//! It works on the description as JSON, the language the rules are written in.

use actix_web::http::Method;
use serde_json::{Map, Value, json};

/// One calendar day `YYYY-MM-DD` of years `year` (a pattern), leap days included exactly.
fn day(year: &str, leap_year: &str) -> String {
    format!(
        "(?:{year}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|{leap_year}-02-29)"
    )
}

/// Any year chrono reads (`0000`–`9999`), and the leap years among them.
const ANY_YEAR: &str = "[0-9]{4}";
const ANY_LEAP_YEAR: &str =
    "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)";
/// The years a date in a query may name (`wire::parse_date`): 1900–2200.
const QUERY_YEAR: &str = "(?:19[0-9]{2}|2[01][0-9]{2}|2200)";
const QUERY_LEAP_YEAR: &str = "(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26])|21(?:0[48]|[2468][048]|[13579][26]))";

/// Every spelling of a UUID the server reads: hyphenated (braced, or as a URN), or 32 digits.
const UUID: &str = "^(?:[0-9a-fA-F]{32}|(?:[uU][rR][nN]:[uU][uU][iI][dD]:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\})$";
/// What `Email::parse` takes: no space or control character, a local part of at most 64,
/// labels of letters, digits and inner hyphens.
const EMAIL: &str = "^[^@\\s\\x00-\\x1f\\x7f-\\x9f]{1,64}@(?:[^\\W_](?:(?:[^\\W_]|-){0,61}[^\\W_])?\\.)+[^\\W_](?:(?:[^\\W_]|-){0,61}[^\\W_])?$";
/// What `Phone::parse` takes: 7 to 15 digits, a leading `+`, spaces, dots, dashes, brackets.
const PHONE: &str = "^\\+?(?:[ .()-]*[0-9]){7,15}[ .()-]*$";
/// `HH:MM` as `TimeOfDay::parse` reads it (which also lets `u16` take a `+` sign), up to `24:00`.
const TIME_OF_DAY: &str =
    "^(?:(?:[01][0-9]|2[0-3]|\\+[0-9]):(?:[0-5][0-9]|\\+[0-9])|24:(?:00|\\+0))$";
/// `Idempotency-Key`: 1 to 255 visible ASCII characters.
const IDEMPOTENCY_KEY: &str = "^[\\x21-\\x7e]{1,255}$";

fn date_time() -> String {
    format!(
        "^{}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$",
        day(ANY_YEAR, ANY_LEAP_YEAR)
    )
}

/// `api` with what every operation may answer, the key scopes, and the value rules.
pub fn complete(api: &utoipa::openapi::OpenApi) -> Value {
    // A description is plain data: it always serialises.
    let mut doc = serde_json::to_value(api).unwrap_or(Value::Null);
    complete_json(&mut doc);
    doc
}

/// The schemas requests are made of: those a request body names, and those they name.
fn request_schemas(doc: &Value) -> std::collections::BTreeSet<String> {
    fn names(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                for (key, inner) in object {
                    match (key.as_str(), inner.as_str()) {
                        ("$ref", Some(target)) => {
                            found.push(target.rsplit('/').next().unwrap_or_default().to_owned());
                        }
                        _ => names(inner, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| names(i, found)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            names(&operation["requestBody"], &mut todo);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            names(&doc["components"]["schemas"][&name], &mut todo);
        }
    }
    seen
}

fn complete_json(doc: &mut Value) {
    let requests = request_schemas(doc);
    let zones: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let names: Vec<String> = zones.iter().map(|zone| zone_varname(zone)).collect();
        schemas.insert(
            "TimeZoneName".to_owned(),
            json!({
                "type": "string",
                "description": "An IANA time zone name, such as `Europe/Copenhagen`.",
                "enum": zones,
                // Generated clients name each value; `GMT+0`, `GMT-0` and `GMT0` must not meet.
                "x-enum-varnames": names,
            }),
        );
        for (name, schema) in schemas.iter_mut() {
            let place = if requests.contains(name) {
                Place::Body
            } else {
                Place::Answer
            };
            state_rules(schema, place);
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            complete_operation(path, &method, operation);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A request body.
    Body,
    Query,
    /// What the server answers: formats are stated, the rules of input are not.
    Answer,
}

fn is_string(schema: &Map<String, Value>) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    }
}

fn nullable(schema: &Map<String, Value>) -> bool {
    matches!(schema.get("type"), Some(Value::Array(types)) if types.iter().any(|t| t == "null"))
}

/// A zone's name as a generated client's identifier: `Etc/GMT+1` → `ETC_GMT_PLUS_1`.
fn zone_varname(zone: &str) -> String {
    let mut name = String::new();
    let mut chars = zone.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '+' => name.push_str("_PLUS_"),
            '-' if chars.peek().is_some_and(char::is_ascii_digit) => name.push_str("_MINUS_"),
            c if c.is_ascii_alphanumeric() => name.push(c.to_ascii_uppercase()),
            _ => name.push('_'),
        }
    }
    name
}

/// States the value rules inside `schema` (and every schema it holds); `name`d properties get
/// the rules of what they are.
fn state_rules(schema: &mut Value, place: Place) {
    let Some(object) = schema.as_object_mut() else {
        if let Some(items) = schema.as_array_mut() {
            for item in items {
                state_rules(item, place);
            }
        }
        return;
    };
    if is_string(object) && !object.contains_key("pattern") {
        let pattern = match object.get("format").and_then(Value::as_str) {
            Some("uuid") => Some(UUID.to_owned()),
            Some("uuid-list") => {
                let one = &UUID[1..UUID.len() - 1];
                Some(format!("^\\s*(?:{one})?\\s*(?:,\\s*(?:{one})?\\s*)*$"))
            }
            Some("date-time") => Some(date_time()),
            Some("date") if place == Place::Query => {
                Some(format!("^{}$", day(QUERY_YEAR, QUERY_LEAP_YEAR)))
            }
            Some("date") => Some(format!("^{}$", day(ANY_YEAR, ANY_LEAP_YEAR))),
            Some("email") => Some(EMAIL.to_owned()),
            _ => None,
        };
        if let Some(pattern) = pattern {
            object.insert("pattern".to_owned(), json!(pattern));
            // The pattern says it all; `email` would also refuse the international addresses
            // the server takes.
            if object.get("format").is_some_and(|f| f == "email") {
                object.remove("format");
            }
        }
    }
    if place != Place::Answer
        && let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut)
    {
        for (name, property) in properties.iter_mut() {
            named(name, property);
        }
    }
    for value in object.values_mut() {
        if value.is_object() || value.is_array() {
            state_rules(value, place);
        }
    }
}

/// Characters no one-line text takes (`required_text`): controls, line and paragraph separators.
const BREAKS: &str = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029";

/// One line of text with something besides spaces, as `required_text` takes it (it trims
/// whitespace, line breaks included, from both ends first).
fn one_line() -> String {
    format!("^\\s*[^\\s{BREAKS}](?:[^{BREAKS}]*[^\\s{BREAKS}])?\\s*$")
}

/// The longest each one-line name of a request may be.
fn one_line_limit(name: &str) -> Option<u64> {
    Some(match name {
        "meeting_name" | "department_name" | "full_name" | "integration_name" | "rule_name" => 140,
        "customer_name" | "label" | "title" => 200,
        "name" => 100,
        _ => return None,
    })
}

/// The rules a value has because of what it is: time zones, addresses, phone numbers, names,
/// slugs, times of day.
fn named(name: &str, property: &mut Value) {
    let Some(object) = property.as_object_mut() else {
        return;
    };
    if !is_string(object) || object.contains_key("pattern") || object.contains_key("enum") {
        return;
    }
    if let Some(longest) = one_line_limit(name) {
        object.insert("pattern".to_owned(), json!(one_line()));
        object.insert("maxLength".to_owned(), json!(longest));
        return;
    }
    match name {
        "department_slug" | "meeting_slug" => {
            object.insert("pattern".to_owned(), json!("^[a-z0-9]+(?:-[a-z0-9]+)*$"));
            object.insert("maxLength".to_owned(), json!(80));
        }
        "key" => {
            object.insert("pattern".to_owned(), json!("^[a-z][a-z0-9_]{0,39}$"));
        }
        "start" | "end" | "custom_hours_start" | "custom_hours_end" => {
            object.insert("pattern".to_owned(), json!(TIME_OF_DAY));
        }
        "password" => {
            object.insert("minLength".to_owned(), json!(10));
            object.insert("maxLength".to_owned(), json!(200));
        }
        _ => {}
    }
    match name {
        "timezone" | "customer_timezone" => {
            let zone = json!({"$ref": "#/components/schemas/TimeZoneName"});
            let description = object.get("description").cloned();
            let mut replaced = if nullable(object) {
                json!({"oneOf": [{"type": "null"}, zone]})
            } else {
                zone
            };
            if let (Some(description), Some(r)) = (description, replaced.as_object_mut()) {
                r.insert("description".to_owned(), description);
            }
            *property = replaced;
        }
        "email" | "customer_email" => {
            object.insert("pattern".to_owned(), json!(EMAIL));
            object.insert("maxLength".to_owned(), json!(254));
            object.remove("format");
        }
        "customer_phone" => {
            object.insert("pattern".to_owned(), json!(PHONE));
        }
        "language" | "customer_language" => {
            let mut codes: Vec<serde_json::Value> = mm_i18n::Language::ALL
                .iter()
                .map(|language| json!(language.code()))
                .collect();
            if nullable(object) {
                codes.push(serde_json::Value::Null);
            }
            object.insert("enum".to_owned(), json!(codes));
        }
        _ => {}
    }
}

/// An optional query value left blank is absent (forms send blanks): its rule takes blanks too,
/// and its `format` moves to the description (a blank is no date-time, and schema checkers read
/// formats as rules).
fn blank_is_absent(schema: &mut Value) {
    if schema.get("$ref").is_some() || schema.get("oneOf").is_some() {
        *schema = json!({"anyOf": [schema.clone(), {"type": "string", "pattern": "^\\s*$"}]});
        return;
    }
    let Some(pattern) = schema.get("pattern").and_then(Value::as_str) else {
        return;
    };
    let inner = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .unwrap_or(pattern);
    schema["pattern"] = json!(format!("^\\s*(?:{inner})?\\s*$"));
    if let Some(format) = schema.as_object_mut().and_then(|s| s.remove("format")) {
        let said = format!("A {format}, or blank for none.");
        schema["description"] = json!(said);
    }
}

fn signed_in(operation: &Value) -> bool {
    operation["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()))
}

/// Public operations a client can be throttled on: bookings and their links, invitations,
/// signing in.
fn throttled_in_public(path: &str, method: &Method) -> bool {
    method == Method::POST
        || path.contains("{token}")
        || path.contains("_token}")
        || path.starts_with("/api/v1/public/invitations")
}

fn complete_operation(path: &str, method: &Method, operation: &mut Value) {
    let secured = signed_in(operation);
    if secured
        && let Some(scope) = crate::auth::scope_for(method, path)
        && let Some(security) = operation.get_mut("security").and_then(Value::as_array_mut)
    {
        security.push(json!({"api_key": [scope.as_ref()]}));
    }
    let mut takes_input = operation.get("requestBody").is_some();
    let parameters = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut);
    for parameter in parameters.into_iter().flatten() {
        let place = parameter["in"].as_str().unwrap_or_default().to_owned();
        takes_input |= place == "query" || place == "header";
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        let optional = place == "query" && parameter["required"] != json!(true);
        if let Some(schema) = parameter.get_mut("schema") {
            state_rules(schema, Place::Query);
            named(&name, schema);
            if optional {
                blank_is_absent(schema);
            }
            if name == "Idempotency-Key"
                && let Some(schema) = schema.as_object_mut()
            {
                schema.insert("pattern".to_owned(), json!(IDEMPOTENCY_KEY));
            }
            if name == "month"
                && let Some(schema) = schema.as_object_mut()
            {
                schema.insert(
                    "pattern".to_owned(),
                    json!(format!("^{QUERY_YEAR}-(?:0[1-9]|1[0-2])$")),
                );
            }
        }
    }
    if let Some(body) = operation.get_mut("requestBody") {
        state_rules(body, Place::Body);
    }
    let mut answers: Vec<(&str, &str)> = Vec::new();
    if takes_input {
        answers.push((
            "400",
            "The request is malformed or a value breaks a rule the description states: `details.fields` names each field at fault",
        ));
    }
    if secured {
        answers.push((
            "401",
            "No staff token or API key, or one that has expired, was revoked or ended",
        ));
        answers.push((
            "403",
            "The person may not do this, or the API key lacks the scope (the message names it) or is not taken here",
        ));
    }
    if path.contains('{') {
        answers.push(("404", "Nothing the caller may see has this id"));
    }
    if secured || throttled_in_public(path, method) {
        answers.push((
            "429",
            "Too many requests: try again after `Retry-After` seconds",
        ));
    }
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (status, description) in answers {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(status, description));
    }
}

fn error_response(status: &str, description: &str) -> Value {
    let mut response = json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    });
    let header = match status {
        "401" => Some((
            "WWW-Authenticate",
            json!({"schema": {"type": "string"}, "description": "`Bearer`"}),
        )),
        "429" => Some((
            "Retry-After",
            json!({"schema": {"type": "integer", "minimum": 1}, "description": "Seconds to wait before trying again"}),
        )),
        _ => None,
    };
    if let Some((name, header)) = header {
        response["headers"] = json!({ name: header });
    }
    response
}

#[cfg(test)]
mod tests {
    use regex::Regex;
    use serde_json::json;

    fn described() -> serde_json::Value {
        crate::openapi()
    }

    #[test]
    fn every_signed_in_operation_names_its_key_scope_and_its_refusals() {
        let json = described();
        let bookings = &json["paths"]["/api/v1/bookings/{booking_id}"];
        assert_eq!(
            bookings["get"]["security"],
            json!([{"bearer": []}, {"api_key": ["bookings:read"]}])
        );
        assert_eq!(
            bookings["patch"]["security"][1],
            json!({"api_key": ["bookings:write"]})
        );
        for status in ["400", "401", "403", "404", "429"] {
            assert!(
                bookings["patch"]["responses"][status].is_object(),
                "{status}"
            );
        }
        // Keys are not taken for keys themselves: no key scope, but still the refusals.
        let keys = &json["paths"]["/api/v1/api-keys"]["get"];
        assert_eq!(keys["security"], json!([{"bearer": []}]));
        assert!(keys["responses"]["403"].is_object());
        // Public reads are neither refused nor throttled.
        let departments = &json["paths"]["/api/v1/public/departments"]["get"];
        assert!(departments["responses"]["401"].is_null());
        assert!(departments["responses"]["429"].is_null());
    }

    #[test]
    fn the_patterns_take_exactly_what_the_server_parses() {
        let day = |year, leap| Regex::new(&format!("^{}$", super::day(year, leap))).unwrap();
        let any = day(super::ANY_YEAR, super::ANY_LEAP_YEAR);
        let query = day(super::QUERY_YEAR, super::QUERY_LEAP_YEAR);
        let mut date = chrono::NaiveDate::from_ymd_opt(1890, 1, 1).unwrap();
        while date.format("%Y").to_string() != "2210" {
            let text = date.format("%Y-%m-%d").to_string();
            assert!(any.is_match(&text), "{text}");
            assert_eq!(
                query.is_match(&text),
                crate::routes::wire::parse_date(&text).is_some(),
                "{text}"
            );
            date = date.succ_opt().unwrap();
        }
        for not_a_day in [
            "2023-02-29",
            "1900-02-29",
            "2100-02-29",
            "2024-04-31",
            "2024-13-01",
        ] {
            assert!(!any.is_match(not_a_day), "{not_a_day}");
            assert!(chrono::NaiveDate::parse_from_str(not_a_day, "%Y-%m-%d").is_err());
        }
        assert!(any.is_match("2000-02-29") && any.is_match("2400-02-29"));

        let instant = Regex::new(&super::date_time()).unwrap();
        for text in [
            "2027-03-01T09:00:00Z",
            "2027-03-01T09:00:00.123456+01:00",
            "1903-03-12T21:17:05.58833-00:16",
        ] {
            assert!(instant.is_match(text), "{text}");
            assert!(chrono::DateTime::parse_from_rfc3339(text).is_ok(), "{text}");
        }
        for text in [
            "",
            "2027-03-01",
            "2027-02-30T09:00:00Z",
            "2027-03-01T24:00:00Z",
        ] {
            assert!(!instant.is_match(text), "{text}");
        }

        let one_line = Regex::new(&super::one_line()).unwrap();
        for text in [
            "Bob",
            "  Søren \"Bob\" O'Neil  ",
            "a b",
            "Bob\u{2028}",
            "\nBob\n",
        ] {
            assert!(one_line.is_match(text), "{text}");
            assert!(mm_domain::required_text(text, 200).is_ok(), "{text}");
        }
        for text in [
            "",
            "   ",
            "Bob\nSmith",
            "Bob\u{0}x",
            "Bob\u{2028}Smith",
            "x\u{85}x",
        ] {
            assert!(!one_line.is_match(text), "{text:?}");
            assert!(mm_domain::required_text(text, 200).is_err(), "{text:?}");
        }
        let time = Regex::new(super::TIME_OF_DAY).unwrap();
        for text in ["00:00", "09:30", "23:59", "24:00", "+9:+5", "24:+0"] {
            assert!(time.is_match(text), "{text}");
            assert!(mm_domain::TimeOfDay::parse(text).is_ok(), "{text}");
        }
        for text in ["", "9:30", "24:01", "25:00", "12:60", "12:3", "1230"] {
            assert!(!time.is_match(text), "{text}");
            assert!(mm_domain::TimeOfDay::parse(text).is_err(), "{text}");
        }

        let uuid = Regex::new(super::UUID).unwrap();
        let id = uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        for text in [
            id.hyphenated().to_string(),
            id.simple().to_string(),
            id.braced().to_string(),
            id.urn().to_string(),
            id.hyphenated().to_string().to_uppercase(),
            id.urn().to_string().to_uppercase(),
        ] {
            assert!(uuid.is_match(&text), "{text}");
            assert!(uuid::Uuid::parse_str(&text).is_ok(), "{text}");
        }
        for text in [
            "",
            "1234",
            "{12345678123456781234567812345678}",
            "urn:12345678-1234-1234-1234-123456781234",
        ] {
            assert!(!uuid.is_match(text), "{text}");
            assert!(uuid::Uuid::parse_str(text).is_err(), "{text}");
        }

        let phone = Regex::new(super::PHONE).unwrap();
        for text in [
            "+45 12 34 56 78",
            "(555) 123-4567",
            "1234567",
            "+123456789012345",
        ] {
            assert!(phone.is_match(text), "{text}");
            assert!(mm_domain::Phone::parse(text).is_ok(), "{text}");
        }
        for text in ["", "123456", "1234567890123456", "12+34567", "call me"] {
            assert!(!phone.is_match(text), "{text}");
            assert!(mm_domain::Phone::parse(text).is_err(), "{text}");
        }
        let email = Regex::new(super::EMAIL).unwrap();
        for text in ["ann@example.com", "a.b+c@mail.example.co.uk"] {
            assert!(email.is_match(text) && mm_domain::Email::parse(text).is_ok());
        }
        for text in [
            "",
            "ann",
            "ann@example",
            "ann@-example.com",
            "a b@example.com",
        ] {
            assert!(!email.is_match(text), "{text}");
            assert!(mm_domain::Email::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn time_zones_are_the_names_the_server_knows() {
        let json = described();
        let zones = json["components"]["schemas"]["TimeZoneName"]["enum"]
            .as_array()
            .unwrap();
        assert!(zones.len() > 400);
        let names = json["components"]["schemas"]["TimeZoneName"]["x-enum-varnames"]
            .as_array()
            .unwrap();
        let distinct: std::collections::BTreeSet<&str> =
            names.iter().filter_map(|n| n.as_str()).collect();
        assert_eq!(
            distinct.len(),
            zones.len(),
            "every zone has a name of its own"
        );
        assert!(
            zones
                .iter()
                .all(|z| mm_domain::TimeZone::parse(z.as_str().unwrap()).is_ok())
        );
        let slots = &json["paths"]["/api/v1/public/departments/{department_slug}/meeting-types/{meeting_slug}/slots"]
            ["get"];
        let timezone = slots["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "timezone")
            .unwrap();
        assert!(timezone.to_string().contains("TimeZoneName"), "{timezone}");
    }
}
