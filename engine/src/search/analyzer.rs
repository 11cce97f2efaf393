//! Text analysis for every language the desk meets: words are split on Unicode word
//! boundaries, lower-cased and stripped of diacritics — Greek tonos and dialytika, đ and
//! ł included, which tantivy's ASCII folding leaves alone — so "kovac" finds "Kovač" and
//! "κωδικος" finds "Κωδικός".

use tantivy::tokenizer::{
    RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use unicode_normalization::char::is_combining_mark;

use super::stem::{self, Lang};

/// The name the analyzer is registered under in the index.
pub const FOLDED: &str = "tessera_folded";

/// The analyzer used for subjects and messages, and for queries against them.
pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(FoldFilter)
        .build()
}

/// Lower-cases a word and strips its diacritics.
pub fn fold(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            // Greek and Cyrillic letters without marks only change case (the common
            // case, made cheap: no decomposition).
            'ς' => out.push('σ'),
            '\u{0391}'..='\u{03A9}' | '\u{03B1}'..='\u{03C9}' => out.extend(c.to_lowercase()),
            '\u{0410}'..='\u{044F}' if c != 'Й' && c != 'й' => out.extend(c.to_lowercase()),
            // Anything else is decomposed, its marks dropped.
            _ => unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    fold_base(d, out);
                }
            }),
        }
    }
}

/// A letter without marks, lower-cased, with the few that do not decompose spelled out.
fn fold_base(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
        'ł' | 'Ł' => out.push('l'),
        'ø' | 'Ø' => out.push('o'),
        'ħ' | 'Ħ' => out.push('h'),
        'ı' => out.push('i'),
        'ß' | 'ẞ' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'þ' | 'Þ' => out.push_str("th"),
        // Final sigma folds to sigma so that a word typed mid-sentence still matches.
        'ς' => out.push('σ'),
        c => out.extend(c.to_lowercase()),
    }
}

/// Token filter applying [`fold`] to every token.
#[derive(Clone)]
pub struct FoldFilter;

impl TokenFilter for FoldFilter {
    type Tokenizer<T: Tokenizer> = FoldTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldTokenizer<T> {
        FoldTokenizer {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

#[derive(Clone)]
pub struct FoldTokenizer<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for FoldTokenizer<T> {
    type TokenStream<'a> = FoldStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FoldStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

pub struct FoldStream<'a, S> {
    tail: S,
    buffer: &'a mut String,
}

impl<S: TokenStream> TokenStream for FoldStream<'_, S> {
    fn advance(&mut self) -> bool {
        // A token of nothing but marks (a lone combining accent) folds to nothing: skip
        // it, or an empty word would match every word as a prefix.
        loop {
            if !self.tail.advance() {
                return false;
            }
            let token = self.tail.token_mut();
            if token.text.is_ascii() {
                token.text.make_ascii_lowercase();
            } else {
                fold(&token.text, self.buffer);
                std::mem::swap(&mut token.text, self.buffer);
            }
            if !token.text.is_empty() {
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The stems of the words of `text` in a text of language `lang`, as tokens for a
/// pre-tokenized field: a word's stems share its position. Positions start at `first`;
/// the next free position is returned.
pub fn stem_tokens(text: &str, lang: Lang, first: usize, out: &mut Vec<Token>) -> usize {
    let mut analyzer = folded_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut position = first;
    while stream.advance() {
        let t = stream.token();
        stem::each_stem(&t.text, lang, |s| {
            out.push(Token {
                offset_from: t.offset_from,
                offset_to: t.offset_to,
                position,
                text: s.to_string(),
                position_length: 1,
            });
        });
        position += 1;
    }
    position
}

/// The stems field's value for a document: the stems of `title` then `text` (a
/// position apart), in `lang`.
pub fn stems_of(title: &str, text: &str, lang: Lang) -> tantivy::tokenizer::PreTokenizedString {
    let mut tokens = Vec::new();
    let next = stem_tokens(title, lang, 0, &mut tokens);
    stem_tokens(text, lang, next + 1, &mut tokens);
    tantivy::tokenizer::PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// What a query asks of a text's words, for highlighting: a word of the query as
/// typed (folded), the last one also as a prefix, or a stem of any of them.
pub struct Matcher {
    words: Vec<String>,
    last: Option<String>,
    stems: Vec<String>,
    /// The first two letters of each stem: only words starting so are stemmed.
    heads: Vec<String>,
}

impl Matcher {
    pub fn new(query: &str) -> Matcher {
        let words: Vec<String> = words(query).into_iter().map(|w| w.0).collect();
        let mut stems: Vec<String> = Vec::new();
        for w in &words {
            for s in stem::query_stems(w) {
                if !stems.contains(&s) {
                    stems.push(s);
                }
            }
        }
        let mut heads: Vec<String> = stems.iter().map(|s| s.chars().take(2).collect()).collect();
        heads.sort();
        heads.dedup();
        Matcher {
            last: words.last().cloned(),
            words,
            stems,
            heads,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The query's stems, for the stems field.
    pub fn stems(&self) -> &[String] {
        &self.stems
    }

    /// Whether the folded `word` of a text in `lang` matches.
    pub fn hits(&self, word: &str, lang: Lang) -> bool {
        if self.words.iter().any(|w| w == word)
            || self
                .last
                .as_ref()
                .is_some_and(|l| word.starts_with(l.as_str()))
        {
            return true;
        }
        // Stemming is the costly part: only words starting like a stem are stemmed.
        if !self.heads.iter().any(|h| word.starts_with(h.as_str())) {
            return false;
        }
        let mut hit = false;
        stem::each_stem(word, lang, |s| {
            hit = hit || self.stems.iter().any(|q| q == s)
        });
        hit
    }
}

thread_local! {
    /// Each thread's analyzer, made once: snippets are cut for every search hit.
    static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(folded_analyzer());
}

/// Calls `each` with the folded tokens of `text` in order until it answers false.
pub fn each_token(text: &str, mut each: impl FnMut(&Token) -> bool) {
    ANALYZER.with(|a| {
        let mut analyzer = a.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            if !each(stream.token()) {
                break;
            }
        }
    });
}

/// The folded words of `text`, with their byte ranges in `text`.
pub fn words(text: &str) -> Vec<(String, usize, usize)> {
    let mut analyzer = folded_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.text.clone(), t.offset_from, t.offset_to));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.0).collect()
    }

    #[test]
    fn greek_accents_and_case_fold_away() {
        assert_eq!(folded("Κωδικός ΠΡΌΣΒΑΣΗΣ ϊ"), ["κωδικοσ", "προσβασησ", "ι"]);
        assert_eq!(folded("κωδικος"), ["κωδικοσ"]);
    }

    #[test]
    fn south_slavic_letters_fold_to_ascii() {
        assert_eq!(
            folded("Đurđevac Čačak šećer Žalec"),
            ["durdevac", "cacak", "secer", "zalec"]
        );
    }

    #[test]
    fn cyrillic_keeps_its_letters_but_loses_case() {
        assert_eq!(folded("Здравейте, ПАРОЛА"), ["здравеите", "парола"]);
    }

    #[test]
    fn marks_alone_make_no_word() {
        assert_eq!(folded("\u{11347}¡ a\u{301}"), ["a"]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Ana Kovač";
        let w = words(text);
        assert_eq!(&text[w[1].1..w[1].2], "Kovač");
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;
        use crate::search::snippet;

        fn fold_all(text: &str) -> String {
            let mut out = String::new();
            fold(text, &mut out);
            out
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn folding_is_idempotent(text in "\\PC{0,40}") {
                let once = fold_all(&text);
                prop_assert_eq!(fold_all(&once), once);
            }

            #[test]
            fn words_never_panic_and_point_at_char_boundaries(text in any::<String>()) {
                for (word, start, end) in words(&text) {
                    prop_assert!(start <= end && end <= text.len());
                    prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                    prop_assert!(!word.is_empty());
                }
            }

            #[test]
            fn highlights_lie_inside_the_snippet_on_char_boundaries(
                text in "[a-zčćžšđ άέήίόύώκωδικοσ\\PC]{0,300}",
                query in "[a-zčžκω ]{0,12}",
                max in 1usize..120,
            ) {
                let s = snippet(&text, &query, max);
                prop_assert!(s.text.chars().count() <= max);
                for (a, b) in s.highlights {
                    prop_assert!(a < b && b <= s.text.len());
                    prop_assert!(s.text.is_char_boundary(a) && s.text.is_char_boundary(b));
                }
            }
        }
    }
}
