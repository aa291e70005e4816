//! Help-center use cases.

mod articles;
mod authoring;
mod search;
mod suggestions;
mod synonyms;

pub use articles::*;
pub use authoring::*;
pub use search::*;
pub use suggestions::*;
pub use synonyms::*;

/// Most articles one page of `GET /api/v1/articles` lists.
pub const MAX_PAGE: i64 = 100;

pub const MAX_SLUG_CHARS: usize = 120;
