//! Makes Cargo rebuild the binary when the built site (wasm, js, css) changes, since
//! rust-embed only notices files it saw before.

fn main() {
    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    println!("cargo:rerun-if-changed={}", site.display());
    if let Ok(entries) = std::fs::read_dir(site.join("pkg")) {
        for e in entries.flatten() {
            println!("cargo:rerun-if-changed={}", e.path().display());
        }
    }
}
