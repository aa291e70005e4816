//! Tickets as customers and support see them: the catalog (types, departments), opening a
//! ticket, lists with filters, one ticket with its conversation, counters. Every read is
//! limited to the caller's `TicketScope`; anything outside it answers 404.

mod create;
mod form;
mod lifecycle;
mod list;
mod read;
mod reply;
mod uploads;

pub use create::*;
pub use form::*;
pub use lifecycle::*;
pub use list::*;
pub use read::*;
pub use reply::*;
pub use uploads::*;

pub use crate::domain::{
    AttachmentRef, AuthorRef, Escalation, MessageView, NewTicketInput, ReadMarks, TicketDetail,
    TicketListQuery as ListParams, TicketPage, TicketUpdate,
};

/// Support messages may be longer than the customer's 1000 characters.
pub use crate::domain::SUPPORT_MESSAGE_MAX_CHARS;
