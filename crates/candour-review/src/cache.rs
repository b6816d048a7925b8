//! The reviewer's local cache, encrypted at rest (docs/design.md §6).
//!
//! # Construction, and why it is safe
//! - The cache is one file: [`CACHE_MAGIC`], a random 24-byte nonce, then XChaCha20-Poly1305 of
//!   the cache's JSON, with the magic and the reviewer id as associated data.
//! - The key is HKDF-SHA256 over the reviewer's age X25519 identity (the secret that opens their
//!   envelopes), salt [`CACHE_KDF_SALT`], info the reviewer id. So whoever can read the cache
//!   could already read everything in it from the relay, and nobody else can; no extra secret
//!   has to be kept. The identity is high-entropy, so no slow KDF is needed.
//! - XChaCha's 192-bit nonces are random per write, so nonce reuse is negligible however many
//!   times the cache is rewritten under one key.
//! - Writes go to a temporary file in the same folder (mode 0600 on Unix), are flushed and
//!   synced, then renamed over the old cache: a crash leaves the old or the new cache, never a
//!   torn one. Plaintext exists only in memory, in buffers zeroized on drop.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret as _;
use candour_core::keys::ReviewerSecret;
use candour_core::wire::ThreadId;
use candour_core::Day;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::state::CaseFile;

/// The first bytes of a cache file.
pub const CACHE_MAGIC: &[u8] = b"candour-review-cache/1\n";
/// HKDF salt for the cache key.
pub const CACHE_KDF_SALT: &[u8] = b"candour/v1/review-cache-key";
const NONCE_LEN: usize = 24;

/// Why the cache could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// Reading or writing the file failed.
    #[error("cache file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The file is not a cache, or was altered, or belongs to another reviewer's key.
    #[error("the cache file {0} is not readable with this reviewer's key (altered, truncated, or another reviewer's)")]
    CannotOpen(PathBuf),
    /// It decrypted but does not parse: written by another version.
    #[error("the cache file {path} is from an incompatible version: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// The parse error.
        reason: String,
    },
}

impl CacheError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            CacheError::Io { .. } => "cache-io",
            CacheError::CannotOpen(_) => "cache-cannot-open",
            CacheError::Format { .. } => "cache-format",
        }
    }
}

/// What the cache holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheContents {
    /// The reviewer whose cache this is.
    pub reviewer: String,
    /// The last inbox entry examined (opened or skipped as another queue's).
    pub inbox_after: Option<u64>,
    /// Every case this reviewer can read, by thread.
    pub cases: BTreeMap<ThreadId, CaseFile>,
    /// Inbox entries past the cursor that sync has not taken in yet, by number.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deferred: BTreeMap<u64, DeferredEntry>,
    /// The newest directory this reviewer's tool has accepted: an older one, or another with
    /// the same version, is refused after it (rollback, or a fork shown to this reviewer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<SeenDirectory>,
    /// Escalation notices received: late cases of other teams this reviewer is to chase.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<crate::escalation::ReceivedEscalation>,
    /// The files this tool saved each case's attachments to, removed when the case is
    /// disposed of (docs/design.md §6 "Disposal").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub saved: BTreeMap<ThreadId, Vec<PathBuf>>,
    /// The cases this tool has forgotten, and why: their reference and the rule, never their
    /// contents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disposed: Vec<DisposedCase>,
    /// Requests for reporters' identities this custodian received (docs/design.md §6
    /// "Custodian-held identities").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_requests: Vec<crate::custody::ReceivedIdentityRequest>,
    /// Custodians' answers to this reviewer's requests, by case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub identity_answers: BTreeMap<ThreadId, Vec<crate::custody::ReceivedAnswer>>,
}

/// A case a reviewer's tool forgot (docs/design.md §6 "Disposal").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposedCase {
    /// The case reference.
    pub case: String,
    /// The day this tool forgot it.
    pub on: Day,
    /// Why: the supervisor's early disposal, or the force's retention.
    pub why: String,
    /// Saved files that could not be removed (the reviewer is told to remove them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_left: Vec<PathBuf>,
}

/// A directory version and the SHA-256 of its signed bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenDirectory {
    /// Its version.
    pub version: u64,
    /// SHA-256 of the signed directory document (see `VerifiedDirectory::signed_sha256`).
    pub signed_sha256: candour_core::commitment::Sha256Hex,
}

/// An inbox entry sync could not take in yet: longer than the machine's limit, or its bytes did
/// not arrive whole. Kept so that it is tried again and said, never skipped silently, and never
/// retried for ever (see `MAX_DOWNLOAD_ATTEMPTS` in the session).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeferredEntry {
    /// Syncs whose download of it failed (a size over the limit is not counted).
    pub attempts: u32,
    /// Its length, as listed.
    pub len: u64,
    /// The day the relay will remove it, as listed.
    #[serde(default)]
    pub expires: Option<Day>,
    /// Why it is not taken in, the last time it was tried.
    pub reason: String,
}

/// The symmetric key of a reviewer's cache. Never printed, cloned or serialised.
pub struct CacheKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(redacted)")
    }
}

impl CacheKey {
    /// Derives the key from the reviewer's age identity.
    pub fn derive(secret: &ReviewerSecret) -> CacheKey {
        let identity = secret.age_identity_text();
        let hk = Hkdf::<Sha256>::new(Some(CACHE_KDF_SALT), identity.expose_secret().as_bytes());
        let mut key = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit: expand cannot fail.
        if hk.expand(secret.id.as_bytes(), key.as_mut()).is_err() {
            unreachable!("HKDF-SHA256 can always expand 32 bytes");
        }
        CacheKey(key)
    }
}

/// A reviewer's cache file.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    reviewer: String,
    key: CacheKey,
}

impl Cache {
    /// The cache at `path` for `secret`'s reviewer (the file need not exist yet).
    pub fn new(path: &Path, secret: &ReviewerSecret) -> Cache {
        Cache { path: path.to_owned(), reviewer: secret.id.clone(), key: CacheKey::derive(secret) }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn aad(&self) -> Vec<u8> {
        [CACHE_MAGIC, self.reviewer.as_bytes()].concat()
    }

    /// Loads the cache; a missing file is an empty cache.
    pub fn load(&self) -> Result<CacheContents, CacheError> {
        self.load_at(&self.path)
    }

    fn load_at(&self, path: &Path) -> Result<CacheContents, CacheError> {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(CacheContents { reviewer: self.reviewer.clone(), ..Default::default() })
            }
            Err(source) => return Err(CacheError::Io { path: path.to_owned(), source }),
        };
        let rest = bytes.strip_prefix(CACHE_MAGIC).ok_or_else(|| CacheError::CannotOpen(path.to_owned()))?;
        if rest.len() < NONCE_LEN {
            return Err(CacheError::CannotOpen(path.to_owned()));
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&self.key.0[..]));
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: &self.aad() })
                .map_err(|_| CacheError::CannotOpen(path.to_owned()))?,
        );
        let contents: CacheContents = serde_json::from_slice(&plaintext)
            .map_err(|e| CacheError::Format { path: path.to_owned(), reason: e.to_string() })?;
        if contents.reviewer != self.reviewer {
            return Err(CacheError::CannotOpen(path.to_owned()));
        }
        Ok(contents)
    }

    /// Encrypts and atomically replaces the cache.
    pub fn save(&self, contents: &CacheContents) -> Result<(), CacheError> {
        let io = |source| CacheError::Io { path: self.path.clone(), source };
        let plaintext = Zeroizing::new(
            serde_json::to_vec(contents)
                .map_err(|e| CacheError::Format { path: self.path.clone(), reason: e.to_string() })?,
        );
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&self.key.0[..]));
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plaintext, aad: &self.aad() })
            .map_err(|_| io(std::io::Error::other("encryption failed")))?;
        let dir = self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(io)?;
        let tmp = self.path.with_extension("tmp");
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(io)?;
        file.write_all(CACHE_MAGIC).map_err(io)?;
        file.write_all(&nonce).map_err(io)?;
        file.write_all(&ciphertext).map_err(io)?;
        file.sync_all().map_err(io)?;
        // The copy being replaced stays as `.previous` (a second name for the same file, made
        // before the swap, so there is no moment without a readable cache): if the new one is
        // ever damaged, [`Cache::recover`] starts from it.
        let previous = self.previous_path();
        if self.path.exists() {
            let staged = previous.with_extension("previous.tmp");
            let _ = fs::remove_file(&staged);
            if fs::hard_link(&self.path, &staged).is_err() {
                fs::copy(&self.path, &staged).map_err(io)?;
            }
            fs::rename(&staged, &previous).map_err(io)?;
        }
        fs::rename(&tmp, &self.path).map_err(io)?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// The copy the last save replaced.
    pub fn previous_path(&self) -> PathBuf {
        let mut name = self.path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".previous");
        self.path.with_file_name(name)
    }

    /// After a damaged cache: sets the file aside (never deleted: it may hold history the relay
    /// no longer keeps) and starts again from the previous copy if that opens, or from nothing.
    /// The next sync brings either up to date from the relay.
    pub fn recover(&self) -> Result<Recovery, CacheError> {
        let io = |source| CacheError::Io { path: self.path.clone(), source };
        let set_aside = if self.path.exists() {
            let mut name = self.path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
            let stamp = candour_client::clock::unix_now();
            name.push(format!(".damaged-{stamp}"));
            let aside = self.path.with_file_name(name);
            fs::rename(&self.path, &aside).map_err(io)?;
            Some(aside)
        } else {
            None
        };
        let previous = self.previous_path();
        let from_previous = match previous.exists() {
            true => self.load_at(&previous).ok(),
            false => None,
        };
        let restored = from_previous.is_some();
        let contents =
            from_previous.unwrap_or_else(|| CacheContents { reviewer: self.reviewer.clone(), ..Default::default() });
        let cases = contents.cases.len();
        self.save(&contents)?;
        Ok(Recovery { set_aside, restored_previous: restored, cases })
    }
}

/// What [`Cache::recover`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// Where the damaged file now is.
    pub set_aside: Option<PathBuf>,
    /// Whether the previous copy opened and was restored (else the cache starts empty).
    pub restored_previous: bool,
    /// Cases in the restored cache, before the next sync.
    pub cases: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_refuses_other_keys_and_holds_no_plaintext() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("psd-1.cache");
        let me = ReviewerSecret::generate("psd-1");
        let cache = Cache::new(&path, &me);
        assert_eq!(cache.load().expect("empty").inbox_after, None);
        let contents = CacheContents {
            reviewer: "psd-1".into(),
            inbox_after: Some(41),
            cases: BTreeMap::new(),
            deferred: BTreeMap::new(),
            directory: None,
            escalations: vec![],
            saved: BTreeMap::new(),
            disposed: vec![],
            identity_requests: vec![],
            identity_answers: BTreeMap::new(),
        };
        cache.save(&contents).expect("save");
        assert_eq!(cache.load().expect("load"), contents);
        let raw = fs::read(&path).expect("read");
        assert!(!raw.windows(11).any(|w| w == b"inbox_after"), "the cache must not hold plaintext JSON");
        let other = Cache::new(&path, &ReviewerSecret::generate("psd-1"));
        assert!(matches!(other.load(), Err(CacheError::CannotOpen(_))));
        let mut flipped = raw.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        fs::write(&path, flipped).expect("write");
        assert!(matches!(cache.load(), Err(CacheError::CannotOpen(_))));
    }
}
