//! A visitor's anonymous id: a random value in an HttpOnly cookie, so that what someone who is
//! not signed in does once (a vote on an article) counts once. Only its hash is stored.

use axum::http::{header, HeaderMap, HeaderValue};

use crate::backend::secrets;

pub const VISITOR_COOKIE: &str = "chamado_visitor";

/// The visitor id in a request's cookies, if it has the shape Chamado gives them.
pub fn visitor_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(VISITOR_COOKIE)?.strip_prefix('='))
        .find(|id| {
            id.len() == 43
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
}

/// The request's visitor id, or a new one with the `Set-Cookie` value that gives it.
pub fn visitor_or_new(headers: &HeaderMap, secure: bool) -> (String, Option<HeaderValue>) {
    if let Some(id) = visitor_from(headers) {
        return (id, None);
    }
    let id = secrets::generate("");
    let cookie = format!(
        "{VISITOR_COOKIE}={id}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    );
    (id.clone(), HeaderValue::from_str(&cookie).ok())
}

/// Who a vote is from: the person when signed in, else the visitor (by the hash of their id).
pub fn voter(user_id: Option<i64>, visitor: &str) -> String {
    match user_id {
        Some(id) => format!("user:{id}"),
        None => format!("visitor:{}", secrets::hash(visitor)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_keeps_the_id_it_was_given() {
        let (id, cookie) = visitor_or_new(&HeaderMap::new(), true);
        let cookie = cookie.unwrap();
        assert!(cookie.to_str().unwrap().contains("HttpOnly"));
        assert!(cookie.to_str().unwrap().contains("Secure"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("lang=en; {VISITOR_COOKIE}={id}")).unwrap(),
        );
        assert_eq!(visitor_or_new(&headers, true), (id.clone(), None));
        assert_ne!(voter(None, &id), voter(Some(1), &id));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("chamado_visitor=short"),
        );
        assert!(
            visitor_from(&headers).is_none(),
            "a made-up shape is ignored"
        );
    }
}
