//! The options of `tessera`: command line, `TESSERA_*` environment, an optional TOML
//! file, and defaults — in that order of precedence.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

/// Tessera: a help desk in one binary. Run with no command to serve the desk.
#[derive(Parser, Debug)]
#[command(name = "tessera", version, about = "Tessera: a help desk in one binary. With no command, serves the desk.", long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub options: CliOptions,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options shared by every command. Each falls back to the config file, then a default.
#[derive(Args, Debug, Default)]
pub struct CliOptions {
    /// Address and port to serve on [default: 127.0.0.1:8080]
    #[arg(long, env = "TESSERA_LISTEN", global = true)]
    pub listen: Option<SocketAddr>,
    /// Folder holding all of the desk's data [default: ./tessera-data]
    #[arg(long, env = "TESSERA_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Log filter, such as `info`, `debug` or `tessera=debug,tower=warn` [default: info]
    #[arg(long, env = "TESSERA_LOG", global = true)]
    pub log: Option<String>,
    /// TOML file with `listen`, `data_dir` and `log` keys (optional)
    #[arg(long, env = "TESSERA_CONFIG", global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the desk (the default)
    Serve,
    /// Manage agents from the shell
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Rebuild the search index from the database (with the desk stopped)
    Reindex,
    /// Write a consistent copy of the database into DEST (with the desk stopped)
    Backup {
        /// Folder to write the copy into; must be empty or not exist
        dest: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an administrator; the password is asked for, or read from standard input
    Create {
        /// The administrator's name
        #[arg(long)]
        name: String,
        /// The administrator's email, used to sign in
        #[arg(long)]
        email: String,
    },
}

/// The file form of the options.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct FileOptions {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    log: Option<String>,
}

/// The options in force.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub log: String,
}

impl CliOptions {
    /// Fills what the command line and environment left open from the file, then defaults.
    pub fn resolve(self) -> anyhow::Result<Options> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileOptions::default(),
        };
        Ok(Options {
            listen: self
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir: self
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("tessera-data")),
            log: self.log.or(file.log).unwrap_or_else(|| "info".into()),
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileOptions> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_beats_file_beats_default() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("tessera.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/desk\"\n",
        )
        .expect("write");
        let opts = CliOptions {
            listen: Some("127.0.0.1:7000".parse().expect("addr")),
            config: Some(file),
            ..Default::default()
        }
        .resolve()
        .expect("resolve");
        assert_eq!(opts.listen.port(), 7000);
        assert_eq!(opts.data_dir, PathBuf::from("/srv/desk"));
        assert_eq!(opts.log, "info");
    }

    #[test]
    fn unknown_keys_in_the_file_are_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("tessera.toml");
        std::fs::write(&file, "lisen = \"x\"\n").expect("write");
        let err = CliOptions {
            config: Some(file),
            ..Default::default()
        }
        .resolve()
        .expect_err("typo");
        assert!(format!("{err:#}").contains("not valid"));
    }

    #[test]
    fn help_documents_every_option() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        for word in [
            "--listen",
            "TESSERA_LISTEN",
            "--data-dir",
            "TESSERA_DATA_DIR",
            "--log",
            "TESSERA_LOG",
            "--config",
            "TESSERA_CONFIG",
            "serve",
            "admin",
            "reindex",
            "backup",
        ] {
            assert!(help.contains(word), "--help lacks {word}");
        }
    }
}
