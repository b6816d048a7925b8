//! The exit statuses of every `candour` command, one meaning each, so that a script (or a
//! reviewer's scheduled sync) can tell "try again later" from "stop: something was tampered
//! with". Listed in `candour --help` and the README.

use candour_client::ClientError;
use candour_core::directory::DirectoryError;

/// Anything else went wrong (a file that cannot be read, a full disk, a bad key file): said on
/// standard error.
pub const FAILURE: u8 = 1;
/// The command line itself is wrong (clap's status for a usage error).
pub const USAGE: u8 = 2;
/// Something failed verification: an altered or rolled-back directory, a case stream or entry
/// whose signatures or hash links do not hold, an entry gone before its expiry day.
pub const TAMPERED: u8 = 3;
/// `candour mailbox`: no reviewer has received the report yet; try again later.
pub const NOT_YET_RECEIVED: u8 = 4;
/// `candour review sync`: some inbox entries were not taken in yet (too long, or their download
/// failed); the next sync tries again.
pub const DEFERRED: u8 = 5;
/// You said no, or stopped at a warning: nothing was sent.
pub const DECLINED: u8 = 6;
/// The relay could not be reached (network, address, Tor).
pub const UNREACHABLE: u8 = 7;
/// Refused by policy: the relay refused the request, the directory is not your force's or has
/// expired, or a rule of this tool (a weak passphrase, a conflict left unresolved) stopped it.
pub const REFUSED: u8 = 8;

/// The `--help` paragraph that lists them.
pub const HELP: &str = "Exit status: 0 done; 1 failed (said on stderr); 2 the command line is wrong; 3 something \
failed verification (tampering); 4 not received yet, try later (mailbox); 5 entries deferred to the next sync \
(review sync); 6 you declined, nothing was sent; 7 the relay could not be reached; 8 refused by policy (the relay \
refused, the directory is not your force's or has expired, a rule of this tool).";

/// The status an error that ended a command calls for: the first cause that says.
pub fn for_error(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(client) = cause.downcast_ref::<ClientError>() {
            return match client {
                ClientError::Unreachable { .. } => UNREACHABLE,
                ClientError::Directory(d) => for_directory(d),
                ClientError::Relay { .. } | ClientError::OnionWithoutTor(_) | ClientError::Pow(_) => REFUSED,
                ClientError::Protocol(_) | ClientError::TooLarge { .. } => TAMPERED,
                _ => FAILURE,
            };
        }
        if let Some(d) = cause.downcast_ref::<DirectoryError>() {
            return for_directory(d);
        }
        if cause.downcast_ref::<candour_core::keys::WeakPassphrase>().is_some() {
            return REFUSED;
        }
        if cause.downcast_ref::<Refused>().is_some() {
            return REFUSED;
        }
    }
    FAILURE
}

fn for_directory(e: &DirectoryError) -> u8 {
    match e {
        DirectoryError::Malformed(_) | DirectoryError::BadSignature(_) | DirectoryError::RolledBack { .. } => TAMPERED,
        _ => REFUSED,
    }
}

/// A refusal by one of this tool's own rules, with the words that explain it.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}
