//! A search query and a text, from any bytes: the analyzer's words point at character
//! boundaries of the text, a snippet's highlights lie inside it, and the query runs.
#![no_main]

use std::sync::OnceLock;

use engine::search::{analyzer, snippet, snippet_with, stem, Lang, SearchIndex, TicketDoc};
use libfuzzer_sys::fuzz_target;

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let index = SearchIndex::open(&dir.path().join("index")).expect("index");
            let doc = TicketDoc {
                number: 1,
                subject: "Κωδικός πρόσβασης, šifra, пароль".into(),
                body: "Ne mogu se prijaviti: lozinka za Đurđevac ne radi.".into(),
                requester: "Ana Kovač ana@example.com".into(),
                language: None,
            };
            index.apply(&[(1, Some(doc))], 1).expect("apply");
            (dir, index)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (text, query) = input.split_once('\n').unwrap_or((input, input));
    for (word, start, end) in analyzer::words(text) {
        assert!(!word.is_empty());
        assert!(start <= end && end <= text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    }
    let s = snippet(text, query, 80);
    assert!(s.text.chars().count() <= 80);
    for (a, b) in s.highlights {
        assert!(a < b && b <= s.text.len());
        assert!(s.text.is_char_boundary(a) && s.text.is_char_boundary(b));
    }
    // Every language's stemmer takes any word, and highlights by stem stay in bounds.
    let matcher = analyzer::Matcher::new(query);
    for lang in Lang::ALL {
        let s = snippet_with(text, &matcher, lang, 80);
        for (a, b) in s.highlights {
            assert!(a < b && b <= s.text.len());
            assert!(s.text.is_char_boundary(a) && s.text.is_char_boundary(b));
        }
        for (word, _, _) in analyzer::words(query) {
            let _ = stem::stem(&word, lang);
        }
    }
    index().search(query, 10).expect("a query never fails");
});
