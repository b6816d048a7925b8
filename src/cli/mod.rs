//! Argument parsing and dispatch.

mod attach;
mod directory;
mod example;
mod keys;
mod mailbox;
mod net;
mod page;
mod report;
mod review;
mod secrets;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Candour: end-to-end encrypted reporting of wrongdoing by police colleagues to Professional
/// Standards and the Anti-Corruption Unit.
///
/// Reports are encrypted on the reporter's device to the reviewers who should read them; the
/// relay stores only ciphertext. Every subcommand has its own --help.
#[derive(Debug, Parser)]
#[command(name = "candour", version, propagate_version = true, max_term_width = 100)]
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
    /// Reviewers: sync, triage, reply, clocks, statistics (keys and plaintext stay on this
    /// machine).
    #[command(subcommand)]
    Review(review::ReviewCommand),
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
        Command::Review(cmd) => review::run(cmd),
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
