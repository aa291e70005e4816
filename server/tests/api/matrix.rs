//! The authorization matrix: every REST route and every server function, called as each demo
//! role and as a visitor, against own and foreign ids. Each row states the expected status for
//! every actor; a forbidden write must leave the database as it was. A route or server function
//! without a row fails the test, so new routes must be added here.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{spawn_app_with, Browser, SpawnOptions, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Visitor,
    Customer,
    CustomerWithoutTickets,
    OrgAdmin,
    OtherOrgAdmin,
    TrialCustomer,
    Agent,
    Lead,
    Admin,
}
use Actor::*;

const ACTORS: [Actor; 9] = [
    Visitor,
    Customer,
    CustomerWithoutTickets,
    OrgAdmin,
    OtherOrgAdmin,
    TrialCustomer,
    Agent,
    Lead,
    Admin,
];

impl Actor {
    fn email(self) -> Option<&'static str> {
        match self {
            Visitor => None,
            Customer => Some("diego@acme.com.br"),
            CustomerWithoutTickets => Some("elisa@acme.com.br"),
            OrgAdmin => Some("carla@acme.com.br"),
            OtherOrgAdmin => Some("fabio@paoquente.com.br"),
            TrialCustomer => Some("gabi@testegratis.com.br"),
            Agent => Some("ana@chamado.local"),
            Lead => Some("lider@chamado.local"),
            Admin => Some("admin@chamado.local"),
        }
    }
}

/// `{acme_member}`: Elisa's id (a customer of Acme, Carla's organization).
/// `{own_token}`: an API token the actor just created. `{foreign_token}`: a token of Bruno's.
/// `{actor}`: a word unique to the actor (for e-mails that must not collide).
#[derive(Clone, Copy)]
enum Call {
    Rest {
        method: &'static str,
        path: &'static str,
        body: Option<&'static str>,
    },
    Fn {
        endpoint: &'static str,
        get: bool,
        form: &'static [(&'static str, &'static str)],
    },
    /// A server function whose arguments travel as JSON (the admin forms' nested inputs).
    FnJson {
        endpoint: &'static str,
        body: &'static str,
    },
}

struct Row {
    call: Call,
    expect: fn(Actor) -> u16,
}

fn signed_in(ok: u16) -> fn(Actor) -> u16 {
    match ok {
        200 => |a| if a == Visitor { 401 } else { 200 },
        201 => |a| if a == Visitor { 401 } else { 201 },
        204 => |a| if a == Visitor { 401 } else { 204 },
        404 => |a| if a == Visitor { 401 } else { 404 },
        422 => |a| if a == Visitor { 401 } else { 422 },
        _ => unreachable!(),
    }
}

fn anyone(status: u16) -> fn(Actor) -> u16 {
    match status {
        200 => |_| 200,
        204 => |_| 204,
        409 => |_| 409,
        _ => unreachable!(),
    }
}

/// Carla manages Acme (where Elisa is): 200; Fábio manages another organization: 404, as if
/// Elisa did not exist; everyone else is not an organization admin: 403.
fn acme_member_change(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OrgAdmin => 200,
        OtherOrgAdmin => 404,
        _ => 403,
    }
}

fn org_admins(ok: u16) -> fn(Actor) -> u16 {
    match ok {
        200 => |a| match a {
            Visitor => 401,
            OrgAdmin | OtherOrgAdmin => 200,
            _ => 403,
        },
        201 => |a| match a {
            Visitor => 401,
            OrgAdmin | OtherOrgAdmin => 201,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

/// Opening a ticket: customers with the grant on a paid plan and organization admins.
fn may_open_tickets(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Customer | OrgAdmin | OtherOrgAdmin => 201,
        _ => 403,
    }
}

/// An Acme ticket of Carla's in Técnico: Acme shares tickets; Ana works Técnico.
fn sees_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Customer | CustomerWithoutTickets | OrgAdmin | Agent | Lead | Admin => 200,
        OtherOrgAdmin | TrialCustomer => 404,
    }
}

/// Acting on Carla's open Acme ticket: Carla (requester) and Diego (may open tickets, Acme
/// shares) get `customer`; Elisa sees it but may not act: 403; support gets `support`.
fn acts_on_acme_ticket(customer: u16, support: u16) -> fn(Actor) -> u16 {
    match (customer, support) {
        (201, 201) => |a| acme_act(a, 201, 201),
        (409, 409) => |a| acme_act(a, 409, 409),
        (201, 403) => |a| acme_act(a, 201, 403),
        (200, 200) => |a| acme_act(a, 200, 200),
        (200, 403) => |a| acme_act(a, 200, 403),
        _ => unreachable!(),
    }
}

fn acme_act(a: Actor, customer: u16, support: u16) -> u16 {
    match a {
        Visitor => 401,
        Customer | OrgAdmin => customer,
        CustomerWithoutTickets => 403,
        OtherOrgAdmin | TrialCustomer => 404,
        Agent | Lead | Admin => support,
    }
}

/// The same as [`may_open_tickets`] through a server function (200 instead of 201).
fn may_open_tickets_fn(a: Actor) -> u16 {
    match may_open_tickets(a) {
        201 => 200,
        other => other,
    }
}

/// Closing Carla's ticket: Carla (requester) and support; Diego sees it (Acme shares) but it is
/// not his; Elisa neither.
fn closes_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OrgAdmin | Agent | Lead | Admin => 200,
        Customer | CustomerWithoutTickets => 403,
        OtherOrgAdmin | TrialCustomer => 404,
    }
}

/// Re-classifying is support's: customers may only close.
fn support_changes_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Customer | CustomerWithoutTickets | OrgAdmin => 403,
        OtherOrgAdmin | TrialCustomer => 404,
        Agent | Lead | Admin => 200,
    }
}

/// A file on Ana's internal note on Carla's ticket: support that sees the ticket only.
fn support_sees_internal_note(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Agent | Lead | Admin => 200,
        _ => 404,
    }
}

/// A ticket of Fábio's (Padaria, which does not share) in Técnico.
fn sees_padaria_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OtherOrgAdmin | Agent | Lead | Admin => 200,
        Customer | CustomerWithoutTickets | OrgAdmin | TrialCustomer => 404,
    }
}

/// Help-center drafts, votes and synonyms: writers (Ana, an agent with the editor right;
/// admins) and leads read.
fn reads_drafts(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Agent | Lead | Admin => 200,
        _ => 403,
    }
}

/// Writing articles: admins and agents with the editor right (Ana); not leads without it.
fn writes_articles(ok: u16) -> fn(Actor) -> u16 {
    match ok {
        200 => |a| match a {
            Visitor => 401,
            Agent | Admin => 200,
            _ => 403,
        },
        201 => |a| match a {
            Visitor => 401,
            Agent | Admin => 201,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

/// Deleting an article: Ana deletes it first, so the admin after her finds nothing (404).
fn deletes_article(ok: u16) -> fn(Actor) -> u16 {
    match ok {
        200 => |a| match a {
            Visitor => 401,
            Agent => 200,
            Admin => 404,
            _ => 403,
        },
        204 => |a| match a {
            Visitor => 401,
            Agent => 204,
            Admin => 404,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

fn admins_only(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Admin => 200,
        _ => 403,
    }
}

/// Reports: admins and leads.
fn reads_reports(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Lead | Admin => 200,
        _ => 403,
    }
}

/// The agent workspace: support staff (agents, leads, admins).
fn staff_only(ok: u16) -> fn(Actor) -> u16 {
    match ok {
        200 => |a| match a {
            Visitor => 401,
            Agent | Lead | Admin => 200,
            _ => 403,
        },
        204 => |a| match a {
            Visitor => 401,
            Agent | Lead | Admin => 204,
            _ => 403,
        },
        // Authorised, then refused by validation (merging across organizations).
        422 => |a| match a {
            Visitor => 401,
            Agent | Lead | Admin => 422,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

/// Marking oneself away: support staff; for customers the field is not theirs (422).
fn staff_away(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Agent | Lead | Admin => 200,
        _ => 422,
    }
}

fn admin_writes(ok: u16) -> fn(Actor) -> u16 {
    match ok {
        201 => |a| match a {
            Visitor => 401,
            Admin => 201,
            _ => 403,
        },
        204 => |a| match a {
            Visitor => 401,
            Admin => 204,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

fn rest_row(
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    expect: fn(Actor) -> u16,
) -> Row {
    Row {
        call: Call::Rest { method, path, body },
        expect,
    }
}

fn fn_get_row(endpoint: &'static str, expect: fn(Actor) -> u16) -> Row {
    Row {
        call: Call::Fn {
            endpoint,
            get: true,
            form: &[],
        },
        expect,
    }
}

fn fn_json_row(endpoint: &'static str, body: &'static str, expect: fn(Actor) -> u16) -> Row {
    Row {
        call: Call::FnJson { endpoint, body },
        expect,
    }
}

/// Authorised for admins, then refused by validation (a calendar in use cannot go).
fn admin_refused(status: u16) -> fn(Actor) -> u16 {
    match status {
        422 => |a| match a {
            Visitor => 401,
            Admin => 422,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

/// Rating Carla's open Acme ticket: only she, the requester, gets past permission, and the
/// ticket is not closed yet (422); others who see it 403; other organizations 404.
fn rates_open_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OrgAdmin => 422,
        OtherOrgAdmin | TrialCustomer => 404,
        _ => 403,
    }
}

fn rows() -> Vec<Row> {
    use Call::{Fn, Rest};
    vec![
        // Operations
        Row {
            call: Rest {
                method: "GET",
                path: "/healthz",
                body: None,
            },
            expect: anyone(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/readyz",
                body: None,
            },
            expect: anyone(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/openapi.json",
                body: None,
            },
            expect: anyone(200),
        },
        // Session and account
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/session",
                body: Some(r#"{"email":"bruno@chamado.local","password":"chamado-demo"}"#),
            },
            expect: anyone(200),
        },
        Row {
            call: Rest {
                method: "DELETE",
                path: "/api/v1/session",
                body: None,
            },
            expect: anyone(204),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/me",
                body: None,
            },
            expect: signed_in(200),
        },
        Row {
            call: Rest {
                method: "PATCH",
                path: "/api/v1/me",
                body: Some(r#"{"name":"Nome Novo"}"#),
            },
            expect: signed_in(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/me/tokens",
                body: None,
            },
            expect: signed_in(200),
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/me/tokens",
                body: Some(r#"{"name":"matriz"}"#),
            },
            expect: signed_in(201),
        },
        Row {
            call: Rest {
                method: "DELETE",
                path: "/api/v1/me/tokens/{own_token}",
                body: None,
            },
            expect: signed_in(204),
        },
        Row {
            call: Rest {
                method: "DELETE",
                path: "/api/v1/me/tokens/{foreign_token}",
                body: None,
            },
            expect: signed_in(404),
        },
        // Organization members
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/organization/members",
                body: None,
            },
            expect: org_admins(200),
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/organization/members",
                body: Some(r#"{"email":"convite-{actor}@exemplo.com.br","name":"Convidada"}"#),
            },
            expect: org_admins(201),
        },
        Row {
            call: Rest {
                method: "PATCH",
                path: "/api/v1/organization/members/{acme_member}",
                body: Some(r#"{"can_open_tickets":true}"#),
            },
            expect: acme_member_change,
        },
        // Tickets
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/departments",
                body: None,
            },
            expect: signed_in(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/ticket-types",
                body: None,
            },
            expect: signed_in(200),
        },
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
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/tickets",
                body: None,
            },
            expect: signed_in(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/tickets/{acme_ticket}",
                body: None,
            },
            expect: sees_acme_ticket,
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/tickets/{padaria_ticket}",
                body: None,
            },
            expect: sees_padaria_ticket,
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/stats/tickets",
                body: None,
            },
            expect: signed_in(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/articles/search?q=senha",
                body: None,
            },
            expect: anyone(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/articles/{article}",
                body: None,
            },
            expect: anyone(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/articles?lang=pt-BR&category=faturamento",
                body: None,
            },
            expect: anyone(200),
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/articles/{article}/feedback",
                body: Some(r#"{"helpful":true}"#),
            },
            expect: anyone(204),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/suggestions?q=esqueci+a+senha",
                body: None,
            },
            expect: signed_in(200),
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/suggestions/{attempt}/steps",
                body: Some(r#"{"step":"left"}"#),
            },
            expect: signed_in(204),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/admin/articles",
                body: None,
            },
            expect: reads_drafts,
        },
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
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/admin/articles/{article_id}",
                body: None,
            },
            expect: reads_drafts,
        },
        Row {
            call: Rest {
                method: "PATCH",
                path: "/api/v1/admin/articles/{article_id}",
                body: Some(r#"{"title":"Título da matriz"}"#),
            },
            expect: writes_articles(200),
        },
        Row {
            call: Rest {
                method: "DELETE",
                path: "/api/v1/admin/articles/{article_id}",
                body: None,
            },
            expect: deletes_article(204),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/admin/synonyms",
                body: None,
            },
            expect: reads_drafts,
        },
        Row {
            call: Rest {
                method: "PUT",
                path: "/api/v1/admin/synonyms",
                body: Some(r#"{"groups":[["senha","password"]]}"#),
            },
            expect: admins_only,
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/admin/reports/deflection",
                body: None,
            },
            expect: reads_reports,
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/tickets/{acme_ticket}/messages",
                body: Some(r#"{"body":"Resposta"}"#),
            },
            expect: acts_on_acme_ticket(201, 201),
        },
        Row {
            call: Rest {
                method: "PATCH",
                path: "/api/v1/tickets/{acme_ticket}",
                body: Some(r#"{"priority":"critical"}"#),
            },
            expect: support_changes_acme_ticket,
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/tickets/{acme_ticket}/reopen",
                body: Some(r#"{"reason":"Voltou"}"#),
            },
            expect: acts_on_acme_ticket(409, 409),
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/tickets/{acme_ticket}/escalations",
                body: Some(r#"{"reason":"Urgente"}"#),
            },
            expect: acts_on_acme_ticket(201, 403),
        },
        Row {
            call: Call::Rest {
                method: "GET",
                path: "/api/v1/attachments/{acme_attachment}",
                body: None,
            },
            expect: sees_acme_ticket,
        },
        Row {
            call: Call::Rest {
                method: "GET",
                path: "/api/v1/attachments/{internal_attachment}",
                body: None,
            },
            expect: support_sees_internal_note,
        },
        Row {
            call: Call::Rest {
                method: "GET",
                path: "/api/v1/events",
                body: None,
            },
            expect: signed_in(200),
        },
        // Agent workspace
        Row {
            call: Rest {
                method: "PUT",
                path: "/api/v1/tickets/{acme_ticket}/presence",
                body: Some(r#"{"state":"viewing"}"#),
            },
            expect: staff_only(200),
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/tickets/{acme_ticket}/merge",
                body: Some(r#"{"into":"{padaria_ticket}"}"#),
            },
            expect: staff_only(422),
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/tickets/{acme_ticket}/links",
                body: Some(r#"{"ticket":"{padaria_ticket}"}"#),
            },
            expect: staff_only(204),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/tickets/{acme_ticket}/canned-responses",
                body: None,
            },
            expect: staff_only(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/stats/queues",
                body: None,
            },
            expect: staff_only(200),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/admin/canned-responses",
                body: None,
            },
            expect: reads_reports,
        },
        Row {
            call: Rest {
                method: "POST",
                path: "/api/v1/admin/canned-responses",
                body: Some(r#"{"title":"Nova","body":"Olá {{cliente.nome}}"}"#),
            },
            expect: admin_writes(201),
        },
        Row {
            call: Rest {
                method: "GET",
                path: "/api/v1/admin/canned-responses/{canned_id}",
                body: None,
            },
            expect: reads_reports,
        },
        Row {
            call: Rest {
                method: "PATCH",
                path: "/api/v1/admin/canned-responses/{canned_id}",
                body: Some(r#"{"title":"Renomeada"}"#),
            },
            expect: admins_only,
        },
        Row {
            call: Rest {
                method: "DELETE",
                path: "/api/v1/admin/canned-responses/{canned_id}",
                body: None,
            },
            expect: admin_writes(204),
        },
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
        fn_get_row("tickets/limits", signed_in(200)),
        fn_get_row("admin/departments", reads_reports),
        fn_json_row(
            "admin/department",
            r#"{"id":null,"input":{"name":"Financeiro"}}"#,
            admins_only,
        ),
        fn_get_row("admin/users", reads_reports),
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
        fn_get_row("admin/organizations", reads_reports),
        fn_json_row(
            "admin/organization",
            r#"{"id":null,"input":{"name":"Outra Ltda","plan":"plus"}}"#,
            admins_only,
        ),
        fn_get_row("admin/ticket-types", reads_reports),
        fn_json_row(
            "admin/ticket-type",
            r#"{"id":null,"input":{"key":"pela_funcao","name":"Pela função"}}"#,
            admins_only,
        ),
        fn_get_row("admin/service-levels", reads_reports),
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
        fn_get_row("admin/settings", reads_reports),
        fn_json_row(
            "admin/limits",
            r#"{"input":{"auto_close_days":9}}"#,
            admins_only,
        ),
        fn_json_row("admin/priorities", r#"{"input":[]}"#, admins_only),
        fn_get_row("admin/audit", reads_reports),
        rest_row("GET", "/api/v1/admin/reports/tickets", None, reads_reports),
        rest_row(
            "GET",
            "/api/v1/admin/reports/tickets.csv?part=sla",
            None,
            reads_reports,
        ),
        fn_get_row("reports/tickets", reads_reports),
        rest_row(
            "POST",
            "/api/v1/tickets/{acme_ticket}/rating",
            Some(r#"{"score":5}"#),
            rates_open_acme_ticket,
        ),
        Row {
            call: Fn {
                endpoint: "tickets/rate",
                get: false,
                form: &[("id", "{acme_ticket}"), ("score", "5")],
            },
            expect: rates_open_acme_ticket,
        },
        Row {
            call: Fn {
                endpoint: "workspace/queues",
                get: true,
                form: &[],
            },
            expect: staff_only(200),
        },
        Row {
            call: Fn {
                endpoint: "workspace/filters",
                get: true,
                form: &[],
            },
            expect: staff_only(200),
        },
        Row {
            call: Fn {
                endpoint: "workspace/row",
                get: true,
                form: &[("id", "{acme_ticket}")],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "workspace/presence",
                get: true,
                form: &[("ids", "{acme_ticket},{padaria_ticket}")],
            },
            expect: staff_only(200),
        },
        Row {
            call: Fn {
                endpoint: "workspace/tools",
                get: true,
                form: &[("id", "{acme_ticket}")],
            },
            expect: staff_only(200),
        },
        Row {
            call: Fn {
                endpoint: "workspace/present",
                get: false,
                form: &[("id", "{acme_ticket}"), ("state", "replying")],
            },
            expect: staff_only(200),
        },
        Row {
            call: Fn {
                endpoint: "workspace/change",
                get: false,
                form: &[
                    ("id", "{acme_ticket}"),
                    ("field", "priority"),
                    ("value", "critical"),
                ],
            },
            expect: support_changes_acme_ticket,
        },
        Row {
            call: Fn {
                endpoint: "workspace/merge",
                get: false,
                form: &[("id", "{acme_ticket}"), ("into", "{padaria_ticket}")],
            },
            expect: staff_only(422),
        },
        Row {
            call: Fn {
                endpoint: "workspace/link",
                get: false,
                form: &[("id", "{acme_ticket}"), ("ticket", "{padaria_ticket}")],
            },
            expect: staff_only(200),
        },
        Row {
            call: Fn {
                endpoint: "me/away",
                get: false,
                form: &[("away", "true")],
            },
            expect: staff_away,
        },
        // Server functions
        Row {
            call: Fn {
                endpoint: "help-center/home",
                get: true,
                form: &[("lang", "pt-BR")],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/article",
                get: true,
                form: &[("slug", "redefinir-senha")],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/search",
                get: true,
                form: &[("q", "senha"), ("lang", "pt-BR")],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/category",
                get: true,
                form: &[("category", "faturamento"), ("lang", "pt-BR")],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/feedback",
                get: false,
                form: &[("slug", "redefinir-senha"), ("helpful", "true")],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/suggestions",
                get: true,
                form: &[("q", "esqueci a senha"), ("lang", "pt-BR")],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/deflection-step",
                get: false,
                form: &[("attempt", "{attempt}"), ("step", "left")],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/authored",
                get: true,
                form: &[],
            },
            expect: reads_drafts,
        },
        Row {
            call: Fn {
                endpoint: "help-center/editor",
                get: true,
                form: &[("id", "{article_id}")],
            },
            expect: writes_articles(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/save",
                get: false,
                form: &[
                    ("title", "Matriz {actor}"),
                    ("lang", "pt-BR"),
                    ("category", "suporte"),
                    ("tags", "matriz, teste"),
                    ("body_markdown", "Texto"),
                ],
            },
            expect: writes_articles(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/delete",
                get: false,
                form: &[("id", "{article_id}")],
            },
            expect: deletes_article(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/preview",
                get: false,
                form: &[("body_markdown", "**Olá**")],
            },
            expect: writes_articles(200),
        },
        Row {
            call: Fn {
                endpoint: "help-center/synonyms",
                get: true,
                form: &[],
            },
            expect: reads_drafts,
        },
        Row {
            call: Fn {
                endpoint: "help-center/synonyms/save",
                get: false,
                form: &[("text", "senha, password")],
            },
            expect: admins_only,
        },
        Row {
            call: Fn {
                endpoint: "help-center/deflection-report",
                get: true,
                form: &[],
            },
            expect: reads_reports,
        },
        Row {
            call: Fn {
                endpoint: "auth/me",
                get: true,
                form: &[],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "auth/sign-in",
                get: false,
                form: &[
                    ("email", "bruno@chamado.local"),
                    ("password", "chamado-demo"),
                ],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "auth/sign-out",
                get: false,
                form: &[],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "auth/forgot-password",
                get: false,
                form: &[("email", "bruno@chamado.local")],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "auth/link",
                get: true,
                form: &[("purpose", "invitation"), ("token", "nope")],
            },
            expect: anyone(200),
        },
        Row {
            call: Fn {
                endpoint: "auth/set-password",
                get: false,
                form: &[
                    ("purpose", "invitation"),
                    ("token", "nope"),
                    ("password", "senha-longa-demais"),
                    ("confirm", "senha-longa-demais"),
                ],
            },
            expect: anyone(409),
        },
        Row {
            call: Fn {
                endpoint: "me/profile",
                get: false,
                form: &[("name", "Nome Novo"), ("language", "en")],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "me/language",
                get: false,
                form: &[("language", "en")],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "me/password",
                get: false,
                form: &[
                    ("current", "errada-errada"),
                    ("new", "nova-senha-longa"),
                    ("confirm", "nova-senha-longa"),
                ],
            },
            expect: signed_in(422),
        },
        Row {
            call: Fn {
                endpoint: "me/tokens/list",
                get: true,
                form: &[],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "me/tokens/create",
                get: false,
                form: &[("name", "matriz")],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "me/tokens/revoke",
                get: false,
                form: &[("id", "{foreign_token}")],
            },
            expect: signed_in(404),
        },
        Row {
            call: Fn {
                endpoint: "organization/members",
                get: true,
                form: &[],
            },
            expect: org_admins(200),
        },
        Row {
            call: Fn {
                endpoint: "organization/members/invite",
                get: false,
                form: &[
                    ("name", "Convidada"),
                    ("email", "fn-{actor}@exemplo.com.br"),
                ],
            },
            expect: org_admins(200),
        },
        Row {
            call: Fn {
                endpoint: "organization/members/can-open-tickets",
                get: false,
                form: &[("member_id", "{acme_member}"), ("value", "true")],
            },
            expect: acme_member_change,
        },
        Row {
            call: Fn {
                endpoint: "organization/members/active",
                get: false,
                form: &[("member_id", "{acme_member}"), ("active", "false")],
            },
            expect: acme_member_change,
        },
        Row {
            call: Fn {
                endpoint: "tickets/list",
                get: true,
                form: &[],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "tickets/stats",
                get: true,
                form: &[],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "tickets/form",
                get: true,
                form: &[],
            },
            expect: signed_in(200),
        },
        Row {
            call: Fn {
                endpoint: "tickets/get",
                get: true,
                form: &[("id", "{acme_ticket}")],
            },
            expect: sees_acme_ticket,
        },
        Row {
            call: Fn {
                endpoint: "tickets/create",
                get: false,
                form: &[
                    ("input[type]", "duvida"),
                    ("input[department_id]", "{geral}"),
                    ("input[priority]", "low"),
                    ("input[subject]", "Teste"),
                    ("input[message]", "Olá"),
                ],
            },
            expect: may_open_tickets_fn,
        },
        Row {
            call: Fn {
                endpoint: "tickets/reply",
                get: false,
                form: &[("id", "{acme_ticket}"), ("body", "Oi")],
            },
            expect: acts_on_acme_ticket(200, 200),
        },
        Row {
            call: Fn {
                endpoint: "tickets/close",
                get: false,
                form: &[("id", "{acme_ticket}")],
            },
            expect: closes_acme_ticket,
        },
        Row {
            call: Fn {
                endpoint: "tickets/reopen",
                get: false,
                form: &[("id", "{acme_ticket}"), ("reason", "Voltou")],
            },
            expect: acts_on_acme_ticket(409, 409),
        },
        Row {
            call: Fn {
                endpoint: "tickets/escalate",
                get: false,
                form: &[("id", "{acme_ticket}"), ("reason", "Urgente")],
            },
            expect: acts_on_acme_ticket(200, 403),
        },
    ]
}

/// Everything a forbidden write could have touched, as text.
async fn snapshot(app: &TestApp) -> String {
    const SQL: &str = r#"
        SELECT 'u' || id || ':' || name || ':' || language || ':' || CAST(can_open_tickets AS TEXT) || ':'
               || CAST(active AS TEXT) || ':' || CAST(away AS TEXT) || ':' || COALESCE(password_hash, '') FROM users
        UNION ALL SELECT 't' || id || ':' || COALESCE(CAST(revoked_at AS TEXT), '') FROM api_tokens
        UNION ALL SELECT 'l' || id || ':' || COALESCE(CAST(used_at AS TEXT), '') FROM user_links
        UNION ALL SELECT 'k' || id || ':' || status || ':' || priority || ':' || COALESCE(CAST(assignee_id AS TEXT), '')
               || ':' || COALESCE(CAST(merged_into_id AS TEXT), '') FROM tickets
        UNION ALL SELECT 'g' || ticket_id || ':' || tag FROM ticket_tags
        UNION ALL SELECT 'r' || ticket_id || ':' || related_ticket_id FROM ticket_links
        UNION ALL SELECT 'p' || ticket_id || ':' || user_id || ':' || state FROM ticket_presence
        UNION ALL SELECT 'c' || id || ':' || title || ':' || CAST(active AS TEXT) FROM canned_responses
        UNION ALL SELECT 'd' || id || ':' || name || ':' || CAST(active AS TEXT) || ':' || CAST(round_robin AS TEXT) FROM departments
        UNION ALL SELECT 'dm' || department_id || ':' || user_id FROM department_members
        UNION ALL SELECT 'o' || id || ':' || name || ':' || plan || ':' || CAST(shares_tickets AS TEXT) || ':' || CAST(active AS TEXT) FROM organizations
        UNION ALL SELECT 'ur' || id || ':' || role || ':' || COALESCE(CAST(organization_id AS TEXT), '') FROM users
        UNION ALL SELECT 'y' || id || ':' || key || ':' || name || ':' || CAST(active AS TEXT) FROM ticket_types
        UNION ALL SELECT 'yf' || id || ':' || label || ':' || CAST(active AS TEXT) FROM ticket_type_fields
        UNION ALL SELECT 'sc' || id || ':' || name || ':' || CAST(active AS TEXT) || ':' || CAST(updated_at AS TEXT) FROM sla_calendars
        UNION ALL SELECT 'sp' || id || ':' || CAST(first_response_minutes AS TEXT) || ':' || CAST(active AS TEXT) FROM sla_policies
        UNION ALL SELECT 'al' || id FROM audit_log
        UNION ALL SELECT 'rt' || ticket_id || ':' || CAST(score AS TEXT) FROM ticket_ratings
        UNION ALL SELECT 'm' || id FROM ticket_messages
        UNION ALL SELECT 'a' || id || ':' || status || ':' || slug || ':' || title FROM articles
        UNION ALL SELECT 's' || key || ':' || CAST(updated_at AS TEXT) FROM settings
        ORDER BY 1"#;
    app.texts(SQL, None).await.join("\n")
}

/// One integer from the database, as text.
async fn scalar(app: &TestApp, sql: &str) -> String {
    app.number(sql).await.to_string()
}

/// A message with one text file on a ticket; answers the attachment's id.
async fn attach(browser: &Browser, ticket: &str, internal: bool) -> String {
    let form = reqwest::multipart::Form::new()
        .text(
            "message",
            serde_json::json!({"body": "Anexo", "internal": internal}).to_string(),
        )
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(b"linha de log\n".to_vec()).file_name("log.txt"),
        );
    let response = browser
        .post_multipart(&format!("/api/v1/tickets/{ticket}/messages"), form)
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["attachments"][0]["id"].as_i64().unwrap().to_string()
}

async fn new_token(browser: &Browser) -> String {
    let r = browser
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(serde_json::json!({"name": "fixture"})),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    body["id"].as_i64().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_server_function_has_a_row() {
    let rows = rows();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| match r.call {
            Call::Rest { method, path, .. } => (method.to_owned(), template(path)),
            Call::Fn { endpoint, get, .. } => (
                (if get { "GET" } else { "POST" }).to_owned(),
                format!("/api/fn/{endpoint}"),
            ),
            Call::FnJson { endpoint, .. } => ("POST".to_owned(), format!("/api/fn/{endpoint}")),
        })
        .collect();
    let doc = serde_json::to_value(<server::rest::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
    let mut registered = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            registered.insert((method.to_uppercase(), path.clone()));
        }
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        registered.insert((method.to_string(), path.to_owned()));
    }
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that do not exist: {stale:?}"
    );
}

fn row_label(row: &Row) -> String {
    match row.call {
        Call::Rest { method, path, .. } => format!("{method} {path}"),
        Call::Fn { endpoint, .. } | Call::FnJson { endpoint, .. } => format!("fn {endpoint}"),
    }
}

/// `/api/v1/me/tokens/{own_token}` → `/api/v1/me/tokens/{id}` (the OpenAPI template).
fn template(path: &str) -> String {
    let path = path.replace("{member_user}", "{user_id}");
    [
        "{own_token}",
        "{foreign_token}",
        "{acme_member}",
        "{acme_ticket}",
        "{padaria_ticket}",
        "{acme_attachment}",
        "{internal_attachment}",
        "{article_id}",
        "{canned_id}",
        "{geral}",
        "{acme_org}",
        "{duvida_type}",
        "{policy_id}",
        "{calendar_id}",
    ]
    .iter()
    .fold(
        path.split('?').next().unwrap_or(&path).to_owned(),
        |p, placeholder| p.replace(placeholder, "{id}"),
    )
    .replace("{article}", "{slug}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_actor_gets_exactly_what_their_role_allows() {
    // Server functions render through Leptos too: not at the same time as the page tests.
    let _pages = crate::helpers::rendering_pages().await;
    let mut failures = Vec::new();
    for row in rows() {
        // A fresh installation per row: what one actor's call changes cannot hide another's.
        let app = spawn_app_with(SpawnOptions {
            demo: true,
            ..Default::default()
        })
        .await;
        let acme_member = app.user_id("elisa@acme.com.br").await.to_string();
        let geral = scalar(&app, "SELECT id FROM departments WHERE name = 'Geral'").await;
        let acme_ticket = scalar(
            &app,
            "SELECT MIN(t.id) FROM tickets t JOIN users u ON u.id = t.requester_id JOIN departments d ON d.id = t.department_id \
             WHERE u.email = 'carla@acme.com.br' AND d.name = 'Técnico'",
        )
        .await;
        let padaria_ticket = scalar(
            &app,
            "SELECT MIN(t.id) FROM tickets t JOIN users u ON u.id = t.requester_id JOIN departments d ON d.id = t.department_id \
             WHERE u.email = 'fabio@paoquente.com.br' AND d.name = 'Técnico'",
        )
        .await;
        let article_id = scalar(
            &app,
            "SELECT id FROM articles WHERE slug = 'redefinir-senha'",
        )
        .await;
        let canned_id = scalar(&app, "SELECT MIN(id) FROM canned_responses").await;
        let acme_org = scalar(
            &app,
            "SELECT id FROM organizations WHERE name = 'Acme Ltda'",
        )
        .await;
        let duvida_type = scalar(&app, "SELECT id FROM ticket_types WHERE key = 'duvida'").await;
        let policy_id = scalar(
            &app,
            "SELECT id FROM sla_policies WHERE plan = 'enterprise' AND priority = 'high'",
        )
        .await;
        let calendar_id = scalar(&app, "SELECT MIN(id) FROM sla_calendars").await;
        let bruno = app.signed_in("bruno@chamado.local").await;
        let foreign_token = new_token(&bruno).await;
        let carla = app.signed_in("carla@acme.com.br").await;
        let acme_attachment = attach(&carla, &acme_ticket, false).await;
        let ana = app.signed_in("ana@chamado.local").await;
        let internal_attachment = attach(&ana, &acme_ticket, true).await;
        for actor in ACTORS {
            let browser = app.browser();
            if let Some(email) = actor.email() {
                let status = browser
                    .sign_in(email, crate::helpers::PASSWORD)
                    .await
                    .status();
                if status != 200 {
                    failures.push(format!(
                        "{:?}: {actor:?} could not sign in ({status})",
                        row_label(&row)
                    ));
                    continue;
                }
            }
            let own_token = if actor == Visitor {
                foreign_token.clone()
            } else {
                new_token(&browser).await
            };
            let fill = |s: &str| {
                s.replace("{acme_member}", &acme_member)
                    .replace("{geral}", &geral)
                    .replace("{acme_ticket}", &acme_ticket)
                    .replace("{padaria_ticket}", &padaria_ticket)
                    .replace("{acme_attachment}", &acme_attachment)
                    .replace("{internal_attachment}", &internal_attachment)
                    .replace("{own_token}", &own_token)
                    .replace("{foreign_token}", &foreign_token)
                    .replace("{article}", "redefinir-senha")
                    .replace("{article_id}", &article_id)
                    .replace("{canned_id}", &canned_id)
                    .replace("{acme_org}", &acme_org)
                    .replace("{duvida_type}", &duvida_type)
                    .replace("{policy_id}", &policy_id)
                    .replace("{calendar_id}", &calendar_id)
                    .replace("{member_user}", &acme_member)
                    .replace("{attempt}", "matriz-tentativa")
                    .replace("{actor}", &format!("{actor:?}").to_lowercase())
            };
            let before = snapshot(&app).await;
            let (label, response) = match row.call {
                Call::Rest { method, path, body } => {
                    let method = Method::from_bytes(method.as_bytes()).unwrap();
                    let body = body.map(|b| serde_json::from_str::<Value>(&fill(b)).unwrap());
                    (
                        format!("{method} {path}"),
                        browser.send(method, &fill(path), body).await,
                    )
                }
                Call::Fn {
                    endpoint,
                    get,
                    form,
                } => {
                    let form: Vec<(String, String)> = form
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), fill(v)))
                        .collect();
                    let response = if get {
                        browser
                            .client
                            .get(browser.url(&format!("/api/fn/{endpoint}")))
                            .query(&form)
                            .send()
                            .await
                            .unwrap()
                    } else {
                        let pairs: Vec<(&str, &str)> =
                            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                        browser.server_fn(endpoint, &pairs).await
                    };
                    (format!("fn {endpoint}"), response)
                }
                Call::FnJson { endpoint, body } => {
                    let response = browser
                        .client
                        .post(browser.url(&format!("/api/fn/{endpoint}")))
                        .header("origin", &browser.base)
                        .header("content-type", "application/json")
                        .header("accept", "application/json")
                        .body(fill(body))
                        .send()
                        .await
                        .unwrap();
                    (format!("fn {endpoint}"), response)
                }
            };
            let expected = (row.expect)(actor);
            let status = response.status().as_u16();
            if status != expected {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{label} as {actor:?}: expected {expected}, got {status} {body}"
                ));
            } else if status >= 400 && snapshot(&app).await != before {
                failures.push(format!(
                    "{label} as {actor:?}: refused with {status} but changed the database"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}
