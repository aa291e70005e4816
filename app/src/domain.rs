//! The shared vocabulary of Chamado, compiled for both the browser and the server.
//! Pure types and rules only: no I/O here.

mod admin;
mod article;
mod language;
mod mailbox;
mod message;
mod nav;
mod notification;
mod priority;
mod refs;
mod report;
mod role;
mod sla;
mod status;
mod text;
mod ticket;
mod ticket_field;
mod user;
mod workspace;

pub use admin::{
    AuditAction, AuditEntity, AuditEntry, AuditPage, AuditQuery, DepartmentAdmin, DepartmentInput,
    FieldAdmin, Limits, LimitsInput, OrganizationAdmin, OrganizationInput, PriorityText,
    TicketFormData, TicketTypeAdmin, TicketTypeInput, UserAdmin, UserInput, UserLink, UserPage,
    UserQuery, FIELD_KINDS, LIMIT_BOUNDS, MAX_ATTACHMENTS_BOUND, MAX_ATTACHMENT_BYTES_BOUND,
};
pub use article::{
    ArticleDraft, ArticleFeedback, ArticleHit, ArticleHits, ArticleLink, ArticlePage, ArticlePatch,
    ArticleSummary, ArticleTranslation, ArticleView, AuthoredArticle, AuthoredArticlePage,
    AuthoredArticleSummary, CategorySummary, DeflectionReport, DeflectionStep, DeflectionWeek,
    HelpCenterHome, Suggestions, SynonymGroups,
};
pub use language::Language;
pub use mailbox::{
    EmailOriginal, InboundEmailPage, InboundEmailSummary, MailChannel, MailboxAdmin, MailboxInput,
    MailboxWithToken, MessageEmail, RefusedFile, Suppression, IMAP_SECURITY, INBOUND_OUTCOMES,
};
pub use message::{
    char_count, extension_allowed, file_extension, text_within, AttachmentRef, AuthorRef,
    MessageChannel, MessageView, ReadMarks, ATTACHMENT_EXTENSIONS, EMAIL_MESSAGE_MAX_CHARS,
    MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, MESSAGE_MAX_CHARS, SUPPORT_MESSAGE_MAX_CHARS,
};
pub use nav::{nav_items, safe_next_path, NavItem, NavTarget};
pub use notification::{
    default_choice, NotificationChoice, NotificationKind, NotificationList, NotificationView,
    OutboundEmailPage, OutboundEmailSummary, OutboundEmailView, OUTBOUND_STATES,
};
pub use priority::Priority;
pub use refs::NamedRef;
pub use report::{
    ChartLabels, DeflectionSummary, RatingInput, RatingView, ReportChart, ReportDay, ReportQuery,
    Satisfaction, SlaCompliance, TicketRating, TicketReport, TimeStats, RATING_COMMENT_MAX_CHARS,
};
pub use role::{Plan, Role};
pub use sla::{
    hhmm, parse_hhmm, short_span, SlaCalendar, SlaCalendarInput, SlaPolicy, SlaPolicyInput,
    SlaState, TicketSla, SLA_MAX_MINUTES,
};
pub use status::{status_after_message, TicketStatus, AUTO_CLOSE_DAYS, REOPEN_WINDOW_DAYS};
pub use text::{has_visible, multi_line, single_line};
pub use ticket::{
    Escalation, ListSort, LiveRow, NewTicketInput, TicketDetail, TicketListQuery, TicketNumber,
    TicketOwner, TicketPage, TicketScope, TicketStats, TicketSummary, TicketUpdate,
    SUBJECT_MAX_CHARS,
};
pub use ticket_field::{validate_field_value, FieldValue, TicketField, TicketTypeInfo};
pub use user::{
    may_open_tickets, validate_name, validate_password, ApiTokenSummary, CurrentUser,
    DepartmentRef, EmailAddress, InvitationReceipt, Member, NewApiToken, OrganizationRef,
    PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS,
};
pub use workspace::{
    fill_placeholders, normalize_tags, CannedInput, CannedResponse, FilterChoices, HistoryEntry,
    HistoryField, LinkRequest, MergeRequest, PresenceEntry, PresenceState, PresenceUpdate,
    QueueCounts, TicketTools, MAX_TAGS, PRESENCE_BEAT_SECONDS, PRESENCE_TTL_SECONDS, TAG_MAX_CHARS,
};

/// The error of parsing one of the enumerations above from its wire name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct UnknownVariant {
    pub kind: &'static str,
    pub value: String,
}

/// Declares a string-backed enumeration with `as_str`, `FromStr`, `ALL` and serde in snake_case.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err($crate::domain::UnknownVariant { kind: $kind, value: s.to_owned() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;
