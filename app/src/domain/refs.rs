//! `{id, name}` references to related records.

/// `{id, name}` of a related record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}
