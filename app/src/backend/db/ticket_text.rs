//! Ticket text search (the lists' `q`) on each database's own full-text engine: SQLite FTS5
//! (`ticket_text`: one document per message with its ticket's subject, accents and case
//! folded) and PostgreSQL `tsvector` (`ticket_search`: one document per ticket, stemmed in
//! Portuguese or English, accents folded by `unaccent`), both written by triggers in the
//! transaction of the change (migration 18). So on SQLite every word must occur in the subject
//! or one message; on PostgreSQL anywhere in the ticket, in any of its forms.
//!
//! What a person types is read here into words and quoted phrases, each turned into the
//! engine's own query language; nothing typed reaches that language unquoted.

/// How ticket lists search text (`CHAMADO_TICKET_SEARCH`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TextSearch {
    /// The database's full-text index.
    #[default]
    FullText,
    /// The substring scan of earlier versions (`LIKE`), reading every message in scope: kept
    /// only as the baseline of `bench/scaling.py`.
    Like,
    /// The full-text index, SQLite always checking the list's rows one by one (the way taken
    /// for words in more than [`MANY_MATCHES`] messages): for tests, which cannot load that
    /// many.
    FullTextRowByRow,
}

impl std::str::FromStr for TextSearch {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fulltext" => Ok(TextSearch::FullText),
            "like" => Ok(TextSearch::Like),
            other => Err(format!(
                "unknown ticket search {other:?} (fulltext or like)"
            )),
        }
    }
}

/// How many words a search keeps (each is one index lookup).
pub const MAX_WORDS: usize = 16;

/// How SQLite takes a page of matching tickets depends on how many messages match (counted
/// up to [`MANY_MATCHES`], about 35 ns a match):
/// - fewer than this: from the matching messages' tickets (found by the index, then sorted);
/// - up to [`MANY_MATCHES`]: the list is read in its own order and each row's messages are
///   looked up in the set of matching messages, read from the index once (about 0.1 µs a
///   match);
/// - more: the list is read in its own order and each row is checked against the index (an
///   index cursor per message, 10–60 µs, but with that many matches a page is full after a
///   few rows).
///
/// Either way the work is bounded by the page and the matches, not by the number of tickets.
pub const FEW_MATCHES: i64 = 10_000;
/// See [`FEW_MATCHES`].
pub const MANY_MATCHES: i64 = 250_000;

/// Merges the SQLite index's segments a little at a time (each step rewrites at most a few
/// hundred pages, so the write lock is held briefly) until at most four are left: every lookup
/// reads every segment, so a checked row costs 5 µs with one segment and 60 µs with eight.
/// Housekeeping calls it hourly; `bench-data` after a bulk load.
pub async fn merge_segments(db: &crate::backend::Db) -> Result<u32, sqlx::Error> {
    use crate::backend::db::{Backend, Conn};
    if db.backend() != Backend::Sqlite {
        return Ok(0);
    }
    const SEGMENTS: &str = "SELECT COUNT(DISTINCT segid) FROM ticket_text_idx";
    let mut steps = 0;
    while steps < 200 {
        // A write transaction: the step waits its turn with the application's other writers.
        let mut tx = db.begin().await?;
        let Conn::Sqlite(conn) = tx.conn() else {
            return Ok(steps);
        };
        if sqlx::query_scalar::<_, i64>(SEGMENTS)
            .fetch_one(&mut *conn)
            .await?
            <= 4
        {
            return Ok(steps);
        }
        sqlx::query("INSERT INTO ticket_text (ticket_text, rank) VALUES ('merge', -200)")
            .execute(&mut *conn)
            .await?;
        tx.commit().await?;
        steps += 1;
    }
    Ok(steps)
}

/// A search: groups of words that must all occur; a group of more than one word is a phrase
/// (typed between double quotes) whose words must follow each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    pub groups: Vec<Vec<String>>,
}

/// Which parts of a ticket a search reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextScope {
    /// Subject and conversation (customers).
    Public,
    /// Internal notes too (support staff).
    WithNotes,
}

impl TextQuery {
    /// The words (letters and digits, lower-cased) and quoted phrases of `q`; `None` when it
    /// has no word.
    pub fn parse(q: &str) -> Option<TextQuery> {
        let mut groups: Vec<Vec<String>> = Vec::new();
        let mut kept = 0;
        for (i, part) in q.split('"').enumerate() {
            let words: Vec<String> = part
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .take(MAX_WORDS - kept)
                .collect();
            kept += words.len();
            if i % 2 == 1 {
                if !words.is_empty() {
                    groups.push(words);
                }
            } else {
                groups.extend(words.into_iter().map(|w| vec![w]));
            }
            if kept >= MAX_WORDS {
                break;
            }
        }
        (!groups.is_empty()).then_some(TextQuery { groups })
    }

    /// An FTS5 query: every group quoted (a quoted group of several words is a phrase),
    /// implicitly AND-ed; customers' searches are limited to the subject and conversation.
    pub fn fts5(&self, scope: TextScope) -> String {
        let groups = self
            .groups
            .iter()
            .map(|g| format!("\"{}\"", g.join(" ").replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" ");
        match scope {
            TextScope::Public => format!("{{subject conversation}} : ({groups})"),
            TextScope::WithNotes => groups,
        }
    }

    /// A `to_tsquery` text: every word quoted, phrases joined by `<->`, groups by `&`;
    /// customers' words carry the weights of the subject (A) and conversation (B) only.
    pub fn tsquery(&self, scope: TextScope) -> String {
        let weights = match scope {
            TextScope::Public => ":AB",
            TextScope::WithNotes => "",
        };
        self.groups
            .iter()
            .map(|g| {
                let words = g
                    .iter()
                    .map(|w| format!("'{}'{weights}", w.replace('\\', "\\\\").replace('\'', "''")))
                    .collect::<Vec<_>>()
                    .join(" <-> ");
                if g.len() > 1 {
                    format!("({words})")
                } else {
                    words
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(q: &str) -> Vec<Vec<&'static str>> {
        TextQuery::parse(q)
            .map(|t| {
                t.groups
                    .into_iter()
                    .map(|g| {
                        g.into_iter()
                            .map(|w| &*Box::leak(w.into_boxed_str()))
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn words_and_quoted_phrases_are_read_and_the_rest_is_dropped() {
        assert_eq!(
            groups("Boleto  VENCIDO!"),
            vec![vec!["boleto"], vec!["vencido"]]
        );
        assert_eq!(
            groups("erro \"nota fiscal\" 500"),
            vec![vec!["erro"], vec!["nota", "fiscal"], vec!["500"]]
        );
        assert_eq!(groups("ação; é"), vec![vec!["ação"], vec!["é"]]);
        // An unclosed quote is a phrase to the end.
        assert_eq!(groups("\"não emite"), vec![vec!["não", "emite"]]);
        assert_eq!(groups(" \"\" -- * "), Vec::<Vec<&str>>::new());
    }

    #[test]
    fn a_search_keeps_at_most_sixteen_words() {
        let q = (0..40)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(groups(&q).len(), MAX_WORDS);
        let phrase = format!("\"{q}\"");
        assert_eq!(groups(&phrase)[0].len(), MAX_WORDS);
    }

    #[test]
    fn engine_syntax_typed_by_a_person_is_quoted_away() {
        let t = TextQuery::parse("NEAR(a b) OR x* subject:y ' \\").expect("words");
        assert_eq!(
            t.fts5(TextScope::WithNotes),
            "\"near\" \"a\" \"b\" \"or\" \"x\" \"subject\" \"y\""
        );
        assert_eq!(
            t.fts5(TextScope::Public),
            "{subject conversation} : (\"near\" \"a\" \"b\" \"or\" \"x\" \"subject\" \"y\")"
        );
        let p = TextQuery::parse("\"nota fiscal\" rejeitada").expect("words");
        assert_eq!(
            p.tsquery(TextScope::Public),
            "('nota':AB <-> 'fiscal':AB) & 'rejeitada':AB"
        );
        assert_eq!(
            p.tsquery(TextScope::WithNotes),
            "('nota' <-> 'fiscal') & 'rejeitada'"
        );
    }
}
