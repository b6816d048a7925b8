//! `candour serve`: the relay. Reads configuration and calls the relay library; nothing else.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use candour_relay::Config;

/// Run the relay: an append-only store of ciphertext. It records no IP address, user agent or
/// time of day. Configuration: defaults, then the TOML file (--config or CANDOUR_CONFIG), then
/// CANDOUR_* variables (e.g. CANDOUR_LISTEN, CANDOUR_DATA), then these flags.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A TOML configuration file (see --print-config for every key).
    #[arg(long, env = "CANDOUR_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Data folder [default: ./candour-data].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// The signed directory file to serve [default: keys-example/directory.json].
    #[arg(long, value_name = "FILE")]
    directory: Option<PathBuf>,
    /// Print the effective configuration as TOML and exit.
    #[arg(long)]
    print_config: bool,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(data) = args.data {
        config.data = data;
    }
    if let Some(directory) = args.directory {
        config.directory = directory;
    }
    if args.print_config {
        print!("{}", candour_relay::print_config(&config));
        return Ok(ExitCode::SUCCESS);
    }
    candour_relay::init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        // The bound address (the configured port may be 0), never a client's.
        let bound = listener.local_addr().map_or_else(|_| config.listen.to_string(), |a| a.to_string());
        eprintln!(
            "candour relay listening on {bound} (data in {}, directory {})",
            config.data.display(),
            config.directory.display()
        );
        candour_relay::run_on(listener, config, candour_relay::shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}
