//! Completes the OpenAPI description with what every operation may answer because of what it
//! is, so that no handler has to repeat it and none can forget it: a signed-in operation may be
//! refused (401, 403) or throttled (429), one with a path parameter may name nothing (404), one
//! that reads a body, a query or a header may find it malformed (400). Each operation a key may
//! call also names the API key scheme with the scope it needs, from the same table the server
//! enforces ([`crate::auth::scope_for`]).

use actix_web::http::Method;
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, ResponseBuilder,
    path::{Operation, ParameterIn},
    schema::{ObjectBuilder, Type},
    security::SecurityRequirement,
};

/// Adds the answers every operation of `api` may give and the key scopes they need.
pub fn complete(api: &mut OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            (Method::GET, &mut item.get),
            (Method::POST, &mut item.post),
            (Method::PUT, &mut item.put),
            (Method::PATCH, &mut item.patch),
            (Method::DELETE, &mut item.delete),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation.as_mut() {
                complete_operation(path, &method, operation);
            }
        }
    }
}

fn signed_in(operation: &Operation) -> bool {
    operation
        .security
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .is_some_and(|s| s.to_string().contains("\"bearer\""))
}

/// Public operations a client can be throttled on: bookings and their links, invitations,
/// signing in.
fn throttled_in_public(path: &str, method: &Method) -> bool {
    method == Method::POST
        || path.contains("{token}")
        || path.contains("_token}")
        || path.starts_with("/api/v1/public/invitations")
}

fn complete_operation(path: &str, method: &Method, operation: &mut Operation) {
    let secured = signed_in(operation);
    if secured && let Some(scope) = crate::auth::scope_for(method, path) {
        operation
            .security
            .get_or_insert_with(Vec::new)
            .push(SecurityRequirement::new("api_key", [scope.as_ref()]));
    }
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let takes_input = operation.request_body.is_some()
        || parameters
            .iter()
            .any(|p| matches!(p.parameter_in, ParameterIn::Query | ParameterIn::Header));
    let names_something = path.contains('{');
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
    if names_something {
        answers.push(("404", "Nothing the caller may see has this id"));
    }
    if secured || throttled_in_public(path, method) {
        answers.push(("429", "Too many requests: try again after `Retry-After` seconds"));
    }
    for (status, description) in answers {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(status, description));
    }
}

fn error_response(status: &str, description: &str) -> RefOr<utoipa::openapi::Response> {
    let mut response = ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build(),
    );
    match status {
        "401" => {
            response = response.header(
                "WWW-Authenticate",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::String))
                    .description(Some("`Bearer`"))
                    .build(),
            );
        }
        "429" => {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            );
        }
        _ => {}
    }
    RefOr::T(response.build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_signed_in_operation_names_its_key_scope_and_its_refusals() {
        let api = crate::openapi();
        let json = serde_json::to_value(&api).unwrap();
        let bookings = &json["paths"]["/api/v1/bookings/{booking_id}"];
        assert_eq!(
            bookings["get"]["security"],
            serde_json::json!([{"bearer": []}, {"api_key": ["bookings:read"]}])
        );
        assert_eq!(
            bookings["patch"]["security"][1],
            serde_json::json!({"api_key": ["bookings:write"]})
        );
        for status in ["400", "401", "403", "404", "429"] {
            assert!(
                bookings["patch"]["responses"][status].is_object(),
                "{status}"
            );
        }
        // Keys are not taken for keys themselves: no key scope, but still the refusals.
        let keys = &json["paths"]["/api/v1/api-keys"]["get"];
        assert_eq!(keys["security"], serde_json::json!([{"bearer": []}]));
        assert!(keys["responses"]["403"].is_object());
        // Public reads are neither refused nor throttled.
        let departments = &json["paths"]["/api/v1/public/departments"]["get"];
        assert!(departments["responses"]["401"].is_null());
        assert!(departments["responses"]["429"].is_null());
    }
}
