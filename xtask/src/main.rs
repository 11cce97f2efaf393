//! `cargo xtask run | build | test | bench`: installs what the build needs, builds the
//! wasm and the release binary with the site embedded, and runs the tests or benchmark.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = args
        .split_first()
        .map(|(t, r)| (t.as_str(), r))
        .unwrap_or(("help", &[]));
    let result = match task {
        "run" => setup(false).and_then(|_| build()).and_then(|_| run(rest)),
        "build" => setup(false).and_then(|_| build()),
        "test" => setup(true).and_then(|_| build()).and_then(|_| test()),
        "bench" => setup(false).and_then(|_| build()).and_then(|_| bench(rest)),
        "icu-data" => icu_data(),
        "dist" => setup(false).and_then(|_| build()).and_then(|_| dist()),
        "fuzz" => setup_fuzz().and_then(|_| fuzz(rest, &mut Tally::default())),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n  run [ARGS]   build and start the desk (ARGS go to `tessera`)\n  build        build target/release/tessera with the site embedded\n  test         every test: unit, integration, wasm check, Playwright\n  bench        seed tickets and print speed and size figures (--tickets N, --corpus FILE --queries FILE)\n  fuzz         run each fuzz target (or those named) for --seconds N (default 60)
  dist         build a static (musl) tessera into target/dist, check it, with the Dockerfile\n  icu-data     bake ICU4X's data for the desk's languages into app/icu-data (after an ICU4X upgrade)"
            );
            return if task == "help" {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Runs a command, failing with its name if it fails.
fn sh(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The version of a package in Cargo.lock.
fn locked_version(name: &str) -> Option<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).ok()?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{name}\"") {
            let v = lines.next()?;
            return v
                .strip_prefix("version = \"")?
                .strip_suffix('"')
                .map(str::to_string);
        }
    }
    None
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
        });
    home.join("bin").join(name)
}

/// Installs what the build (and with `for_tests`, the browser tests) needs.
fn setup(for_tests: bool) -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        step("installing the wasm32 target");
        sh(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    let want = locked_version("wasm-bindgen").ok_or("Cargo.lock names no wasm-bindgen")?;
    let have_bindgen =
        output(Command::new(cargo_bin("wasm-bindgen")).arg("--version")).unwrap_or_default();
    if !have_bindgen.contains(&want) {
        step(&format!(
            "installing wasm-bindgen-cli {want} (a few minutes, once)"
        ));
        // Without --locked: its lockfile names a crate version the registry lacks.
        sh(cargo().args(["install", "wasm-bindgen-cli", "--version", &want]))?;
    }
    let e2e = root().join("end2end");
    if !e2e.join("node_modules/.bin/wasm-opt").exists()
        || !e2e.join("node_modules/@playwright/test").exists()
    {
        if !have("npm") {
            apt_install(&["nodejs", "npm"])?;
        }
        step("installing npm packages (Playwright, binaryen)");
        sh(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&e2e)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    }
    if for_tests {
        // Chromium for the browser tests; pebble (an ACME server) and openssl for the
        // HTTPS tests; aiosmtpd, a real SMTP server, and Dovecot, a real IMAP server, for
        // the mail tests.
        let missing: Vec<&str> = [
            ("chromium", Path::new(&chromium()).exists()),
            ("pebble", have("pebble")),
            ("openssl", have("openssl")),
            ("python3-aiosmtpd", have("aiosmtpd")),
            ("dovecot-imapd", Path::new("/usr/sbin/dovecot").exists()),
        ]
        .into_iter()
        .filter(|(_, present)| !present)
        .map(|(package, _)| package)
        .collect();
        if !missing.is_empty() {
            apt_install(&missing)?;
        }
    }
    Ok(())
}

fn chromium() -> String {
    std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn apt_install(packages: &[&str]) -> Result {
    step(&format!("installing {} from Debian", packages.join(" ")));
    sh(Command::new("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    sh(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Builds the wasm bundle into target/site, then the release binary embedding it.
fn build() -> Result {
    let root = root();
    let site = root.join("target/site");
    let pkg = site.join("pkg");
    step("building the wasm front end");
    // ICU4X's data for the desk's five languages only (see tools/icu-data), instead of
    // every CLDR locale: the browser downloads it.
    sh(cargo()
        .args([
            "build",
            "-p",
            "frontend",
            "--lib",
            "--target",
            WASM_TARGET,
            "--profile",
            "wasm-release",
        ])
        .env("ICU4X_DATA_DIR", root.join("app/icu-data")))?;
    std::fs::create_dir_all(&pkg).map_err(|e| e.to_string())?;
    // wasm-bindgen writes to a staging folder; only what changed reaches target/site, so
    // a build with nothing changed skips wasm-opt and the server's relink.
    let stage = root.join("target/site-stage");
    std::fs::create_dir_all(&stage).map_err(|e| e.to_string())?;
    let wasm = root.join(format!("target/{WASM_TARGET}/wasm-release/frontend.wasm"));
    sh(Command::new(cargo_bin("wasm-bindgen"))
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "tessera",
            "--out-dir",
        ])
        .arg(&stage)
        .arg(&wasm))?;
    let bound = read(&stage.join("tessera_bg.wasm"))?;
    let last = stage.join("last-bound.wasm");
    let mut changed = false;
    if std::fs::read(&last).ok().as_ref() != Some(&bound) || !pkg.join("tessera_bg.wasm").exists() {
        step("optimising the wasm");
        let optimised = stage.join("optimised.wasm");
        sh(
            Command::new(root.join("end2end/node_modules/.bin/wasm-opt"))
                .args([
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                    "--enable-sign-ext",
                    "--enable-mutable-globals",
                ])
                .arg(stage.join("tessera_bg.wasm"))
                .arg("-o")
                .arg(&optimised),
        )?;
        changed |= write_if_changed(&pkg.join("tessera_bg.wasm"), &read(&optimised)?)?;
        std::fs::write(&last, &bound).map_err(|e| e.to_string())?;
    }
    changed |= write_if_changed(&pkg.join("tessera.js"), &read(&stage.join("tessera.js"))?)?;
    changed |= write_if_changed(
        &pkg.join("tessera.css"),
        &read(&root.join("style/tessera.css"))?,
    )?;
    for entry in std::fs::read_dir(root.join("app/public"))
        .map_err(|e| e.to_string())?
        .flatten()
    {
        changed |= write_if_changed(&site.join(entry.file_name()), &read(&entry.path())?)?;
    }
    if changed || !pkg.join("tessera_bg.wasm.br").exists() {
        sh(Command::new("node").arg("-e").arg(COMPRESS_JS).arg(&pkg))?;
    }
    let (raw, brotli) = wasm_size()?;
    eprintln!(
        "wasm: {} KiB, {} KiB with brotli (the goal is at most {WASM_BROTLI_MAX_KIB} KiB)",
        raw / 1024,
        brotli / 1024
    );
    step("building the release binary");
    build_server("tessera", None)
}

/// Builds one of the server crate's binaries in release mode, for `target` or the host.
fn build_server(bin: &str, target: Option<&str>) -> Result {
    let mut cmd = cargo();
    cmd.args(["build", "--release", "-p", "server", "--bin", bin]);
    if let Some(target) = target {
        cmd.args(["--target", target]);
    }
    sh(&mut cmd)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `bytes` to `path` unless it already holds them; whether it wrote.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

/// The most the wasm may weigh, compressed with brotli, in KiB.
const WASM_BROTLI_MAX_KIB: u64 = 600;

/// Sizes of the built wasm, raw and with brotli, in bytes.
fn wasm_size() -> Result<(u64, u64)> {
    let pkg = root().join("target/site/pkg");
    let size = |name: &str| {
        std::fs::metadata(pkg.join(name))
            .map(|m| m.len())
            .map_err(|e| format!("{name}: {e}"))
    };
    Ok((size("tessera_bg.wasm")?, size("tessera_bg.wasm.br")?))
}

const MUSL_TARGET: &str = "x86_64-unknown-linux-musl";

/// Builds a static `tessera` for any x86_64 Linux into target/dist, beside the
/// Dockerfile's build context, and checks that it needs no loader and serves from an
/// otherwise empty chroot.
fn dist() -> Result {
    let root = root();
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == MUSL_TARGET) {
        step("installing the musl target");
        sh(Command::new("rustup").args(["target", "add", MUSL_TARGET]))?;
    }
    if !have("musl-gcc") {
        apt_install(&["musl-tools"])?;
    }
    step("building the static binary");
    build_server("tessera", Some(MUSL_TARGET))?;
    let out = root.join("target/dist");
    std::fs::create_dir_all(out.join("data")).map_err(|e| e.to_string())?;
    let bin = out.join("tessera");
    std::fs::copy(
        root.join(format!("target/{MUSL_TARGET}/release/tessera")),
        &bin,
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("dist/Dockerfile"), out.join("Dockerfile"))
        .map_err(|e| e.to_string())?;
    if needs_loader(&read(&bin)?)? {
        return Err("target/dist/tessera is a dynamic executable".into());
    }
    eprintln!(
        "target/dist/tessera is static ({} KiB)",
        read(&bin)?.len() / 1024
    );
    serves_from_empty_chroot(&bin)?;
    eprintln!(
        "it serves from an empty chroot; docker build -t tessera target/dist makes the image"
    );
    Ok(())
}

/// Whether an ELF executable names a program interpreter (the dynamic loader).
fn needs_loader(elf: &[u8]) -> Result<bool> {
    let word = |at: usize, len: usize| -> Result<u64> {
        let bytes = elf.get(at..at + len).ok_or("not an ELF file")?;
        Ok(bytes
            .iter()
            .rev()
            .fold(0u64, |n, b| (n << 8) | u64::from(*b)))
    };
    if elf.get(..5) != Some(b"\x7fELF\x02") {
        return Err("not a 64-bit ELF file".into());
    }
    let (phoff, phentsize, phnum) = (word(0x20, 8)?, word(0x36, 2)?, word(0x38, 2)?);
    for i in 0..phnum {
        const PT_INTERP: u64 = 3;
        if word((phoff + i * phentsize) as usize, 4)? == PT_INTERP {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Runs `bin` alone in an empty folder as its root and asks it for /healthz.
fn serves_from_empty_chroot(bin: &Path) -> Result {
    use std::io::{BufRead, Read, Write};
    let jail = root().join("target/dist-chroot");
    let _ = std::fs::remove_dir_all(&jail);
    std::fs::create_dir_all(&jail).map_err(|e| e.to_string())?;
    std::fs::copy(bin, jail.join("tessera")).map_err(|e| e.to_string())?;
    let mut child = Command::new("chroot")
        .arg(&jail)
        .args([
            "/tessera",
            "--data-dir",
            "/data",
            "--listen",
            "127.0.0.1:0",
            "--log",
            "warn",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("chroot: {e}"))?;
    let stdout = child.stdout.take().ok_or("no output")?;
    // Read on in a thread: the desk's output must keep somewhere to go.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(|l| l.ok())
        {
            if let Some(rest) = line.split("serving at http://").nth(1) {
                let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
            }
        }
    });
    let addr = rx.recv_timeout(std::time::Duration::from_secs(30)).ok();
    let result = (|| {
        let addr = addr.ok_or("the chrooted desk did not start")?;
        let mut conn = std::net::TcpStream::connect(&addr).map_err(|e| e.to_string())?;
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .map_err(|e| e.to_string())?;
        let mut answer = String::new();
        conn.read_to_string(&mut answer)
            .map_err(|e| e.to_string())?;
        if answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok") {
            Ok(())
        } else {
            Err(format!("/healthz answered: {answer}"))
        }
    })();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&jail);
    result
}

/// Bakes the ICU4X data of the desk's languages into app/icu-data with tools/icu-data.
fn icu_data() -> Result {
    let root = root();
    step("baking ICU4X data for the desk's languages");
    sh(cargo()
        .args(["run", "--release", "--manifest-path"])
        .arg(root.join("tools/icu-data/Cargo.toml"))
        .arg("--")
        .arg(root.join("app/icu-data"))
        .env_remove("ICU4X_DATA_DIR"))
}

/// Writes .br and .gz siblings of the wasm, js and css (node's zlib does both).
const COMPRESS_JS: &str = r#"
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const dir = process.argv[1];
for (const f of fs.readdirSync(dir)) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const p = path.join(dir, f), data = fs.readFileSync(p);
  fs.writeFileSync(p + '.br', zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
  fs.writeFileSync(p + '.gz', zlib.gzipSync(data, { level: 9 }));
}
"#;

fn binary() -> PathBuf {
    root().join("target/release/tessera")
}

fn run(args: &[String]) -> Result {
    step("starting the desk (Ctrl-C stops it)");
    sh(Command::new(binary()).args(args))
}

/// Counts of passed and failed tests, summed over the runners.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    /// Reads cargo's `test result: ok. 8 passed; 0 failed; …` and Playwright's
    /// `8 passed (3.1s)` / `1 failed` lines.
    fn read(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.windows(2) {
            let n = pair[0].parse::<u64>();
            match (n, pair[1].trim_end_matches([';', ','])) {
                (Ok(n), "passed") => self.passed += n,
                (Ok(n), "failed") => self.failed += n,
                _ => {}
            }
        }
    }
}

/// Runs a test command, echoing its output and tallying its results.
fn sh_tally(cmd: &mut Command, tally: &mut Tally) -> Result {
    use std::io::BufRead;
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if let Some(out) = child.stdout.take() {
        for line in std::io::BufReader::new(out).lines().map_while(|l| l.ok()) {
            println!("{line}");
            let t = line.trim();
            let summary = t.starts_with("test result:")
                || t.split_whitespace()
                    .nth(1)
                    .is_some_and(|w| w == "passed" || w == "failed");
            if summary {
                tally.read(t);
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn test() -> Result {
    let mut tally = Tally::default();
    let result = run_tests(&mut tally);
    // One closing line over every runner, for people and CI alike.
    println!("\ntests: {} passed, {} failed", tally.passed, tally.failed);
    result
}

fn run_tests(tally: &mut Tally) -> Result {
    step("unit and integration tests");
    sh_tally(
        cargo().args([
            "test",
            "--workspace",
            "--exclude",
            "frontend",
            "--lib",
            "--bins",
            "--tests",
        ]),
        tally,
    )?;
    step("checking that the wasm contains no server code");
    let tree = output(cargo().args([
        "tree",
        "-p",
        "frontend",
        "--target",
        WASM_TARGET,
        "-e",
        "normal",
        "--prefix",
        "none",
    ]))
    .ok_or("cargo tree failed")?;
    for forbidden in ["redb", "tantivy", "engine", "argon2", "axum"] {
        if tree.lines().any(|l| l.split(' ').next() == Some(forbidden)) {
            return Err(format!("the wasm build depends on {forbidden}"));
        }
    }
    if !tree.lines().any(|l| l.starts_with("app ")) {
        return Err("cargo tree output unexpected: app missing".into());
    }
    eprintln!("wasm dependency tree is clean (no redb, tantivy, engine, argon2, axum)");
    step("checking the size of the wasm");
    let (_, brotli) = wasm_size()?;
    if brotli > WASM_BROTLI_MAX_KIB * 1024 {
        tally.failed += 1;
        return Err(format!(
            "the wasm is {} KiB with brotli, over the {WASM_BROTLI_MAX_KIB} KiB it may weigh",
            brotli / 1024
        ));
    }
    eprintln!("wasm is {} KiB with brotli", brotli / 1024);
    step("end-to-end tests in Chromium");
    sh_tally(
        Command::new("npx")
            .args(["playwright", "test"])
            .current_dir(root().join("end2end"))
            .env("TESSERA_BIN", binary())
            .env("CHROMIUM_PATH", chromium()),
        tally,
    )?;
    step("fuzzing each parser briefly");
    setup_fuzz()?;
    fuzz(&["--seconds".into(), "10".into()], tally)
}

/// The fuzz targets, in fuzz/fuzz_targets.
const FUZZ_TARGETS: [&str; 4] = ["headers", "search_query", "portal_form", "mail_parse"];

/// Installs cargo-fuzz if it is missing.
fn setup_fuzz() -> Result {
    if !cargo_bin("cargo-fuzz").exists() {
        step("installing cargo-fuzz (a minute, once)");
        sh(cargo().args(["install", "cargo-fuzz", "--locked", "--version", "0.13.2"]))?;
    }
    Ok(())
}

/// Runs the fuzz targets named in `args` (all by default), each for `--seconds N`. On
/// the stable toolchain: libFuzzer's coverage needs no sanitizer (`-s none`), and
/// RUSTC_BOOTSTRAP lets cargo-fuzz pass its flags. Findings land in fuzz/artifacts.
fn fuzz(args: &[String], tally: &mut Tally) -> Result {
    let mut seconds = "60".to_string();
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => seconds = args.next().ok_or("--seconds needs a number")?.clone(),
            t if FUZZ_TARGETS.contains(&t) => targets.push(t),
            other => {
                return Err(format!(
                    "no fuzz target {other}; there are {FUZZ_TARGETS:?}"
                ))
            }
        }
    }
    if targets.is_empty() {
        targets = FUZZ_TARGETS.to_vec();
    }
    let dir = root().join("fuzz");
    for target in targets {
        step(&format!("fuzzing {target} for {seconds} s"));
        let corpus = dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let run = sh(cargo()
            .args(["fuzz", "run", "-s", "none", "--fuzz-dir"])
            .arg(&dir)
            .arg(target)
            .arg(&corpus)
            .arg(dir.join("seeds").join(target))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .current_dir(root())
            .env("RUSTC_BOOTSTRAP", "1"));
        // Each target counts as one test.
        match run {
            Ok(()) => tally.passed += 1,
            Err(_) => tally.failed += 1,
        }
        run?;
    }
    Ok(())
}

fn bench(args: &[String]) -> Result {
    step("building the benchmark");
    build_server("tessera-bench", None)?;
    step("benchmarking");
    sh(Command::new(root().join("target/release/tessera-bench"))
        .args(args)
        .env("TESSERA_BIN", binary())
        .env("TESSERA_SITE", root().join("target/site")))
}
