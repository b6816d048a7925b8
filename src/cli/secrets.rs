//! Reading and writing passphrase-protected key files.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use age::secrecy::{ExposeSecret as _, SecretString};
use anyhow::{bail, Context as _};
use candour_core::keys::SecretKeyFile;

use super::PassphraseArgs;

/// The passphrase for a new key file: generated and shown once when `generate`, else read as
/// [`passphrase`] does (confirmed), and held to the floor of
/// [`candour_core::keys::check_new_passphrase`] before any key is made.
pub fn new_passphrase(args: &PassphraseArgs, purpose: &str, generate: bool) -> anyhow::Result<SecretString> {
    if generate {
        let generated = candour_core::keys::generate_passphrase();
        eprintln!(
            "The passphrase for {purpose} is:\n\n    {}\n\nWrite it down or put it in a password manager now: \
             it is shown only this once, and nothing can unlock the key without it.",
            generated.expose_secret()
        );
        return Ok(generated);
    }
    let chosen = passphrase(args, purpose, true)?;
    candour_core::keys::check_new_passphrase(&chosen)?;
    Ok(chosen)
}

/// The passphrase, from the file if one is named, else prompted for (twice when `confirm`).
pub fn passphrase(args: &PassphraseArgs, purpose: &str, confirm: bool) -> anyhow::Result<SecretString> {
    if let Some(path) = &args.passphrase_file {
        let text = fs::read_to_string(path).with_context(|| format!("reading passphrase file {}", path.display()))?;
        let line = text.lines().next().unwrap_or("").to_owned();
        if line.is_empty() {
            bail!("passphrase file {} is empty", path.display());
        }
        return Ok(SecretString::from(line));
    }
    let instead = "give --passphrase-file FILE (or CANDOUR_PASSPHRASE_FILE), a file readable by you alone";
    let first = prompt_secret(&format!("Passphrase for {purpose}: "), instead)?;
    if first.is_empty() {
        bail!("an empty passphrase is not allowed");
    }
    if confirm {
        let again = prompt_secret("Same passphrase again: ", instead)?;
        if again != first {
            bail!("the passphrases differ");
        }
    }
    Ok(SecretString::from(first))
}

/// Asks for a secret on the terminal, not echoed. With no terminal to ask on (a pipe, a service,
/// a scheduled job), it says so and what to use `instead`, rather than the terminal's
/// "No such device or address (os error 6)".
pub fn prompt_secret(prompt: &str, instead: &str) -> anyhow::Result<String> {
    // rpassword asks on /dev/tty, which a process without a controlling terminal cannot open.
    #[cfg(unix)]
    if fs::File::open("/dev/tty").is_err() {
        bail!("this needs a terminal to ask on, and there is none: {instead}");
    }
    rpassword::prompt_password(prompt).context("reading from the terminal")
}

/// Writes a secret key file readable by its owner only, refusing to overwrite.
pub fn write_key_file(path: &Path, secret: &SecretKeyFile, pass: &SecretString, log_n: u8) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file =
        options.open(path).with_context(|| format!("creating {} (it must not exist already)", path.display()))?;
    secret.write_protected(pass, log_n, &mut file)?;
    file.flush()?;
    file.sync_all()?;
    Ok(())
}

/// Unlocks a secret key file.
pub fn read_key_file(path: &Path, pass: &SecretString) -> anyhow::Result<SecretKeyFile> {
    let file = fs::File::open(path).with_context(|| format!("opening key file {}", path.display()))?;
    SecretKeyFile::read_protected(std::io::BufReader::new(file), pass)
        .with_context(|| format!("unlocking {}", path.display()))
}
