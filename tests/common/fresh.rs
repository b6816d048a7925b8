//! Test clocks and directories that cannot go stale: shared by the workspace's tests and the
//! reviewer crate's (included by path from both `common` modules).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use candour_core::directory;
use candour_core::keys::SecretKeyFile;
use candour_core::Day;

fn keys_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("keys-example"))
        .find(|p| p.exists())
        .expect("keys-example is in the repository")
}

/// Today, taken once per test process, so a test that compares a day taken early with days
/// taken later does not fail across midnight UTC.
pub fn today() -> Day {
    static TODAY: std::sync::OnceLock<Day> = std::sync::OnceLock::new();
    *TODAY.get_or_init(|| Day::from_unix_seconds(unix_seconds()))
}

/// The example organisation's directory, signed afresh by the example root to expire 30 days
/// from today, in a file kept for the test process. Tests serve this one, never the committed
/// file, so none depends on its far expiry (real directories expire within weeks: README).
pub fn fresh_directory() -> &'static Path {
    static FRESH: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &FRESH.get_or_init(|| signed_directory(|_| {})).1
}

/// The example directory, expiring in 30 days, changed by `edit` and signed by the example
/// root, in a temporary folder (kept while the folder is).
pub fn signed_directory(edit: impl FnOnce(&mut directory::Directory)) -> (tempfile::TempDir, PathBuf) {
    let unsigned = std::fs::read(keys_example().join("directory.unsigned.json")).expect("unsigned");
    let mut doc: directory::Directory = serde_json::from_slice(&unsigned).expect("parses");
    doc.not_after = today().plus_days(30);
    edit(&mut doc);
    let pass = SecretString::from("candour-example-only".to_owned());
    let file = std::fs::read(keys_example().join("root.key")).expect("root.key");
    let SecretKeyFile::Root(root) = SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks") else {
        panic!("root.key is not a root key")
    };
    let served = directory::sign(&serde_json::to_vec_pretty(&doc).expect("json"), &root).expect("signs");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("directory.json");
    std::fs::write(&path, served).expect("write");
    (dir, path)
}

/// `doc` one version on, in which `leaver` has left and `successor` holds a place like theirs
/// (same role and queues, new keys and name).
pub fn leaver_replaced(doc: &mut directory::Directory, leaver: &str, successor: &candour_core::keys::ReviewerSecret) {
    doc.version += 1;
    let mut joined = doc.reviewers.iter().find(|r| r.id == leaver).expect("the leaver is in the directory").clone();
    doc.reviewers.retain(|r| r.id != leaver);
    joined.id = successor.id.clone();
    joined.display_name = format!("{} (successor to {leaver})", successor.id);
    joined.aliases.clear();
    joined.collar = None;
    joined.signing_key = successor.public_signing_key();
    joined.recipients[0].key = successor.recipient().to_string();
    doc.reviewers.push(joined);
}

/// The relay's state over `store`, serving the signed directory at `directory` (signed by the
/// example root), with an easy proof of work.
pub fn relay_state(
    store: std::sync::Arc<dyn candour_relay::store::Store>,
    directory: &Path,
) -> candour_relay::AppState {
    let config = candour_relay::Config {
        directory_roots: vec![keys_example().join("root.pub").display().to_string()],
        pow_difficulty: 8,
        ..candour_relay::Config::default()
    };
    let (bytes, verified) =
        candour_relay::load_directory(directory, &config.directory_roots, config.directory_threshold)
            .expect("directory");
    candour_relay::AppState::new(store, bytes, verified, candour_relay::Limits::from_config(&config))
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
