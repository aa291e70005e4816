//! The rows of the authorization matrix, one function per area.

use super::expect::*;
use super::Call::Rest;
use super::Row;

/// Operations, the session and account, organization members.
pub(super) fn accounts() -> Vec<Row> {
    vec![
        // Operations
        rest_row("GET", "/healthz", None, anyone(200)),
        rest_row("GET", "/readyz", None, anyone(200)),
        rest_row("GET", "/api/openapi.json", None, anyone(200)),
        // Session and account
        rest_row(
            "POST",
            "/api/v1/session",
            Some(r#"{"email":"bruno@chamado.local","password":"chamado-demo"}"#),
            anyone(200),
        ),
        rest_row("DELETE", "/api/v1/session", None, anyone(204)),
        rest_row("GET", "/api/v1/me", None, signed_in(200)),
        rest_row(
            "PATCH",
            "/api/v1/me",
            Some(r#"{"name":"Nome Novo"}"#),
            signed_in(200),
        ),
        rest_row("GET", "/api/v1/me/tokens", None, signed_in(200)),
        rest_row(
            "POST",
            "/api/v1/me/tokens",
            Some(r#"{"name":"matriz","password":"chamado-demo"}"#),
            signed_in(201),
        ),
        rest_row(
            "DELETE",
            "/api/v1/me/tokens/{own_token}",
            None,
            signed_in(204),
        ),
        rest_row(
            "DELETE",
            "/api/v1/me/tokens/{foreign_token}",
            None,
            signed_in(404),
        ),
        // Organization members
        rest_row("GET", "/api/v1/organization/members", None, org_admins(200)),
        rest_row(
            "POST",
            "/api/v1/organization/members",
            Some(r#"{"email":"convite-{actor}@exemplo.com.br","name":"Convidada"}"#),
            org_admins(202),
        ),
        rest_row(
            "PATCH",
            "/api/v1/organization/members/{acme_member}",
            Some(r#"{"can_open_tickets":true}"#),
            acme_member_change,
        ),
    ]
}

/// Tickets and the agent workspace.
pub(super) fn tickets() -> Vec<Row> {
    vec![
        // Tickets
        rest_row("GET", "/api/v1/departments", None, signed_in(200)),
        rest_row("GET", "/api/v1/ticket-types", None, signed_in(200)),
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/tickets",
                body: Some(
                    r#"{"type":"duvida","department_id":{geral},"priority":"low","subject":"Teste da matriz","message":"Olá"}"#,
                ),
            },
            expect: may_open_tickets,
        },
        rest_row("GET", "/api/v1/tickets", None, signed_in(200)),
        rest_row(
            "GET",
            "/api/v1/tickets/{acme_ticket}",
            None,
            sees_acme_ticket,
        ),
        rest_row(
            "GET",
            "/api/v1/tickets/{padaria_ticket}",
            None,
            sees_padaria_ticket,
        ),
        rest_row("GET", "/api/v1/stats/tickets", None, signed_in(200)),
        rest_row("GET", "/api/v1/articles/search?q=senha", None, anyone(200)),
        rest_row("GET", "/api/v1/articles/{article}", None, anyone(200)),
        rest_row(
            "GET",
            "/api/v1/articles?lang=pt-BR&category=faturamento",
            None,
            anyone(200),
        ),
        rest_row(
            "POST",
            "/api/v1/articles/{article}/feedback",
            Some(r#"{"helpful":true}"#),
            anyone(204),
        ),
        rest_row(
            "GET",
            "/api/v1/suggestions?q=esqueci+a+senha",
            None,
            signed_in(200),
        ),
        rest_row(
            "POST",
            "/api/v1/suggestions/{attempt}/steps",
            Some(r#"{"step":"left"}"#),
            signed_in(204),
        ),
        rest_row("GET", "/api/v1/admin/articles", None, reads_drafts),
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/admin/articles",
                body: Some(
                    r#"{"title":"Matriz {actor}","lang":"pt-BR","category":"suporte","body_markdown":"Texto"}"#,
                ),
            },
            expect: writes_articles(201),
        },
        rest_row(
            "GET",
            "/api/v1/admin/articles/{article_id}",
            None,
            reads_drafts,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/articles/{article_id}",
            Some(r#"{"title":"Título da matriz"}"#),
            writes_articles(200),
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/articles/{article_id}",
            None,
            deletes_article(204),
        ),
        rest_row("GET", "/api/v1/admin/synonyms", None, reads_drafts),
        rest_row(
            "PUT",
            "/api/v1/admin/synonyms",
            Some(r#"{"groups":[["senha","password"]]}"#),
            admins_only,
        ),
        rest_row(
            "GET",
            "/api/v1/admin/reports/deflection",
            None,
            reads_reports,
        ),
        rest_row(
            "POST",
            "/api/v1/tickets/{acme_ticket}/messages",
            Some(r#"{"body":"Resposta"}"#),
            acts_on_acme_ticket(201, 201),
        ),
        rest_row(
            "PATCH",
            "/api/v1/tickets/{acme_ticket}",
            Some(r#"{"priority":"critical"}"#),
            support_changes_acme_ticket,
        ),
        rest_row(
            "POST",
            "/api/v1/tickets/{acme_ticket}/reopen",
            Some(r#"{"reason":"Voltou"}"#),
            acts_on_acme_ticket(409, 409),
        ),
        rest_row(
            "POST",
            "/api/v1/tickets/{acme_ticket}/escalations",
            Some(r#"{"reason":"Urgente"}"#),
            acts_on_acme_ticket(201, 403),
        ),
        rest_row(
            "GET",
            "/api/v1/attachments/{acme_attachment}",
            None,
            sees_acme_ticket,
        ),
        rest_row(
            "GET",
            "/api/v1/attachments/{internal_attachment}",
            None,
            support_sees_internal_note,
        ),
        rest_row("GET", "/api/v1/events", None, signed_in(200)),
        // Agent workspace
        rest_row(
            "PUT",
            "/api/v1/tickets/{acme_ticket}/presence",
            Some(r#"{"state":"viewing"}"#),
            staff_only(200),
        ),
        rest_row(
            "POST",
            "/api/v1/tickets/{acme_ticket}/merge",
            Some(r#"{"into":"{padaria_ticket}"}"#),
            staff_only(422),
        ),
        rest_row(
            "POST",
            "/api/v1/tickets/{acme_ticket}/links",
            Some(r#"{"ticket":"{padaria_ticket}"}"#),
            staff_only(204),
        ),
        rest_row(
            "GET",
            "/api/v1/tickets/{acme_ticket}/canned-responses",
            None,
            staff_only(200),
        ),
        rest_row("GET", "/api/v1/stats/queues", None, staff_only(200)),
        rest_row("GET", "/api/v1/admin/canned-responses", None, reads_reports),
        rest_row(
            "POST",
            "/api/v1/admin/canned-responses",
            Some(r#"{"title":"Nova","body":"Olá {{cliente.nome}}"}"#),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/canned-responses/{canned_id}",
            None,
            reads_reports,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/canned-responses/{canned_id}",
            Some(r#"{"title":"Renomeada"}"#),
            admins_only,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/canned-responses/{canned_id}",
            None,
            admin_writes(204),
        ),
    ]
}

/// Administration: admins write, leads read.
pub(super) fn administration() -> Vec<Row> {
    vec![
        // Administration (issue 7): admins write, leads read.
        rest_row("GET", "/api/v1/admin/departments", None, reads_reports),
        rest_row(
            "POST",
            "/api/v1/admin/departments",
            Some(r#"{"name":"Financeiro"}"#),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/departments/{geral}",
            None,
            reads_reports,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/departments/{geral}",
            Some(r#"{"round_robin":true}"#),
            admins_only,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/departments/{geral}",
            None,
            admin_writes(204),
        ),
        rest_row("GET", "/api/v1/admin/organizations", None, reads_reports),
        rest_row(
            "POST",
            "/api/v1/admin/organizations",
            Some(r#"{"name":"Nova Ltda","plan":"lite"}"#),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/organizations/{acme_org}",
            None,
            reads_reports,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/organizations/{acme_org}",
            Some(r#"{"shares_tickets":false}"#),
            admins_only,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/organizations/{acme_org}",
            None,
            admin_writes(204),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/organizations/{acme_org}/members",
            None,
            reads_reports,
        ),
        rest_row(
            "POST",
            "/api/v1/admin/organizations/{acme_org}/members",
            Some(r#"{"email":"membro@acme.com.br","name":"Membro Novo"}"#),
            admin_writes(201),
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/organizations/{acme_org}/members/{member_user}",
            Some(r#"{"can_open_tickets":true}"#),
            admins_only,
        ),
        rest_row("GET", "/api/v1/admin/ticket-types", None, reads_reports),
        rest_row(
            "POST",
            "/api/v1/admin/ticket-types",
            Some(r#"{"key":"novo_tipo","name":"Novo tipo"}"#),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/ticket-types/{duvida_type}",
            None,
            reads_reports,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/ticket-types/{duvida_type}",
            Some(r#"{"name":"Dúvida geral"}"#),
            admins_only,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/ticket-types/{duvida_type}",
            None,
            admin_writes(204),
        ),
        rest_row("GET", "/api/v1/admin/sla-policies", None, reads_reports),
        rest_row(
            "POST",
            "/api/v1/admin/sla-policies",
            Some(
                r#"{"plan":"lite","priority":"low","first_response_minutes":60,"resolution_minutes":600,"calendar_id":{calendar_id},"active":false}"#,
            ),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/sla-policies/{policy_id}",
            None,
            reads_reports,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/sla-policies/{policy_id}",
            Some(r#"{"first_response_minutes":30}"#),
            admins_only,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/sla-policies/{policy_id}",
            None,
            admin_writes(204),
        ),
        rest_row("GET", "/api/v1/admin/calendars", None, reads_reports),
        rest_row(
            "POST",
            "/api/v1/admin/calendars",
            Some(r#"{"name":"Plantão","week":[[[0,1440]],[],[],[],[],[],[]]}"#),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/calendars/{calendar_id}",
            None,
            reads_reports,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/calendars/{calendar_id}",
            Some(r#"{"holidays":["2026-12-24"]}"#),
            admins_only,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/calendars/{calendar_id}",
            None,
            admin_refused(422),
        ),
        rest_row("GET", "/api/v1/admin/users", None, reads_reports),
        rest_row(
            "POST",
            "/api/v1/admin/users",
            Some(r#"{"email":"nova@chamado.local","name":"Nova Agente","role":"agent"}"#),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/users/{acme_member}",
            None,
            reads_reports,
        ),
        rest_row(
            "PATCH",
            "/api/v1/admin/users/{acme_member}",
            Some(r#"{"can_open_tickets":true}"#),
            admins_only,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/users/{acme_member}",
            None,
            admin_writes(204),
        ),
        rest_row(
            "POST",
            "/api/v1/admin/users/{acme_member}/password-link",
            None,
            admin_writes(201),
        ),
        rest_row("GET", "/api/v1/admin/priorities", None, reads_reports),
        rest_row("PUT", "/api/v1/admin/priorities", Some("[]"), admins_only),
        rest_row("GET", "/api/v1/admin/settings", None, reads_reports),
        rest_row(
            "PATCH",
            "/api/v1/admin/settings",
            Some(r#"{"auto_close_days":8}"#),
            admins_only,
        ),
        rest_row("GET", "/api/v1/admin/audit", None, reads_reports),
        rest_row("GET", "/api/v1/admin/audit.csv", None, reads_reports),
        fn_row("tickets/limits", true, &[], signed_in(200)),
        fn_row("admin/departments", true, &[], reads_reports),
        fn_json_row(
            "admin/department",
            r#"{"id":null,"input":{"name":"Financeiro"}}"#,
            admins_only,
        ),
        fn_row("admin/users", true, &[], reads_reports),
        fn_json_row(
            "admin/invite",
            r#"{"input":{"email":"fn@chamado.local","name":"Pela Função","role":"agent"}}"#,
            admins_only,
        ),
        fn_json_row(
            "admin/user",
            r#"{"id":{acme_member},"input":{"can_open_tickets":true}}"#,
            admins_only,
        ),
        fn_json_row(
            "admin/password-link",
            r#"{"id":{acme_member}}"#,
            admins_only,
        ),
        fn_row("admin/organizations", true, &[], reads_reports),
        fn_json_row(
            "admin/organization",
            r#"{"id":null,"input":{"name":"Outra Ltda","plan":"plus"}}"#,
            admins_only,
        ),
        fn_row("admin/ticket-types", true, &[], reads_reports),
        fn_json_row(
            "admin/ticket-type",
            r#"{"id":null,"input":{"key":"pela_funcao","name":"Pela função"}}"#,
            admins_only,
        ),
        fn_row("admin/service-levels", true, &[], reads_reports),
        fn_json_row(
            "admin/sla-policy",
            r#"{"id":{policy_id},"input":{"first_response_minutes":45}}"#,
            admins_only,
        ),
        fn_json_row(
            "admin/calendar",
            r#"{"id":null,"input":{"name":"Noturno","week":[[[1200,1440]],[],[],[],[],[],[]]}}"#,
            admins_only,
        ),
        fn_row("admin/settings", true, &[], reads_reports),
        fn_json_row(
            "admin/limits",
            r#"{"input":{"auto_close_days":9}}"#,
            admins_only,
        ),
        fn_json_row("admin/priorities", r#"{"input":[]}"#, admins_only),
        fn_row("admin/audit", true, &[], reads_reports),
        rest_row("GET", "/api/v1/admin/reports/tickets", None, reads_reports),
        rest_row(
            "GET",
            "/api/v1/admin/reports/tickets.csv?part=sla",
            None,
            reads_reports,
        ),
        fn_row("reports/tickets", true, &[], reads_reports),
        rest_row(
            "POST",
            "/api/v1/tickets/{acme_ticket}/rating",
            Some(r#"{"score":5}"#),
            rates_open_acme_ticket,
        ),
        fn_row(
            "tickets/rate",
            false,
            &[("id", "{acme_ticket}"), ("score", "5")],
            rates_open_acme_ticket,
        ),
        fn_row("workspace/queues", true, &[], staff_only(200)),
        fn_row("workspace/filters", true, &[], staff_only(200)),
        fn_row(
            "workspace/organizations",
            true,
            &[("text", "acme")],
            staff_only(200),
        ),
        fn_row(
            "workspace/row",
            true,
            &[("id", "{acme_ticket}")],
            signed_in(200),
        ),
        fn_row(
            "workspace/presence",
            true,
            &[("ids", "{acme_ticket},{padaria_ticket}")],
            staff_only(200),
        ),
        fn_row(
            "workspace/tools",
            true,
            &[("id", "{acme_ticket}")],
            staff_only(200),
        ),
        fn_row(
            "workspace/present",
            false,
            &[("id", "{acme_ticket}"), ("state", "replying")],
            staff_only(200),
        ),
        fn_row(
            "workspace/change",
            false,
            &[
                ("id", "{acme_ticket}"),
                ("field", "priority"),
                ("value", "critical"),
            ],
            support_changes_acme_ticket,
        ),
        fn_row(
            "workspace/merge",
            false,
            &[("id", "{acme_ticket}"), ("into", "{padaria_ticket}")],
            staff_only(422),
        ),
        fn_row(
            "workspace/link",
            false,
            &[("id", "{acme_ticket}"), ("ticket", "{padaria_ticket}")],
            staff_only(200),
        ),
        fn_row("me/away", false, &[("away", "true")], staff_away),
    ]
}

/// Server functions (`/api/fn/…`), which the pages call.
pub(super) fn server_functions() -> Vec<Row> {
    vec![
        // Server functions
        fn_row("help-center/home", true, &[("lang", "pt-BR")], anyone(200)),
        fn_row(
            "help-center/article",
            true,
            &[("slug", "redefinir-senha")],
            anyone(200),
        ),
        fn_row(
            "help-center/search",
            true,
            &[("q", "senha"), ("lang", "pt-BR")],
            anyone(200),
        ),
        fn_row(
            "help-center/category",
            true,
            &[("category", "faturamento"), ("lang", "pt-BR")],
            anyone(200),
        ),
        fn_row(
            "help-center/feedback",
            false,
            &[("slug", "redefinir-senha"), ("helpful", "true")],
            anyone(200),
        ),
        fn_row(
            "help-center/suggestions",
            true,
            &[("q", "esqueci a senha"), ("lang", "pt-BR")],
            signed_in(200),
        ),
        fn_row(
            "help-center/deflection-step",
            false,
            &[("attempt", "{attempt}"), ("step", "left")],
            signed_in(200),
        ),
        fn_row("help-center/authored", true, &[], reads_drafts),
        fn_row(
            "help-center/editor",
            true,
            &[("id", "{article_id}")],
            writes_articles(200),
        ),
        fn_row(
            "help-center/save",
            false,
            &[
                ("title", "Matriz {actor}"),
                ("lang", "pt-BR"),
                ("category", "suporte"),
                ("tags", "matriz, teste"),
                ("body_markdown", "Texto"),
            ],
            writes_articles(200),
        ),
        fn_row(
            "help-center/delete",
            false,
            &[("id", "{article_id}")],
            deletes_article(200),
        ),
        fn_row(
            "help-center/preview",
            false,
            &[("body_markdown", "**Olá**")],
            writes_articles(200),
        ),
        fn_row("help-center/synonyms", true, &[], reads_drafts),
        fn_row(
            "help-center/synonyms/save",
            false,
            &[("text", "senha, password")],
            admins_only,
        ),
        fn_row("help-center/deflection-report", true, &[], reads_reports),
        fn_row("auth/me", true, &[], anyone(200)),
        fn_row(
            "auth/sign-in",
            false,
            &[
                ("email", "bruno@chamado.local"),
                ("password", "chamado-demo"),
            ],
            anyone(200),
        ),
        fn_row("auth/sign-out", false, &[], anyone(200)),
        fn_row(
            "auth/forgot-password",
            false,
            &[("email", "bruno@chamado.local")],
            anyone(200),
        ),
        fn_row(
            "auth/link",
            true,
            &[("purpose", "invitation"), ("token", "nope")],
            anyone(200),
        ),
        fn_row(
            "auth/set-password",
            false,
            &[
                ("purpose", "invitation"),
                ("token", "nope"),
                ("password", "senha-longa-demais"),
                ("confirm", "senha-longa-demais"),
            ],
            anyone(409),
        ),
        fn_row(
            "me/profile",
            false,
            &[("name", "Nome Novo"), ("language", "en")],
            signed_in(200),
        ),
        fn_row("me/language", false, &[("language", "en")], signed_in(200)),
        fn_row(
            "me/password",
            false,
            &[
                ("current", "errada-errada"),
                ("new", "nova-senha-longa"),
                ("confirm", "nova-senha-longa"),
            ],
            signed_in(422),
        ),
        fn_row("me/tokens/list", true, &[], signed_in(200)),
        fn_row(
            "me/tokens/create",
            false,
            &[("name", "matriz"), ("password", "chamado-demo")],
            signed_in(200),
        ),
        fn_row(
            "me/tokens/revoke",
            false,
            &[("id", "{foreign_token}")],
            signed_in(404),
        ),
        fn_row("organization/members", true, &[], org_admins(200)),
        fn_row(
            "organization/members/invite",
            false,
            &[
                ("name", "Convidada"),
                ("email", "fn-{actor}@exemplo.com.br"),
            ],
            org_admins(200),
        ),
        fn_row(
            "organization/members/can-open-tickets",
            false,
            &[("member_id", "{acme_member}"), ("value", "true")],
            acme_member_change,
        ),
        fn_row(
            "organization/members/active",
            false,
            &[("member_id", "{acme_member}"), ("active", "false")],
            acme_member_change,
        ),
        fn_row("tickets/list", true, &[], signed_in(200)),
        fn_row("tickets/stats", true, &[], signed_in(200)),
        fn_row("tickets/form", true, &[], signed_in(200)),
        fn_row(
            "tickets/get",
            true,
            &[("id", "{acme_ticket}")],
            sees_acme_ticket,
        ),
        fn_row(
            "tickets/create",
            false,
            &[
                ("input[type]", "duvida"),
                ("input[department_id]", "{geral}"),
                ("input[priority]", "low"),
                ("input[subject]", "Teste"),
                ("input[message]", "Olá"),
            ],
            may_open_tickets_fn,
        ),
        fn_row(
            "tickets/reply",
            false,
            &[("id", "{acme_ticket}"), ("body", "Oi")],
            acts_on_acme_ticket(200, 200),
        ),
        fn_row(
            "tickets/close",
            false,
            &[("id", "{acme_ticket}")],
            closes_acme_ticket,
        ),
        fn_row(
            "tickets/reopen",
            false,
            &[("id", "{acme_ticket}"), ("reason", "Voltou")],
            acts_on_acme_ticket(409, 409),
        ),
        fn_row(
            "tickets/escalate",
            false,
            &[("id", "{acme_ticket}"), ("reason", "Urgente")],
            acts_on_acme_ticket(200, 403),
        ),
    ]
}
