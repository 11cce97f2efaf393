//! `tessera mail ingest` and `tessera mail import`: email from the shell, whether the
//! desk is running or not. With the desk stopped the command opens the data folder
//! itself; with it running (it holds the database) each message goes to the desk over
//! its control socket, and the desk stores it.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use engine::mailin::{Ingested, Outcome};
use engine::Engine;

use crate::config::Options;
use crate::control;

/// The largest message taken (the rest of the desk's limits are far below).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// An error after which the sender should try again later (exit status 75).
#[derive(Debug)]
pub struct TempFail(pub anyhow::Error);

impl std::fmt::Display for TempFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for TempFail {}

/// Where messages go: the data folder opened here, or the running desk.
enum Desk {
    Here(Box<Engine>),
    Running(PathBuf),
}

impl Desk {
    fn open(options: &Options) -> anyhow::Result<Desk> {
        match Engine::open_with(&options.data_dir, crate::engine_options(options, false)) {
            Ok(engine) => Ok(Desk::Here(Box::new(engine))),
            Err(e) if e.kind() == engine::ErrorKind::Conflict => {
                Ok(Desk::Running(options.data_dir.clone()))
            }
            Err(e) => Err(crate::anyhow_engine(e)).with_context(|| {
                format!("cannot open the data folder {}", options.data_dir.display())
            }),
        }
    }

    fn ingest(&self, raw: &[u8]) -> anyhow::Result<Ingested> {
        match self {
            Desk::Here(engine) => engine.ingest_mail(raw).map_err(crate::anyhow_engine),
            Desk::Running(dir) => control::send_mail(dir, raw),
        }
    }

    fn close(self) {
        if let Desk::Here(engine) = self {
            engine.shutdown();
        }
    }
}

fn describe(i: &Ingested) -> String {
    match i.outcome {
        Outcome::Created => format!("new ticket #{}", i.ticket),
        Outcome::Added => format!("added to ticket #{}", i.ticket),
        Outcome::FollowUp => format!("follow-up ticket #{}", i.ticket),
        Outcome::Duplicate => format!("already taken (ticket #{})", i.ticket),
        Outcome::Bounce => format!("delivery failure noted on ticket #{}", i.ticket),
        Outcome::Own => "the desk's own message: nothing to add".to_string(),
    }
}

/// `tessera mail ingest [FILE|-]`.
pub fn ingest(options: &Options, file: Option<PathBuf>) -> anyhow::Result<()> {
    let raw = read_message(file.as_deref()).map_err(|e| TempFail(e).into_anyhow())?;
    let desk = Desk::open(options).map_err(|e| TempFail(e).into_anyhow())?;
    let done = desk.ingest(&raw);
    desk.close();
    let done = done.map_err(|e| TempFail(e).into_anyhow())?;
    println!("{}", describe(&done));
    Ok(())
}

impl TempFail {
    fn into_anyhow(self) -> anyhow::Error {
        anyhow::Error::new(self)
    }
}

fn read_message(file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    let mut raw = Vec::new();
    match file {
        None => read_capped(std::io::stdin().lock(), &mut raw)?,
        Some(p) if p == Path::new("-") => read_capped(std::io::stdin().lock(), &mut raw)?,
        Some(p) => read_capped(
            std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?,
            &mut raw,
        )?,
    }
    Ok(raw)
}

fn read_capped(r: impl Read, out: &mut Vec<u8>) -> anyhow::Result<()> {
    r.take(MAX_MESSAGE_BYTES as u64 + 1).read_to_end(out)?;
    if out.len() > MAX_MESSAGE_BYTES {
        bail!(
            "the message is larger than {} MiB",
            MAX_MESSAGE_BYTES / 1024 / 1024
        );
    }
    Ok(())
}

/// The messages of `source`: the .eml files of a folder (by name), the messages of an
/// mbox file, or one message file.
fn messages(source: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    if source.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(source)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml")))
            .collect();
        files.sort();
        return files.iter().map(|p| read_message(Some(p))).collect();
    }
    let raw = read_message(Some(source))?;
    if raw.starts_with(b"From ") {
        let mut out = Vec::new();
        for m in mail_parser::mailbox::mbox::MessageIterator::new(std::io::Cursor::new(raw)) {
            out.push(m?.unwrap_contents());
        }
        Ok(out)
    } else {
        Ok(vec![raw])
    }
}

/// `tessera mail import SOURCE`.
pub fn import(options: &Options, source: &Path) -> anyhow::Result<()> {
    let all = messages(source)?;
    let desk = Desk::open(options)?;
    let bar = indicatif::ProgressBar::new(all.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} messages  {elapsed_precise} ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let (mut new, mut added, mut known) = (0u64, 0u64, 0u64);
    let mut failed = None;
    for raw in &all {
        match desk.ingest(raw) {
            Ok(i) => match i.outcome {
                Outcome::Created | Outcome::FollowUp => new += 1,
                Outcome::Added | Outcome::Bounce => added += 1,
                Outcome::Duplicate | Outcome::Own => known += 1,
            },
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    desk.close();
    println!(
        "{} messages: {new} new tickets, {added} added to tickets, {known} imported before",
        all.len()
    );
    match failed {
        Some(e) => Err(e.context("the import stopped; run it again to go on (what is in is kept)")),
        None => Ok(()),
    }
}
