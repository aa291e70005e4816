//! Reading help-center articles from Markdown files with YAML front matter
//! (the format of `shared/kb/`: slug, title, lang, category, tags, updated, translation_of).

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use gray_matter::{engine::YAML, Matter};
use serde::Deserialize;

use crate::domain::Language;

#[derive(Debug, Deserialize)]
struct FrontMatter {
    slug: String,
    title: String,
    lang: String,
    category: String,
    #[serde(default)]
    tags: Vec<String>,
    updated: Option<String>,
    translation_of: Option<String>,
}

/// One article read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct KbArticle {
    pub slug: String,
    pub title: String,
    pub lang: Language,
    pub category: String,
    pub tags: Vec<String>,
    pub updated_at: DateTime<Utc>,
    pub translation_of: Option<String>,
    pub body_markdown: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

pub(crate) fn slug_is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Parses one file's text. `fallback_time` is used when the front matter has no `updated` date.
pub fn parse_article(
    path: &Path,
    text: &str,
    fallback_time: DateTime<Utc>,
) -> Result<KbArticle, KbError> {
    let invalid = |message: String| KbError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let parsed = Matter::<YAML>::new()
        .parse::<FrontMatter>(text)
        .map_err(|e| invalid(format!("invalid front matter: {e}")))?;
    let fm = parsed
        .data
        .ok_or_else(|| invalid("missing front matter".to_owned()))?;
    if !slug_is_valid(&fm.slug) {
        return Err(invalid(format!(
            "invalid slug {:?} (use a-z, 0-9 and -)",
            fm.slug
        )));
    }
    let lang = match fm.lang.as_str() {
        "pt-BR" => Language::PtBr,
        "en" => Language::En,
        other => return Err(invalid(format!("unsupported lang {other:?} (pt-BR or en)"))),
    };
    let title = fm.title.trim().to_owned();
    if title.is_empty() {
        return Err(invalid("empty title".to_owned()));
    }
    let updated_at = match fm.updated.as_deref() {
        None => fallback_time,
        Some(date) => NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
            .map_err(|e| invalid(format!("invalid updated date {date:?}: {e}")))?
            .and_hms_opt(12, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or(fallback_time),
    };
    Ok(KbArticle {
        slug: fm.slug,
        title,
        lang,
        category: fm.category.trim().to_owned(),
        tags: fm.tags,
        updated_at,
        translation_of: fm.translation_of.filter(|s| !s.trim().is_empty()),
        body_markdown: parsed.content.trim().to_owned(),
    })
}

/// Reads every `*.md` file of a directory (not `README.md`), sorted by file name.
pub fn read_dir(dir: &Path, fallback_time: DateTime<Utc>) -> Result<Vec<KbArticle>, KbError> {
    let io = |path: &Path, source| KbError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.eq_ignore_ascii_case("README.md"))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|e| io(p, e))?;
            parse_article(p, &text, fallback_time)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\nslug: reset-password\ntitle: \"Reset your password\"\nlang: en\ncategory: conta-e-acesso\ntags: [password, login]\nupdated: 2025-03-02\ntranslation_of: redefinir-senha\n---\n\n# Reset\n\nText.\n\n---\n\nMore.\n";

    #[test]
    fn parses_front_matter_and_keeps_the_whole_body() {
        let a = parse_article(Path::new("x.md"), SAMPLE, Utc::now()).unwrap();
        assert_eq!(a.slug, "reset-password");
        assert_eq!(a.title, "Reset your password");
        assert_eq!(a.lang, Language::En);
        assert_eq!(a.tags, ["password", "login"]);
        assert_eq!(a.translation_of.as_deref(), Some("redefinir-senha"));
        assert_eq!(a.updated_at.date_naive().to_string(), "2025-03-02");
        assert!(a.body_markdown.starts_with("# Reset") && a.body_markdown.ends_with("More."));
    }

    #[test]
    fn rejects_bad_slugs_and_languages() {
        let bad_slug = SAMPLE.replace("slug: reset-password", "slug: ../etc/passwd");
        assert!(parse_article(Path::new("x.md"), &bad_slug, Utc::now()).is_err());
        let bad_lang = SAMPLE.replace("lang: en", "lang: fr");
        assert!(parse_article(Path::new("x.md"), &bad_lang, Utc::now()).is_err());
        assert!(parse_article(Path::new("x.md"), "# no front matter", Utc::now()).is_err());
    }
}
