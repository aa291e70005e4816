//! One component per route.

mod admin;
mod article_page;
mod category_page;
mod dashboard_page;
mod forgot_password_page;
mod home_page;
mod members_page;
mod new_ticket_page;
mod not_found_page;
mod notification_choices;
mod preferences_page;
mod search_page;
mod set_password_page;
mod sign_in_page;
mod ticket_page;
mod ticket_support;
mod tickets_page;

pub use admin::{
    ArticleEditorPage, ArticlesAdminPage, AuditLogPage, DeflectionReportPage, DepartmentsPage,
    EmailsPage, MailboxesPage, OrganizationsPage, PeoplePage, ReportsPage, ServiceLevelsPage,
    SettingsPage, SynonymsPage, TicketTypesPage,
};
pub use article_page::ArticlePage;
pub use category_page::CategoryPage;
pub use forgot_password_page::ForgotPasswordPage;
pub use home_page::HomePage;
pub use members_page::MembersPage;
pub use new_ticket_page::NewTicketPage;
pub use not_found_page::NotFoundPage;
pub use preferences_page::PreferencesPage;
pub use search_page::{SearchForm, SearchPage};
pub use set_password_page::SetPasswordPage;
pub use sign_in_page::SignInPage;
pub use ticket_page::TicketPage;
pub use tickets_page::TicketsPage;
