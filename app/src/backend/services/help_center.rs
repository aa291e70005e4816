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
