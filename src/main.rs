//! `candour`: one command line for every role. Thin: parses arguments and calls the libraries.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("candour: {err:#}");
            ExitCode::FAILURE
        }
    }
}
