use super::Role;

/// Where a navigation entry leads. The UI maps each target to a path and a translated label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavTarget {
    HelpCenter,
    MyTickets,
    NewTicket,
    Dashboard,
    Admin,
    /// An organization admin's members page.
    Organization,
    /// The help-center articles (writers and leads).
    Articles,
}

impl NavTarget {
    pub fn path(self) -> &'static str {
        match self {
            NavTarget::HelpCenter => "/",
            NavTarget::MyTickets => "/chamados",
            NavTarget::NewTicket => "/chamados/novo",
            NavTarget::Dashboard => "/chamados",
            NavTarget::Admin => "/admin/departamentos",
            NavTarget::Organization => "/organizacao",
            NavTarget::Articles => "/admin/artigos",
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
        Some(Role::OrgAdmin) if may_open_tickets => {
            &[HelpCenter, MyTickets, NewTicket, Organization]
        }
        Some(Role::OrgAdmin) => &[HelpCenter, MyTickets, Organization],
        Some(Role::Customer) if may_open_tickets => &[HelpCenter, MyTickets, NewTicket],
        Some(Role::Customer) => &[HelpCenter, MyTickets],
        Some(Role::Agent) => &[Dashboard, HelpCenter],
        Some(Role::Lead) => &[Dashboard, HelpCenter, Admin],
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
    fn only_organization_admins_manage_members() {
        for role in Role::ALL {
            let has = targets(Some(*role), true).contains(&NavTarget::Organization);
            assert_eq!(has, *role == Role::OrgAdmin, "{role}");
        }
    }

    #[test]
    fn admins_and_leads_see_administration_and_staff_the_dashboard() {
        for role in Role::ALL {
            let items = targets(Some(*role), true);
            let has_admin = items.contains(&NavTarget::Admin);
            assert_eq!(
                has_admin,
                matches!(role, Role::Admin | Role::Lead),
                "{role}"
            );
            assert_eq!(
                items.contains(&NavTarget::Dashboard),
                role.is_staff(),
                "{role}"
            );
        }
    }
}

/// Where to go after signing in: a local path the person asked for, or the start page.
/// Anything that could leave the site (`//evil`, `https://…`, `/\evil`) is ignored.
pub fn safe_next_path(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod next_tests {
    use super::safe_next_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next_path(Some("/preferencias")), "/preferencias");
        assert_eq!(
            safe_next_path(Some("/chamados?status=open")),
            "/chamados?status=open"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next_path(None), "/");
    }
}
