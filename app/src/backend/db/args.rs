//! Bind values for statements assembled at run time (filters, scopes), bound the same way on
//! both backends.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub enum Arg {
    I64(i64),
    Text(String),
    Time(DateTime<Utc>),
}

/// A WHERE clause under construction: `push` adds a condition with `?` markers replaced by
/// numbered placeholders (`$1`, `$2`, …) in order, so no value is ever spliced into the SQL.
#[derive(Debug, Default)]
pub struct Filter {
    pub conditions: Vec<String>,
    pub args: Vec<Arg>,
}

impl Filter {
    pub fn push(&mut self, condition: &str, args: impl IntoIterator<Item = Arg>) {
        let mut sql = String::with_capacity(condition.len() + 8);
        let mut args = args.into_iter();
        for ch in condition.chars() {
            if ch == '?' {
                let arg = args.next().unwrap_or(Arg::I64(0));
                self.args.push(arg);
                sql.push_str(&format!("${}", self.args.len()));
            } else {
                sql.push(ch);
            }
        }
        self.conditions.push(sql);
    }

    /// `WHERE a AND b …` (or nothing).
    pub fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// The next placeholder number (for a LIMIT after the filters).
    pub fn next_placeholder(&self) -> usize {
        self.args.len() + 1
    }
}

/// Binds `Filter` args to a query in order.
#[macro_export]
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::backend::db::args::Arg::I64(v) => query.bind(*v),
                $crate::backend::db::args::Arg::Text(v) => query.bind(v.as_str()),
                $crate::backend::db::args::Arg::Time(v) => query.bind(*v),
            };
        }
        query
    }};
}

/// `1,2,3` for an SQL `IN (…)` list. Only numbers formatted from `i64`s reach the SQL text,
/// never anything typed.
pub fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Escapes `%`, `_` and `\` so user text is matched literally by `LIKE … ESCAPE '\'`.
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut f = Filter::default();
        f.push("a = ?", [Arg::I64(1)]);
        f.push("(b = ? OR c = ?)", [Arg::I64(2), Arg::Text("x".into())]);
        assert_eq!(f.where_clause(), "WHERE a = $1 AND (b = $2 OR c = $3)");
        assert_eq!(f.next_placeholder(), 4);
    }

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(like_pattern("Ação 😀"), "%ação 😀%");
    }
}
