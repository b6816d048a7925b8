//! The key directory (docs/design.md §2): who can read what, signed by the offline organisation root.
//!
//! # Served form (do not modify: clients verify it byte for byte)
//! ```text
//! {"directory": <the directory JSON, exactly as signed>,
//!  "signatures": [{"key": "candour-root-<base64>", "signature": "<base64>"}, ...]}
//! ```
//! Each signature is Ed25519 by a root key over [`SIGNATURE_CONTEXT`] followed by the exact
//! bytes of the `directory` value as they appear in the served file. Verification takes those
//! bytes straight out of the served file (serde_json's `RawValue`) and never re-serialises, so
//! no canonicalisation bug can make two parties disagree about what was signed.
//!
//! A client accepts a directory only if at least `threshold` distinct pinned roots signed it, its
//! version is not below the newest it has seen (rollback), and today is not after `not_after`.
//! The threshold is pinned in the client, never read from the directory.
//!
//! Reviewers list their encryption keys as typed entries (`{"kind": "x25519", "key": "age1..."}`).
//! A later version can announce hybrid ML-KEM-768+X25519 keys (age's `mlkem768x25519`) as a new
//! kind; this version ignores kinds it does not know, so that needs no format break.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::day::Day;
use crate::envelope::{MAX_STANZAS, MIN_STANZAS};
use crate::keys::{parse_age_recipient, PublicSigningKey, RootPublicKey, RootSecretKey};
use crate::report::{Category, Concerning};

/// The `format` value of this version's directories.
pub const DIRECTORY_FORMAT: &str = "candour-directory/1";
/// Domain separation for root signatures.
pub const SIGNATURE_CONTEXT: &[u8] = b"candour-directory-signature/v1\n";
/// The encryption key kind this version seals to.
pub const KEY_KIND_X25519: &str = "x25519";

/// The directory document: version, expiry, relay addresses, queues, reviewers and routing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    /// Always [`DIRECTORY_FORMAT`].
    pub format: String,
    /// The organisation's name, for display.
    pub organisation: String,
    /// Monotonic: clients refuse a version below the newest they have accepted.
    pub version: u64,
    /// The last day this directory is valid.
    pub not_after: Day,
    /// Where clients reach the relay.
    pub relay: RelayAddresses,
    /// The constant number of recipient stanzas in every envelope.
    pub stanzas: usize,
    /// The queues reports are routed to.
    pub queues: Vec<Queue>,
    /// The people who can read reports.
    pub reviewers: Vec<Reviewer>,
    /// How categories map to queues.
    pub routing: Routing,
    /// Signing keys reviewers no longer use (rotated, or their holder left): valid only for
    /// checking what they signed before they were retired, never for sealing or requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<RetiredKey>,
    /// How long reviewers' tools keep a concluded case (the force's records retention and
    /// disposal policy); absent: until a supervisor disposes of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<RecordsPolicy>,
    /// The identity custodians (reviewer ids): a confidential reporter's name and contact are
    /// sealed to them, not to the case's readers (docs/design.md §6 "Custodian-held
    /// identities"). Empty: the readers read them with the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custodians: Vec<String>,
}

/// The force's rule for its reviewers' own copies of cases (docs/design.md §6 "Disposal"): a
/// case closed, or set aside as not a report, is forgotten by every reader's tool this many days
/// after the day it was concluded. The relay's copies follow the relay's own retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordsPolicy {
    /// Days a concluded case is kept, from 1 to [`MAX_KEEP_CONCLUDED_DAYS`].
    pub keep_concluded_days: u32,
}

/// The longest a directory may ask tools to keep a concluded case: a hundred years.
pub const MAX_KEEP_CONCLUDED_DAYS: u32 = 36_525;

/// A signing key a reviewer used to hold. A directory keeps it for as long as anything it signed
/// may still be read (case histories, replies in mailboxes), so that rotating a key or removing a
/// leaver does not make their past work look forged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetiredKey {
    /// The reviewer id that held it (who may since have left the directory).
    pub id: String,
    /// The key.
    pub signing_key: PublicSigningKey,
    /// The last directory version in which it was the reviewer's current key.
    pub until_version: u64,
    /// The last day anything it signed may be dated.
    pub until_day: Day,
}

/// How a signing key stands for an author in a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStanding {
    /// The author's current key.
    Current,
    /// A key the author held before, valid for what it signed up to these bounds.
    Retired {
        /// The last directory version it was current in.
        until_version: u64,
        /// The last day it may have signed anything.
        until_day: Day,
    },
}

/// The relay's addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayAddresses {
    /// The HTTP(S) base URL, e.g. `https://candour.example.police.uk`.
    pub https: String,
    /// The Tor onion service base URL, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onion: Option<String>,
}

/// A queue: a team that handles a class of reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    /// Short id, e.g. `psd`.
    pub id: String,
    /// Display name, e.g. "Professional Standards Department".
    pub name: String,
    /// Whether it sits outside PSD/ACU and chief officers (e.g. the PCC's office): the fallback
    /// and the destination for concerns about them.
    #[serde(default)]
    pub independent: bool,
    /// Who this queue's late cases escalate to outside its handling team (the head of PSD,
    /// the Deputy Chief Constable, the PCC's office; for Special Branch its own head): reviewer
    /// ids that do not read this queue. They receive a sanitised escalation notice, never the
    /// case (docs/design.md §6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalate_to: Vec<String>,
}

/// A reviewer's role within their queues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Reads, triages and replies.
    Reviewer,
    /// Also named in overdue escalations within the queue.
    Supervisor,
}

/// An encryption key a reviewer can be sealed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientKey {
    /// `x25519` now; later kinds (e.g. `mlkem768x25519`) are ignored by this version.
    pub kind: String,
    /// The age recipient text.
    pub key: String,
}

/// A person who can read reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewer {
    /// Stable id, e.g. `psd-1`.
    pub id: String,
    /// Name shown to reporters before they send, e.g. "DS Amira Khan (PSD)".
    pub display_name: String,
    /// Other names the reviewer is known by (a maiden name, a nickname, "Mo" for "Mohammed"),
    /// so a report about them is noticed on the reporter's device
    /// ([`crate::conflicts`]). Never sent anywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Their collar or warrant number, for the same check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collar: Option<String>,
    /// Reviewer or supervisor.
    pub role: Role,
    /// The queues they read.
    pub queues: Vec<String>,
    /// Their encryption keys.
    pub recipients: Vec<RecipientKey>,
    /// Their Ed25519 key, for signed requests, replies and case events.
    pub signing_key: PublicSigningKey,
}

impl Reviewer {
    /// The reviewer's age X25519 recipient (validated when the directory was verified).
    pub fn x25519_recipient(&self) -> Option<age::x25519::Recipient> {
        self.recipients.iter().find(|r| r.kind == KEY_KIND_X25519).and_then(|r| parse_age_recipient(&r.key).ok())
    }
}

/// Routing rules: the first rule that matches a report decides its queues.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    /// Ordered rules; the last must match everything.
    pub rules: Vec<RoutingRule>,
    /// The independent queue used when exclusions empty a queue.
    pub fallback_queue: String,
}

/// One routing rule. Empty conditions match anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    /// Matches if the report's category is one of these (or this is empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    /// Matches if the report concerns any of these (or this is empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concerning: Vec<Concerning>,
    /// The queues the report goes to.
    pub queues: Vec<String>,
}

/// A root signature in the served form.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootSignature {
    /// The signing root's public key.
    pub key: String,
    /// Base64 Ed25519 signature.
    pub signature: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Served<'a> {
    #[serde(borrow)]
    directory: &'a RawValue,
    signatures: Vec<RootSignature>,
}

#[derive(Serialize)]
struct ServedOut<'a> {
    directory: &'a RawValue,
    signatures: &'a [RootSignature],
}

/// What a client pins and remembers.
#[derive(Clone, Debug)]
pub struct TrustPolicy {
    /// The organisation root keys the client trusts.
    pub roots: Vec<RootPublicKey>,
    /// How many distinct pinned roots must have signed.
    pub threshold: usize,
    /// The newest version this client has accepted before (0 if none).
    pub min_version: u64,
    /// Today, for the expiry check.
    pub today: Day,
}

/// A decimal number given to a build in its environment (a compiled-in threshold or minimum
/// directory version), read at compile time: anything but digits stops the build.
pub const fn parse_build_number(text: &str) -> u64 {
    let bytes = text.as_bytes();
    assert!(!bytes.is_empty(), "an empty number in the build's environment");
    let mut value = 0u64;
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i].is_ascii_digit(), "a number in the build's environment holds a non-digit");
        value = value * 10 + (bytes[i] - b'0') as u64;
        i += 1;
    }
    value
}

/// Why a directory was refused. Each variant is a class a test vector can name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryError {
    /// Not the served form, or the document does not match the schema (names the field).
    #[error("the directory is malformed: {0}")]
    Malformed(String),
    /// A signature from a pinned root does not verify: the document was altered.
    #[error("a signature by pinned root {0} does not verify: the directory has been altered")]
    BadSignature(String),
    /// Too few distinct pinned roots signed.
    #[error("only {valid} of the required {required} pinned root signatures are present")]
    BelowThreshold {
        /// Valid signatures by distinct pinned roots.
        valid: usize,
        /// The pinned threshold.
        required: usize,
    },
    /// Older than a directory this client has already accepted.
    #[error("directory version {version} is older than version {min_version} already seen: refusing a rollback")]
    RolledBack {
        /// The served version.
        version: u64,
        /// The newest version seen.
        min_version: u64,
    },
    /// Past its `not_after` day.
    #[error("the directory expired on {0}")]
    Expired(Day),
    /// Signed and current, but internally inconsistent.
    #[error("the directory is inconsistent: {0}")]
    Invalid(String),
    /// The trust policy itself is unusable (no roots or a zero threshold).
    #[error("the pinned trust policy is unusable: {0}")]
    Policy(String),
    /// The relay serves directories, but none signed by a pinned root: not this force's relay.
    #[error(
        "none of the {served} directories this relay serves is signed by your organisation's pinned root: it does \
         not serve your force (check the relay address and the root you were given)"
    )]
    NotServed {
        /// How many directories the relay served.
        served: usize,
    },
}

impl DirectoryError {
    /// A stable, machine-readable name for the error class.
    pub fn code(&self) -> &'static str {
        match self {
            DirectoryError::Malformed(_) => "malformed",
            DirectoryError::BadSignature(_) => "bad-signature",
            DirectoryError::BelowThreshold { .. } => "below-threshold",
            DirectoryError::RolledBack { .. } => "rolled-back",
            DirectoryError::Expired(_) => "expired",
            DirectoryError::Invalid(_) => "invalid",
            DirectoryError::Policy(_) => "policy",
            DirectoryError::NotServed { .. } => "not-served",
        }
    }
}

/// A directory that passed verification, with the exact bytes it came from.
#[derive(Clone, Debug)]
pub struct VerifiedDirectory {
    directory: Directory,
    served_sha256: [u8; 32],
    signed_sha256: [u8; 32],
}

impl VerifiedDirectory {
    /// The document.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// SHA-256 of the served bytes, for display and comparison.
    pub fn served_sha256(&self) -> [u8; 32] {
        self.served_sha256
    }

    /// A reviewer by id.
    pub fn reviewer(&self, id: &str) -> Option<&Reviewer> {
        self.directory.reviewers.iter().find(|r| r.id == id)
    }

    /// A queue by id.
    pub fn queue(&self, id: &str) -> Option<&Queue> {
        self.directory.queues.iter().find(|q| q.id == id)
    }

    /// SHA-256 of the signed directory bytes (not of the signatures around them): what two
    /// copies of one version must agree on, however many roots have signed each.
    pub fn signed_sha256(&self) -> [u8; 32] {
        self.signed_sha256
    }

    /// How `key` stands as `author`'s signing key: current, retired (with the bounds of what it
    /// may have signed), or not theirs at all (`None`).
    pub fn signing_key_standing(&self, author: &str, key: &PublicSigningKey) -> Option<KeyStanding> {
        if self.reviewer(author).is_some_and(|r| &r.signing_key == key) {
            return Some(KeyStanding::Current);
        }
        self.directory
            .retired
            .iter()
            .find(|k| k.id == author && &k.signing_key == key)
            .map(|k| KeyStanding::Retired { until_version: k.until_version, until_day: k.until_day })
    }

    /// Whether `key` may have signed something of `author`'s dated `day`, made under directory
    /// version `version` (when the document records one): its current key always, a retired one
    /// only within its bounds.
    pub fn signed_by_author(&self, author: &str, key: &PublicSigningKey, day: Day, version: Option<u64>) -> bool {
        match self.signing_key_standing(author, key) {
            Some(KeyStanding::Current) => true,
            Some(KeyStanding::Retired { until_version, until_day }) => {
                day <= until_day && version.is_none_or(|v| v <= until_version)
            }
            None => false,
        }
    }

    /// The reviewer whose Ed25519 key this is, if any.
    pub fn reviewer_by_signing_key(&self, key: &PublicSigningKey) -> Option<&Reviewer> {
        self.directory.reviewers.iter().find(|r| &r.signing_key == key)
    }

    /// The members of a queue, in directory order.
    pub fn queue_members(&self, queue: &str) -> impl Iterator<Item = &Reviewer> {
        let queue = queue.to_owned();
        self.directory.reviewers.iter().filter(move |r| r.queues.contains(&queue))
    }

    /// Whom late cases in `queues` escalate to outside their handling teams: each queue's
    /// `escalate_to`, in queue order, each reviewer once.
    pub fn escalation_recipients(&self, queues: &[String]) -> Vec<&Reviewer> {
        let mut out: Vec<&Reviewer> = Vec::new();
        for q in self.directory.queues.iter().filter(|q| queues.contains(&q.id)) {
            for id in &q.escalate_to {
                if let Some(r) = self.reviewer(id) {
                    if !out.iter().any(|o| o.id == r.id) {
                        out.push(r);
                    }
                }
            }
        }
        out
    }
}

/// Signs a directory. `input` is either an unsigned directory JSON document (signed exactly as
/// given, after checking it parses and is consistent) or an already-served directory, to which
/// this root's signature is added (for 2-of-3 signing ceremonies). Returns the served bytes.
pub fn sign(input: &[u8], root: &RootSecretKey) -> Result<Vec<u8>, DirectoryError> {
    let trimmed = crate::rootsig::trim_ascii(input);
    let (raw, mut signatures): (Box<RawValue>, Vec<RootSignature>) = match serde_json::from_slice::<Served<'_>>(trimmed)
    {
        Ok(served) => (served.directory.to_owned(), served.signatures),
        Err(_) => {
            let text = std::str::from_utf8(trimmed).map_err(|e| DirectoryError::Malformed(e.to_string()))?;
            let raw = RawValue::from_string(text.to_owned()).map_err(|e| DirectoryError::Malformed(e.to_string()))?;
            (raw, Vec::new())
        }
    };
    let directory: Directory = serde_json::from_str(raw.get()).map_err(|e| DirectoryError::Malformed(e.to_string()))?;
    validate(&directory)?;
    crate::rootsig::add(&mut signatures, SIGNATURE_CONTEXT, raw.get().as_bytes(), root);
    let mut out = serde_json::to_vec_pretty(&ServedOut { directory: &raw, signatures: &signatures })
        .map_err(|e| DirectoryError::Malformed(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// Verifies served directory bytes against a trust policy.
pub fn verify(served: &[u8], policy: &TrustPolicy) -> Result<VerifiedDirectory, DirectoryError> {
    if policy.roots.is_empty() || policy.threshold == 0 {
        return Err(DirectoryError::Policy(
            "at least one pinned root and a threshold of one or more are needed".into(),
        ));
    }
    let parsed: Served<'_> = serde_json::from_slice(served).map_err(|e| DirectoryError::Malformed(e.to_string()))?;
    let signed_bytes = parsed.directory.get().as_bytes();
    let valid = crate::rootsig::count_valid(&parsed.signatures, SIGNATURE_CONTEXT, signed_bytes, &policy.roots)
        .map_err(|crate::rootsig::Fault::Bad(key)| DirectoryError::BadSignature(key))?;
    if valid < policy.threshold {
        return Err(DirectoryError::BelowThreshold { valid, required: policy.threshold });
    }
    // Only now, with the signatures good, is the document itself worth parsing.
    let directory: Directory =
        serde_json::from_slice(signed_bytes).map_err(|e| DirectoryError::Malformed(e.to_string()))?;
    if directory.version < policy.min_version {
        return Err(DirectoryError::RolledBack { version: directory.version, min_version: policy.min_version });
    }
    if policy.today > directory.not_after {
        return Err(DirectoryError::Expired(directory.not_after));
    }
    validate(&directory)?;
    Ok(VerifiedDirectory {
        directory,
        served_sha256: Sha256::digest(served).into(),
        signed_sha256: Sha256::digest(signed_bytes).into(),
    })
}

/// The directory of a bundle (`GET /v1/directories`, [`crate::api::DirectoryBundle`]) that
/// `policy` accepts, with its index. Every entry is verified in full; if several pass (which a
/// relay refuses to serve, as two forces pinning one root), the newest version wins, so a relay
/// cannot roll a client back by also serving an older one.
///
/// When none passes: an entry our roots did sign, but which fails for another reason (expired,
/// rolled back, altered), says why; otherwise the relay does not serve this force
/// ([`DirectoryError::NotServed`]).
pub fn pick(bundle: &[u8], policy: &TrustPolicy) -> Result<(usize, VerifiedDirectory), DirectoryError> {
    let bundle: crate::api::DirectoryBundle =
        serde_json::from_slice(bundle).map_err(|e| DirectoryError::Malformed(format!("directory bundle: {e}")))?;
    pick_from(&bundle, policy)
}

/// [`pick`] on a bundle already parsed (the page keeps the picked entry's bytes).
pub fn pick_from(
    bundle: &crate::api::DirectoryBundle,
    policy: &TrustPolicy,
) -> Result<(usize, VerifiedDirectory), DirectoryError> {
    if bundle.format != crate::api::DIRECTORY_BUNDLE_FORMAT {
        return Err(DirectoryError::Malformed(format!(
            "directory bundle format is {:?}, expected {:?}",
            bundle.format,
            crate::api::DIRECTORY_BUNDLE_FORMAT
        )));
    }
    if bundle.directories.len() > crate::api::MAX_BUNDLE_DIRECTORIES {
        return Err(DirectoryError::Malformed(format!(
            "the bundle holds {} directories, more than {}",
            bundle.directories.len(),
            crate::api::MAX_BUNDLE_DIRECTORIES
        )));
    }
    let mut best: Option<(usize, VerifiedDirectory)> = None;
    let mut telling: Option<DirectoryError> = None;
    for (index, served) in bundle.directories.iter().enumerate() {
        match verify(served.as_bytes(), policy) {
            Ok(verified) => {
                if best.as_ref().is_none_or(|(_, b)| verified.directory.version > b.directory.version) {
                    best = Some((index, verified));
                }
            }
            // Signed by none of our roots: another force's, or nobody's.
            Err(DirectoryError::BelowThreshold { valid: 0, .. }) => {}
            Err(e) => {
                telling.get_or_insert(e);
            }
        }
    }
    match (best, telling) {
        (Some(found), _) => Ok(found),
        (None, Some(e)) => Err(e),
        (None, None) => Err(DirectoryError::NotServed { served: bundle.directories.len() }),
    }
}

/// Checks a directory's internal consistency.
pub fn validate(d: &Directory) -> Result<(), DirectoryError> {
    let invalid = |m: String| Err(DirectoryError::Invalid(m));
    if d.format != DIRECTORY_FORMAT {
        return invalid(format!("format is {:?}, expected {DIRECTORY_FORMAT:?}", d.format));
    }
    if !(MIN_STANZAS..=MAX_STANZAS).contains(&d.stanzas) {
        return invalid(format!("stanzas must be between {MIN_STANZAS} and {MAX_STANZAS}"));
    }
    let mut custodians = BTreeSet::new();
    for c in &d.custodians {
        if !custodians.insert(c.as_str()) || !d.reviewers.iter().any(|r| &r.id == c) {
            return invalid(format!("custodian {c:?} is repeated or not a reviewer in the directory"));
        }
    }
    if d.custodians.len() > d.stanzas {
        return invalid("more identity custodians than stanzas".into());
    }
    if let Some(records) = d.records {
        if !(1..=MAX_KEEP_CONCLUDED_DAYS).contains(&records.keep_concluded_days) {
            return invalid(format!("records.keep_concluded_days must be between 1 and {MAX_KEEP_CONCLUDED_DAYS}"));
        }
    }
    let mut queues = BTreeMap::new();
    for q in &d.queues {
        if q.id.is_empty() || queues.insert(q.id.as_str(), q).is_some() {
            return invalid(format!("queue id {:?} is empty or repeated", q.id));
        }
    }
    let mut ids = BTreeSet::new();
    let mut signing_keys = BTreeMap::new();
    let mut encryption_keys = BTreeMap::new();
    let mut members: BTreeSet<&str> = BTreeSet::new();
    for r in &d.reviewers {
        if r.id.is_empty() || !ids.insert(r.id.as_str()) {
            return invalid(format!("reviewer id {:?} is empty or repeated", r.id));
        }
        // One key, one person: a signing key shared by two ids would let either author as the
        // other, and a shared encryption key would let either read the other's reports.
        if let Some(other) = signing_keys.insert(r.signing_key.to_bytes(), r.id.as_str()) {
            return invalid(format!("reviewers {other} and {} have the same signing key", r.id));
        }
        for k in &r.recipients {
            if let Some(other) = encryption_keys.insert(k.key.trim(), r.id.as_str()) {
                let whose = if other == r.id {
                    format!("reviewer {other} lists the same encryption key twice")
                } else {
                    format!("reviewers {other} and {} have the same encryption key", r.id)
                };
                return invalid(whose);
            }
        }
        if r.x25519_recipient().is_none() {
            return invalid(format!("reviewer {} has no valid x25519 recipient", r.id));
        }
        for k in &r.recipients {
            if k.kind == KEY_KIND_X25519 && parse_age_recipient(&k.key).is_err() {
                return invalid(format!("reviewer {} has an x25519 key that does not parse", r.id));
            }
        }
        for q in &r.queues {
            if !queues.contains_key(q.as_str()) {
                return invalid(format!("reviewer {} is in unknown queue {q}", r.id));
            }
            members.insert(q.as_str());
        }
    }
    // A retired key is never anyone's current key, and is retired once.
    for k in &d.retired {
        if let Some(holder) = signing_keys.insert(k.signing_key.to_bytes(), k.id.as_str()) {
            return invalid(format!("retired key of {} is also the key of {holder}, or retired twice", k.id));
        }
        if k.until_version >= d.version {
            return invalid(format!(
                "the retired key of {} is said to be current until version {}, not before this version {}",
                k.id, k.until_version, d.version
            ));
        }
    }
    if d.reviewers.len() > d.stanzas {
        return invalid(format!(
            "{} reviewers but only {} stanzas: every route must fit the constant stanza count",
            d.reviewers.len(),
            d.stanzas
        ));
    }
    for q in &d.queues {
        if !members.contains(q.id.as_str()) {
            return invalid(format!("queue {} has no reviewers", q.id));
        }
        // Escalation leaves the handling team: to people in the directory who do not read
        // the queue, each named once.
        let mut named = BTreeSet::new();
        for id in &q.escalate_to {
            let Some(r) = d.reviewers.iter().find(|r| &r.id == id) else {
                return invalid(format!("queue {} escalates to {id}, who is not in the directory", q.id));
            };
            if r.queues.contains(&q.id) {
                return invalid(format!(
                    "queue {} escalates to {id}, who reads the queue: escalation must leave the handling team",
                    q.id
                ));
            }
            if !named.insert(id.as_str()) {
                return invalid(format!("queue {} names {id} twice among its escalation recipients", q.id));
            }
        }
    }
    match queues.get(d.routing.fallback_queue.as_str()) {
        Some(q) if q.independent => {}
        Some(_) => return invalid(format!("fallback queue {} is not marked independent", d.routing.fallback_queue)),
        None => return invalid(format!("fallback queue {} does not exist", d.routing.fallback_queue)),
    }
    for (i, rule) in d.routing.rules.iter().enumerate() {
        if rule.queues.is_empty() {
            return invalid(format!("routing rule {} names no queue", i + 1));
        }
        for q in &rule.queues {
            if !queues.contains_key(q.as_str()) {
                return invalid(format!("routing rule {} names unknown queue {q}", i + 1));
            }
        }
    }
    match d.routing.rules.last() {
        Some(last) if last.categories.is_empty() && last.concerning.is_empty() => {}
        _ => return invalid("the last routing rule must match every report (no conditions)".into()),
    }
    Ok(())
}
