//! `candour serve`: the relay. Reads configuration and calls the relay library; nothing else.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use candour_relay::config::StoreKind;
use candour_relay::store::SharedStore;
use candour_relay::Config;
use candour_store_pg::PgStore;

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
        match config.store_kind()? {
            StoreKind::Sled => {
                eprintln!(
                    "candour relay listening on {bound} (data in {}, {})",
                    config.data.display(),
                    served(&config)
                );
                candour_relay::run_on(listener, config, candour_relay::shutdown_signal()).await?;
            }
            StoreKind::Postgres => {
                // The directories first: a relay that cannot serve them touches no database.
                candour_relay::load_forces(&config)?;
                let store = open_postgres(&config).await?;
                // The connection string has no password (the store refuses one), so it may show.
                eprintln!(
                    "candour relay listening on {bound} (entries in PostgreSQL at {}, {})",
                    config.store.trim(),
                    served(&config)
                );
                candour_relay::run_on_store(listener, config, store, candour_relay::shutdown_signal()).await?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// The directories a relay serves, as its first line says them.
fn served(config: &Config) -> String {
    match config.forces.len() {
        0 => format!("directory {}", config.directory.display()),
        n => format!("directory {} and {n} more forces' directories", config.directory.display()),
    }
}

/// Opens the PostgreSQL store `config.store` names, with the password from
/// `config.store_password_file` if one is set (crates/candour-store-pg).
async fn open_postgres(config: &Config) -> anyhow::Result<SharedStore> {
    let url = config.store.trim().to_owned();
    let password_file = config.store_password_file.clone();
    let retention = config.retention();
    let store = tokio::task::spawn_blocking(move || {
        let password = if password_file.as_os_str().is_empty() {
            None
        } else {
            Some(PgStore::read_password_file(&password_file)?)
        };
        PgStore::open(&url, password.as_ref().map(|p| p.as_slice()), retention)
    })
    .await
    .context("the store opener stopped")?
    .context("cannot open the PostgreSQL store")?;
    Ok(std::sync::Arc::new(store))
}
