use super::Role;

/// Where a navigation entry leads. The UI maps each target to a path and a translated label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavTarget {
    HelpCenter,
    MyTickets,
    NewTicket,
    Dashboard,
    Admin,
}

impl NavTarget {
    pub fn path(self) -> &'static str {
        match self {
            NavTarget::HelpCenter => "/",
            NavTarget::MyTickets => "/chamados",
            NavTarget::NewTicket => "/chamados/novo",
            NavTarget::Dashboard => "/painel",
            NavTarget::Admin => "/admin",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    pub target: NavTarget,
}

/// The main navigation for a viewer: `None` is a visitor who has not signed in.
/// `may_open_tickets` is the customer's entitlement (plan and organization grant).
pub fn nav_items(role: Option<Role>, may_open_tickets: bool) -> Vec<NavItem> {
    use NavTarget::*;
    let targets: &[NavTarget] = match role {
        None => &[HelpCenter],
        Some(Role::Customer | Role::OrgAdmin) if may_open_tickets => {
            &[HelpCenter, MyTickets, NewTicket]
        }
        Some(Role::Customer | Role::OrgAdmin) => &[HelpCenter, MyTickets],
        Some(Role::Agent | Role::Lead) => &[Dashboard, HelpCenter],
        Some(Role::Admin) => &[Dashboard, HelpCenter, Admin],
    };
    targets.iter().map(|&target| NavItem { target }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(role: Option<Role>, may_open: bool) -> Vec<NavTarget> {
        nav_items(role, may_open)
            .into_iter()
            .map(|i| i.target)
            .collect()
    }

    #[test]
    fn visitors_only_see_the_help_center() {
        assert_eq!(targets(None, false), [NavTarget::HelpCenter]);
    }

    #[test]
    fn customers_see_new_ticket_only_when_entitled() {
        assert!(targets(Some(Role::Customer), true).contains(&NavTarget::NewTicket));
        assert!(!targets(Some(Role::Customer), false).contains(&NavTarget::NewTicket));
    }

    #[test]
    fn only_admins_see_administration() {
        for role in Role::ALL {
            let has_admin = targets(Some(*role), true).contains(&NavTarget::Admin);
            assert_eq!(has_admin, *role == Role::Admin, "{role}");
        }
    }
}
