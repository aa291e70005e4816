//! Reusable UI pieces.

mod footer;
mod header;
mod language_switch;
mod page_title;

pub use footer::Footer;
pub use header::Header;
pub use language_switch::LanguageSwitch;
pub use page_title::PageTitle;
