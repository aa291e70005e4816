use super::wire_enum;

wire_enum! {
    /// What a signed-in person may do (API.md "role").
    Role, "role" {
        Customer => "customer",
        OrgAdmin => "org_admin",
        Agent => "agent",
        Lead => "lead",
        Admin => "admin",
    }
}

impl Role {
    /// Support staff work tickets of organizations other than their own.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Lead | Role::Admin)
    }

    /// Customers and organization admins belong to exactly one organization.
    pub fn belongs_to_organization(self) -> bool {
        matches!(self, Role::Customer | Role::OrgAdmin)
    }
}

wire_enum! {
    /// A customer organization's plan (seed 000).
    Plan, "plan" {
        Trial => "trial",
        Startup => "startup",
        Lite => "lite",
        Plus => "plus",
        Super => "super",
        Enterprise => "enterprise",
    }
}

impl Plan {
    /// Display name of the plan (the same in every language).
    pub fn label(self) -> &'static str {
        match self {
            Plan::Trial => "Trial",
            Plan::Startup => "Startup",
            Plan::Lite => "Lite",
            Plan::Plus => "Plus",
            Plan::Super => "Super",
            Plan::Enterprise => "Enterprise",
        }
    }

    /// Default entitlement: a trial organization uses the help center and forum only (seed 000).
    pub fn allows_tickets_by_default(self) -> bool {
        !matches!(self, Plan::Trial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_wire_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn only_support_roles_are_staff() {
        let staff: Vec<_> = Role::ALL.iter().filter(|r| r.is_staff()).collect();
        assert_eq!(staff, [&Role::Agent, &Role::Lead, &Role::Admin]);
    }

    #[test]
    fn trial_is_the_only_plan_without_tickets() {
        let without: Vec<_> = Plan::ALL
            .iter()
            .filter(|p| !p.allows_tickets_by_default())
            .collect();
        assert_eq!(without, [&Plan::Trial]);
    }
}
