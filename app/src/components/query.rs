//! Query strings for links the pages build (filters, next pages, CSV exports).

/// Percent-encodes a query-string value the way a GET form does (spaces as `+`).
pub fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `a=1&b=x+y` from the pairs that have a non-empty value, in order.
pub fn query_string<K: std::fmt::Display>(
    pairs: impl IntoIterator<Item = (K, Option<String>)>,
) -> String {
    pairs
        .into_iter()
        .filter_map(|(key, value)| {
            value
                .filter(|v| !v.is_empty())
                .map(|v| format!("{key}={}", query_value(&v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_value("a b/ç"), "a+b%2F%C3%A7");
        assert_eq!(query_value("2026-11-21"), "2026-11-21");
        assert_eq!(
            query_string([
                ("q", Some("a b".to_owned())),
                ("x", None),
                ("y", Some(String::new()))
            ]),
            "q=a+b"
        );
    }
}
