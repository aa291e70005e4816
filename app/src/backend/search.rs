//! Help-center search: a tantivy index kept in memory (rebuilt from the database at start-up,
//! updated article by article when one is published, changed or withdrawn).
//!
//! Each article is indexed three ways: folded (lower case, accents removed: "não" = "nao"),
//! folded and stemmed for Portuguese ("cancelar" = "cancelamento") and folded and stemmed for
//! English. A query word matches any of them, and within one or two edits ("webook" →
//! "webhook") of the folded words; admin-defined synonyms ("senha" ↔ "password") add
//! alternatives to a word. Words are combined with OR and ranked by BM25 (title ×3, tags ×2,
//! body ×1), and a result is only shown when it covers enough of the query's meaningful words
//! and scores above a floor: a query nothing answers returns nothing.

mod analysis;
mod baseline;
pub mod semantic;
mod synonyms;

pub use analysis::*;
pub use baseline::PlainBm25;
pub use synonyms::*;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use tantivy::collector::TopDocs;
use tantivy::query::EnableScoring;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{Language as StemLanguage, TokenStream};
use tantivy::{
    doc, DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term,
};

use crate::domain::Language;
use analysis::{adjacent_swaps, fold_analyzer, stem_analyzer};

/// What the index needs of an article.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    pub slug: String,
    pub title: String,
    pub lang: Language,
    pub category: String,
    pub tags: Vec<String>,
    /// The body as plain text (Markdown syntax removed).
    pub body_text: String,
    /// Languages whose searches may return this article: its own, and the other one when the
    /// article has no translation into it.
    pub visible_in: Vec<Language>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub slug: String,
    pub title: String,
    pub lang: Language,
    pub category: String,
    /// An excerpt with the matched words in `<mark>` (HTML-escaped otherwise).
    pub snippet_html: String,
    /// Evidence: BM25 score times coverage, in units of the IDF of a word one article has.
    pub score: f32,
    /// Share of the query's meaningful words the article matches (0–1).
    pub coverage: f32,
}

/// An article matching some of a query's words, before the display threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub slug: String,
    pub lang: Language,
    /// BM25 score times coverage, in units of the IDF of a word one article has.
    pub evidence: f32,
    /// Share of the query's meaningful words (weighted by rarity) the article matches.
    pub coverage: f32,
    address: DocAddress,
}

/// The candidates of one query, with what is needed to show them.
struct Ranked {
    candidates: Vec<Candidate>,
    query: Box<dyn Query>,
    searcher: tantivy::Searcher,
}

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(String);

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError(e.to_string())
    }
}

#[derive(Clone, Copy)]
struct Fields {
    slug: Field,
    lang: Field,
    category: Field,
    visible_in: Field,
    title: Field,
    tags: Field,
    body: Field,
    title_pt: Field,
    body_pt: Field,
    title_en: Field,
    body_en: Field,
}

/// Tuning of the ranking and of the display threshold.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Minimum share of the query's meaningful words (weighted by rarity) a result matches.
    pub min_coverage: f32,
    /// Minimum evidence of a result: its BM25 score times its coverage, in units of the IDF
    /// of a word only one article contains. A strong match of a small part of the
    /// question, or a weak match of much of it, is not an answer.
    pub min_evidence: f32,
    /// A result with less than this fraction of the best one's evidence is dropped.
    pub relative_floor: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        // Chosen with `chamado kb eval` on the development queries (BENCHMARKS.md).
        Tuning {
            min_coverage: 0.1,
            min_evidence: 0.93,
            relative_floor: 0.35,
        }
    }
}

/// The in-memory index. Cheap to clone (shared).
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.len())
            .finish()
    }
}

struct Inner {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    synonyms: RwLock<Arc<Synonyms>>,
    tuning: Tuning,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Result<Self, SearchError> {
        Self::with_tuning(Tuning::default())
    }

    pub fn with_tuning(tuning: Tuning) -> Result<Self, SearchError> {
        let mut builder = Schema::builder();
        let text = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let fields = Fields {
            slug: builder.add_text_field("slug", STRING | STORED),
            lang: builder.add_text_field("lang", STRING | STORED),
            category: builder.add_text_field("category", STRING | STORED),
            visible_in: builder.add_text_field("visible_in", STRING),
            title: builder.add_text_field("title", text("fold") | STORED),
            tags: builder.add_text_field("tags", text("fold")),
            body: builder.add_text_field("body", text("fold") | STORED),
            title_pt: builder.add_text_field("title_pt", text("pt")),
            body_pt: builder.add_text_field("body_pt", text("pt")),
            title_en: builder.add_text_field("title_en", text("en")),
            body_en: builder.add_text_field("body_en", text("en")),
        };
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register("fold", fold_analyzer());
        index
            .tokenizers()
            .register("pt", stem_analyzer(StemLanguage::Portuguese));
        index
            .tokenizers()
            .register("en", stem_analyzer(StemLanguage::English));
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
                synonyms: RwLock::new(Arc::default()),
                tuning,
            }),
        })
    }

    /// Replaces the synonym groups used by later searches.
    pub fn set_synonyms(&self, synonyms: Synonyms) {
        if let Ok(mut s) = self.inner.synonyms.write() {
            *s = Arc::new(synonyms);
        }
    }

    /// Replaces the whole content.
    pub fn rebuild(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        writer.delete_all_documents()?;
        for d in docs {
            writer.add_document(self.document(d))?;
        }
        writer.commit()?;
        drop(writer);
        self.inner.reader.reload()?;
        Ok(())
    }

    /// Adds or replaces articles, and removes others by slug; visible to searches on return.
    pub fn update(&self, upserts: &[SearchDoc], removals: &[String]) -> Result<(), SearchError> {
        let f = self.inner.fields;
        let mut writer = self.writer()?;
        for slug in removals {
            writer.delete_term(Term::from_field_text(f.slug, slug));
        }
        for d in upserts {
            writer.delete_term(Term::from_field_text(f.slug, &d.slug));
            writer.add_document(self.document(d))?;
        }
        writer.commit()?;
        drop(writer);
        self.inner.reader.reload()?;
        Ok(())
    }

    pub fn len(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>, SearchError> {
        self.inner
            .writer
            .lock()
            .map_err(|_| SearchError("writer lock poisoned".into()))
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = self.inner.fields;
        let tags = d.tags.join(" ");
        let mut document = doc!(
            f.slug => d.slug.as_str(),
            f.lang => d.lang.code(),
            f.category => d.category.as_str(),
            f.title => d.title.as_str(),
            f.tags => tags.as_str(),
            f.body => d.body_text.as_str(),
            f.title_pt => d.title.as_str(),
            f.body_pt => d.body_text.as_str(),
            f.title_en => d.title.as_str(),
            f.body_en => d.body_text.as_str(),
        );
        for l in &d.visible_in {
            document.add_text(f.visible_in, l.code());
        }
        document
    }

    /// The best articles for `query` in `lang`, best first, at most `limit`, only those above
    /// the display threshold (possibly none).
    pub fn search(
        &self,
        query: &str,
        lang: Language,
        limit: usize,
    ) -> Result<Vec<SearchHit>, SearchError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let Some(ranked) = self.ranked(query, lang, limit.max(10) * 2)? else {
            return Ok(Vec::new());
        };
        let f = self.inner.fields;
        let tuning = self.inner.tuning;
        let best = ranked.candidates.first().map(|r| r.evidence).unwrap_or(0.0);
        let mut shown: Vec<Candidate> = ranked
            .candidates
            .into_iter()
            .filter(|c| {
                c.coverage >= tuning.min_coverage
                    && c.evidence >= tuning.min_evidence
                    && c.evidence >= best * tuning.relative_floor
            })
            .collect();
        shown.truncate(limit);
        let searcher = &ranked.searcher;
        // Highlights come from the stemmed field, so "cancelamento" marks "cancelar".
        let snippets = SnippetGenerator::create(searcher, &*ranked.query, f.body_pt).ok();
        let mut hits = Vec::with_capacity(shown.len());
        for c in shown {
            let document: TantivyDocument = searcher.doc(c.address)?;
            let text = |field: Field| {
                document
                    .get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let snippet_html = snippets
                .as_ref()
                .map(|g| {
                    let mut snippet = g.snippet(&text(f.body));
                    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                    snippet.to_html()
                })
                .unwrap_or_default();
            hits.push(SearchHit {
                slug: c.slug,
                title: text(f.title),
                lang: c.lang,
                category: text(f.category),
                snippet_html,
                score: c.evidence,
                coverage: c.coverage,
            });
        }
        Ok(hits)
    }

    /// Every article matching at least one of the query's words among those shown in `lang`,
    /// ranked by evidence, before the display threshold; at most `depth` (none when the query
    /// has no meaningful word).
    pub fn candidates(
        &self,
        query: &str,
        lang: Language,
        depth: usize,
    ) -> Result<Vec<Candidate>, SearchError> {
        Ok(self
            .ranked(query, lang, depth)?
            .map(|r| r.candidates)
            .unwrap_or_default())
    }

    /// The candidates and what showing them needs; `None` when the query has no meaningful
    /// word.
    fn ranked(
        &self,
        query: &str,
        lang: Language,
        depth: usize,
    ) -> Result<Option<Ranked>, SearchError> {
        let f = self.inner.fields;
        let words = meaningful_words(query);
        if words.is_empty() || depth == 0 {
            return Ok(None);
        }
        // Shared, not copied: a search holds the groups as they were when it started.
        let synonyms = self
            .inner
            .synonyms
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_default();
        let searcher = self.inner.reader.searcher();
        // A word no article contains is likely mistyped: only those are matched loosely (a
        // real word matched loosely finds other real words: "massa" → "mensa").
        let rarities: Vec<(f32, bool)> = words.iter().map(|w| self.rarity(&searcher, w)).collect();
        // A short word no article contains is often two letters swapped ("bto"): the swaps
        // some article contains count as the word (fuzzy matching is too loose that short).
        let swaps: Vec<Vec<String>> = words
            .iter()
            .zip(&rarities)
            .map(|(w, (_, known))| {
                if *known || !(3..=4).contains(&w.chars().count()) {
                    return Vec::new();
                }
                adjacent_swaps(w)
                    .into_iter()
                    .filter(|c| self.rarity(&searcher, c).1)
                    .collect()
            })
            .collect();
        let per_word: Vec<Box<dyn Query>> = words
            .iter()
            .zip(&rarities)
            .zip(&swaps)
            .map(|((w, (_, known)), swaps)| self.word_query(w, synonyms.of(w), swaps, !known))
            .collect();
        // At least one word must match, among the articles shown in this language.
        let any_word = BooleanQuery::new(
            per_word
                .iter()
                .map(|q| (Occur::Should, q.box_clone()))
                .collect(),
        );
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(any_word) as Box<dyn Query>),
            (
                Occur::Must,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.visible_in, lang.code()),
                        IndexRecordOption::Basic,
                    )),
                    0.0,
                )),
            ),
        ]);
        let top = searcher.search(&query, &TopDocs::with_limit(depth))?;
        let matched = words_matched(&searcher, &per_word, &top)?;
        // Words weigh by how rare they are: matching "nuvem clara" (the company's name, in
        // every article) says little; missing "emprego" (in none) says a lot.
        let weights: Vec<f32> = rarities.iter().map(|(w, _)| *w).collect();
        let total: f32 = weights.iter().sum::<f32>().max(f32::EPSILON);
        // Results rank by evidence: BM25 score times coverage, so an article that answers
        // the whole question beats one that repeats a single word of it.
        let mut ranked = Vec::with_capacity(top.len());
        // The IDF of a word only one article contains: the unit of evidence.
        let n = searcher.num_docs() as f32;
        let idf_scale = (1.0 + (n - 0.5).max(0.0) / 1.5).ln().max(0.1);
        for (score, address) in top {
            let coverage = matched
                .get(&address)
                .map(|m| m.iter().map(|&i| weights[i]).sum::<f32>() / total)
                .unwrap_or(0.0);
            let document: TantivyDocument = searcher.doc(address)?;
            let doc_lang = document
                .get_first(f.lang)
                .and_then(|v| v.as_str())
                .and_then(Language::from_tag)
                .unwrap_or_default();
            // Same-language articles first: a translation or an untranslated article in the
            // other language only wins when it is clearly better.
            let score = if doc_lang == lang { score } else { score * 0.8 };
            let slug = document
                .get_first(f.slug)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            ranked.push(Candidate {
                slug,
                lang: doc_lang,
                // In units of the IDF of a word one article contains, so the bar means the same in
                // a help center of 5 articles and of 20,000 (scores grow with the log of the size).
                evidence: score * coverage / idf_scale,
                coverage,
                address,
            });
        }
        ranked.sort_by(|a, b| b.evidence.total_cmp(&a.evidence));
        Ok(Some(Ranked {
            candidates: ranked,
            query: Box::new(query),
            searcher,
        }))
    }

    /// Everything one query word may match: the word itself (folded, stemmed two ways) in
    /// title, tags and body, near spellings of it, and its synonyms.
    fn word_query(
        &self,
        word: &str,
        synonyms: &[String],
        swaps: &[String],
        loose: bool,
    ) -> Box<dyn Query> {
        let f = self.inner.fields;
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        let mut seen = HashSet::new();
        let term = |field: Field, text: &str, boost: f32| -> Box<dyn Query> {
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                )),
                boost,
            ))
        };
        let mut add_exact = |alternatives: &mut Vec<Box<dyn Query>>, w: &str, weight: f32| {
            for (field_title, field_body, analyzer) in
                [(f.title_pt, f.body_pt, "pt"), (f.title_en, f.body_en, "en")]
            {
                let stems = self.analyze(analyzer, w);
                if stems.len() > 1 {
                    // A phrase ("fora do ar") matches as a phrase, not word by word.
                    for (field, boost) in [(field_title, 3.0 * weight), (field_body, weight)] {
                        let terms: Vec<Term> = stems
                            .iter()
                            .map(|t| Term::from_field_text(field, t))
                            .collect();
                        alternatives.push(Box::new(BoostQuery::new(
                            Box::new(PhraseQuery::new(terms)),
                            boost,
                        )));
                    }
                    continue;
                }
                for stem in stems {
                    if seen.insert((analyzer, stem.clone())) {
                        alternatives.push(term(field_title, &stem, 3.0 * weight));
                        alternatives.push(term(field_body, &stem, weight));
                    }
                }
            }
            let folded = self.analyze("fold", w);
            if folded.len() == 1 {
                alternatives.push(term(f.tags, &folded[0], 2.0 * weight));
            }
        };
        add_exact(&mut alternatives, word, 1.0);
        for s in synonyms {
            add_exact(&mut alternatives, s, 0.8);
        }
        for s in swaps {
            add_exact(&mut alternatives, s, 0.9);
        }
        let chars = word.chars().count();
        let distance = match chars {
            0..=4 => 0,
            5..=8 => 1,
            _ => 2,
        };
        if loose && distance > 0 && !word.chars().any(|c| c.is_ascii_digit()) {
            for (field, boost) in [(f.title, 1.5), (f.body, 0.5), (f.tags, 1.0)] {
                alternatives.push(Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new(
                        Term::from_field_text(field, word),
                        distance,
                        true,
                    )),
                    boost,
                )));
            }
        }
        Box::new(DisjunctionMaxQuery::with_tie_breaker(alternatives, 0.1))
    }

    /// Inverse document frequency of a query word (its most common indexed form; a word no
    /// article contains weighs the most), and whether any article contains it.
    fn rarity(&self, searcher: &tantivy::Searcher, word: &str) -> (f32, bool) {
        let f = self.inner.fields;
        let n = searcher.num_docs() as f32;
        let mut df = 0u64;
        for (fields, analyzer) in [
            ([f.title_pt, f.body_pt], "pt"),
            ([f.title_en, f.body_en], "en"),
            ([f.title, f.tags], "fold"),
        ] {
            for form in self.analyze(analyzer, word) {
                for field in fields {
                    let term = Term::from_field_text(field, &form);
                    df = df.max(searcher.doc_freq(&term).unwrap_or(0));
                }
            }
        }
        let known = df > 0;
        let df = df as f32;
        ((1.0 + (n - df + 0.5) / (df + 0.5)).ln(), known)
    }

    /// The forms of each meaningful word of a text as the index sees them (Portuguese and
    /// English stems), one list per word: for comparing short texts such as ticket subjects.
    pub fn word_forms(&self, text: &str) -> Vec<Vec<String>> {
        meaningful_words(text)
            .into_iter()
            .map(|word| {
                let mut forms = self.analyze("pt", &word);
                forms.extend(
                    self.analyze("en", &word)
                        .into_iter()
                        .map(|s| format!("en:{s}")),
                );
                forms
            })
            .collect()
    }

    fn analyze(&self, analyzer: &str, text: &str) -> Vec<String> {
        let Some(mut analyzer) = self.inner.index.tokenizers().get(analyzer) else {
            return Vec::new();
        };
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }
}

/// Which of the word queries each result matches (each word's matches walked once per
/// segment, in document order).
fn words_matched(
    searcher: &tantivy::Searcher,
    per_word: &[Box<dyn Query>],
    top: &[(f32, DocAddress)],
) -> Result<HashMap<DocAddress, Vec<usize>>, SearchError> {
    let mut by_segment: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for (_, a) in top {
        by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
    }
    for docs in by_segment.values_mut() {
        docs.sort_unstable();
    }
    let mut counts: HashMap<DocAddress, Vec<usize>> = HashMap::new();
    for (i, q) in per_word.iter().enumerate() {
        let weight = q.weight(EnableScoring::disabled_from_searcher(searcher))?;
        for (segment, docs) in &by_segment {
            let mut scorer = weight.scorer(searcher.segment_reader(*segment), 1.0)?;
            for &doc in docs {
                let current = scorer.doc();
                let found = if current > doc {
                    false
                } else if current == doc {
                    true
                } else {
                    scorer.seek(doc) == doc
                };
                if found {
                    counts
                        .entry(DocAddress::new(*segment, doc))
                        .or_default()
                        .push(i);
                }
            }
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(slug: &str, lang: Language, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            slug: slug.into(),
            title: title.into(),
            lang,
            category: "geral".into(),
            tags: vec![],
            body_text: body.into(),
            visible_in: vec![lang],
        }
    }

    fn index() -> SearchIndex {
        let index = SearchIndex::new().unwrap();
        index
            .rebuild(&[
                doc(
                    "cancelar-assinatura",
                    Language::PtBr,
                    "Como cancelar a assinatura",
                    "O cancelamento da assinatura é feito pelo painel de faturamento. Não há multa.",
                ),
                doc(
                    "webhook-nao-recebe",
                    Language::PtBr,
                    "Webhook não recebe eventos",
                    "Verifique se o endereço do webhook responde com 200 em até 10 segundos.",
                ),
                doc(
                    "redefinir-senha",
                    Language::PtBr,
                    "Redefinir a senha",
                    "Use o link Esqueci minha senha na tela de entrada.",
                ),
            ])
            .unwrap();
        index
    }

    fn slugs(hits: &[SearchHit]) -> Vec<&str> {
        hits.iter().map(|h| h.slug.as_str()).collect()
    }

    #[test]
    fn forgives_accents_typos_and_word_forms() {
        let index = index();
        let first = |q: &str| {
            index
                .search(q, Language::PtBr, 3)
                .unwrap()
                .first()
                .map(|h| h.slug.clone())
        };
        assert_eq!(
            first("webhook nao recebe").as_deref(),
            Some("webhook-nao-recebe")
        );
        assert_eq!(first("webook").as_deref(), Some("webhook-nao-recebe"));
        assert_eq!(
            first("cancelamento").as_deref(),
            Some("cancelar-assinatura")
        );
        assert_eq!(first("cancelar").as_deref(), Some("cancelar-assinatura"));
    }

    #[test]
    fn nothing_relevant_means_no_results() {
        let index = index();
        assert!(index
            .search("vagas de emprego", Language::PtBr, 3)
            .unwrap()
            .is_empty());
        assert!(index.search("   ", Language::PtBr, 3).unwrap().is_empty());
        assert!(index
            .search("de para com", Language::PtBr, 3)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn synonyms_added_later_apply_to_the_next_search() {
        let index = index();
        assert!(slugs(&index.search("password", Language::PtBr, 3).unwrap()).is_empty());
        index.set_synonyms(Synonyms::new(&[vec!["senha".into(), "password".into()]]));
        assert_eq!(
            slugs(&index.search("password", Language::PtBr, 3).unwrap()),
            ["redefinir-senha"]
        );
    }

    #[test]
    fn updates_and_removals_are_visible_on_return() {
        let index = index();
        index
            .update(
                &[doc(
                    "pix",
                    Language::PtBr,
                    "Pagamento por Pix",
                    "Pague a fatura com Pix.",
                )],
                &["redefinir-senha".into()],
            )
            .unwrap();
        assert_eq!(
            slugs(&index.search("pix", Language::PtBr, 3).unwrap()),
            ["pix"]
        );
        assert!(index.search("senha", Language::PtBr, 3).unwrap().is_empty());
    }

    #[test]
    fn snippets_mark_the_words_and_escape_the_rest() {
        let index = SearchIndex::new().unwrap();
        index
            .rebuild(&[doc(
                "x",
                Language::PtBr,
                "Erros <script>",
                "O erro <b>ERR_QUOTA_EXCEEDED</b> aparece quando a cota acaba.",
            )])
            .unwrap();
        let hits = index.search("cota", Language::PtBr, 3).unwrap();
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].snippet_html.contains("<mark>cota</mark>"),
            "{}",
            hits[0].snippet_html
        );
        assert!(
            hits[0].snippet_html.contains("&lt;b&gt;ERR"),
            "author HTML is escaped"
        );
    }
}
