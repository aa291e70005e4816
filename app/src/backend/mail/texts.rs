//! The words of e-mails, in pt-BR and English (`app/mail-locales/*.json`). They live apart from
//! the pages' translations so that the browser never downloads them.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::domain::Language;

const PT_BR: &str = include_str!("../../../mail-locales/pt-BR.json");
const EN: &str = include_str!("../../../mail-locales/en.json");

static TABLES: LazyLock<[HashMap<String, String>; 2]> = LazyLock::new(|| [parse(PT_BR), parse(EN)]);

fn parse(json: &str) -> HashMap<String, String> {
    // A table that does not parse fails the unit test below; at run time keys then show as such.
    serde_json::from_str(json).unwrap_or_default()
}

fn table(language: Language) -> &'static HashMap<String, String> {
    match language {
        Language::PtBr => &TABLES[0],
        Language::En => &TABLES[1],
    }
}

/// The text of `key` in `language` (pt-BR when missing there), with each `{{name}}` replaced by
/// its value (the canned responses' placeholders: values are inserted once, unknown names stay).
pub fn text(language: Language, key: &str, args: &[(&str, &str)]) -> String {
    let template = table(language)
        .get(key)
        .or_else(|| table(Language::PtBr).get(key))
        .map_or(key, String::as_str);
    crate::domain::fill_placeholders(template, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut names: Vec<String> = s
            .split("{{")
            .skip(1)
            .filter_map(|p| p.split_once("}}").map(|(n, _)| n.to_owned()))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let pt = parse(PT_BR);
        let en = parse(EN);
        assert!(pt.len() > 30, "pt-BR mail texts parse");
        let mut pt_keys: Vec<_> = pt.keys().collect();
        let mut en_keys: Vec<_> = en.keys().collect();
        pt_keys.sort();
        en_keys.sort();
        assert_eq!(pt_keys, en_keys);
        for (key, value) in &pt {
            assert_eq!(placeholders(value), placeholders(&en[key]), "{key}");
        }
    }

    #[test]
    fn texts_are_filled_in_the_readers_language_and_values_once() {
        assert_eq!(
            text(Language::En, "greeting", &[("name", "{{name}}")]),
            "Hello {{name}},"
        );
        assert_eq!(
            text(Language::En, "greeting", &[("name", "Ana")]),
            "Hello Ana,"
        );
        assert_eq!(
            text(Language::PtBr, "greeting", &[("name", "Ana")]),
            "Olá, Ana,"
        );
    }
}
