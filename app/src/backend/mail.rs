//! E-mail out and notifications (issue 17).
//!
//! A change that someone should hear about writes a [`notices::Notice`] as a `notify` job in its
//! own transaction ([`crate::backend::jobs`]). The worker ([`worker`]) turns each notice into the
//! in-app notifications and e-mails its recipients chose ([`prefs`]), in their language
//! ([`texts`]), stores every e-mail in the outbox ([`outbox`], "E-mails enviados") and queues a
//! `send_email` job per mail, which it delivers through the SMTP relay ([`transport`], lettre) —
//! or keeps, when no relay is configured. Reply addresses and unsubscribe links carry tokens
//! signed with a key every instance shares ([`signing`]).

pub mod bell;
pub mod compose;
pub mod imap;
pub mod inbox;
pub mod letters;
pub mod notices;
pub mod outbox;
pub mod prefs;
pub mod received;
pub mod reply_text;
pub mod signing;
pub mod texts;
pub mod transport;
pub mod worker;
