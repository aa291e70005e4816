//! Tokens Chamado puts in e-mail and must later recognise: the per-ticket, per-person reply
//! address (`suporte+<token>@…`) and the one-click unsubscribe link. Each is an HMAC-SHA256 over
//! what it names, with a key made once per installation and shared by every instance through
//! the database (`instance_secrets`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::backend::db::Conn;
use crate::backend::{secrets, Db};
use crate::on_conn;

type HmacSha256 = Hmac<Sha256>;

/// Hex characters of the MAC kept in a token (80 bits).
const MAC_HEX: usize = 20;

const KEY_NAME: &str = "mail_signing_key";

/// The installation's signing key.
#[derive(Clone)]
pub struct Keys {
    key: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    /// Reads the key, making it first if this is the first start (the first instance wins).
    pub async fn load(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<Keys, sqlx::Error> {
        const MAKE: &str =
            "INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) \
                            ON CONFLICT (name) DO NOTHING";
        const READ: &str = "SELECT value FROM instance_secrets WHERE name = $1";
        let mut c = db.acquire().await?;
        let candidate = secrets::generate("");
        on_conn!(c.conn(), conn => sqlx::query(MAKE).bind(KEY_NAME).bind(&candidate).bind(now).execute(&mut *conn).await.map(|_| ()))?;
        let value: String = read(c.conn(), READ).await?;
        Ok(Keys::from_secret(&value))
    }

    pub fn from_secret(secret: &str) -> Keys {
        Keys {
            key: secret.as_bytes().to_vec(),
        }
    }

    fn mac(&self, purpose: &str, subject: &str) -> String {
        // A key of any length is valid for HMAC.
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(subject.as_bytes());
        let bytes = mac.finalize().into_bytes();
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
            .chars()
            .take(MAC_HEX)
            .collect()
    }

    fn verify(&self, purpose: &str, subject: &str, given: &str) -> bool {
        let expected = self.mac(purpose, subject);
        // Constant time over the fixed-length hex.
        expected.len() == given.len()
            && expected
                .bytes()
                .zip(given.bytes())
                .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// The token in a reply address for `user_id` on `ticket_id`: `t42u5k<mac>`.
    pub fn reply_token(&self, ticket_id: i64, user_id: i64) -> String {
        let subject = format!("t{ticket_id}u{user_id}");
        format!("{subject}k{}", self.mac("reply", &subject))
    }

    /// `(ticket_id, user_id)` of a genuine reply token.
    pub fn check_reply_token(&self, token: &str) -> Option<(i64, i64)> {
        let token = token.to_ascii_lowercase();
        let (subject, mac) = token.split_once('k')?;
        let (ticket, user) = subject.strip_prefix('t')?.split_once('u')?;
        let ids = (ticket.parse().ok()?, user.parse().ok()?);
        self.verify("reply", subject, mac).then_some(ids)
    }

    /// The token of a one-click unsubscribe link: `<user>.<kind>.<mac>`.
    pub fn unsubscribe_token(&self, user_id: i64, kind: &str) -> String {
        let subject = format!("{user_id}.{kind}");
        format!("{subject}.{}", self.mac("unsubscribe", &subject))
    }

    /// `(user_id, kind)` of a genuine unsubscribe token.
    pub fn check_unsubscribe_token(&self, token: &str) -> Option<(i64, String)> {
        let (subject, mac) = token.rsplit_once('.')?;
        let (user, kind) = subject.split_once('.')?;
        let user = user.parse().ok()?;
        self.verify("unsubscribe", subject, mac)
            .then(|| (user, kind.to_owned()))
    }
}

async fn read(c: Conn<'_>, sql: &str) -> Result<String, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar(sql).bind(KEY_NAME).fetch_one(&mut *conn).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_tokens_name_their_ticket_and_person_and_cannot_be_altered() {
        let keys = Keys::from_secret("k1");
        let token = keys.reply_token(42, 5);
        assert!(token.starts_with("t42u5k"));
        assert_eq!(keys.check_reply_token(&token), Some((42, 5)));
        assert_eq!(keys.check_reply_token(&token.to_uppercase()), Some((42, 5)));
        let forged = token.replacen("t42", "t43", 1);
        assert_eq!(keys.check_reply_token(&forged), None);
        assert_eq!(Keys::from_secret("k2").check_reply_token(&token), None);
        assert_eq!(keys.check_reply_token("t42u5k"), None);
        assert_eq!(keys.check_reply_token("garbage"), None);
    }

    #[test]
    fn unsubscribe_tokens_round_trip_and_refuse_other_kinds() {
        let keys = Keys::from_secret("k1");
        let token = keys.unsubscribe_token(7, "support_answered");
        assert_eq!(
            keys.check_unsubscribe_token(&token),
            Some((7, "support_answered".to_owned()))
        );
        let other = token.replacen("support_answered", "new_ticket", 1);
        assert_eq!(keys.check_unsubscribe_token(&other), None);
        assert_eq!(keys.check_unsubscribe_token("7.x"), None);
    }
}
