//! Stemming in the desk's five languages, on words already folded by the analyzer (so a
//! query typed without accents and a text written with them give the same stem):
//!
//! - English and Greek: Snowball, through `frostem` (the crate tantivy's `Stemmer` uses).
//! - Bulgarian: the light stemmer of Savoy ("Searching strategies for the Bulgarian
//!   language", 2007; Lucene's `BulgarianStemmer`), with `й` read as the `и` it folds to.
//! - Croatian: a light suffix stripper after the rule-based stemmer of Ljubešić and
//!   Pandžić (2007): the longest inflectional ending whose removal leaves a stem of two
//!   letters or more holding a vowel (or a syllabic r).
//! - Slovenian: the same stripper with Slovenian endings, after Popovič and Willett
//!   (1992).
//!
//! A word's script picks the stemmer for Greek and Cyrillic; a Latin word follows its
//! text's language (given, or detected with `whatlang`), English when unknown. A query's
//! language is too short to detect, so a Latin query word is stemmed in every Latin
//! language the desk speaks, and any of those stems may match.

use std::borrow::Cow;
use std::sync::OnceLock;

use frostem::{Algorithm, Stemmer};

/// The languages the desk stems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    El,
    Sl,
    Hr,
    Bg,
}

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::En, Lang::El, Lang::Sl, Lang::Hr, Lang::Bg];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::El => "el",
            Lang::Sl => "sl",
            Lang::Hr => "hr",
            Lang::Bg => "bg",
        }
    }

    /// The language of a code such as `hr` or `el-GR`; `None` for any other.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// A small number for a fast field.
    pub fn id(self) -> u64 {
        self as u64
    }

    pub fn from_id(id: u64) -> Lang {
        Lang::ALL
            .get(usize::try_from(id).unwrap_or(0))
            .copied()
            .unwrap_or(Lang::En)
    }
}

/// How much of a text language detection reads.
const DETECT_BYTES: usize = 1_000;

/// The language of `text` among the desk's, when it can tell.
pub fn detect(text: &str) -> Option<Lang> {
    let mut end = text.len().min(DETECT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    // The script settles Greek and Cyrillic at once; trigrams tell the Latin ones apart.
    let (mut greek, mut cyrillic, mut latin) = (0u32, 0u32, 0u32);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match script(c) {
            Script::Greek => greek += 1,
            Script::Cyrillic => cyrillic += 1,
            Script::Latin => latin += 1,
        }
    }
    if greek > latin && greek >= cyrillic && greek > 0 {
        return Some(Lang::El);
    }
    if cyrillic > latin && cyrillic > 0 {
        return Some(Lang::Bg);
    }
    if latin == 0 {
        return None;
    }
    static DETECTOR: OnceLock<whatlang::Detector> = OnceLock::new();
    let detector = DETECTOR.get_or_init(|| {
        whatlang::Detector::with_allowlist(vec![
            whatlang::Lang::Eng,
            whatlang::Lang::Hrv,
            whatlang::Lang::Slv,
        ])
    });
    match detector.detect_lang(text)? {
        whatlang::Lang::Hrv => Some(Lang::Hr),
        whatlang::Lang::Slv => Some(Lang::Sl),
        _ => Some(Lang::En),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

fn script(c: char) -> Script {
    match c {
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        '\u{0400}'..='\u{052F}' => Script::Cyrillic,
        _ => Script::Latin,
    }
}

fn word_script(word: &str) -> Script {
    word.chars()
        .find(|c| c.is_alphabetic())
        .map_or(Script::Latin, script)
}

fn snowball(algorithm: Algorithm) -> Stemmer {
    Stemmer::new(algorithm)
}

/// The stem of `word` (folded) in a text of language `lang`.
pub fn stem(word: &str, lang: Lang) -> Cow<'_, str> {
    match word_script(word) {
        Script::Greek => snowball(Algorithm::Greek).stem(word),
        Script::Cyrillic => bulgarian(word),
        Script::Latin => match lang {
            Lang::Hr => slavic(word, CROATIAN),
            Lang::Sl => slavic(word, SLOVENIAN),
            Lang::En | Lang::El | Lang::Bg => {
                // Digits and codes stay as they are.
                if word.bytes().any(|b| b.is_ascii_digit()) {
                    Cow::Borrowed(word)
                } else {
                    snowball(Algorithm::English).stem(word)
                }
            }
        },
    }
}

/// Calls `each` with every stem of `word` (folded) in a text of language `lang`: its
/// [`stem`], and for a Greek word also its light stem (the word without its
/// inflectional ending). Snowball's Greek stemmer strips derivational suffixes in some
/// cases and not others (`κωδικός` → `κωδικ` but `κωδικό` → `κωδ`); the light stem
/// joins the forms of one word.
pub fn each_stem(word: &str, lang: Lang, mut each: impl FnMut(&str)) {
    let main = stem(word, lang);
    each(&main);
    if word_script(word) == Script::Greek {
        let light = greek_light(word);
        if light != main {
            each(light);
        }
    }
}

/// Every stem `word` (folded) may have in a text of any of the desk's languages: those
/// of a Greek or Cyrillic word, one per Latin language for a Latin one.
pub fn query_stems(word: &str) -> Vec<String> {
    let langs: &[Lang] = match word_script(word) {
        Script::Greek => &[Lang::El],
        Script::Cyrillic => &[Lang::Bg],
        Script::Latin => &[Lang::En, Lang::Hr, Lang::Sl],
    };
    let mut out: Vec<String> = Vec::with_capacity(langs.len() + 1);
    for &lang in langs {
        each_stem(word, lang, |s| {
            if !s.is_empty() && !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        });
    }
    out
}

/// Greek inflectional endings, folded (final sigma as σ), longest first.
const GREEK: &[&str] = &[
    "ηκαμε",
    "ησαμε",
    "ουσαν",
    "ονται",
    "ιουσ",
    "ματα",
    "ματων",
    "ματοσ",
    "ουμε",
    "ομαι",
    "εται",
    "ουνε",
    "ησαν",
    "ηκαν",
    "ιεσ",
    "ιων",
    "ιασ",
    "ιου",
    "ιοι",
    "ουσ",
    "εισ",
    "ετε",
    "ουν",
    "ησα",
    "ησε",
    "ηκα",
    "ηκε",
    "ια",
    "ιο",
    "οσ",
    "ου",
    "οι",
    "ων",
    "ασ",
    "εσ",
    "ησ",
    "ει",
    "ισ",
    "υσ",
    "μα",
    "ο",
    "α",
    "ε",
    "η",
    "ι",
    "ω",
];

/// The Greek word without its inflectional ending, leaving three letters or more.
fn greek_light(word: &str) -> &str {
    if word.chars().count() <= 3 {
        return word;
    }
    for ending in GREEK {
        if let Some(stem) = word.strip_suffix(ending) {
            if stem.chars().count() >= 3 {
                return stem;
            }
        }
    }
    word
}

/// Croatian inflectional endings, folded, longest first.
const CROATIAN: &[&str] = &[
    "ovima", "evima", "ijega", "ijemu", "ijima", "anjem", "enjem", "ijeg", "ijem", "ijih", "ijim",
    "ijoj", "anje", "enje", "anja", "enja", "ovi", "ove", "ova", "evi", "eve", "eva", "ama", "ima",
    "ega", "emu", "oga", "omu", "ome", "ati", "iti", "eti", "uti", "ala", "ali", "alo", "ale",
    "ila", "ili", "ilo", "ile", "ela", "eli", "elo", "ele", "amo", "ate", "emo", "ete", "imo",
    "ite", "aju", "uju", "eju", "iju", "ao", "eo", "io", "om", "og", "oj", "em", "im", "ih", "ju",
    "a", "e", "i", "o", "u",
];

/// Slovenian inflectional endings, folded, longest first. The l-participle's endings
/// (-al, -ila, ...) are left out: stripped, they cut nouns such as `plačilo` short.
const SLOVENIAN: &[&str] = &[
    "ijami", "ijah", "ovih", "oma", "ema", "ama", "ami", "imi", "ima", "ega", "emu", "ati", "iti",
    "eti", "amo", "ate", "ajo", "imo", "ite", "ijo", "emo", "ete", "ejo", "om", "em", "ih", "im",
    "ov", "ev", "ah", "mi", "jo", "am", "a", "e", "i", "o", "u",
];

/// Strips the longest of `endings` that leaves a stem of two letters or more holding a
/// vowel or an r; words of three letters or fewer, and words with digits, stay whole.
fn slavic<'a>(word: &'a str, endings: &[&str]) -> Cow<'a, str> {
    if word.chars().count() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Cow::Borrowed(word);
    }
    let good = |stem: &str| {
        stem.len() >= 2
            && stem
                .bytes()
                .any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'r'))
    };
    for ending in endings {
        if let Some(stem) = word.strip_suffix(ending) {
            if good(stem) {
                return Cow::Borrowed(stem);
            }
        }
    }
    Cow::Borrowed(word)
}

/// Savoy's light Bulgarian stemmer, on a folded word (`й` folded to `и`).
fn bulgarian(word: &str) -> Cow<'_, str> {
    let mut s: Vec<char> = word.chars().collect();
    if s.len() < 4 {
        return Cow::Borrowed(word);
    }
    let ends = |s: &[char], len: usize, suffix: &str| {
        let n = suffix.chars().count();
        len >= n && s[len - n..len].iter().copied().eq(suffix.chars())
    };
    let mut len = s.len();
    if len > 5 && ends(&s, len, "ища") {
        len -= 3;
    } else {
        // The article.
        if len > 6 && ends(&s, len, "ият") {
            len -= 3;
        } else if (len > 5
            && ["ът", "то", "те", "та", "ия"]
                .iter()
                .any(|x| ends(&s, len, x)))
            || (len > 4 && ends(&s, len, "ят"))
        {
            len -= 2;
        }
        // The plural.
        len = bulgarian_plural(&mut s, len, ends);
        if len > 3 {
            if ends(&s, len, "я") {
                len -= 1;
            }
            if ["а", "о", "е"].iter().any(|x| ends(&s, len, x)) {
                len -= 1;
            }
        }
        if len > 4 && ends(&s, len, "ен") {
            s[len - 2] = 'н';
            len -= 1;
        }
        if len > 5 && s[len - 2] == 'ъ' {
            s[len - 2] = s[len - 1];
            len -= 1;
        }
    }
    Cow::Owned(s[..len].iter().collect())
}

fn bulgarian_plural(
    s: &mut [char],
    len: usize,
    ends: impl Fn(&[char], usize, &str) -> bool,
) -> usize {
    if len > 6 {
        if ends(s, len, "овци") {
            return len - 3;
        }
        if ends(s, len, "ове") {
            return len - 3;
        }
        if ends(s, len, "еве") {
            s[len - 3] = 'и';
            return len - 2;
        }
    }
    if len > 5 {
        if ends(s, len, "ища") {
            return len - 3;
        }
        if ends(s, len, "та") {
            return len - 2;
        }
        if ends(s, len, "ци") {
            s[len - 2] = 'к';
            return len - 1;
        }
        if ends(s, len, "зи") {
            s[len - 2] = 'г';
            return len - 1;
        }
        if s[len - 3] == 'е' && s[len - 1] == 'и' {
            s[len - 3] = 'я';
            return len - 1;
        }
    }
    if len > 4 {
        if ends(s, len, "си") {
            s[len - 2] = 'х';
            return len - 1;
        }
        if ends(s, len, "и") {
            return len - 1;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::fold;

    /// The stems of each of `words` (folded first, as the analyzer does) in `lang`.
    fn stem_sets(words: &str, lang: Lang) -> Vec<Vec<String>> {
        words
            .split_whitespace()
            .map(|w| {
                let mut f = String::new();
                fold(w, &mut f);
                let mut out = Vec::new();
                each_stem(&f, lang, |s| out.push(s.to_string()));
                out
            })
            .collect()
    }

    fn stems(words: &str, lang: Lang) -> Vec<String> {
        stem_sets(words, lang)
            .into_iter()
            .map(|s| s[0].clone())
            .collect()
    }

    /// Every form of `words` shares a stem with the first.
    fn all_same(words: &str, lang: Lang) {
        let sets = stem_sets(words, lang);
        for set in &sets {
            assert!(
                set.iter().any(|s| !s.is_empty() && sets[0].contains(s)),
                "{words}: {sets:?}"
            );
        }
    }

    #[test]
    fn english_inflections_share_a_stem() {
        all_same("refund refunds refunded refunding", Lang::En);
        all_same("connection connections connected connecting", Lang::En);
        all_same("invoice invoices invoiced", Lang::En);
    }

    #[test]
    fn greek_inflections_share_a_stem_with_or_without_accents() {
        all_same(
            "κωδικός κωδικό κωδικού κωδικοί κωδικούς ΚΩΔΙΚΟΣ κωδικος",
            Lang::El,
        );
        all_same("παραγγελία παραγγελίας παραγγελίες παραγγελιών", Lang::El);
        all_same("τιμολόγιο τιμολογίου τιμολόγια", Lang::El);
        all_same("σύνδεση σύνδεσης συνδέσεις", Lang::El);
    }

    #[test]
    fn croatian_inflections_share_a_stem() {
        all_same(
            "lozinka lozinke lozinku lozinkom lozinki lozinkama",
            Lang::Hr,
        );
        all_same("račun računa računu računom računi računima", Lang::Hr);
        all_same("dostava dostave dostavu dostavom", Lang::Hr);
        all_same("platiti platio platila platili", Lang::Hr);
        // Without háčeks, the same stem.
        assert_eq!(stems("računom", Lang::Hr), stems("racunom", Lang::Hr));
    }

    #[test]
    fn slovenian_inflections_share_a_stem() {
        all_same("geslo gesla geslu geslom gesli", Lang::Sl);
        all_same(
            "račun računa računu računom računi računov računih",
            Lang::Sl,
        );
        all_same("plačilo plačila plačilu plačilom", Lang::Sl);
    }

    #[test]
    fn bulgarian_inflections_share_a_stem() {
        all_same("парола паролата пароли паролите", Lang::Bg);
        all_same("доставка доставката доставки доставките", Lang::Bg);
        all_same("фактура фактурата фактури фактурите", Lang::Bg);
        all_same("град градът града градове градовете", Lang::Bg);
        // й folds to и: the same stem either way.
        assert_eq!(stems("случай", Lang::Bg), stems("случаи", Lang::Bg));
    }

    #[test]
    fn script_picks_the_stemmer_whatever_the_text_language() {
        assert_eq!(stems("паролата", Lang::En), stems("паролата", Lang::Bg));
        assert_eq!(stems("κωδικού", Lang::Hr), stems("κωδικού", Lang::El));
    }

    #[test]
    fn short_words_and_codes_stay_whole() {
        assert_eq!(
            stems("je na 404 err42", Lang::Hr),
            ["je", "na", "404", "err42"]
        );
        assert_eq!(stems("ERR-1042", Lang::En), ["err-1042"]);
    }

    #[test]
    fn a_query_word_gets_each_latin_languages_stem() {
        let s = query_stems("lozinkom");
        assert!(s.contains(&"lozink".to_string()), "{s:?}");
        assert!(query_stems("κωδικο").contains(&"κωδικ".to_string()));
    }

    #[test]
    fn detection_tells_the_desks_languages_apart() {
        assert_eq!(
            detect("I was charged twice for my subscription and need a refund please"),
            Some(Lang::En)
        );
        assert_eq!(
            detect("Ne mogu se prijaviti, lozinka ne radi i ne znam što da učinim"),
            Some(Lang::Hr)
        );
        assert_eq!(
            detect("Ne morem se prijaviti, geslo ne deluje in ne vem, kaj naj storim"),
            Some(Lang::Sl)
        );
        assert_eq!(
            detect("Δεν μπορώ να συνδεθώ, ο κωδικός πρόσβασης δεν λειτουργεί"),
            Some(Lang::El)
        );
        assert_eq!(
            detect("Не мога да вляза, паролата не работи"),
            Some(Lang::Bg)
        );
        assert_eq!(detect("1234 !!"), None);
    }

    #[test]
    fn codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_code(l.code()), Some(l));
            assert_eq!(Lang::from_id(l.id()), l);
        }
        assert_eq!(Lang::from_code("el-GR"), Some(Lang::El));
        assert_eq!(Lang::from_code("de"), None);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn stemming_never_panics_and_never_grows_a_word(word in "\\PC{0,30}", lang in 0u64..5) {
                let mut f = String::new();
                crate::search::analyzer::fold(&word, &mut f);
                let s = stem(&f, Lang::from_id(lang));
                prop_assert!(s.chars().count() <= f.chars().count() + 1);
                let _ = query_stems(&f);
            }
        }
    }
}
