//! Measuring the help-center search against labelled queries (`kb/queries-dev.jsonl`: one
//! `{"q", "lang", "relevant": [slug, …], "kind"}` per line; `relevant` empty for queries that
//! nothing answers). `chamado kb eval` prints these figures for Chamado's ranking and for a
//! plain BM25 over the same articles, for one or more query sets side by side.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::backend::search::{PlainBm25, SearchError, SearchIndex};
use crate::domain::Language;

#[derive(Debug, Clone, Deserialize)]
pub struct LabelledQuery {
    pub q: String,
    pub lang: String,
    #[serde(default)]
    pub relevant: Vec<String>,
    #[serde(default)]
    pub kind: String,
}

/// Reads a JSONL file of labelled queries; the error names the line.
pub fn parse_queries(text: &str) -> Result<Vec<LabelledQuery>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// One article a ranking shows: its slug and what the ranking knew of it (for reading misses).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub slug: String,
    pub detail: String,
}

/// Something that answers a query with the articles a user would be shown, best first.
pub trait Ranking {
    fn shown(&self, query: &str, lang: Language, limit: usize) -> Result<Vec<Shown>, SearchError>;
}

impl Ranking for SearchIndex {
    fn shown(&self, query: &str, lang: Language, limit: usize) -> Result<Vec<Shown>, SearchError> {
        Ok(self
            .search(query, lang, limit)?
            .into_iter()
            .map(|h| Shown {
                detail: format!("coverage {:.2}, evidence {:.1}", h.coverage, h.score),
                slug: h.slug,
            })
            .collect())
    }
}

impl Ranking for PlainBm25 {
    fn shown(&self, query: &str, _: Language, limit: usize) -> Result<Vec<Shown>, SearchError> {
        Ok(self
            .search(query, limit)?
            .into_iter()
            .map(|(slug, score)| Shown {
                slug,
                detail: format!("bm25 {score:.1}"),
            })
            .collect())
    }
}

/// Recall and rank figures over a group of answerable queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub queries: usize,
    /// Queries with a relevant article first.
    pub recall_at_1: f64,
    /// Queries with a relevant article among the first 3.
    pub recall_at_3: f64,
    /// Mean reciprocal rank of the first relevant article (0 when none is shown).
    pub mrr: f64,
}

/// A query that did not get a relevant article first (or, for a no-answer query, got any
/// article): what was expected, where it ranked, and what ranked above it.
#[derive(Debug, Clone)]
pub struct Miss {
    pub query: LabelledQuery,
    /// Rank (1-based) of the first relevant article among those shown, if shown.
    pub rank: Option<usize>,
    /// What was shown above it (everything shown when it was not shown).
    pub above: Vec<Shown>,
}

/// The figures over a query set. Results are what a user would be shown (the display
/// threshold applied), at most [`SHOWN`].
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    pub answerable: Figures,
    pub no_answer: usize,
    /// Share of no-answer queries that showed at least one article.
    pub no_answer_shown: f64,
    /// The figures per query kind (no-answer queries aside).
    pub by_kind: BTreeMap<String, Figures>,
    pub misses: Vec<Miss>,
    /// Every query with what it showed.
    pub details: Vec<(LabelledQuery, Vec<Shown>)>,
}

pub const SHOWN: usize = 5;

#[derive(Default)]
struct Tally {
    n: usize,
    at1: usize,
    at3: usize,
    rr: f64,
}

impl Tally {
    fn add(&mut self, rank: Option<usize>) {
        self.n += 1;
        if let Some(r) = rank {
            self.rr += 1.0 / r as f64;
            self.at1 += usize::from(r == 1);
            self.at3 += usize::from(r <= 3);
        }
    }

    fn figures(&self) -> Figures {
        let share = |k: usize| {
            if self.n == 0 {
                0.0
            } else {
                k as f64 / self.n as f64
            }
        };
        Figures {
            queries: self.n,
            recall_at_1: share(self.at1),
            recall_at_3: share(self.at3),
            mrr: if self.n == 0 {
                0.0
            } else {
                self.rr / self.n as f64
            },
        }
    }
}

pub fn evaluate(
    ranking: &dyn Ranking,
    queries: &[LabelledQuery],
) -> Result<EvalReport, SearchError> {
    let mut r = EvalReport::default();
    let mut all = Tally::default();
    let mut kinds: BTreeMap<String, Tally> = BTreeMap::new();
    let mut shown_for_none = 0usize;
    for q in queries {
        let lang = Language::from_tag(&q.lang).unwrap_or_default();
        let shown = ranking.shown(&q.q, lang, SHOWN)?;
        r.details.push((q.clone(), shown.clone()));
        if q.relevant.is_empty() {
            r.no_answer += 1;
            if !shown.is_empty() {
                shown_for_none += 1;
                r.misses.push(Miss {
                    query: q.clone(),
                    rank: None,
                    above: shown,
                });
            }
            continue;
        }
        let rank = shown
            .iter()
            .position(|s| q.relevant.contains(&s.slug))
            .map(|p| p + 1);
        all.add(rank);
        kinds.entry(q.kind.clone()).or_default().add(rank);
        if rank != Some(1) {
            let above = shown
                .into_iter()
                .take(rank.map_or(SHOWN, |r| r - 1))
                .collect();
            r.misses.push(Miss {
                query: q.clone(),
                rank,
                above,
            });
        }
    }
    r.answerable = all.figures();
    r.no_answer_shown = if r.no_answer == 0 {
        0.0
    } else {
        shown_for_none as f64 / r.no_answer as f64
    };
    r.by_kind = kinds.into_iter().map(|(k, t)| (k, t.figures())).collect();
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers from a fixed table: query text → slugs shown.
    struct Fixed(Vec<(&'static str, Vec<&'static str>)>);

    impl Ranking for Fixed {
        fn shown(&self, query: &str, _: Language, _: usize) -> Result<Vec<Shown>, SearchError> {
            let slugs = self
                .0
                .iter()
                .find(|(q, _)| *q == query)
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            Ok(slugs
                .into_iter()
                .map(|s| Shown {
                    slug: s.into(),
                    detail: String::new(),
                })
                .collect())
        }
    }

    fn query(q: &str, kind: &str, relevant: &[&str]) -> LabelledQuery {
        LabelledQuery {
            q: q.into(),
            lang: "pt-BR".into(),
            relevant: relevant.iter().map(|s| (*s).to_owned()).collect(),
            kind: kind.into(),
        }
    }

    #[test]
    fn figures_ranks_and_what_ranked_above_a_miss() {
        let ranking = Fixed(vec![
            ("first", vec!["a", "b"]),
            ("second", vec!["x", "y", "a"]),
            ("never", vec!["x"]),
            ("nothing", vec!["z"]),
            ("silent", vec![]),
        ]);
        let queries = [
            query("first", "typo", &["a"]),
            query("second", "typo", &["a"]),
            query("never", "english", &["a"]),
            query("nothing", "no-answer", &[]),
            query("silent", "no-answer", &[]),
        ];
        let r = evaluate(&ranking, &queries).unwrap();
        assert_eq!(r.answerable.queries, 3);
        assert!((r.answerable.recall_at_1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.answerable.recall_at_3 - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.answerable.mrr - (1.0 + 1.0 / 3.0) / 3.0).abs() < 1e-9);
        assert_eq!(r.no_answer, 2);
        assert!((r.no_answer_shown - 0.5).abs() < 1e-9);
        assert_eq!(r.by_kind["typo"].queries, 2);
        assert!((r.by_kind["typo"].recall_at_3 - 1.0).abs() < 1e-9);
        assert_eq!(r.by_kind["english"].recall_at_3, 0.0);
        let miss = |q: &str| r.misses.iter().find(|m| m.query.q == q).unwrap();
        let slugs = |m: &Miss| m.above.iter().map(|s| s.slug.clone()).collect::<Vec<_>>();
        assert_eq!(miss("second").rank, Some(3));
        assert_eq!(slugs(miss("second")), ["x", "y"]);
        assert_eq!(miss("never").rank, None);
        assert_eq!(slugs(miss("never")), ["x"]);
        assert_eq!(slugs(miss("nothing")), ["z"]);
        assert!(r
            .misses
            .iter()
            .all(|m| m.query.q != "first" && m.query.q != "silent"));
    }
}
