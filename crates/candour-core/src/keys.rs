//! Key types: the organisation root (Ed25519), reviewers (age X25519 + Ed25519), and the
//! passphrase-protected secret key file that holds a reviewer's or the root's secrets.
//!
//! Secret types never derive `Clone`, `Debug` prints them redacted, and their bytes are zeroized
//! on drop (`ed25519-dalek` and `x25519-dalek` with their `zeroize` features; our own buffers
//! through [`zeroize::Zeroizing`]).

use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The text prefix of an organisation root public key.
pub const ROOT_PUBLIC_PREFIX: &str = "candour-root-";

/// An Ed25519 public key, written as standard base64 of its 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicSigningKey(pub VerifyingKey);

impl PublicSigningKey {
    /// The key's 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
}

/// A key text that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyParseError {
    /// Not base64 of 32 bytes, or not a valid Ed25519 point.
    #[error("not an Ed25519 public key (base64 of 32 bytes)")]
    Ed25519,
    /// A point of small order: anyone can make signatures that verify under it, so it
    /// identifies nobody.
    #[error("a weak Ed25519 public key (a point of small order), which anyone could sign for")]
    WeakEd25519,
    /// Not an age X25519 recipient (`age1...`).
    #[error("not an age X25519 recipient (age1...)")]
    AgeRecipient,
    /// A root key must start with `candour-root-`.
    #[error("a root public key starts with {ROOT_PUBLIC_PREFIX}")]
    RootPrefix,
}

impl KeyParseError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            KeyParseError::Ed25519 => "key-ed25519",
            KeyParseError::WeakEd25519 => "key-weak-ed25519",
            KeyParseError::AgeRecipient => "key-age-recipient",
            KeyParseError::RootPrefix => "key-root-prefix",
        }
    }
}

impl FromStr for PublicSigningKey {
    type Err = KeyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = B64.decode(s.trim()).map_err(|_| KeyParseError::Ed25519)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyParseError::Ed25519)?;
        PublicSigningKey::from_bytes(&arr)
    }
}

impl PublicSigningKey {
    /// The key these 32 bytes encode, refusing invalid points and weak (small-order) ones.
    /// Every place an author's or root's key enters Candour comes through here or
    /// [`FromStr`], so no signature is ever checked against a key anyone can sign for.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicSigningKey, KeyParseError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyParseError::Ed25519)?;
        if key.is_weak() {
            return Err(KeyParseError::WeakEd25519);
        }
        Ok(PublicSigningKey(key))
    }
}

impl fmt::Display for PublicSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&B64.encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for PublicSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicSigningKey({self})")
    }
}

impl Serialize for PublicSigningKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PublicSigningKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// The organisation root public key that clients pin: `candour-root-<base64>`.
///
/// Its [`fingerprint`](RootPublicKey::fingerprint) is short enough for posters and the intranet.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RootPublicKey(pub PublicSigningKey);

impl RootPublicKey {
    /// A short, human-comparable fingerprint: the first 10 bytes of SHA-256 of the key, as five
    /// groups of four hex digits.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.to_bytes());
        digest[..10].chunks(2).map(|c| format!("{:02x}{:02x}", c[0], c[1])).collect::<Vec<_>>().join("-")
    }
}

impl FromStr for RootPublicKey {
    type Err = KeyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s.trim().strip_prefix(ROOT_PUBLIC_PREFIX).ok_or(KeyParseError::RootPrefix)?;
        Ok(RootPublicKey(rest.parse()?))
    }
}

impl fmt::Display for RootPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ROOT_PUBLIC_PREFIX}{}", self.0)
    }
}

impl fmt::Debug for RootPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RootPublicKey({self})")
    }
}

/// The organisation root's secret signing key. Kept offline; used only to sign directories.
pub struct RootSecretKey(SigningKey);

impl RootSecretKey {
    /// A fresh random root key.
    pub fn generate() -> Self {
        RootSecretKey(SigningKey::generate(&mut OsRng))
    }

    /// A root key from a 32-byte seed (for reproducible example keys and tests only).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        RootSecretKey(SigningKey::from_bytes(seed))
    }

    /// The public key clients pin.
    pub fn public(&self) -> RootPublicKey {
        RootPublicKey(PublicSigningKey(self.0.verifying_key()))
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }
}

impl fmt::Debug for RootSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RootSecretKey({}, secret redacted)", self.public())
    }
}

/// A reviewer's secrets: the age X25519 identity that opens envelopes and the Ed25519 key that
/// signs requests, replies and case events.
pub struct ReviewerSecret {
    /// The reviewer id in the directory these keys belong to.
    pub id: String,
    identity: age::x25519::Identity,
    signing: SigningKey,
}

impl ReviewerSecret {
    /// Fresh random keys for reviewer `id`.
    pub fn generate(id: &str) -> Self {
        ReviewerSecret {
            id: id.to_owned(),
            identity: age::x25519::Identity::generate(),
            signing: SigningKey::generate(&mut OsRng),
        }
    }

    /// The age identity that opens envelopes sealed to this reviewer.
    pub fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// The Ed25519 key that signs this reviewer's requests, replies and case events.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The age recipient (`age1...`) that the directory lists for this reviewer.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }

    /// The Ed25519 public key that the directory lists for this reviewer.
    pub fn public_signing_key(&self) -> PublicSigningKey {
        PublicSigningKey(self.signing.verifying_key())
    }

    /// The age identity in the text form the reference `age` CLI reads (`AGE-SECRET-KEY-1...`).
    /// Exposed for emergency decryption with the reference tools; handle with care.
    pub fn age_identity_text(&self) -> SecretString {
        self.identity.to_string()
    }
}

impl fmt::Debug for ReviewerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReviewerSecret({}, secrets redacted)", self.id)
    }
}

/// The plaintext inside a secret key file. Never leaves this module unencrypted.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", deny_unknown_fields)]
enum SecretFileContents {
    #[serde(rename = "candour-root-secret/1")]
    Root { signing_key: String },
    #[serde(rename = "candour-reviewer-secret/1")]
    Reviewer { id: String, age_identity: String, signing_key: String },
}

impl Drop for SecretFileContents {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            SecretFileContents::Root { signing_key } => signing_key.zeroize(),
            SecretFileContents::Reviewer { age_identity, signing_key, .. } => {
                age_identity.zeroize();
                signing_key.zeroize();
            }
        }
    }
}

/// A secret key file's contents once unlocked.
#[derive(Debug)]
pub enum SecretKeyFile {
    /// The organisation root key.
    Root(RootSecretKey),
    /// A reviewer's keys.
    Reviewer(ReviewerSecret),
}

/// Why a secret key file could not be written or unlocked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretFileError {
    /// Wrong passphrase, or not an age passphrase-encrypted file at all.
    #[error("cannot unlock the key file: wrong passphrase, or not a Candour key file")]
    CannotUnlock,
    /// The file decrypted but its contents are not a Candour key file.
    #[error("the key file is unlocked but its contents are not a Candour key file: {0}")]
    Malformed(String),
    /// Writing the encrypted file failed.
    #[error("writing the key file failed: {0}")]
    Io(#[from] std::io::Error),
    /// A new key file's passphrase is below the floor ([`check_new_passphrase`]).
    #[error(transparent)]
    WeakPassphrase(#[from] WeakPassphrase),
}

impl SecretFileError {
    /// A stable, machine-readable name for the error class.
    pub fn code(&self) -> &'static str {
        match self {
            SecretFileError::CannotUnlock => "cannot-unlock",
            SecretFileError::Malformed(_) => "malformed-key-file",
            SecretFileError::Io(_) => "io",
            SecretFileError::WeakPassphrase(_) => "weak-passphrase",
        }
    }
}

/// The fewest characters a new key file's passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 20;
/// The fewest different characters it may have ("aaaa..." is long but guessable).
pub const MIN_PASSPHRASE_DISTINCT: usize = 8;
/// Words in a generated passphrase: 7 from BIP39's 2048, 77 bits.
pub const GENERATED_PASSPHRASE_WORDS: usize = 7;

/// Why a passphrase may not protect a new key file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "that passphrase is too easy to guess for a key file: {reason}. Use at least {MIN_PASSPHRASE_CHARS} characters, \
     for example several unrelated words, or let Candour generate one (--generate-passphrase)"
)]
pub struct WeakPassphrase {
    /// What is wrong with it, in plain words.
    pub reason: String,
}

/// The floor for a passphrase protecting a *new* key file. A stolen key file can be attacked
/// offline at the cost of one scrypt per guess, so the passphrase must carry real entropy: at
/// least [`MIN_PASSPHRASE_CHARS`] characters of which [`MIN_PASSPHRASE_DISTINCT`] differ.
/// Unlocking an existing file accepts whatever passphrase it was made with.
pub fn check_new_passphrase(passphrase: &SecretString) -> Result<(), WeakPassphrase> {
    let text = passphrase.expose_secret();
    let chars = text.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(WeakPassphrase { reason: format!("it has {chars} characters") });
    }
    let distinct: std::collections::BTreeSet<char> = text.chars().collect();
    if distinct.len() < MIN_PASSPHRASE_DISTINCT {
        return Err(WeakPassphrase { reason: format!("it uses only {} different characters", distinct.len()) });
    }
    Ok(())
}

/// A new random passphrase of [`GENERATED_PASSPHRASE_WORDS`] words from the BIP39 English
/// list (77 bits from the OS's random generator), for a reviewer to learn or keep in a
/// password manager.
pub fn generate_passphrase() -> SecretString {
    use rand::RngCore as _;
    let words = bip39::Language::English.word_list();
    let mut picked = Zeroizing::new(String::new());
    for i in 0..GENERATED_PASSPHRASE_WORDS {
        // 2048 divides 2^32, so taking the low 11 bits of a uniform u32 is uniform.
        let index = (OsRng.next_u32() & 0x7ff) as usize;
        if i > 0 {
            picked.push(' ');
        }
        picked.push_str(words[index]);
    }
    SecretString::from(picked.as_str().to_owned())
}

/// The scrypt work factor (log2 N) for new key files: age's default, about a second to unlock.
pub const DEFAULT_WORK_FACTOR: u8 = 18;

/// The first line of a reviewer key file's plaintext in its second form: an age identity file
/// (docs/emergency-decryption.md). age reads `#` lines as comments, so the reference `age` CLI
/// takes the whole file as an identity (`age -d -i psd-1.key`, asking for its passphrase);
/// Candour reads the id and signing key from the lines it wrote.
const REVIEWER_IDENTITY_FILE: &str = "# candour-reviewer-secret/2";

/// The plaintext of a reviewer key file in its second form.
fn reviewer_identity_file(r: &ReviewerSecret) -> Result<Zeroizing<String>, SecretFileError> {
    if r.id.chars().any(char::is_control) {
        return Err(SecretFileError::Malformed("a reviewer id cannot hold a line break".into()));
    }
    let signing = Zeroizing::new(B64.encode(r.signing.to_bytes()));
    let identity = r.identity.to_string();
    Ok(Zeroizing::new(format!(
        "{REVIEWER_IDENTITY_FILE}\n\
         # A Candour reviewer's keys, readable by the reference age tool as an identity file:\n\
         #   age -d -i THIS-FILE ENVELOPE.age   (see docs/emergency-decryption.md)\n\
         # The signing key below is secret too: never share this file.\n\
         # id: {}\n\
         # signing-key: {}\n\
         {}\n",
        r.id,
        signing.as_str(),
        identity.expose_secret()
    )))
}

/// The id, age identity and signing key of a reviewer identity file, if `text` is one.
fn parse_reviewer_identity_file(text: &str) -> Option<Result<(String, String, String), SecretFileError>> {
    if text.lines().next() != Some(REVIEWER_IDENTITY_FILE) {
        return None;
    }
    let malformed = |what: &str| SecretFileError::Malformed(format!("reviewer identity file: {what}"));
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(&format!("# {name}: ")).map(str::to_owned));
    let parsed = (|| {
        let id = field("id").ok_or_else(|| malformed("no id line"))?;
        let signing = field("signing-key").ok_or_else(|| malformed("no signing-key line"))?;
        let mut identities = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let identity = identities.next().ok_or_else(|| malformed("no AGE-SECRET-KEY line"))?.trim().to_owned();
        if identities.next().is_some() {
            return Err(malformed("more than one identity"));
        }
        Ok((id, identity, signing))
    })();
    Some(parsed)
}

impl SecretKeyFile {
    /// Encrypts these secrets under `passphrase` as an age scrypt file (the reference `age` CLI
    /// can decrypt it too) with scrypt work factor `log_n`. A reviewer's is written as an age
    /// identity file, so `age -d -i` takes it as it is (docs/emergency-decryption.md).
    pub fn write_protected<W: Write>(
        &self,
        passphrase: &SecretString,
        log_n: u8,
        out: W,
    ) -> Result<(), SecretFileError> {
        check_new_passphrase(passphrase)?;
        let json = match self {
            SecretKeyFile::Root(root) => {
                let contents = SecretFileContents::Root { signing_key: B64.encode(root.0.to_bytes()) };
                Zeroizing::new(
                    serde_json::to_vec_pretty(&contents).map_err(|e| SecretFileError::Malformed(e.to_string()))?,
                )
            }
            SecretKeyFile::Reviewer(r) => Zeroizing::new(reviewer_identity_file(r)?.as_bytes().to_vec()),
        };
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        recipient.set_work_factor(log_n);
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
            .map_err(|e| SecretFileError::Malformed(e.to_string()))?;
        let mut w = encryptor.wrap_output(out)?;
        w.write_all(&json)?;
        w.finish()?;
        Ok(())
    }

    /// Unlocks a key file written by [`write_protected`](Self::write_protected).
    pub fn read_protected<R: Read>(input: R, passphrase: &SecretString) -> Result<Self, SecretFileError> {
        let decryptor = age::Decryptor::new(input).map_err(|_| SecretFileError::CannotUnlock)?;
        let mut identity = age::scrypt::Identity::new(passphrase.clone());
        identity.set_max_work_factor(22);
        let reader = decryptor.decrypt(std::iter::once(&identity as _)).map_err(|_| SecretFileError::CannotUnlock)?;
        let mut json = Zeroizing::new(Vec::new());
        reader.take(64 * 1024).read_to_end(&mut json).map_err(|_| SecretFileError::CannotUnlock)?;
        // The second form (a reviewer's, as an age identity file), else the first (JSON).
        let second = std::str::from_utf8(&json).ok().and_then(parse_reviewer_identity_file);
        let contents: SecretFileContents = match second {
            Some(parsed) => {
                let (id, age_identity, signing_key) = parsed?;
                SecretFileContents::Reviewer { id, age_identity, signing_key }
            }
            None => serde_json::from_slice(&json).map_err(|e| SecretFileError::Malformed(e.to_string()))?,
        };
        let signing_key = |b64: &str| -> Result<SigningKey, SecretFileError> {
            let bytes = Zeroizing::new(
                B64.decode(b64).map_err(|_| SecretFileError::Malformed("signing key is not base64".into()))?,
            );
            let seed: &[u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| SecretFileError::Malformed("signing key is not 32 bytes".into()))?;
            Ok(SigningKey::from_bytes(seed))
        };
        match &contents {
            SecretFileContents::Root { signing_key: sk } => Ok(SecretKeyFile::Root(RootSecretKey(signing_key(sk)?))),
            SecretFileContents::Reviewer { id, age_identity, signing_key: sk } => {
                let identity = age_identity
                    .parse::<age::x25519::Identity>()
                    .map_err(|_| SecretFileError::Malformed("age identity does not parse".into()))?;
                Ok(SecretKeyFile::Reviewer(ReviewerSecret { id: id.clone(), identity, signing: signing_key(sk)? }))
            }
        }
    }
}

/// Parses an age X25519 recipient (`age1...`).
pub fn parse_age_recipient(s: &str) -> Result<age::x25519::Recipient, KeyParseError> {
    s.trim().parse().map_err(|_| KeyParseError::AgeRecipient)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn a_reviewer_file_is_an_age_identity_file_and_the_first_form_still_opens() {
        let secret = ReviewerSecret::generate("psd-7");
        let (identity, signing) = (secret.age_identity_text(), B64.encode(secret.signing.to_bytes()));
        let mut file = Vec::new();
        SecretKeyFile::Reviewer(secret)
            .write_protected(&pass("correct horse battery staple"), 10, &mut file)
            .expect("w");
        // What age itself finds inside: comments, then the one identity.
        let decryptor = age::Decryptor::new(&file[..]).expect("age file");
        let scrypt = age::scrypt::Identity::new(pass("correct horse battery staple"));
        let mut inside = String::new();
        decryptor.decrypt(std::iter::once(&scrypt as _)).expect("opens").read_to_string(&mut inside).expect("read");
        let lines: Vec<&str> = inside.lines().collect();
        assert_eq!(lines[0], REVIEWER_IDENTITY_FILE);
        assert!(lines.iter().filter(|l| !l.starts_with('#')).eq([&identity.expose_secret()]), "{}", lines.len());
        assert!(lines.contains(&format!("# signing-key: {signing}").as_str()));
        // The first form, JSON, as older key files hold it.
        let old = ReviewerSecret::generate("psd-8");
        let json = serde_json::to_vec(&SecretFileContents::Reviewer {
            id: old.id.clone(),
            age_identity: old.age_identity_text().expose_secret().to_owned(),
            signing_key: B64.encode(old.signing.to_bytes()),
        })
        .expect("json");
        let mut recipient = age::scrypt::Recipient::new(pass("correct horse battery staple"));
        recipient.set_work_factor(10);
        let mut first = Vec::new();
        let mut w = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
            .expect("e")
            .wrap_output(&mut first)
            .expect("w");
        w.write_all(&json).expect("write");
        w.finish().expect("finish");
        match SecretKeyFile::read_protected(&first[..], &pass("correct horse battery staple")) {
            Ok(SecretKeyFile::Reviewer(r)) => assert_eq!(r.public_signing_key(), old.public_signing_key()),
            other => panic!("the first form no longer opens: {other:?}"),
        }
        let bad = ReviewerSecret::generate("psd-9\n# signing-key: x");
        assert!(SecretKeyFile::Reviewer(bad)
            .write_protected(&pass("correct horse battery staple"), 10, Vec::new())
            .is_err());
    }

    #[test]
    fn reviewer_file_round_trip_and_wrong_passphrase() {
        let secret = ReviewerSecret::generate("psd-1");
        let recipient = secret.recipient().to_string();
        let verifying = secret.public_signing_key();
        let mut file = Vec::new();
        SecretKeyFile::Reviewer(secret)
            .write_protected(&pass("correct horse battery staple"), 10, &mut file)
            .expect("write");
        match SecretKeyFile::read_protected(&file[..], &pass("correct horse battery staple")) {
            Ok(SecretKeyFile::Reviewer(r)) => {
                assert_eq!(r.id, "psd-1");
                assert_eq!(r.recipient().to_string(), recipient);
                assert_eq!(r.public_signing_key(), verifying);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(SecretKeyFile::read_protected(&file[..], &pass("wrong")), Err(SecretFileError::CannotUnlock)));
        assert!(matches!(
            SecretKeyFile::read_protected(&b"not a key file"[..], &pass("x")),
            Err(SecretFileError::CannotUnlock)
        ));
    }

    #[test]
    fn new_key_files_need_a_passphrase_above_the_floor() {
        let write =
            |p: &str| SecretKeyFile::Root(RootSecretKey::generate()).write_protected(&pass(p), 10, &mut Vec::new());
        for weak in ["", "x", "correct horse", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abababababababababababab"] {
            match write(weak) {
                Err(e @ SecretFileError::WeakPassphrase(_)) => assert_eq!(e.code(), "weak-passphrase"),
                other => panic!("{weak:?} was accepted: {other:?}"),
            }
        }
        assert!(write("candour-example-only").is_ok(), "the published example's passphrase meets it");
        let generated = generate_passphrase();
        let words: Vec<&str> = generated.expose_secret().split(' ').collect();
        assert_eq!(words.len(), GENERATED_PASSPHRASE_WORDS);
        assert!(check_new_passphrase(&generated).is_ok(), "{words:?}");
        assert_ne!(generate_passphrase().expose_secret(), generated.expose_secret());
    }

    #[test]
    fn root_key_text_round_trip_and_debug_redacts() {
        let root = RootSecretKey::from_seed(&[7; 32]);
        let public = root.public();
        assert_eq!(public.to_string().parse::<RootPublicKey>(), Ok(public));
        assert_eq!(public.fingerprint().len(), 24);
        let debug = format!("{root:?}");
        assert!(debug.contains("redacted"));
        assert!(!debug.contains(&B64.encode([7u8; 32])));
        assert_eq!("nope".parse::<RootPublicKey>(), Err(KeyParseError::RootPrefix));
        let secret = ReviewerSecret::generate("acu-1");
        let debug = format!("{secret:?}");
        assert!(!debug.contains("AGE-SECRET-KEY"));
        assert!(debug.contains("acu-1"));
    }

    /// Each kind of bad key text has its own code, the same from release to release.
    #[test]
    fn each_bad_key_text_has_its_own_stable_code() {
        let code = |e: KeyParseError| e.code();
        assert_eq!("nope".parse::<RootPublicKey>().map_err(code), Err("key-root-prefix"));
        assert_eq!("not base64!".parse::<PublicSigningKey>().map_err(code), Err("key-ed25519"));
        // The identity point: a small-order key, refused as weak.
        assert_eq!(
            B64.encode({
                let mut k = [0u8; 32];
                k[0] = 1;
                k
            })
            .parse::<PublicSigningKey>()
            .map_err(code),
            Err("key-weak-ed25519")
        );
        assert_eq!(parse_age_recipient("age1nope").map(|_| ()).map_err(code), Err("key-age-recipient"));
    }
}
