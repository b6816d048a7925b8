//! `candour-relay`: the relay on its own, configured by `CANDOUR_CONFIG` (a TOML file) and
//! `CANDOUR_*` variables. Prints `listening on port N` once bound (the port only: the tests
//! that run it check that no address ever appears in its output). Log verbosity comes from
//! `CANDOUR_LOG` (`error`, `warn`, `info`, `debug`, `trace`; default `info`).
#![forbid(unsafe_code)]

use std::io::Write as _;
use std::process::ExitCode;

use candour_relay::Config;

#[tokio::main]
async fn main() -> ExitCode {
    candour_relay::init_logging();
    let file = std::env::var_os("CANDOUR_CONFIG").map(std::path::PathBuf::from);
    let config = match Config::load(file.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("candour-relay: {e}");
            return ExitCode::FAILURE;
        }
    };
    if std::env::args().any(|a| a == "--print-config") {
        print!("{}", candour_relay::print_config(&config));
        return ExitCode::SUCCESS;
    }
    // Refuse to start on a bad directory before announcing a port.
    if let Err(e) = candour_relay::load_forces(&config) {
        eprintln!("candour-relay: {e}");
        return ExitCode::FAILURE;
    }
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("candour-relay: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("listening on port {}", addr.port());
        let _ = std::io::stdout().flush();
    }
    match candour_relay::run_on(listener, config, candour_relay::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("candour-relay: {e}");
            ExitCode::FAILURE
        }
    }
}
