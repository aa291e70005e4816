//! What each actor may get: one rule per kind of route, by role, organization and ticket.

use super::Actor::{self, *};
use super::{Call, Row};

pub(super) fn signed_in(ok: u16) -> fn(Actor) -> u16 {
    match ok {
        200 => |a| if a == Visitor { 401 } else { 200 },
        201 => |a| if a == Visitor { 401 } else { 201 },
        204 => |a| if a == Visitor { 401 } else { 204 },
        404 => |a| if a == Visitor { 401 } else { 404 },
        422 => |a| if a == Visitor { 401 } else { 422 },
        _ => unreachable!(),
    }
}

pub(super) fn anyone(status: u16) -> fn(Actor) -> u16 {
    match status {
        200 => |_| 200,
        204 => |_| 204,
        401 => |_| 401,
        404 => |_| 404,
        409 => |_| 409,
        _ => unreachable!(),
    }
}

/// Carla manages Acme (where Elisa is): 200; Fábio manages another organization: 404, as if
/// Elisa did not exist; everyone else is not an organization admin: 403.
pub(super) fn acme_member_change(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OrgAdmin => 200,
        OtherOrgAdmin => 404,
        _ => 403,
    }
}

pub(super) fn org_admins(ok: u16) -> fn(Actor) -> u16 {
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
        202 => |a| match a {
            Visitor => 401,
            OrgAdmin | OtherOrgAdmin => 202,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

/// Opening a ticket: customers with the grant on a paid plan and organization admins.
pub(super) fn may_open_tickets(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Customer | OrgAdmin | OtherOrgAdmin => 201,
        _ => 403,
    }
}

/// An Acme ticket of Carla's in Técnico: Acme shares tickets; Ana works Técnico.
pub(super) fn sees_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Customer | CustomerWithoutTickets | OrgAdmin | Agent | Lead | Admin => 200,
        OtherOrgAdmin | TrialCustomer => 404,
    }
}

/// Acting on Carla's open Acme ticket: Carla (requester) and Diego (may open tickets, Acme
/// shares) get `customer`; Elisa sees it but may not act: 403; support gets `support`.
pub(super) fn acts_on_acme_ticket(customer: u16, support: u16) -> fn(Actor) -> u16 {
    match (customer, support) {
        (201, 201) => |a| acme_act(a, 201, 201),
        (409, 409) => |a| acme_act(a, 409, 409),
        (201, 403) => |a| acme_act(a, 201, 403),
        (200, 200) => |a| acme_act(a, 200, 200),
        (200, 403) => |a| acme_act(a, 200, 403),
        _ => unreachable!(),
    }
}

pub(super) fn acme_act(a: Actor, customer: u16, support: u16) -> u16 {
    match a {
        Visitor => 401,
        Customer | OrgAdmin => customer,
        CustomerWithoutTickets => 403,
        OtherOrgAdmin | TrialCustomer => 404,
        Agent | Lead | Admin => support,
    }
}

/// The same as [`may_open_tickets`] through a server function (200 instead of 201).
pub(super) fn may_open_tickets_fn(a: Actor) -> u16 {
    match may_open_tickets(a) {
        201 => 200,
        other => other,
    }
}

/// Closing Carla's ticket: Carla (requester) and support; Diego sees it (Acme shares) but it is
/// not his; Elisa neither.
pub(super) fn closes_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OrgAdmin | Agent | Lead | Admin => 200,
        Customer | CustomerWithoutTickets => 403,
        OtherOrgAdmin | TrialCustomer => 404,
    }
}

/// Re-classifying is support's: customers may only close.
pub(super) fn support_changes_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Customer | CustomerWithoutTickets | OrgAdmin => 403,
        OtherOrgAdmin | TrialCustomer => 404,
        Agent | Lead | Admin => 200,
    }
}

/// A file on Ana's internal note on Carla's ticket: support that sees the ticket only.
pub(super) fn support_sees_internal_note(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Agent | Lead | Admin => 200,
        _ => 404,
    }
}

/// A ticket of Fábio's (Padaria, which does not share) in Técnico.
pub(super) fn sees_padaria_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OtherOrgAdmin | Agent | Lead | Admin => 200,
        Customer | CustomerWithoutTickets | OrgAdmin | TrialCustomer => 404,
    }
}

/// Help-center drafts, votes and synonyms: writers (Ana, an agent with the editor right;
/// admins) and leads read.
pub(super) fn reads_drafts(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Agent | Lead | Admin => 200,
        _ => 403,
    }
}

/// Writing articles: admins and agents with the editor right (Ana); not leads without it.
pub(super) fn writes_articles(ok: u16) -> fn(Actor) -> u16 {
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
pub(super) fn deletes_article(ok: u16) -> fn(Actor) -> u16 {
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

pub(super) fn admins_only(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Admin => 200,
        _ => 403,
    }
}

/// Reports: admins and leads.
pub(super) fn reads_reports(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Lead | Admin => 200,
        _ => 403,
    }
}

/// The agent workspace: support staff (agents, leads, admins).
pub(super) fn staff_only(ok: u16) -> fn(Actor) -> u16 {
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
pub(super) fn staff_away(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Agent | Lead | Admin => 200,
        _ => 422,
    }
}

pub(super) fn admin_writes(ok: u16) -> fn(Actor) -> u16 {
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

pub(super) fn rest_row(
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

pub(super) fn fn_row(
    endpoint: &'static str,
    get: bool,
    form: &'static [(&'static str, &'static str)],
    expect: fn(Actor) -> u16,
) -> Row {
    Row {
        call: Call::Fn {
            endpoint,
            get,
            form,
        },
        expect,
    }
}

pub(super) fn fn_json_row(
    endpoint: &'static str,
    body: &'static str,
    expect: fn(Actor) -> u16,
) -> Row {
    Row {
        call: Call::FnJson { endpoint, body },
        expect,
    }
}

/// Authorised for admins, then refused by validation (a calendar in use cannot go).
pub(super) fn admin_refused(status: u16) -> fn(Actor) -> u16 {
    match status {
        422 => |a| match a {
            Visitor => 401,
            Admin => 422,
            _ => 403,
        },
        404 => |a| match a {
            Visitor => 401,
            Admin => 404,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

/// Authorised for admins and leads, then refused (a mail that does not exist: 404).
pub(super) fn supervisors_refused(status: u16) -> fn(Actor) -> u16 {
    match status {
        404 => |a| match a {
            Visitor => 401,
            Admin | Lead => 404,
            _ => 403,
        },
        _ => unreachable!(),
    }
}

/// Rating Carla's open Acme ticket: only she, the requester, gets past permission, and the
/// ticket is not closed yet (422); others who see it 403; other organizations 404.
pub(super) fn rates_open_acme_ticket(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        OrgAdmin => 422,
        OtherOrgAdmin | TrialCustomer => 404,
        _ => 403,
    }
}
