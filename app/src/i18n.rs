//! Every user-visible string goes through [`t`]: keys live in `app/locales/*.json`,
//! compiled into a table by `build.rs`. Adding a language is adding a file.

use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// The active locale, an index into [`LOCALES`]; provided by the app root.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Locale(pub usize);

/// The locale for an `Accept-Language` header, falling back to the first.
pub fn negotiate(accept_language: &str) -> Locale {
    for tag in accept_language.split(',') {
        let lang = tag.split(';').next().unwrap_or("").trim();
        let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
        if let Some(i) = LOCALES.iter().position(|l| *l == primary) {
            return Locale(i);
        }
    }
    Locale(0)
}

/// The text for `key` in `locale`, else in the fallback locale, else the key itself.
pub fn translate(locale: Locale, key: &'static str) -> &'static str {
    lookup(locale.0, key)
        .or_else(|| lookup(0, key))
        .unwrap_or(key)
}

/// The text for `key` in the current locale.
pub fn t(key: &'static str) -> &'static str {
    translate(use_context::<Locale>().unwrap_or_default(), key)
}

/// The text for a key known only at run time (an error key from the server); unknown
/// keys give the generic error message.
pub fn t_dyn(key: &str) -> &'static str {
    let locale = use_context::<Locale>().unwrap_or_default();
    lookup(locale.0, key)
        .or_else(|| lookup(0, key))
        .unwrap_or_else(|| translate(locale, "error.generic"))
}

/// The language tag of the current locale, for `<html lang>`.
pub fn lang() -> &'static str {
    LOCALES
        .get(use_context::<Locale>().unwrap_or_default().0)
        .copied()
        .unwrap_or("en")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")` key used in the sources exists in the English file.
    #[test]
    fn every_key_used_in_the_ui_is_translated() {
        let mut missing = Vec::new();
        let mut seen = 0;
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).expect("src dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source");
                for part in text.split("t(\"").skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    if key.contains('.') && !key.contains(' ') {
                        seen += 1;
                        if lookup(0, key).is_none() {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(seen > 50, "the scan found the keys ({seen})");
        assert!(missing.is_empty(), "keys missing from en.json: {missing:?}");
    }

    #[test]
    fn negotiation_falls_back_to_english() {
        assert_eq!(negotiate("xx-YY, zz;q=0.8"), Locale(0));
        assert_eq!(negotiate("en-GB,en;q=0.9"), Locale(0));
        assert_eq!(translate(Locale(0), "status.on_hold"), "On hold");
        assert_eq!(translate(Locale(0), "no.such.key"), "no.such.key");
    }
}
