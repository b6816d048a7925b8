//! `candour store`: back up, restore and check the relay's sled data folder
//! (crates/candour-relay/src/backup.rs; deploy/README.md "Backups").

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy a stopped relay's data folder into a new folder, then read every entry of the copy
    /// back. Refused while a relay runs on it (sled keeps no consistent copy of a database being
    /// written): stop the relay, back up, start it again. For PostgreSQL, see
    /// deploy/postgresql/README.md.
    Backup {
        /// Print what was read back as JSON (places, entries, bytes).
        #[arg(long)]
        json: bool,
        /// The relay's data folder (`data` in its configuration).
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// The new folder to write the backup into (must not exist).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Put a backup in place as a new data folder (which must not exist, or be empty), reading
    /// every entry back first and after. Start the relay on it with `--data DIR`.
    Restore {
        /// Print what was read back as JSON (places, entries, bytes).
        #[arg(long)]
        json: bool,
        /// The backup (a folder written by `candour store backup`).
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// The new data folder.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
    },
    /// Read every entry of a stopped relay's data folder (or a backup) back, and say how many.
    Check {
        /// Print what was read back as JSON (places, entries, bytes).
        #[arg(long)]
        json: bool,
        /// The data folder or backup.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
    },
}

pub fn run(cmd: StoreCommand) -> anyhow::Result<ExitCode> {
    let summary = match &cmd {
        StoreCommand::Backup { data, out, .. } => candour_relay::backup::backup(data, out)?,
        StoreCommand::Restore { from, data, .. } => candour_relay::backup::restore(from, data)?,
        StoreCommand::Check { data, .. } => candour_relay::backup::check(data)?,
    };
    let done = match &cmd {
        StoreCommand::Backup { out, .. } => format!("backed up into {}", out.display()),
        StoreCommand::Restore { data, .. } => format!("restored into {}", data.display()),
        StoreCommand::Check { data, .. } => format!("{} checked", data.display()),
    };
    let json = match &cmd {
        StoreCommand::Backup { json, .. } | StoreCommand::Restore { json, .. } | StoreCommand::Check { json, .. } => {
            *json
        }
    };
    if json {
        println!(
            "{}",
            serde_json::json!({"places": summary.places, "entries": summary.entries, "bytes": summary.bytes})
        );
    } else {
        println!("{done}: {summary}");
    }
    Ok(ExitCode::SUCCESS)
}
