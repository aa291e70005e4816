//! Text analysis for the help-center index: folding (lower case, no accents), stemming per
//! language with Portuguese plurals, stop words and the query's meaningful words.

use std::collections::HashSet;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language as StemLanguage, LowerCaser, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Lower case without accents, as the index sees words.
pub fn fold(text: &str) -> String {
    let mut analyzer = fold_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words.join(" ")
}

pub(super) fn fold_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub(super) fn stem_analyzer(language: StemLanguage) -> TextAnalyzer {
    let folded = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    match language {
        StemLanguage::Portuguese => folded
            .filter(PortuguesePlurals)
            .filter(Stemmer::new(language))
            .build(),
        _ => folded.filter(Stemmer::new(language)).build(),
    }
}

/// Portuguese plurals the Snowball stemmer leaves apart once accents are gone: "requisições"
/// and "requisição" stem to "requisico" and "requisica"; "canais"/"canal", "níveis"/"nível",
/// "mensagens"/"mensagem" likewise. Folded words of five letters or more get the singular's
/// ending before stemming (-ões → -ão, -ais → -al, -eis → -el, -ns → -m).
#[derive(Clone, Copy)]
struct PortuguesePlurals;

impl TokenFilter for PortuguesePlurals {
    type Tokenizer<T: Tokenizer> = PortuguesePluralsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        PortuguesePluralsFilter(tokenizer)
    }
}

#[derive(Clone)]
struct PortuguesePluralsFilter<T>(T);

impl<T: Tokenizer> Tokenizer for PortuguesePluralsFilter<T> {
    type TokenStream<'a> = PortuguesePluralsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PortuguesePluralsStream(self.0.token_stream(text))
    }
}

struct PortuguesePluralsStream<S>(S);

impl<S: TokenStream> TokenStream for PortuguesePluralsStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let text = &mut self.0.token_mut().text;
        if text.len() >= 5 {
            for (plural, singular) in [("oes", "ao"), ("ais", "al"), ("eis", "el"), ("ns", "m")] {
                if text.ends_with(plural) {
                    text.truncate(text.len() - plural.len());
                    text.push_str(singular);
                    break;
                }
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Words that carry no meaning for a search (Portuguese and English function words, and the
/// filler of a support request: "como", "quero", "meu", "how", "my").
const STOP_WORDS: &[&str] = &[
    // Portuguese
    "a", "ao", "aos", "as", "ate", "com", "como", "da", "das", "de", "do", "dos", "e", "ela", "ele",
    "em", "entre", "era", "essa", "esse", "esta", "este", "eu", "foi", "for", "ha", "isso", "isto",
    "ja", "la", "lhe", "mais", "mas", "me", "meu", "meus", "minha", "minhas", "na", "nas", "nem",
    "no", "nos", "num", "numa", "o", "os", "ou", "para", "pela", "pelas", "pelo", "pelos", "por",
    "pra", "pro", "qual", "quando", "que", "quero", "se", "ser", "seu", "seus", "sua", "suas",
    "so", "sobre", "tem", "ter", "um", "uma", "umas", "uns", "voce", "preciso", "posso", "consigo",
    "onde", "fazer", "faco", "esta", "estou", "meu", "ta", "to", "vc", "q", "aqui", "agora",
    "ainda", "tambem", "muito", // English
    "an", "and", "are", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "in",
    "is", "it", "my", "of", "on", "or", "our", "the", "to", "what", "when", "where", "which",
    "why", "with", "you", "your", "we", "me", "get", "all",
];

/// The word with each pair of neighbouring letters swapped ("bto" → "tbo", "bot").
pub(super) fn adjacent_swaps(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len().saturating_sub(1))
        .filter(|&i| chars[i] != chars[i + 1])
        .map(|i| {
            let mut c = chars.clone();
            c.swap(i, i + 1);
            c.into_iter().collect()
        })
        .collect()
}

/// The query's words that carry meaning: folded, without stop words and repeats.
pub fn meaningful_words(query: &str) -> Vec<String> {
    static STOP: std::sync::LazyLock<HashSet<&str>> =
        std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    let stop = &*STOP;
    let mut seen = HashSet::new();
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty() && !stop.contains(w))
        .filter(|w| seen.insert(w.to_string()))
        .map(str::to_owned)
        .take(16)
        .collect()
}
