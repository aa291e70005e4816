/// A normalised e-mail address (trimmed, lowercase).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Accepts `local@domain.tld` with no spaces, at most 254 characters. Error: a field code.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("required");
        }
        if email.chars().count() > 254 {
            return Err("too_long");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("invalid_email");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty()
            || !domain_ok
            || email.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("invalid_email");
        }
        Ok(EmailAddress(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks the password length rule (12 to 128 characters). Error: a field code.
pub fn validate_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        Err("too_short")
    } else if n > PASSWORD_MAX_CHARS {
        Err("too_long")
    } else {
        Ok(())
    }
}

/// A person's display name: trimmed, 1 to 120 characters. Error: a field code.
pub fn validate_name(name: &str) -> Result<String, &'static str> {
    let name = super::single_line(name);
    match name.chars().count() {
        0 => Err("required"),
        n if n > 120 => Err("too_long"),
        _ => Ok(name.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            EmailAddress::parse("  Ana@Chamado.LOCAL ")
                .unwrap()
                .as_str(),
            "ana@chamado.local"
        );
    }

    #[test]
    fn malformed_emails_are_rejected_with_a_code() {
        assert_eq!(EmailAddress::parse(""), Err("required"));
        for bad in [
            "ana",
            "@x.com",
            "ana@",
            "ana@localhost",
            "a b@x.com",
            "a@x..com",
            "a@b@c.com",
            "a@.x.com",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err("invalid_email"), "{bad}");
        }
        let long = format!("{}@x.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err("too_long"));
    }

    #[test]
    fn passwords_must_have_12_to_128_characters() {
        assert_eq!(validate_password("12345678901"), Err("too_short"));
        assert_eq!(validate_password("123456789012"), Ok(()));
        assert_eq!(validate_password(&"ç".repeat(128)), Ok(()));
        assert_eq!(validate_password(&"x".repeat(129)), Err("too_long"));
    }
}

use chrono::{DateTime, Utc};

use super::{Language, Plan, Role};

/// The organization a customer belongs to, as shown to them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationRef {
    pub id: i64,
    pub name: String,
    pub plan: Plan,
    /// Members see each other's tickets.
    pub shares_tickets: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DepartmentRef {
    pub id: i64,
    pub name: String,
}

/// The signed-in person, as every layer sees them (API.md `GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub language: Language,
    pub organization: Option<OrganizationRef>,
    /// The effective right to open tickets: the plan allows it and, for a customer, their
    /// organization admin granted it.
    pub can_open_tickets: bool,
    pub departments: Vec<DepartmentRef>,
    /// The editor right: this agent writes help-center articles (admins always may).
    #[serde(default)]
    pub can_edit_articles: bool,
    /// Support staff marked away: round-robin skips them.
    #[serde(default)]
    pub away: bool,
}

impl CurrentUser {
    /// Writes help-center articles: admins, and support staff with the editor right.
    pub fn may_write_articles(&self) -> bool {
        self.role == Role::Admin || (self.is_staff() && self.can_edit_articles)
    }

    /// Reads the authors' side of the help center (drafts, votes): writers and leads.
    pub fn may_read_article_drafts(&self) -> bool {
        self.may_write_articles() || self.role == Role::Lead
    }

    /// Support staff (agents, leads, admins): work tickets, read and write internal notes.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// The internal-note rule: support staff read and write internal notes (and find tickets
    /// by their text, and hear of them live); customers never do.
    pub fn sees_internal_notes(&self) -> bool {
        self.is_staff()
    }

    /// Changes the installation's configuration: admins.
    pub fn may_administer(&self) -> bool {
        self.role == Role::Admin
    }

    /// Reads the configuration, the reports and the audit log: admins and leads.
    pub fn may_supervise(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Lead)
    }
}

/// Whether a person may open tickets, from their role, their own grant and their plan
/// (seeds 000 and 003). Staff do not open tickets as customers.
pub fn may_open_tickets(role: Role, granted: bool, plan: Option<Plan>) -> bool {
    let plan_allows = plan.is_some_and(Plan::allows_tickets_by_default);
    match role {
        Role::OrgAdmin => plan_allows,
        Role::Customer => plan_allows && granted,
        Role::Agent | Role::Lead | Role::Admin => false,
    }
}

/// A member of an organization, as their organization admin manages them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The grant an organization admin gives (customers only; organization admins always may).
    pub can_open_tickets: bool,
    pub active: bool,
    /// Invited but has not set a password yet.
    pub pending_invitation: bool,
}

/// The answer to an invitation, the same whether the address could be invited or belongs to
/// someone outside the organization (who has an account is never revealed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InvitationReceipt {
    /// The address, as it will be used.
    pub email: String,
}

/// A personal API token as listed (the secret is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiTokenSummary {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just created: `token` is the secret, never stored in clear.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewApiToken {
    pub id: i64,
    pub name: String,
    pub token: String,
}

#[cfg(test)]
mod entitlement_tests {
    use super::*;

    #[test]
    fn trial_organizations_never_open_tickets() {
        assert!(!may_open_tickets(Role::OrgAdmin, true, Some(Plan::Trial)));
        assert!(!may_open_tickets(Role::Customer, true, Some(Plan::Trial)));
    }

    #[test]
    fn customers_need_the_grant_of_their_admin() {
        assert!(may_open_tickets(Role::Customer, true, Some(Plan::Startup)));
        assert!(!may_open_tickets(
            Role::Customer,
            false,
            Some(Plan::Enterprise)
        ));
        assert!(may_open_tickets(Role::OrgAdmin, false, Some(Plan::Lite)));
    }

    #[test]
    fn staff_do_not_open_tickets_as_customers() {
        for role in [Role::Agent, Role::Lead, Role::Admin] {
            assert!(!may_open_tickets(role, true, None));
        }
    }
}
