//! `candour`: one command line for every role. Thin: parses arguments and calls the libraries.
#![forbid(unsafe_code)]
// The doc comments on the command line's arguments are its help text, read in a terminal: a
// placeholder such as `<id>` or a bare address is meant as written, not as HTML or a link.
#![allow(rustdoc::bare_urls, rustdoc::invalid_html_tags)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        // --help and --version end here too, successfully; a wrong command line is USAGE.
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(cli::exit::USAGE) } else { ExitCode::SUCCESS };
        }
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            // Each cause once: `{err:#}` would repeat the ones a message already quotes.
            eprintln!("candour: {}", candour_client::error_chain(err.as_ref()));
            ExitCode::from(cli::exit::for_error(&err))
        }
    }
}
