//! Collecting every failing field at once, so a person fixes a form in one round trip.

use std::collections::BTreeMap;

/// Field path → human readable message, e.g. `"monday.breaks[0]" → "break must lie inside working hours"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a failure; the first message for a field wins, since it is usually the root cause.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    /// Parses a value, recording the failure under `field` and returning `None` on error.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// Adds all errors of `other`, their field names prefixed with `prefix.`.
    pub fn merge_prefixed(&mut self, prefix: &str, other: FieldErrors) {
        for (field, message) in other.0 {
            self.add(format!("{prefix}.{field}"), message);
        }
    }

    /// Adds all errors of `other` under their own names.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(value)` when nothing failed, else every failure.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (field, message) in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            write!(f, "{field}: {message}")?;
            first = false;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_message_for_a_field_wins() {
        let mut errors = FieldErrors::new();
        errors.add("email", "required");
        errors.add("email", "invalid email");
        assert_eq!(
            errors.iter().collect::<Vec<_>>(),
            vec![("email", "required")]
        );
    }

    #[test]
    fn finish_is_ok_only_without_errors() {
        assert_eq!(FieldErrors::new().finish(7), Ok(7));
        let mut errors = FieldErrors::new();
        errors.add("a", "bad");
        assert!(errors.finish(7).is_err());
    }

    #[test]
    fn merged_fields_are_prefixed() {
        let mut inner = FieldErrors::new();
        inner.add("start", "bad");
        let mut outer = FieldErrors::new();
        outer.merge_prefixed("monday", inner);
        assert!(outer.contains("monday.start"));
    }
}
