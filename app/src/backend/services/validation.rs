//! Field validation shared by the use cases that save forms: every field is checked, and all
//! errors are answered at once (a form shows each beside its field).

use crate::error::{AppError, FieldError};

/// Collects field errors; `finish` answers them all at once.
#[derive(Default)]
pub(crate) struct Errors(pub(crate) Vec<FieldError>);

impl Errors {
    pub(crate) fn add(&mut self, field: impl Into<String>, code: &str) {
        self.0.push(FieldError::new(field, code));
    }

    pub(crate) fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation { errors: self.0 })
        }
    }

    /// The `name` field given, checked, or else the one it had (a change that leaves it
    /// out); a creation without one is an error.
    pub(crate) fn name_or(&mut self, given: Option<&str>, old: Option<&str>, max: usize) -> String {
        match (given, old) {
            (Some(n), _) => self.name("name", n, max),
            (None, Some(old)) => old.to_owned(),
            (None, None) => self.name("name", "", max),
        }
    }

    /// A required short name: one line of visible text ([`crate::domain::single_line`]), 1 to
    /// `max` characters.
    pub(crate) fn name(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = crate::domain::single_line(value);
        match value.chars().count() {
            0 => self.add(field, "required"),
            n if n > max => self.add(field, "too_long"),
            _ => {}
        }
        value
    }
}
