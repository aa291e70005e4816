//! Measuring the help-center search against labelled queries (`kb/queries-dev.jsonl`: one
//! `{"q", "lang", "relevant": [slug, …], "kind"}` per line; `relevant` empty for queries that
//! nothing answers). `chamado kb eval` prints these figures.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::backend::search::{SearchError, SearchIndex};
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

/// The figures over a query set. Results are what a user would be shown (the display
/// threshold applied), at most 5.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    pub answerable: usize,
    pub no_answer: usize,
    /// Answerable queries with a relevant article first.
    pub recall_at_1: f64,
    /// Answerable queries with a relevant article among the first 3.
    pub recall_at_3: f64,
    /// Mean reciprocal rank of the first relevant article (0 when none is shown).
    pub mrr: f64,
    /// Share of no-answer queries that showed at least one article (target ≤ 0.2).
    pub no_answer_shown: f64,
    /// recall@3 per query kind.
    pub by_kind: BTreeMap<String, (usize, f64)>,
    /// Queries that missed (for inspection): query, expected, shown (coverage, score).
    pub misses: Vec<(String, Vec<String>, Vec<String>)>,
    /// Every query: query, expected, shown (coverage, score).
    pub details: Vec<(String, Vec<String>, Vec<String>)>,
}

pub const SHOWN: usize = 5;

pub fn evaluate(index: &SearchIndex, queries: &[LabelledQuery]) -> Result<EvalReport, SearchError> {
    let mut r = EvalReport::default();
    let (mut at1, mut at3, mut rr, mut shown_for_none) = (0usize, 0usize, 0f64, 0usize);
    let mut kinds: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for q in queries {
        let lang = Language::from_tag(&q.lang).unwrap_or_default();
        let hits = index.search(&q.q, lang, SHOWN)?;
        let detail: Vec<String> = hits
            .iter()
            .map(|h| format!("{} ({:.2}, {:.1})", h.slug, h.coverage, h.score))
            .collect();
        let shown: Vec<String> = hits.into_iter().map(|h| h.slug).collect();
        r.details
            .push((q.q.clone(), q.relevant.clone(), detail.clone()));
        if q.relevant.is_empty() {
            r.no_answer += 1;
            if !shown.is_empty() {
                shown_for_none += 1;
                r.misses.push((q.q.clone(), vec![], detail));
            }
            continue;
        }
        r.answerable += 1;
        let rank = shown.iter().position(|s| q.relevant.contains(s));
        let kind = kinds.entry(q.kind.clone()).or_default();
        kind.0 += 1;
        match rank {
            Some(p) => {
                rr += 1.0 / (p as f64 + 1.0);
                if p == 0 {
                    at1 += 1;
                }
                if p < 3 {
                    at3 += 1;
                    kind.1 += 1;
                } else {
                    r.misses.push((q.q.clone(), q.relevant.clone(), detail));
                }
            }
            None => r.misses.push((q.q.clone(), q.relevant.clone(), detail)),
        }
    }
    let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    r.recall_at_1 = ratio(at1, r.answerable);
    r.recall_at_3 = ratio(at3, r.answerable);
    r.mrr = if r.answerable == 0 {
        0.0
    } else {
        rr / r.answerable as f64
    };
    r.no_answer_shown = ratio(shown_for_none, r.no_answer);
    r.by_kind = kinds
        .into_iter()
        .map(|(k, (n, hit))| (k, (n, ratio(hit, n))))
        .collect();
    Ok(r)
}
