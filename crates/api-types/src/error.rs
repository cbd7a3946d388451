//! The one error shape of the API: `{"error": {"code", "message", "details"}}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "error": {
        "code": "validation_failed",
        "message": "2 fields are invalid",
        "details": {"fields": {"customer_email": "invalid email", "department_leader": "the department leader must be an active member of the department"}}
    }
})))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable and machine-readable.
    pub code: crate::ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// For validation errors `{"fields": {field: message}}`; otherwise code-specific or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ErrorBody {
    /// The failing fields of a validation error, if this is one.
    pub fn fields(&self) -> BTreeMap<String, String> {
        self.error
            .details
            .as_ref()
            .and_then(|d| d.get("fields"))
            .and_then(|f| serde_json::from_value(f.clone()).ok())
            .unwrap_or_default()
    }
}
