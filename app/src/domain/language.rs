/// The languages Chamado speaks. pt-BR is the default.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Language {
    #[default]
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub const ALL: &'static [Language] = &[Language::PtBr, Language::En];

    /// The language's own name ("Português (Brasil)", "English"): the same in every UI
    /// language, as language pickers show them.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::PtBr => "Português (Brasil)",
            Language::En => "English",
        }
    }

    /// BCP 47 tag, as stored and sent (`pt-BR`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Language::PtBr => "pt-BR",
            Language::En => "en",
        }
    }

    /// Accepts a tag in any case, and any regional variant of a supported language
    /// (`pt`, `pt-PT` → pt-BR; `en-GB` → en).
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("pt") {
            Some(Language::PtBr)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Language::En)
        } else {
            None
        }
    }

    /// Picks the best supported language from an `Accept-Language` header (RFC 9110 §12.5.4),
    /// honouring q-values; falls back to pt-BR.
    pub fn negotiate(accept_language: &str) -> Self {
        let mut best: Option<(f32, usize, Language)> = None;
        for (position, item) in accept_language.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q.is_nan() || q <= 0.0 {
                continue;
            }
            if let Some(lang) = Language::from_tag(tag) {
                let better = match best {
                    None => true,
                    Some((best_q, _, _)) => q > best_q,
                };
                if better {
                    best = Some((q, position, lang));
                }
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_honours_order_and_quality() {
        assert_eq!(
            Language::negotiate("en-US,en;q=0.9,pt-BR;q=0.8"),
            Language::En
        );
        assert_eq!(
            Language::negotiate("fr-FR, pt;q=0.5, en;q=0.4"),
            Language::PtBr
        );
        assert_eq!(Language::negotiate("de, en;q=0.1"), Language::En);
        assert_eq!(Language::negotiate("en;q=0, pt-BR;q=0.2"), Language::PtBr);
    }

    #[test]
    fn negotiation_falls_back_to_portuguese() {
        assert_eq!(Language::negotiate(""), Language::PtBr);
        assert_eq!(Language::negotiate("de-DE,fr;q=0.8"), Language::PtBr);
        assert_eq!(Language::negotiate(";;;,q=abc"), Language::PtBr);
    }

    #[test]
    fn tags_are_case_insensitive() {
        assert_eq!(Language::from_tag("PT-br"), Some(Language::PtBr));
        assert_eq!(Language::from_tag("EN_gb"), Some(Language::En));
        assert_eq!(Language::from_tag("es"), None);
    }
}
