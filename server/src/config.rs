//! The options of `tessera`: command line, `TESSERA_*` environment, an optional TOML
//! file, and defaults — in that order of precedence.

use std::net::{IpAddr, SocketAddr};
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
    /// Log lines as `text` (for people) or `json` (one object a line, for collectors)
    /// [default: text]
    #[arg(long, env = "TESSERA_LOG_FORMAT", global = true)]
    pub log_format: Option<LogFormat>,
    /// Serve Prometheus metrics at /metrics to requests bearing this token
    /// (`Authorization: Bearer …`) [default: none, /metrics is off]
    #[arg(
        long,
        env = "TESSERA_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// TOML file with the same keys as these options, in snake case (optional)
    #[arg(long, env = "TESSERA_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (comma-separated
    /// addresses); without it the client is the socket's peer [default: none]
    #[arg(
        long,
        env = "TESSERA_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Option<Vec<IpAddr>>,
    /// New portal requests one address may send per hour [default: 20]
    #[arg(long, env = "TESSERA_PORTAL_TICKETS_PER_HOUR", global = true)]
    pub portal_tickets_per_hour: Option<u32>,
    /// Portal replies per hour, from one address and to one ticket [default: 60]
    #[arg(long, env = "TESSERA_PORTAL_REPLIES_PER_HOUR", global = true)]
    pub portal_replies_per_hour: Option<u32>,
    /// The most messages one ticket takes [default: 1000]
    #[arg(long, env = "TESSERA_MAX_MESSAGES_PER_TICKET", global = true)]
    pub max_messages_per_ticket: Option<usize>,
    /// Serve HTTPS with this certificate chain (PEM), with --tls-key
    #[arg(long, env = "TESSERA_TLS_CERT", global = true, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert
    #[arg(long, env = "TESSERA_TLS_KEY", global = true, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with certificates for these domains, obtained and renewed
    /// automatically over ACME (TLS-ALPN-01 on the --listen port, which must be the
    /// domains' port 443) and kept in the data folder
    #[arg(
        long,
        env = "TESSERA_ACME_DOMAINS",
        value_delimiter = ',',
        global = true,
        conflicts_with = "tls_cert"
    )]
    pub acme_domain: Option<Vec<String>>,
    /// Contact email for the ACME account (expiry notices)
    #[arg(long, env = "TESSERA_ACME_EMAIL", global = true)]
    pub acme_email: Option<String>,
    /// ACME directory [default: Let's Encrypt,
    /// https://acme-v02.api.letsencrypt.org/directory]
    #[arg(long, env = "TESSERA_ACME_DIRECTORY", global = true)]
    pub acme_directory: Option<String>,
    /// A PEM file of CA certificates to trust for the ACME directory (a private CA)
    #[arg(long, env = "TESSERA_ACME_CA", global = true)]
    pub acme_ca: Option<PathBuf>,
    /// With HTTPS: also listen on this address for plain HTTP, and send every request
    /// there to HTTPS (such as 0.0.0.0:80)
    #[arg(long, env = "TESSERA_REDIRECT_HTTP", global = true)]
    pub redirect_http: Option<SocketAddr>,
    /// Also take mail by SMTP on this address (such as 0.0.0.0:25), for an MX record or a
    /// forwarding rule pointed at the desk; off unless given. Mail is answered 250 only
    /// once its ticket is stored.
    #[arg(long, env = "TESSERA_SMTP_LISTEN", global = true)]
    pub smtp_listen: Option<SocketAddr>,
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
    /// Write a consistent copy of the data into DEST, also while the desk runs (the
    /// running desk makes the copy)
    Backup {
        /// Folder to write the copy into; must be empty or not exist
        dest: PathBuf,
    },
    /// Take email from the shell: one message piped in by a mail server, or a mailbox
    /// moved from another tool
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Replace the data with a backup made by `tessera backup` (with the desk stopped);
    /// the data it replaces is kept beside it, and the search index is rebuilt
    Restore {
        /// Folder holding the backup
        src: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// Turn one raw message (a file, or standard input when FILE is - or absent) into
    /// a ticket or a reply. Exits 0 once it is stored, 75 (EX_TEMPFAIL) when the desk
    /// cannot take it now, so that the mail server tries again
    Ingest {
        /// The message; standard input when absent or -
        file: Option<PathBuf>,
    },
    /// Import an mbox file, a folder of .eml files, or one .eml file; a message
    /// imported before is skipped
    Import {
        /// The mbox file, .eml file or folder
        source: PathBuf,
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

/// How log lines are written.
#[derive(clap::ValueEnum, Deserialize, Debug, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people; coloured only on a terminal
    #[default]
    Text,
    /// One JSON object a line
    Json,
}

/// The file form of the options.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct FileOptions {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    log: Option<String>,
    log_format: Option<LogFormat>,
    metrics_token: Option<String>,
    trusted_proxies: Option<Vec<IpAddr>>,
    portal_tickets_per_hour: Option<u32>,
    portal_replies_per_hour: Option<u32>,
    max_messages_per_ticket: Option<usize>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    acme_domain: Option<Vec<String>>,
    acme_email: Option<String>,
    acme_directory: Option<String>,
    acme_ca: Option<PathBuf>,
    redirect_http: Option<SocketAddr>,
    smtp_listen: Option<SocketAddr>,
}

/// How the desk serves HTTPS, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// Plain HTTP (behind a proxy that terminates TLS, or on a private network).
    Off,
    /// The operator's certificate chain and key, PEM files.
    Files { cert: PathBuf, key: PathBuf },
    /// Certificates from an ACME CA, renewed automatically.
    Acme {
        domains: Vec<String>,
        email: Option<String>,
        directory: String,
        ca: Option<PathBuf>,
    },
}

/// Let's Encrypt's production directory.
pub const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// The options in force.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub log: String,
    pub log_format: LogFormat,
    pub metrics_token: Option<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub portal: engine::throttle::PortalLimits,
    pub max_messages_per_ticket: usize,
    pub tls: Tls,
    pub redirect_http: Option<SocketAddr>,
    pub smtp_listen: Option<SocketAddr>,
}

impl CliOptions {
    /// Fills what the command line and environment left open from the file, then defaults.
    pub fn resolve(self) -> anyhow::Result<Options> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileOptions::default(),
        };
        let cert = self.tls_cert.or(file.tls_cert);
        let key = self.tls_key.or(file.tls_key);
        let domains = self
            .acme_domain
            .or(file.acme_domain)
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>();
        let tls = match (cert, key, domains.is_empty()) {
            (None, None, true) => Tls::Off,
            (Some(cert), Some(key), true) => Tls::Files { cert, key },
            (None, None, false) => Tls::Acme {
                domains,
                email: self.acme_email.or(file.acme_email),
                directory: self
                    .acme_directory
                    .or(file.acme_directory)
                    .unwrap_or_else(|| LETS_ENCRYPT.into()),
                ca: self.acme_ca.or(file.acme_ca),
            },
            (Some(_), Some(_), false) => {
                anyhow::bail!(
                    "choose either a certificate (tls_cert, tls_key) or ACME domains, not both"
                )
            }
            _ => anyhow::bail!("tls_cert and tls_key go together: give both, or neither"),
        };
        let redirect_http = self.redirect_http.or(file.redirect_http);
        if redirect_http.is_some() && tls == Tls::Off {
            anyhow::bail!(
                "redirect_http sends visitors to HTTPS, which needs tls_cert or acme_domain"
            );
        }
        Ok(Options {
            tls,
            redirect_http,
            smtp_listen: self.smtp_listen.or(file.smtp_listen),
            listen: self
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir: self
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("tessera-data")),
            log: self.log.or(file.log).unwrap_or_else(|| "info".into()),
            log_format: self.log_format.or(file.log_format).unwrap_or_default(),
            metrics_token: self
                .metrics_token
                .or(file.metrics_token)
                .filter(|t| !t.is_empty()),
            trusted_proxies: self
                .trusted_proxies
                .or(file.trusted_proxies)
                .unwrap_or_default(),
            portal: {
                let d = engine::throttle::PortalLimits::default();
                engine::throttle::PortalLimits {
                    tickets_per_hour: self
                        .portal_tickets_per_hour
                        .or(file.portal_tickets_per_hour)
                        .unwrap_or(d.tickets_per_hour),
                    replies_per_hour: self
                        .portal_replies_per_hour
                        .or(file.portal_replies_per_hour)
                        .unwrap_or(d.replies_per_hour),
                }
            },
            max_messages_per_ticket: self
                .max_messages_per_ticket
                .or(file.max_messages_per_ticket)
                .unwrap_or(engine::DEFAULT_MAX_MESSAGES),
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
            "--metrics-token",
            "TESSERA_METRICS_TOKEN",
            "--log-format",
            "TESSERA_LOG_FORMAT",
            "--trusted-proxies",
            "TESSERA_TRUSTED_PROXIES",
            "--portal-tickets-per-hour",
            "--portal-replies-per-hour",
            "--max-messages-per-ticket",
            "serve",
            "admin",
            "reindex",
            "backup",
            "restore",
        ] {
            assert!(help.contains(word), "--help lacks {word}");
        }
    }
}
