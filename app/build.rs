//! Turns `locales/<locale>.json` into lookup tables compiled into the binary and the
//! wasm, so a missing or malformed locale file fails the build, not a page. A value is a
//! text, or an object of texts by CLDR plural category (`one`, `few`, `other`, ...).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let mut entries: Vec<_> = std::fs::read_dir("locales")
        .expect("app/locales exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    // English first: it is the fallback for keys another locale lacks.
    entries.sort_by_key(|p| p.file_stem().is_none_or(|s| s != "en"));
    let mut names = Vec::new();
    let mut maps = Vec::new();
    for path in &entries {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(path).expect("locale file is readable");
        let map: BTreeMap<String, Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        names.push(format!("{name:?}"));
        maps.push((path, map));
    }
    // One sorted list of every key, and per locale a row of texts in the same order:
    // a lookup is a binary search and an index, and the tables are data, not code.
    let keys: Vec<&String> = maps
        .iter()
        .flat_map(|(_, m)| m.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rows = String::new();
    for (path, map) in &maps {
        rows.push_str("    &[\n");
        for key in &keys {
            let entry = match map.get(*key) {
                None => "None".to_string(),
                Some(Value::String(s)) => format!("Some(Text::Plain({s:?}))"),
                Some(Value::Object(forms)) => {
                    let forms: Vec<String> = forms
                        .iter()
                        .map(|(cat, v)| match v {
                            Value::String(s) => format!("({cat:?}, {s:?})"),
                            _ => panic!("{}: {key}.{cat} is not a text", path.display()),
                        })
                        .collect();
                    format!("Some(Text::Plural(&[{}]))", forms.join(", "))
                }
                Some(_) => panic!(
                    "{}: {key} is neither a text nor plural forms",
                    path.display()
                ),
            };
            writeln!(rows, "        {entry},").ok();
        }
        rows.push_str("    ],\n");
    }
    let mut out = String::new();
    writeln!(
        out,
        "/// Locales with translations; the first is the fallback."
    )
    .ok();
    writeln!(out, "pub const LOCALES: &[&str] = &[{}];", names.join(", ")).ok();
    writeln!(
        out,
        "/// Every key, sorted.\nstatic KEYS: &[&str] = &[{}];",
        keys.iter()
            .map(|k| format!("{k:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .ok();
    writeln!(
        out,
        "/// Per locale, the text of each key of [`KEYS`], in its order.\nstatic TEXTS: &[&[Option<Text>]] = &[\n{rows}];"
    )
    .ok();
    writeln!(
        out,
        "fn lookup(locale: usize, key: &str) -> Option<Text> {{\n    let i = KEYS.binary_search(&key).ok()?;\n    TEXTS.get(locale)?.get(i).copied().flatten()\n}}"
    )
    .ok();
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&dir).join("locales.rs"), out).expect("write locales.rs");
    // The names alone, for the wasm: its texts come with the page.
    let names_only = format!(
        "/// Locales with translations; the first is the fallback.\npub const LOCALES: &[&str] = &[{}];\n",
        names.join(", ")
    );
    std::fs::write(Path::new(&dir).join("locale_names.rs"), names_only)
        .expect("write locale_names.rs");
}
