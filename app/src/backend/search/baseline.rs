//! A plain BM25 over the same articles, the yardstick `chamado kb eval` reports beside
//! Chamado's ranking: title, tags and body as one text, folded (lower case, no accents), the
//! query's words combined with OR, tantivy's BM25 (k1 = 1.2, b = 0.75), no stemming, no
//! synonyms, no spelling tolerance, no language preference and no display threshold.

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::schema::{STORED, STRING};
use tantivy::{doc, Index, IndexReader, TantivyDocument};

use super::analysis::{fold, fold_analyzer};
use super::{SearchDoc, SearchError};

pub struct PlainBm25 {
    index: Index,
    reader: IndexReader,
    slug: Field,
    text: Field,
}

impl PlainBm25 {
    pub fn new(docs: &[SearchDoc]) -> Result<Self, SearchError> {
        let mut builder = Schema::builder();
        let slug = builder.add_text_field("slug", STRING | STORED);
        let text = builder.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("fold")
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register("fold", fold_analyzer());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for d in docs {
            let all = format!("{}\n{}\n{}", d.title, d.tags.join(" "), d.body_text);
            writer.add_document(doc!(slug => d.slug.as_str(), text => all))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(PlainBm25 {
            index,
            reader,
            slug,
            text,
        })
    }

    /// The `limit` best-scoring articles (any score above zero), slug and score.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(String, f32)>, SearchError> {
        // Folded words only: the parser's syntax (quotes, `-`, `:`) must not change the query.
        let words = fold(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let parser = QueryParser::for_index(&self.index, vec![self.text]);
        let (query, _) = parser.parse_query_lenient(&words);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit))?;
        top.into_iter()
            .map(|(score, address)| {
                let document: TantivyDocument = searcher.doc(address)?;
                let slug = document
                    .get_first(self.slug)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned();
                Ok((slug, score))
            })
            .collect()
    }
}
