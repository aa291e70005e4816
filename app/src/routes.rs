//! The route table: every page of the app, nothing else.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{path, SsrMode};

use crate::pages::{
    ArticleEditorPage, ArticlePage, ArticlesAdminPage, AuditLogPage, CategoryPage,
    DeflectionReportPage, DepartmentsPage, EmailsPage, ForgotPasswordPage, HomePage, MailboxesPage,
    MembersPage, NewTicketPage, NotFoundPage, OrganizationsPage, PeoplePage, PreferencesPage,
    ReportsPage, SearchPage, ServiceLevelsPage, SetPasswordPage, SettingsPage, SignInPage,
    SynonymsPage, TicketPage, TicketTypesPage, TicketsPage,
};

/// Pages render with `SsrMode::Async`: the server waits for their data, so the HTML is complete
/// for search engines and for browsers without JavaScript.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFoundPage /> }>
            <Route path=path!("/") ssr=SsrMode::Async view=HomePage />
            <Route path=path!("/ajuda/busca") ssr=SsrMode::Async view=SearchPage />
            <Route path=path!("/ajuda/:slug") ssr=SsrMode::Async view=ArticlePage />
            <Route path=path!("/ajuda/categoria/:category") ssr=SsrMode::Async view=CategoryPage />
            <Route path=path!("/admin/artigos") ssr=SsrMode::Async view=ArticlesAdminPage />
            <Route path=path!("/admin/artigos/novo") ssr=SsrMode::Async view=ArticleEditorPage />
            <Route path=path!("/admin/artigos/:id") ssr=SsrMode::Async view=ArticleEditorPage />
            <Route path=path!("/admin/sinonimos") ssr=SsrMode::Async view=SynonymsPage />
            <Route path=path!("/admin/relatorios/deflexao") ssr=SsrMode::Async view=DeflectionReportPage />
            <Route path=path!("/admin/departamentos") ssr=SsrMode::Async view=DepartmentsPage />
            <Route path=path!("/admin/tipos") ssr=SsrMode::Async view=TicketTypesPage />
            <Route path=path!("/admin/sla") ssr=SsrMode::Async view=ServiceLevelsPage />
            <Route path=path!("/admin/auditoria") ssr=SsrMode::Async view=AuditLogPage />
            <Route path=path!("/admin/emails") ssr=SsrMode::Async view=EmailsPage />
            <Route path=path!("/admin/caixas") ssr=SsrMode::Async view=MailboxesPage />
            <Route path=path!("/admin/relatorios") ssr=SsrMode::Async view=ReportsPage />
            <Route path=path!("/admin/pessoas") ssr=SsrMode::Async view=PeoplePage />
            <Route path=path!("/admin/organizacoes") ssr=SsrMode::Async view=OrganizationsPage />
            <Route path=path!("/admin/configuracoes") ssr=SsrMode::Async view=SettingsPage />
            <Route path=path!("/entrar") ssr=SsrMode::Async view=SignInPage />
            <Route path=path!("/esqueci-senha") ssr=SsrMode::Async view=ForgotPasswordPage />
            <Route path=path!("/convite/:token") ssr=SsrMode::Async view=|| view! { <SetPasswordPage purpose="invitation" /> } />
            <Route path=path!("/redefinir-senha/:token") ssr=SsrMode::Async view=|| view! { <SetPasswordPage purpose="password_reset" /> } />
            <Route path=path!("/preferencias") ssr=SsrMode::Async view=PreferencesPage />
            <Route path=path!("/organizacao") ssr=SsrMode::Async view=MembersPage />
            <Route path=path!("/chamados") ssr=SsrMode::Async view=TicketsPage />
            <Route path=path!("/chamados/novo") ssr=SsrMode::Async view=NewTicketPage />
            <Route path=path!("/chamados/:id") ssr=SsrMode::Async view=TicketPage />
        </Routes>
    }
}
