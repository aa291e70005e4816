//! Reusable UI pieces.

mod admin_form;
mod attachments;
mod bell;
mod counters;
mod debounce;
mod email_origin;
mod footer;
mod form;
mod header;
mod history;
mod labels;
mod language_switch;
mod live;
mod not_found_status;
mod page_title;
mod query;
mod require_user;
mod sla_badge;
mod status;
mod tabs;
mod ticket_filters;

pub use admin_form::{
    department_options, edit_cell, edit_column, edit_what_was_saved, focus, saved_status, Check,
    EditForm, FormFoot, NameField,
};
#[cfg(feature = "hydrate")]
pub use attachments::post_multipart;
pub use attachments::{AttachmentList, AttachmentPicker, PickedFile, Refusal};
pub use bell::{notification_kind_label, notification_line, Bell};
pub use counters::Counters;
pub use debounce::Debounce;
#[cfg(feature = "hydrate")]
pub use debounce::{random_id, send_beacon};
pub use email_origin::EmailOrigin;
pub use footer::Footer;
pub use form::{non_field_error, FieldMessage, FormError};
pub use header::Header;
pub use history::{history_change, ChangeText, Timeline};
pub use labels::{
    category_label, format_time, presence_text, priority_label, role_label, status_label,
};
pub use language_switch::LanguageSwitch;
#[cfg(feature = "hydrate")]
pub use live::follow_events;
pub use live::{now_ms, LiveEvent, PresenceChange, PresentPerson, ALL_KINDS};
pub use not_found_status::NotFoundStatus;
pub use page_title::PageTitle;
pub use query::{query_string, query_value};
pub use require_user::RequireUser;
pub use sla_badge::{sla_text, SlaBadge};
pub use status::{load_error, InternalError, Loading};
pub use tabs::{NotAllowed, Tabs};
pub use ticket_filters::{next_page_link, TicketFilterFields};
