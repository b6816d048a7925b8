//! `candour keys`: create the organisation root, reviewers, or the example organisation.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use candour_core::directory::{RecipientKey, Reviewer, Role, KEY_KIND_X25519};
use candour_core::keys::{ReviewerSecret, RootSecretKey, SecretKeyFile, DEFAULT_WORK_FACTOR};
use clap::Subcommand;

use super::secrets::{new_passphrase, write_key_file};
use super::PassphraseArgs;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create an organisation root key (keep it offline) and print its public key and
    /// fingerprint for clients to pin.
    Root {
        /// Folder to write root.key (passphrase-protected) and root.pub into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Print what was made as JSON (root_public_key, fingerprint, key_file, public_file).
        #[arg(long)]
        json: bool,
        /// Generate a seven-word passphrase (77 bits) and show it once, instead of choosing one
        /// (a chosen one needs at least 20 characters).
        #[arg(long, conflicts_with = "passphrase_file")]
        generate_passphrase: bool,
        #[command(flatten)]
        pass: PassphraseArgs,
    },
    /// Create a reviewer's key pair: ID.key (passphrase-protected secret keys) and
    /// ID.public.json (the entry to paste into the directory before it is signed).
    Reviewer {
        /// The reviewer's id in the directory, e.g. psd-3.
        #[arg(long)]
        id: String,
        /// Print what was made as JSON (id, key_file, public_file, and the directory entry).
        #[arg(long)]
        json: bool,
        /// Folder to write the files into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Name shown to reporters before they send, e.g. "DS Amira Khan (PSD)".
        #[arg(long)]
        display_name: Option<String>,
        /// Another name the reviewer is known by (repeat for several): a report naming them is
        /// noticed on the reporter's device.
        #[arg(long = "alias", value_name = "NAME")]
        aliases: Vec<String>,
        /// The reviewer's collar or warrant number, for the same check.
        #[arg(long)]
        collar: Option<String>,
        /// Queue the reviewer reads (repeat for several).
        #[arg(long = "queue", value_name = "QUEUE")]
        queues: Vec<String>,
        /// Supervisors also receive overdue escalations.
        #[arg(long, default_value = "reviewer", value_parser = ["reviewer", "supervisor"])]
        role: String,
        /// Generate a seven-word passphrase (77 bits) and show it once, instead of choosing one
        /// (a chosen one needs at least 20 characters).
        #[arg(long, conflicts_with = "passphrase_file")]
        generate_passphrase: bool,
        #[command(flatten)]
        pass: PassphraseArgs,
    },
    /// Rewrite a reviewer key file made by an earlier version (its keys inside as JSON) in
    /// today's form, which the reference `age` tool reads as an identity file
    /// (docs/emergency-decryption.md). Same keys, same passphrase; the old file is left as it is.
    Upgrade {
        /// The key file to rewrite.
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
        /// Where to write the new one (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        pass: PassphraseArgs,
    },
    /// Regenerate the example organisation in keys-example/ (root, ten reviewers, signed
    /// directory). For demos and tests only: its passphrase is published.
    Example {
        /// Folder to write into; existing example files there are replaced.
        #[arg(long, value_name = "DIR", default_value = "keys-example")]
        out: PathBuf,
    },
}

pub fn run(cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCommand::Root { out, json, pass, generate_passphrase } => {
            fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let pass = new_passphrase(&pass, "the new root key", generate_passphrase)?;
            let root = RootSecretKey::generate();
            let public = root.public();
            write_key_file(&out.join("root.key"), &SecretKeyFile::Root(root), &pass, DEFAULT_WORK_FACTOR)?;
            write_new(&out.join("root.pub"), format!("{public}\n").as_bytes())?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "root_public_key": public.to_string(),
                        "fingerprint": public.fingerprint(),
                        "key_file": out.join("root.key"),
                        "public_file": out.join("root.pub"),
                    })
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!("root public key: {public}");
            println!("fingerprint:     {}", public.fingerprint());
            println!(
                "Keep {} offline. Publish the fingerprint on posters and the intranet.",
                out.join("root.key").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Reviewer {
            id,
            json,
            out,
            display_name,
            aliases,
            collar,
            queues,
            role,
            pass,
            generate_passphrase,
        } => {
            validate_id(&id)?;
            fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let pass = new_passphrase(&pass, &format!("reviewer {id}"), generate_passphrase)?;
            let secret = ReviewerSecret::generate(&id);
            let mut entry = directory_entry(&secret, display_name.as_deref().unwrap_or(&id), &role, queues);
            entry.aliases = aliases;
            entry.collar = collar;
            write_key_file(
                &out.join(format!("{id}.key")),
                &SecretKeyFile::Reviewer(secret),
                &pass,
                DEFAULT_WORK_FACTOR,
            )?;
            let public_path = out.join(format!("{id}.public.json"));
            write_new(&public_path, &pretty(&entry)?)?;
            if json {
                let made = serde_json::json!({
                    "id": id, "key_file": out.join(format!("{id}.key")), "public_file": public_path, "entry": entry,
                });
                println!("{made}");
                return Ok(ExitCode::SUCCESS);
            }
            println!("wrote {} and {}", out.join(format!("{id}.key")).display(), public_path.display());
            println!("Add the entry in {} to the directory, then have the root sign it.", public_path.display());
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Upgrade { identity, out, pass } => {
            let pass = super::secrets::passphrase(&pass, &format!("key file {}", identity.display()), false)?;
            let secret = super::secrets::read_key_file(&identity, &pass)?;
            if matches!(secret, SecretKeyFile::Root(_)) {
                anyhow::bail!("{} is the root key: it opens no report, so it has no other form", identity.display());
            }
            write_key_file(&out, &secret, &pass, DEFAULT_WORK_FACTOR)?;
            println!("wrote {}: the same keys and passphrase, readable by `age -d -i` too", out.display());
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Example { out } => super::example::generate(&out),
    }
}

/// The directory entry for a reviewer's public keys.
pub fn directory_entry(secret: &ReviewerSecret, display_name: &str, role: &str, queues: Vec<String>) -> Reviewer {
    Reviewer {
        id: secret.id.clone(),
        display_name: display_name.to_owned(),
        aliases: Vec::new(),
        collar: None,
        role: if role == "supervisor" { Role::Supervisor } else { Role::Reviewer },
        queues,
        recipients: vec![RecipientKey { kind: KEY_KIND_X25519.into(), key: secret.recipient().to_string() }],
        signing_key: secret.public_signing_key(),
    }
}

/// Reviewer ids become file names: keep them to a safe alphabet.
fn validate_id(id: &str) -> anyhow::Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-');
    anyhow::ensure!(ok, "reviewer id {id:?} must be 1-64 characters of a-z, 0-9 and '-', not starting with '-'");
    Ok(())
}

pub fn pretty<T: serde::Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {} (it must not exist already)", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}
