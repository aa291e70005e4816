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
    let name = name.trim();
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
