//! Turns `locales/<locale>.json` (flat maps of key → text) into a lookup table compiled
//! into the binary and the wasm, so a missing locale file fails the build, not a page.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let mut locales: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir("locales")
        .expect("app/locales exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    // English first: it is the fallback for keys another locale lacks.
    entries.sort_by_key(|p| p.file_stem().is_none_or(|s| s != "en"));
    for path in entries {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(&path).expect("locale file is readable");
        let map: BTreeMap<String, String> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        locales.push((name, map));
    }
    let mut out = String::new();
    let names: Vec<_> = locales.iter().map(|(n, _)| format!("{n:?}")).collect();
    writeln!(
        out,
        "/// Locales with translations; the first is the fallback."
    )
    .ok();
    writeln!(out, "pub const LOCALES: &[&str] = &[{}];", names.join(", ")).ok();
    writeln!(
        out,
        "fn lookup(locale: usize, key: &str) -> Option<&'static str> {{"
    )
    .ok();
    writeln!(out, "    match (locale, key) {{").ok();
    for (i, (_, map)) in locales.iter().enumerate() {
        for (k, v) in map {
            writeln!(out, "        ({i}, {k:?}) => Some({v:?}),").ok();
        }
    }
    writeln!(out, "        _ => None,\n    }}\n}}").ok();
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("locales.rs");
    std::fs::write(dest, out).expect("write locales.rs");
}
