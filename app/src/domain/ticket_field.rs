//! The custom fields of ticket types, and the one rule for a value entered in one.

use chrono::DateTime;

/// A custom field of a ticket type (API.md `GET /api/v1/ticket-types`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketField {
    pub key: String,
    pub label: String,
    /// `text`, `long_text`, `number`, `select`, `datetime` or `checkbox`.
    pub kind: String,
    pub required: bool,
    pub options: Vec<String>,
}

/// A ticket type the caller may open.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketTypeInfo {
    pub key: String,
    pub name: String,
    pub description: String,
    pub fields: Vec<TicketField>,
}

/// Checks one custom-field value against its definition. Error: a field code.
pub fn validate_field_value(
    field: &TicketField,
    value: &serde_json::Value,
) -> Result<serde_json::Value, &'static str> {
    use serde_json::Value;
    let text = |max: usize| match value {
        Value::String(s) if s.trim().is_empty() => Err("required"),
        Value::String(s) if s.chars().count() > max => Err("too_long"),
        Value::String(s) => Ok(Value::String(s.trim().to_owned())),
        _ => Err("invalid"),
    };
    match field.kind.as_str() {
        "text" => text(500),
        "long_text" => text(4000),
        "number" => match value {
            Value::Number(n) => Ok(Value::Number(n.clone())),
            Value::String(s) => s
                .trim()
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or("invalid"),
            _ => Err("invalid"),
        },
        "select" => match value {
            Value::String(s) if field.options.iter().any(|o| o == s) => Ok(value.clone()),
            _ => Err("invalid_option"),
        },
        "datetime" => match value {
            Value::String(s) => {
                let s = s.trim();
                let ok = DateTime::parse_from_rfc3339(s).is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok();
                if ok {
                    Ok(Value::String(s.to_owned()))
                } else {
                    Err("invalid_datetime")
                }
            }
            _ => Err("invalid_datetime"),
        },
        "checkbox" => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) if s == "on" || s == "true" => Ok(Value::Bool(true)),
            Value::String(s) if s == "false" || s.is_empty() => Ok(Value::Bool(false)),
            _ => Err("invalid"),
        },
        _ => Err("invalid"),
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;
    use serde_json::json;

    fn field(kind: &str, options: &[&str]) -> TicketField {
        TicketField {
            key: "k".into(),
            label: "K".into(),
            kind: kind.into(),
            required: true,
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn select_values_must_be_one_of_the_options() {
        let f = field("select", &["PROD", "TEST"]);
        assert_eq!(validate_field_value(&f, &json!("PROD")), Ok(json!("PROD")));
        assert_eq!(
            validate_field_value(&f, &json!("prod")),
            Err("invalid_option")
        );
    }

    #[test]
    fn numbers_datetimes_and_checkboxes_are_parsed() {
        assert_eq!(
            validate_field_value(&field("number", &[]), &json!("3,5")),
            Ok(json!(3.5))
        );
        assert_eq!(
            validate_field_value(&field("number", &[]), &json!("abc")),
            Err("invalid")
        );
        assert!(validate_field_value(&field("datetime", &[]), &json!("2026-11-21T14:03")).is_ok());
        assert!(validate_field_value(&field("datetime", &[]), &json!("ontem")).is_err());
        assert_eq!(
            validate_field_value(&field("checkbox", &[]), &json!("on")),
            Ok(json!(true))
        );
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(
            validate_field_value(&field("text", &[]), &json!("  x ")),
            Ok(json!("x"))
        );
        assert_eq!(
            validate_field_value(&field("text", &[]), &json!(" ")),
            Err("required")
        );
        assert_eq!(
            validate_field_value(&field("text", &[]), &json!("a".repeat(501))),
            Err("too_long")
        );
    }
}

/// One custom field's value on a ticket, as text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldValue {
    pub key: String,
    pub label: String,
    pub kind: String,
    pub value: String,
}
