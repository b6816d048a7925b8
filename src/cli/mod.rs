//! Argument parsing and dispatch.

mod attach;
mod directory;
mod example;
pub mod exit;
mod keys;
mod mailbox;
mod net;
mod page;
mod report;
mod review;
mod secrets;
mod serve;
mod store;

use std::path::PathBuf;
use std::process::ExitCode;

use candour_l10n::{Language, Messages};
use clap::{Parser, Subcommand};

/// Candour: end-to-end encrypted reporting of wrongdoing by police colleagues to Professional
/// Standards and the Anti-Corruption Unit.
///
/// Reports are encrypted on the reporter's device to the reviewers who should read them; the
/// relay stores only ciphertext. Every subcommand has its own --help.
#[derive(Debug, Parser)]
#[command(name = "candour", version, propagate_version = true, max_term_width = 100, after_help = exit::HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create keys: the organisation root, a reviewer, or the whole example organisation.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Sign and verify the key directory that tells clients who can read reports.
    #[command(subcommand)]
    Directory(directory::DirectoryCommand),
    /// Build the reporter page for a host apart from the relay, sign its manifest, and check a
    /// served page or a kept copy against it.
    #[command(subcommand)]
    Page(page::PageCommand),
    /// Report wrongdoing: encrypted on this device so only the chosen reviewers can read it.
    #[command(after_help = report::categories_after_help())]
    Report(report::ReportArgs),
    /// Read replies and send more information, with your 12-word token alone.
    Mailbox(mailbox::MailboxArgs),
    /// Run the relay (ciphertext only; no IP addresses, user agents or times of day).
    Serve(serve::ServeArgs),
    /// Back up, restore and check the relay's data folder (the sled store).
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// Reviewers: sync, triage, reply, clocks, statistics (keys and plaintext stay on this
    /// machine).
    #[command(subcommand)]
    Review(review::ReviewCommand),
    /// Print the shell completion script for SHELL, e.g.
    /// `candour completions bash > /usr/share/bash-completion/completions/candour`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages of candour and every subcommand into DIR (candour.1,
    /// candour-report.1, ...), for `man -l` or /usr/share/man/man1.
    Manpages {
        /// The folder to write them into (made if missing).
        #[arg(value_name = "DIR")]
        out: PathBuf,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Keys(cmd) => keys::run(cmd),
        Command::Directory(cmd) => directory::run(cmd),
        Command::Page(cmd) => page::run(cmd),
        Command::Report(args) => report::run(args),
        Command::Mailbox(args) => mailbox::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Store(cmd) => store::run(cmd),
        Command::Review(cmd) => review::run(cmd),
        Command::Completions { shell } => {
            use anyhow::Context as _;
            // Into memory first: the generator panics on a write error (a closed pipe, say).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "candour", &mut script);
            match std::io::Write::write_all(&mut std::io::stdout(), &script) {
                // Whoever reads it stopped early (`| head`): nothing more to say.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
                other => other.context("writing the completion script").map(|()| ExitCode::SUCCESS),
            }
        }
        Command::Manpages { out } => {
            use anyhow::Context as _;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            clap_mangen::generate_to(<Cli as clap::CommandFactory>::command(), &out)
                .with_context(|| format!("writing the manual pages into {}", out.display()))?;
            println!("manual pages written to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Where secret key files' passphrases come from: a file named by `CANDOUR_PASSPHRASE_FILE`
/// (scripts and tests) or an interactive prompt.
#[derive(Debug, Clone, clap::Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from this file (first line) instead of prompting.
    #[arg(long, env = "CANDOUR_PASSPHRASE_FILE", value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

/// The language a reporter command speaks in: `--lang`, else the locale variables.
#[derive(Debug, Clone, clap::Args)]
pub struct LangArgs {
    /// The language of the questions and messages: en (English) or cy (Cymraeg). Without it,
    /// LC_ALL, LC_MESSAGES, LANG and LANGUAGE choose, as for other programs; English otherwise.
    #[arg(long, env = "CANDOUR_LANG", value_name = "LANG", value_parser = parse_language)]
    lang: Option<Language>,
}

impl LangArgs {
    /// The messages of the chosen language.
    pub fn messages(&self) -> Messages {
        Messages::new(self.lang.unwrap_or_else(Language::from_env))
    }
}

fn parse_language(s: &str) -> Result<Language, String> {
    Language::from_tag(s).ok_or_else(|| format!("{s:?} is not a language these messages are written in; use en or cy"))
}
