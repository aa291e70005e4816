//! Attachment storage: a local directory (`CHAMADO_DATA_DIR/attachments`). Uploads are written
//! to a staging file while they arrive (size counted, SHA-256 computed, the first bytes kept for
//! content sniffing), fsynced, and moved under a generated key only by the transaction that
//! records them ([`StagedFile::persist`]); a staged file that is never persisted deletes itself.
//! Names people give their files are metadata only: no path is ever built from them.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// How many leading bytes are kept for sniffing.
const HEAD_BYTES: usize = 8192;

#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
}

/// Why a chunk could not be added to an upload.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than the limit")]
    TooLarge,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Storage {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            root: data_dir.join("attachments"),
        }
    }

    fn staging_dir(&self) -> PathBuf {
        self.root.join("staging")
    }

    /// Where a stored file lives: `attachments/ab/abcdef…` (keys are generated hex).
    fn path_of(&self, key: &str) -> Option<PathBuf> {
        let valid = key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| self.root.join(&key[..2]).join(key))
    }

    /// Starts receiving an upload of at most `max_bytes`.
    pub async fn stage(&self, name: &str, max_bytes: u64) -> std::io::Result<StagedFile> {
        let dir = self.staging_dir();
        tokio::fs::create_dir_all(&dir).await?;
        let key = new_key();
        let path = dir.join(&key);
        let file = tokio::fs::File::create(&path).await?;
        Ok(StagedFile {
            file: Some(file),
            guard: RemoveOnDrop(Some(path)),
            key,
            name: name.to_owned(),
            size: 0,
            max_bytes,
            head: Vec::new(),
            hasher: Sha256::new(),
        })
    }

    /// Opens a stored file for reading.
    pub async fn open(&self, key: &str) -> std::io::Result<tokio::fs::File> {
        let path = self.path_of(key).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a storage key")
        })?;
        tokio::fs::File::open(path).await
    }

    /// Removes stored files (after a transaction that referenced them failed).
    pub async fn remove(&self, keys: &[String]) {
        for key in keys {
            if let Some(path) = self.path_of(key) {
                if let Err(error) = tokio::fs::remove_file(&path).await {
                    tracing::warn!(%error, key, "cannot remove an attachment file");
                }
            }
        }
    }
}

fn new_key() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Deletes the file at its path when dropped, unless disarmed.
#[derive(Debug)]
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// An upload being received or received but not yet recorded.
#[derive(Debug)]
pub struct StagedFile {
    file: Option<tokio::fs::File>,
    guard: RemoveOnDrop,
    pub key: String,
    /// The name the uploader gave, as sent (sanitised when recorded).
    pub name: String,
    pub size: u64,
    max_bytes: u64,
    head: Vec<u8>,
    hasher: Sha256,
}

impl StagedFile {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.max_bytes {
            return Err(UploadError::TooLarge);
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        if let Some(file) = self.file.as_mut() {
            file.write_all(chunk).await?;
        }
        Ok(())
    }

    /// Ends the upload: the bytes are flushed and fsynced. Answers what the content is.
    pub async fn finish(&mut self) -> std::io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
            file.sync_all().await?;
        }
        Ok(())
    }

    pub fn head(&self) -> &[u8] {
        &self.head
    }

    pub fn sha256_hex(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The content type, judged by the bytes (and, for plain text, the name's extension);
    /// `None` when the content is not an allowed type.
    pub fn content_type(&self) -> Option<&'static str> {
        sniff(&self.name, &self.head)
    }

    /// Moves the fsynced file to its final place (and fsyncs the directory), so the bytes are
    /// durable before the transaction that references them commits. Returns the key.
    pub async fn persist(mut self, storage: &Storage) -> std::io::Result<String> {
        self.finish().await?;
        let from = self
            .guard
            .0
            .clone()
            .ok_or_else(|| std::io::Error::other("staged file already persisted"))?;
        let to = storage
            .path_of(&self.key)
            .ok_or_else(|| std::io::Error::other("bad storage key"))?;
        let dir = to
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| std::io::Error::other("storage path without a directory"))?;
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::rename(&from, &to).await?;
        self.guard.0 = None;
        let dir_handle = tokio::fs::File::open(&dir).await?;
        dir_handle.sync_all().await?;
        Ok(self.key.clone())
    }
}

/// The content type of an upload from its first bytes, if it is one PRODUCT.md allows: png,
/// jpeg, gif, webp, pdf and zip by their magic bytes; txt, log, csv and json when the bytes are
/// UTF-8 text without control characters or markup and the name says which. Never HTML, SVG,
/// XML or an executable, whatever the name.
pub fn sniff(name: &str, head: &[u8]) -> Option<&'static str> {
    if let Some(found) = infer::get(head) {
        return match found.mime_type() {
            "image/png" => Some("image/png"),
            "image/jpeg" => Some("image/jpeg"),
            "image/gif" => Some("image/gif"),
            "image/webp" => Some("image/webp"),
            "application/pdf" => Some("application/pdf"),
            "application/zip" => Some("application/zip"),
            _ => None,
        };
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A multi-byte character cut by the end of the sniffed window is still text.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    let text = text.trim_start_matches('\u{feff}');
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
    {
        return None;
    }
    if looks_like_markup(text) {
        return None;
    }
    match crate::domain::file_extension(name).as_str() {
        "txt" | "log" => Some("text/plain; charset=utf-8"),
        "csv" => Some("text/csv; charset=utf-8"),
        "json" => Some("application/json"),
        _ => None,
    }
}

/// HTML, SVG and XML start with `<`; a browser also sniffs HTML from tags near the start.
fn looks_like_markup(text: &str) -> bool {
    if text.trim_start().starts_with('<') {
        return true;
    }
    let start: String = text.chars().take(1024).collect::<String>().to_lowercase();
    [
        "<html",
        "<script",
        "<svg",
        "<!doctype",
        "<iframe",
        "<body",
        "<?xml",
    ]
    .iter()
    .any(|tag| start.contains(tag))
}

/// A file name fit for display and for `Content-Disposition`: the last path component, no
/// control characters, at most 120 characters; "arquivo" when nothing is left.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .collect();
    // No direction overrides or invisible characters either (`crate::domain::single_line`).
    let clean: String = crate::domain::single_line(&clean)
        .chars()
        .take(120)
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim().to_owned();
    if clean.is_empty() {
        "arquivo".to_owned()
    } else {
        clean
    }
}

/// The name a file is kept under: a file whose content is an image, a PDF or a zip ends in an
/// extension of that type, whatever it was uploaded as (`relatorio.hta` holding a PDF becomes
/// `relatorio.hta.pdf`), so that nobody who downloads it opens it with another program. Text
/// files are only accepted when their extension already names their type (see [`sniff`]).
pub fn name_for(content_type: &str, name: &str) -> String {
    let extensions: &[&str] = match content_type {
        "image/png" => &["png"],
        "image/jpeg" => &["jpg", "jpeg"],
        "image/gif" => &["gif"],
        "image/webp" => &["webp"],
        "application/pdf" => &["pdf"],
        "application/zip" => &["zip"],
        _ => return name.to_owned(),
    };
    let current = crate::domain::file_extension(name);
    if extensions.contains(&current.as_str()) {
        name.to_owned()
    } else {
        format!("{name}.{}", extensions[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_files_keep_an_extension_of_their_content() {
        assert_eq!(
            name_for("application/pdf", "relatorio.hta"),
            "relatorio.hta.pdf"
        );
        assert_eq!(
            name_for("application/pdf", "Relatorio.PDF"),
            "Relatorio.PDF"
        );
        assert_eq!(name_for("application/zip", "fotos"), "fotos.zip");
        assert_eq!(name_for("image/jpeg", "foto.jpeg"), "foto.jpeg");
        assert_eq!(name_for("image/jpeg", "foto.png"), "foto.png.jpg");
        assert_eq!(
            name_for("text/plain; charset=utf-8", "erro.log"),
            "erro.log"
        );
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn images_and_documents_are_known_by_their_bytes() {
        assert_eq!(sniff("shot.png", PNG), Some("image/png"));
        // The name does not decide: a PNG called .jpg is still a PNG.
        assert_eq!(sniff("shot.jpg", PNG), Some("image/png"));
        assert_eq!(
            sniff("a.pdf", b"%PDF-1.7\n%\xe2\xe3"),
            Some("application/pdf")
        );
        assert_eq!(
            sniff("logs.zip", b"PK\x03\x04\x14\0\0\0\x08\0"),
            Some("application/zip")
        );
    }

    #[test]
    fn markup_and_executables_are_refused_whatever_the_name() {
        assert_eq!(sniff("cat.png", b"<!DOCTYPE html><html><body>hi"), None);
        assert_eq!(
            sniff("notes.txt", b"  <html><script>alert(1)</script>"),
            None
        );
        assert_eq!(
            sniff(
                "logo.png",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"
            ),
            None
        );
        assert_eq!(
            sniff("notes.txt", b"\xef\xbb\xbf<?xml version=\"1.0\"?>"),
            None
        );
        assert_eq!(
            sniff("setup.txt", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"),
            None
        );
        assert_eq!(
            sniff("run.log", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"),
            None
        );
    }

    #[test]
    fn text_needs_an_allowed_extension_and_clean_bytes() {
        assert_eq!(
            sniff("erro.log", "Falha às 14:03 ✓\n".as_bytes()),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(
            sniff("dados.csv", b"a,b\n1,2\n"),
            Some("text/csv; charset=utf-8")
        );
        assert_eq!(sniff("x.json", b"{\"a\": 1}"), Some("application/json"));
        assert_eq!(sniff("script.sh", b"echo hi\n"), None);
        assert_eq!(sniff("noext", b"hello"), None);
        assert_eq!(sniff("bin.txt", b"abc\0def"), None);
        // A character cut at the end of the sniffed window is fine.
        let mut cut = "é".repeat(10).into_bytes();
        cut.pop();
        assert_eq!(sniff("a.txt", &cut), Some("text/plain; charset=utf-8"));
    }

    #[test]
    fn names_are_metadata_never_paths() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(
            display_name("C:\\Users\\ana\\relatório.pdf"),
            "relatório.pdf"
        );
        assert_eq!(display_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(display_name("foto\u{202E}gnp.exe"), "fotognp.exe");
        assert_eq!(display_name("..."), "arquivo");
        assert_eq!(display_name(""), "arquivo");
    }
}
