//! Request bodies as the contract reads them. JSON has one number type, and JSON Schema counts
//! `5.0` as the integer 5, so a client (a JavaScript one, say) that sends `"duration": 60.0`
//! sends a valid request: numbers with no fraction are taken as integers before the body
//! becomes its wire type. Everything else is serde's ordinary, strict reading, within
//! `JsonConfig`'s size limit and error shape.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

use crate::error::ApiError;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// A JSON request body that may be left out; a body that is sent must be a `T`.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

/// `value` with every number that has no fraction (and fits) as an integer.
fn integral(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0)
            // Exact below 2^53, so the integer is the number the client meant.
            .map(|f| Value::Number(Number::from(f as i64)))
            .unwrap_or(Value::Number(n)),
        Value::Array(items) => Value::Array(items.into_iter().map(integral).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| (key, integral(value)))
                .collect(),
        ),
        other => other,
    }
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, actix_web::Error> {
    serde_json::from_value(integral(value))
        .map_err(|error| ApiError::BadRequest(format!("invalid JSON body: {error}")).into())
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move { Ok(Self(typed(value.await?.into_inner())?)) })
    }
}

/// Whether a request carries no body: `Content-Length: 0`, or neither a length nor chunks.
fn sends_no_body(req: &HttpRequest) -> bool {
    use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
    match req.headers().get(CONTENT_LENGTH) {
        Some(length) => length.to_str().is_ok_and(|l| l.trim() == "0"),
        None => !req.headers().contains_key(TRANSFER_ENCODING),
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if sends_no_body(req) {
            return Box::pin(async { Ok(Self(None)) });
        }
        let value = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move { Ok(Self(Some(typed(value.await?.into_inner())?))) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_without_a_fraction_are_integers_and_others_stay() {
        let value =
            serde_json::json!({"duration": 60.0, "nested": [1.0, 1.5, {"n": -3.0}], "big": 1e300});
        let read = integral(value);
        assert_eq!(read["duration"], serde_json::json!(60));
        assert!(read["duration"].is_i64());
        assert_eq!(read["nested"], serde_json::json!([1, 1.5, {"n": -3}]));
        assert!(
            read["big"].is_f64(),
            "too large to be exact: left as it came"
        );
        let duration: u32 = typed(serde_json::json!(90.0)).unwrap();
        assert_eq!(duration, 90);
        assert!(typed::<u32>(serde_json::json!(90.5)).is_err());
    }
}
