//! Delivery to the SMTP relay of `CHAMADO_SMTP_URL` (lettre), or none: with no relay the mail is
//! kept in the outbox, not sent.
//!
//! - `smtp://user:pass@host:587`: STARTTLS, required (a relay that does not offer it fails).
//! - `smtps://user:pass@host:465`: TLS from the first byte.
//! - `smtp://host:25?tls=none`: plain, for a relay on the same host or network only.

use std::time::Duration;

use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

/// How long one delivery may take before it counts as failed (and is retried).
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub enum Transport {
    /// No relay configured: mail is composed and kept.
    None,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::None => f.write_str("Transport::None"),
            Transport::Smtp(_) => f.write_str("Transport::Smtp(…)"),
        }
    }
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The relay accepted it (its answer).
    Accepted(String),
    /// Kept: no relay is configured.
    Kept,
    /// Refused for good (5xx): retrying would not help.
    Refused(String),
    /// Failed for now (4xx, connection, timeout): try again later.
    Deferred(String),
}

/// The URL lettre understands for ours: STARTTLS is required unless the URL says `tls=none`.
pub fn lettre_url(url: &str) -> Result<String, String> {
    let mut parsed = url::Url::parse(url).map_err(|e| format!("CHAMADO_SMTP_URL: {e}"))?;
    let tls = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let others: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| k != "tls")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let tls = match (parsed.scheme(), tls.as_deref()) {
        ("smtps", None) => None,
        ("smtp", None | Some("required")) => Some("required"),
        ("smtp", Some("none")) => None,
        ("smtp", Some("opportunistic")) => Some("opportunistic"),
        (scheme @ ("smtp" | "smtps"), Some(other)) => {
            return Err(format!(
                "CHAMADO_SMTP_URL: tls={other} is not understood with {scheme}:// (use required, opportunistic or none)"
            ))
        }
        (scheme, _) => {
            return Err(format!(
                "CHAMADO_SMTP_URL: the scheme must be smtp:// or smtps://, not {scheme}://"
            ))
        }
    };
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("CHAMADO_SMTP_URL: no host".to_owned());
    }
    {
        let mut query = parsed.query_pairs_mut();
        query.clear();
        for (k, v) in &others {
            query.append_pair(k, v);
        }
        if let Some(tls) = tls {
            query.append_pair("tls", tls);
        }
    }
    if parsed.query() == Some("") {
        parsed.set_query(None);
    }
    Ok(parsed.to_string())
}

impl Transport {
    /// The transport for `CHAMADO_SMTP_URL`, or [`Transport::None`] without one.
    pub fn from_url(url: Option<&str>) -> Result<Transport, String> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(Transport::None);
        };
        let url = lettre_url(url)?;
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("CHAMADO_SMTP_URL: {e}"))?;
        Ok(Transport::Smtp(builder.timeout(Some(TIMEOUT)).build()))
    }

    pub fn is_configured(&self) -> bool {
        matches!(self, Transport::Smtp(_))
    }

    pub async fn deliver(&self, message: Message) -> Delivery {
        let Transport::Smtp(smtp) = self else {
            return Delivery::Kept;
        };
        match smtp.send(message).await {
            Ok(response) => Delivery::Accepted(format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) if e.is_permanent() => Delivery::Refused(e.to_string()),
            Err(e) => Delivery::Deferred(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn starttls_is_required_unless_the_url_says_none() {
        assert_eq!(
            lettre_url("smtp://u:p@mail.example:587").as_deref(),
            Ok("smtp://u:p@mail.example:587?tls=required")
        );
        assert_eq!(
            lettre_url("smtp://127.0.0.1:25?tls=none").as_deref(),
            Ok("smtp://127.0.0.1:25")
        );
        assert_eq!(
            lettre_url("smtps://u:p@mail.example:465").as_deref(),
            Ok("smtps://u:p@mail.example:465")
        );
        assert!(lettre_url("http://mail.example").is_err());
        assert!(lettre_url("smtp://mail.example?tls=maybe").is_err());
        assert!(lettre_url("not a url").is_err());
        assert!(Transport::from_url(Some("smtp://u:p@mail.example:587"))
            .is_ok_and(|t| t.is_configured()));
        assert!(Transport::from_url(None).is_ok_and(|t| !t.is_configured()));
        assert!(Transport::from_url(Some("  ")).is_ok_and(|t| !t.is_configured()));
    }
}
