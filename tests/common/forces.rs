//! A second force beside the example one, for a relay that serves several (docs/design.md
//! §5 "Many forces, one relay"): a whole organisation made by `candour keys example` (new keys for every reviewer and a
//! new root, the same queues, routing and stanza count), renamed, its directory signed afresh
//! to expire in 30 days.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::keys::{ReviewerSecret, SecretKeyFile};

/// The second force's folder: keys, root and signed directory.
pub struct SecondForce {
    folder: tempfile::TempDir,
}

/// The second force's name in its directory.
pub const SECOND_ORGANISATION: &str = "Second Example Constabulary (EXAMPLE KEYS: NOT FOR REAL REPORTS)";

impl SecondForce {
    /// A fresh second force, its directory changed by `edit` before it is signed.
    pub fn generate_with(edit: impl FnOnce(&mut directory::Directory)) -> SecondForce {
        let folder = tempfile::tempdir().expect("tmp");
        let out = folder.path().join("force");
        let made = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
            .args(["keys", "example", "--out"])
            .arg(&out)
            .output()
            .expect("candour keys example");
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        let unsigned = std::fs::read(out.join("directory.unsigned.json")).expect("unsigned");
        let mut doc: directory::Directory = serde_json::from_slice(&unsigned).expect("parses");
        doc.organisation = SECOND_ORGANISATION.into();
        doc.not_after = super::today().plus_days(30);
        edit(&mut doc);
        let file = std::fs::read(out.join("root.key")).expect("root.key");
        let SecretKeyFile::Root(root) = SecretKeyFile::read_protected(&file[..], &passphrase()).expect("unlocks")
        else {
            panic!("root.key is not a root key")
        };
        let served = directory::sign(&serde_json::to_vec_pretty(&doc).expect("json"), &root).expect("signs");
        std::fs::write(out.join("directory.json"), served).expect("write");
        SecondForce { folder }
    }

    /// A fresh second force shaped exactly like the example one.
    pub fn generate() -> SecondForce {
        SecondForce::generate_with(|_| {})
    }

    fn dir(&self) -> PathBuf {
        self.folder.path().join("force")
    }

    /// Its signed directory file.
    pub fn directory(&self) -> PathBuf {
        self.dir().join("directory.json")
    }

    /// The file holding its root public key.
    pub fn root_file(&self) -> PathBuf {
        self.dir().join("root.pub")
    }

    /// Its root public key.
    pub fn root(&self) -> String {
        std::fs::read_to_string(self.root_file()).expect("root.pub").trim().to_owned()
    }

    /// What its reporters and reviewers pin.
    pub fn policy(&self) -> TrustPolicy {
        TrustPolicy {
            roots: vec![self.root().parse().expect("root")],
            threshold: 1,
            min_version: 0,
            today: super::today(),
        }
    }

    /// Its directory, verified.
    pub fn verified(&self) -> VerifiedDirectory {
        directory::verify(&std::fs::read(self.directory()).expect("dir"), &self.policy()).expect("verifies")
    }

    /// One of its reviewers' secrets (the same ids as the example force's).
    pub fn reviewer(&self, id: &str) -> ReviewerSecret {
        let file = std::fs::read(self.dir().join(format!("reviewers/{id}.key"))).expect("key file");
        match SecretKeyFile::read_protected(&file[..], &passphrase()).expect("unlocks") {
            SecretKeyFile::Reviewer(r) => r,
            SecretKeyFile::Root(_) => panic!("{id} is a root key"),
        }
    }

    /// The `[[forces]]` entry a relay's configuration gives it.
    pub fn force_config(&self) -> candour_relay::config::ForceConfig {
        candour_relay::config::ForceConfig {
            directory: self.directory(),
            directory_roots: vec![self.root_file().display().to_string()],
            directory_threshold: 1,
            max_signed_uploads: None,
        }
    }

    /// Where its folder is.
    pub fn path(&self) -> &Path {
        self.folder.path()
    }
}

/// The example force as a relay's `[[forces]]` entry, beside a [`SecondForce`] served first.
pub fn example_force() -> candour_relay::config::ForceConfig {
    candour_relay::config::ForceConfig {
        directory: super::fresh_directory().to_owned(),
        directory_roots: vec![super::keys_example().join("root.pub").display().to_string()],
        directory_threshold: 1,
        max_signed_uploads: None,
    }
}

fn passphrase() -> SecretString {
    SecretString::from("candour-example-only".to_owned())
}
