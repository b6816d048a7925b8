//! `candour directory`: sign and verify the key directory.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::directory::{self, TrustPolicy};
use candour_core::keys::SecretKeyFile;
use candour_core::Day;
use clap::Subcommand;

use super::secrets::{passphrase, read_key_file};
use super::PassphraseArgs;

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Sign a directory with a root key. IN is an unsigned directory (signed exactly as
    /// written) or an already signed one (this root's signature is added: 2-of-3 ceremonies).
    Sign {
        /// Print the signer and the file written as JSON (signed_by, fingerprint, output).
        #[arg(long)]
        json: bool,
        /// The root's passphrase-protected secret key file.
        #[arg(long, value_name = "FILE")]
        root_key: PathBuf,
        /// The directory to sign.
        #[arg(value_name = "IN")]
        input: PathBuf,
        /// Where to write the signed directory (served by the relay as it is).
        #[arg(value_name = "OUT")]
        output: PathBuf,
        #[command(flatten)]
        pass: PassphraseArgs,
    },
    /// Verify a signed directory against pinned root keys; prints its version, expiry and
    /// queues, or exits with status 1 and the reason.
    Verify {
        /// Print the verified directory's summary as JSON instead of text.
        #[arg(long)]
        json: bool,
        /// A pinned root public key (candour-root-...) or a file holding one. Repeat for
        /// several roots.
        #[arg(long = "root", value_name = "PUB", required = true)]
        roots: Vec<String>,
        /// How many distinct pinned roots must have signed.
        #[arg(long, default_value_t = 1)]
        threshold: usize,
        /// Refuse versions below this (the newest version you have accepted before).
        #[arg(long, default_value_t = 0)]
        min_version: u64,
        /// Check expiry against this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DAY")]
        today: Option<Day>,
        /// The signed directory file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(cmd: DirectoryCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DirectoryCommand::Sign { json, root_key, input, output, pass } => {
            let bytes = fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
            let pass = passphrase(&pass, &format!("root key {}", root_key.display()), false)?;
            let SecretKeyFile::Root(root) = read_key_file(&root_key, &pass)? else {
                bail!("{} is a reviewer key, not a root key", root_key.display());
            };
            let served = directory::sign(&bytes, &root)?;
            fs::write(&output, &served).with_context(|| format!("writing {}", output.display()))?;
            if json {
                let signed = serde_json::json!({
                    "signed_by": root.public().to_string(), "fingerprint": root.public().fingerprint(), "output": output,
                });
                println!("{signed}");
                return Ok(ExitCode::SUCCESS);
            }
            println!("signed by {} (fingerprint {})", root.public(), root.public().fingerprint());
            println!("wrote {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        DirectoryCommand::Verify { json, roots, threshold, min_version, today, file } => {
            let roots = roots.iter().map(|r| super::net::parse_root(r)).collect::<anyhow::Result<Vec<_>>>()?;
            let bytes = fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let today = today.unwrap_or_else(candour_client::clock::today);
            let policy = TrustPolicy { roots, threshold, min_version, today };
            let verified = directory::verify(&bytes, &policy)
                .with_context(|| format!("{} failed verification", file.display()))?;
            let d = verified.directory();
            if json {
                let queues: Vec<serde_json::Value> = d
                    .queues
                    .iter()
                    .map(|q| {
                        serde_json::json!({
                            "id": q.id,
                            "name": q.name,
                            "independent": q.independent,
                            "members": verified.queue_members(&q.id).map(|r| r.id.clone()).collect::<Vec<_>>(),
                            "escalate_to": verified
                                .escalation_recipients(std::slice::from_ref(&q.id))
                                .iter()
                                .map(|r| r.id.clone())
                                .collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let summary = serde_json::json!({
                    "organisation": d.organisation,
                    "version": d.version,
                    "not_after": d.not_after.to_string(),
                    "relay": d.relay,
                    "stanzas": d.stanzas,
                    "served_sha256": candour_core::wire::to_hex(&verified.served_sha256()),
                    "queues": queues,
                });
                println!("{summary}");
                return Ok(ExitCode::SUCCESS);
            }
            println!("organisation: {}", d.organisation);
            println!("version:      {}", d.version);
            println!("valid until:  {}", d.not_after);
            println!("relay:        {}", d.relay.https);
            if let Some(onion) = &d.relay.onion {
                println!("onion:        {onion}");
            }
            println!("stanzas:      {}", d.stanzas);
            println!("queues:");
            for q in &d.queues {
                let members: Vec<&str> = verified.queue_members(&q.id).map(|r| r.display_name.as_str()).collect();
                let independent = if q.independent { ", independent" } else { "" };
                println!("  {} ({}{independent}): {}", q.id, q.name, members.join("; "));
                let outside: Vec<&str> = verified
                    .escalation_recipients(std::slice::from_ref(&q.id))
                    .iter()
                    .map(|r| r.display_name.as_str())
                    .collect();
                if !outside.is_empty() {
                    println!("    late cases escalate outside the team to: {}", outside.join("; "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
