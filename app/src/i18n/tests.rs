//! The locale files stay complete and consistent, and counts, numbers and dates come
//! out the way each language writes them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::TimeZone;
use serde_json::Value;

use super::*;

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every locale file, parsed, by language code.
fn locale_files() -> BTreeMap<String, BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(app_dir().join("locales")).expect("locales dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let code = path.file_stem().and_then(|s| s.to_str()).expect("name");
            let text = std::fs::read_to_string(&path).expect("readable");
            let map = serde_json::from_str(&text).expect("valid JSON");
            out.insert(code.to_string(), map);
        }
    }
    out
}

/// The `{name}` placeholders in a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// The placeholders of every form of a value.
fn value_placeholders(value: &Value) -> BTreeSet<String> {
    match value {
        Value::String(s) => placeholders(s),
        Value::Object(forms) => forms
            .values()
            .filter_map(Value::as_str)
            .flat_map(placeholders)
            .collect(),
        _ => BTreeSet::new(),
    }
}

#[test]
fn the_locale_files_are_the_desks_languages() {
    let files: BTreeSet<String> = locale_files().into_keys().collect();
    let languages: BTreeSet<String> = model::LANGUAGES
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    assert_eq!(files, languages);
    let compiled: BTreeSet<String> = LOCALES.iter().map(|c| c.to_string()).collect();
    assert_eq!(compiled, languages);
    assert_eq!(LOCALES[0], "en", "English is the fallback");
}

#[test]
fn every_locale_has_every_key_and_no_other() {
    let files = locale_files();
    let en: BTreeSet<&String> = files["en"].keys().collect();
    let mut problems = Vec::new();
    for (code, map) in &files {
        let keys: BTreeSet<&String> = map.keys().collect();
        for k in en.difference(&keys) {
            problems.push(format!("{code}: missing {k}"));
        }
        for k in keys.difference(&en) {
            problems.push(format!("{code}: {k} is not in en.json"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn placeholders_match_english_in_every_locale() {
    let files = locale_files();
    let mut problems = Vec::new();
    for (code, map) in &files {
        for (key, value) in map {
            let Some(english) = files["en"].get(key) else {
                continue;
            };
            let (want, have) = (value_placeholders(english), value_placeholders(value));
            if want != have {
                problems.push(format!("{code}: {key} has {have:?}, English has {want:?}"));
            }
            if let Value::Object(forms) = value {
                // Each form carries the placeholders on its own, so none is lost.
                for (cat, text) in forms {
                    let p = placeholders(text.as_str().unwrap_or_default());
                    if p != want {
                        problems.push(format!(
                            "{code}: {key}.{cat} has {p:?}, English has {want:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn plural_forms_are_exactly_the_cldr_categories_of_each_language() {
    let files = locale_files();
    let mut problems = Vec::new();
    for (code, map) in &files {
        let locale = Locale::from_code(code).expect("known locale");
        let categories: BTreeSet<&str> = plural_categories(locale).into_iter().collect();
        for (key, value) in map {
            let english_is_plural = files["en"].get(key).is_some_and(Value::is_object);
            match value {
                Value::Object(forms) => {
                    let have: BTreeSet<&str> = forms.keys().map(String::as_str).collect();
                    if have != categories {
                        problems.push(format!(
                            "{code}: {key} has forms {have:?}, CLDR says {categories:?}"
                        ));
                    }
                    if !english_is_plural {
                        problems.push(format!("{code}: {key} is plural, English is not"));
                    }
                    if forms.values().any(|v| !v.is_string()) {
                        problems.push(format!("{code}: {key} has a form that is not a text"));
                    }
                }
                Value::String(_) if english_is_plural => {
                    problems.push(format!("{code}: {key} needs plural forms"))
                }
                Value::String(s) if s.trim().is_empty() => {
                    problems.push(format!("{code}: {key} is empty"))
                }
                Value::String(_) => {}
                _ => problems.push(format!("{code}: {key} is neither text nor plural forms")),
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every string literal in the crates' sources that looks like a translation key.
fn keys_in_sources() -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let workspace = app_dir().parent().expect("workspace").to_path_buf();
    let mut stack: Vec<PathBuf> = ["app/src", "model/src", "engine/src", "server/src"]
        .iter()
        .map(|d| workspace.join(d))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("i18n/tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            for literal in text.split('"').skip(1).step_by(2) {
                if looks_like_key(literal) {
                    found
                        .entry(literal.to_string())
                        .or_insert_with(|| path.clone());
                }
            }
        }
    }
    found
}

fn looks_like_key(s: &str) -> bool {
    let Some((area, rest)) = s.split_once('.') else {
        return false;
    };
    !area.is_empty()
        && !rest.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        && !s.ends_with(".rs")
        && !s.ends_with(".json")
}

#[test]
fn every_key_the_sources_use_is_in_english() {
    let files = locale_files();
    let areas: BTreeSet<&str> = files["en"]
        .keys()
        .filter_map(|k| k.split('.').next())
        .collect();
    let missing: Vec<String> = keys_in_sources()
        .into_iter()
        .filter(|(k, _)| areas.contains(k.split('.').next().unwrap_or_default()))
        .filter(|(k, _)| !files["en"].contains_key(k))
        .map(|(k, p)| format!("{}: {k}", p.display()))
        .collect();
    assert!(
        missing.is_empty(),
        "keys missing from en.json: {missing:#?}"
    );
}

#[test]
fn every_key_in_english_is_used() {
    let used = keys_in_sources();
    assert!(used.len() > 50, "the scan found the keys ({})", used.len());
    let files = locale_files();
    let unused: Vec<&String> = files["en"]
        .keys()
        .filter(|k| !used.contains_key(*k))
        .collect();
    assert!(unused.is_empty(), "keys no source uses: {unused:#?}");
}

#[test]
fn counts_take_each_languages_plural_forms() {
    let count = |code: &str, n: u64| {
        translate_count(Locale::from_code(code).expect("locale"), "inbox.count", n)
    };
    assert_eq!(count("en", 1), "1 ticket");
    assert_eq!(count("en", 5), "5 tickets");
    assert_eq!(count("sl", 1), "1 tiket");
    assert_eq!(count("sl", 2), "2 tiketa");
    assert_eq!(count("sl", 3), "3 tiketi");
    assert_eq!(count("sl", 5), "5 tiketov");
    assert_eq!(count("sl", 102), "102 tiketa");
    assert_eq!(count("hr", 21), "21 tiket");
    assert_eq!(count("hr", 3), "3 tiketa");
    // Each language's forms differ where CLDR says they do.
    for code in ["el", "bg", "hr", "sl"] {
        assert_ne!(
            count(code, 1),
            count(code, 5).replace('5', "1"),
            "{code}: one and other differ"
        );
    }
}

#[test]
fn plural_categories_come_from_cldr() {
    let cat = |code: &str, n: u64| {
        category_name(plural_category(Locale::from_code(code).expect("locale"), n))
    };
    assert_eq!(
        [1, 2, 3, 5, 101].map(|n| cat("sl", n)),
        ["one", "two", "few", "other", "one"]
    );
    assert_eq!(
        [1, 2, 5, 11, 21, 22].map(|n| cat("hr", n)),
        ["one", "few", "other", "other", "one", "few"]
    );
    assert_eq!([1, 2, 5].map(|n| cat("el", n)), ["one", "other", "other"]);
    assert_eq!([1, 2, 5].map(|n| cat("bg", n)), ["one", "other", "other"]);
}

#[test]
fn numbers_and_dates_follow_the_locale() {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 24, 14, 5, 0)
        .single()
        .expect("time");
    let l = |c: &str| Locale::from_code(c).expect("locale");
    assert!(
        date_time_in(l("sl"), at).contains("24. 11. 2026"),
        "{}",
        date_time_in(l("sl"), at)
    );
    assert!(
        date_time_in(l("hr"), at).contains("24. 11. 2026"),
        "{}",
        date_time_in(l("hr"), at)
    );
    assert!(date_time_in(l("sl"), at).contains("14:05"));
    assert_eq!(date_time_in(l("bg"), at), "24.11.2026\u{202f}г., 14:05 ч.");
    assert!(
        long_date_in(l("el"), at).contains("Νοεμβρίου"),
        "{}",
        long_date_in(l("el"), at)
    );
    assert!(
        long_date_in(l("bg"), at).contains("ноември"),
        "{}",
        long_date_in(l("bg"), at)
    );
    assert!(long_date_in(l("en"), at).contains("November"));
    assert_eq!(number_in(l("en"), 1234567), "1,234,567");
    assert_eq!(number_in(l("sl"), 1234567), "1.234.567");
    let later = at + chrono::Duration::hours(3);
    assert_eq!(ago_in(l("el"), at, later), "πριν από 3 ώρες");
    assert_eq!(ago_in(l("en"), at, later), "3 hours ago");
}

#[test]
fn the_browsers_languages_are_weighed() {
    let code = |h: &str| negotiate(h).map(Locale::code);
    assert_eq!(code("el-GR,el;q=0.9,en;q=0.8"), Some("el"));
    assert_eq!(code("en;q=0.5, sl;q=0.9"), Some("sl"));
    assert_eq!(code("de-DE, hr;q=0.3"), Some("hr"));
    assert_eq!(code("bg;q=0, en"), Some("en"));
    assert_eq!(code("xx-YY, zz;q=0.8"), None);
    assert_eq!(code(""), None);
}

#[test]
fn the_agents_setting_beats_the_cookie_which_beats_the_browser() {
    assert_eq!(resolve(Some("bg"), Some("el"), "sl").code(), "bg");
    assert_eq!(resolve(None, Some("el"), "sl").code(), "el");
    assert_eq!(resolve(None, Some("xx"), "sl").code(), "sl");
    assert_eq!(resolve(None, None, "de").code(), "en");
}

#[test]
fn missing_keys_fall_back_to_the_key() {
    assert_eq!(translate(Locale(0), "status.on_hold"), "On hold");
    assert_eq!(translate(Locale(0), "no.such.key"), "no.such.key");
    assert!(Path::new(&app_dir()).join("locales/en.json").exists());
}
