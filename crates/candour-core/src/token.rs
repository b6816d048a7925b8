//! The mailbox token: the reporter's only key to two-way anonymous follow-up (docs/design.md §4).
//!
//! 128 random bits, shown once as 12 BIP39 English words (the last word carries a 4-bit
//! checksum, so most mistyped words are caught). Everything the reporter needs later is derived
//! from it with HKDF-SHA256 (RFC 5869) under a domain-separated salt and one `info` label per
//! output, so the outputs are independent keys:
//! - the **reply identity** (age X25519): reviewers seal replies to its public half;
//! - the **reporter signing key** (Ed25519): signs the report and every follow-up, so reviewers
//!   know follow-ups come from the same person;
//! - the **mailbox id**: the relay stores replies under SHA-256 of it
//!   ([`MailboxAddress`]) and hands them to whoever presents the id itself;
//! - the **thread id**: names the case, so a follow-up from a new device joins it. In document
//!   format 2 it is derived from the reporter's public signing key
//!   ([`ThreadId::for_reporter`]), so it is bound to that key; format 1 threads used an HKDF
//!   output of its own ([`MailboxToken::thread_id_v1`]), which the client still recognises.
//!
//! 128 bits of uniform entropy need no slow KDF: a stolen relay database holds only SHA-256
//! hashes of ids derived from the token, and searching 2^128 tokens is infeasible. A shorter
//! token would need Argon2id (RFC 9106, 64 MiB, t=3) and must not be offered without it.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::SigningKey;
use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::keys::PublicSigningKey;
use crate::wire::{MailboxAddress, ThreadId};

/// The HKDF salt: fixes the protocol and its version.
pub const TOKEN_KDF_SALT: &[u8] = b"candour/v1/mailbox-token";

/// A mailbox token: 16 secret bytes. Never `Clone`, redacted in `Debug`, zeroized on drop.
pub struct MailboxToken([u8; 16]);

/// Why a typed token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenParseError {
    /// Not 12 words.
    #[error("a mailbox token is 12 words; this has {0}")]
    WordCount(usize),
    /// A word that is not in the BIP39 English list (1-based position).
    #[error("word {0} is not a token word: check its spelling")]
    UnknownWord(usize),
    /// All words are valid but the checksum fails: a word is wrong or two are swapped.
    #[error("the words do not form a valid token (checksum failed): a word is mistyped or out of order")]
    Checksum,
}

impl TokenParseError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            TokenParseError::WordCount(_) => "token-word-count",
            TokenParseError::UnknownWord(_) => "token-unknown-word",
            TokenParseError::Checksum => "token-checksum",
        }
    }
}

impl MailboxToken {
    /// A fresh random token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        MailboxToken(bytes)
    }

    /// A token from its 16 bytes (tests and fixtures).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        MailboxToken(bytes)
    }

    /// The 12 words to show the reporter, once.
    pub fn to_words(&self) -> Zeroizing<String> {
        // bip39 only fails for entropy lengths that are not a multiple of 32 bits; 128 is fine.
        // Straight into a wiped string: no list of words (each one a pointer into the word
        // list, i.e. the token's bits) is left behind. `Mnemonic` wipes its indices on drop
        // (bip39's `zeroize` feature).
        match bip39::Mnemonic::from_entropy(&self.0) {
            Ok(m) => {
                let mut words = Zeroizing::new(String::with_capacity(12 * 9));
                for (i, word) in m.words().enumerate() {
                    if i > 0 {
                        words.push(' ');
                    }
                    words.push_str(word);
                }
                words
            }
            Err(_) => unreachable!("128-bit entropy is always a valid BIP39 length"),
        }
    }

    fn derive(&self, label: &str) -> Zeroizing<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(Some(TOKEN_KDF_SALT), &self.0);
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
        if hk.expand(label.as_bytes(), out.as_mut()).is_err() {
            unreachable!("32-byte HKDF output is always allowed");
        }
        out
    }

    /// The reporter's reply identity (age X25519): replies are sealed to its public half.
    pub fn reply_identity(&self) -> age::x25519::Identity {
        let scalar = self.derive("reply-identity");
        // age parses identities only from their Bech32 text; build it and wipe it.
        let hrp = bech32::Hrp::parse_unchecked("age-secret-key-");
        let mut text = match bech32::encode::<bech32::Bech32>(hrp, scalar.as_ref()) {
            Ok(t) => t.to_uppercase(),
            Err(_) => unreachable!("32 bytes always fit a Bech32 string"),
        };
        let identity = text.parse::<age::x25519::Identity>();
        text.zeroize();
        match identity {
            Ok(i) => i,
            Err(_) => unreachable!("a Bech32 age secret key of 32 bytes always parses"),
        }
    }

    /// The reporter's signing key (Ed25519).
    pub fn signing_key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.derive("reporter-signing-key"))
    }

    /// The reporter's public signing key, as carried in reports.
    pub fn public_signing_key(&self) -> PublicSigningKey {
        PublicSigningKey(self.signing_key().verifying_key())
    }

    /// The mailbox id: presenting it to the relay proves possession of the token.
    pub fn mailbox_id(&self) -> MailboxId {
        MailboxId(*self.derive("mailbox-id"))
    }

    /// The thread id of a format 2 report sent with this token: bound to its signing key.
    pub fn thread_id(&self) -> ThreadId {
        ThreadId::for_reporter(&self.public_signing_key())
    }

    /// The thread id a format 1 report sent with this token had (an HKDF output of its own):
    /// what a follow-up to such a report, and replies to it, carry.
    pub fn thread_id_v1(&self) -> ThreadId {
        let full = self.derive("thread-id");
        let mut id = [0u8; 16];
        id.copy_from_slice(&full[..16]);
        ThreadId(id)
    }
}

impl FromStr for MailboxToken {
    type Err = TokenParseError;

    /// Parses 12 words, ignoring case and extra white space.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normalised = Zeroizing::new(s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>());
        if normalised.len() != 12 {
            return Err(TokenParseError::WordCount(normalised.len()));
        }
        let joined = Zeroizing::new(normalised.join(" "));
        match bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &joined) {
            Ok(m) => {
                let (entropy, len) = m.to_entropy_array();
                let mut bytes = [0u8; 16];
                if len != 16 {
                    return Err(TokenParseError::WordCount(normalised.len()));
                }
                bytes.copy_from_slice(&entropy[..16]);
                let mut entropy = entropy;
                entropy.zeroize();
                Ok(MailboxToken(bytes))
            }
            Err(bip39::Error::UnknownWord(i)) => Err(TokenParseError::UnknownWord(i + 1)),
            Err(bip39::Error::BadWordCount(n)) => Err(TokenParseError::WordCount(n)),
            Err(_) => Err(TokenParseError::Checksum),
        }
    }
}

impl Drop for MailboxToken {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for MailboxToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MailboxToken(redacted)")
    }
}

/// The mailbox id derived from a token. Secret: only the token holder presents it; the relay
/// stores its [`address`](MailboxId::address) instead.
pub struct MailboxId([u8; 32]);

impl MailboxId {
    /// The id's bytes, to present to the relay.
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }

    /// Rebuilds an id from bytes presented to the relay.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        MailboxId(bytes)
    }

    /// Where the relay files replies: SHA-256 of the id.
    pub fn address(&self) -> MailboxAddress {
        MailboxAddress::of(&self.0)
    }
}

impl Drop for MailboxId {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for MailboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MailboxId(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reporter mistyped gets a code that stays the same from release to release.
    #[test]
    fn each_mistyped_token_has_its_own_stable_code() {
        let words = MailboxToken::from_bytes([0x5a; 16]).to_words();
        let mut list: Vec<&str> = words.split(' ').collect();
        let code = |s: &str| s.parse::<MailboxToken>().err().map(|e| e.code());
        assert_eq!(code(&list[..11].join(" ")), Some("token-word-count"));
        let last = list[11];
        list[11] = "notaword";
        assert_eq!(code(&list.join(" ")), Some("token-unknown-word"));
        // Another real word in the last place breaks the checksum.
        list[11] = if last == "abandon" { "ability" } else { "abandon" };
        assert_eq!(code(&list.join(" ")), Some("token-checksum"));
        assert_eq!(code(&words), None);
    }

    #[test]
    fn words_round_trip_with_case_and_spacing() {
        let token = MailboxToken::from_bytes([0x5a; 16]);
        let words = token.to_words();
        assert_eq!(words.split(' ').count(), 12);
        let messy = format!("  {}  ", words.to_uppercase().replace(' ', "   \n "));
        let back: MailboxToken = messy.parse().expect("parses");
        assert_eq!(back.0, token.0);
    }

    #[test]
    fn bad_checksum_unknown_word_and_count_are_named() {
        let words = MailboxToken::from_bytes([1; 16]).to_words();
        let mut list: Vec<&str> = words.split(' ').collect();
        // Swapping two different words keeps every word valid but breaks the checksum.
        let (a, b) = (list[0], list[5]);
        assert_ne!(a, b);
        list.swap(0, 5);
        assert_eq!(list.join(" ").parse::<MailboxToken>().err(), Some(TokenParseError::Checksum));
        list[3] = "notaword";
        assert_eq!(list.join(" ").parse::<MailboxToken>().err(), Some(TokenParseError::UnknownWord(4)));
        assert_eq!("abandon ability".parse::<MailboxToken>().err(), Some(TokenParseError::WordCount(2)));
    }

    #[test]
    fn derivations_are_stable_distinct_and_redacted() {
        let t = MailboxToken::from_bytes([9; 16]);
        let u = MailboxToken::from_bytes([9; 16]);
        assert_eq!(t.mailbox_id().expose_secret(), u.mailbox_id().expose_secret());
        assert_eq!(t.reply_identity().to_public().to_string(), u.reply_identity().to_public().to_string());
        assert_eq!(t.public_signing_key(), u.public_signing_key());
        assert_eq!(t.thread_id(), u.thread_id());
        let other = MailboxToken::from_bytes([8; 16]);
        assert_ne!(t.mailbox_id().expose_secret(), other.mailbox_id().expose_secret());
        assert_ne!(t.public_signing_key(), other.public_signing_key());
        assert_ne!(&t.mailbox_id().expose_secret()[..16], &t.thread_id().0[..]);
        assert_ne!(&t.mailbox_id().expose_secret()[..16], &t.thread_id_v1().0[..]);
        assert_ne!(t.mailbox_id().address().0, *t.mailbox_id().expose_secret());
        assert_eq!(format!("{t:?}"), "MailboxToken(redacted)");
        assert_eq!(format!("{:?}", t.mailbox_id()), "MailboxId(redacted)");
    }

    /// Frozen derivation vector: changing the KDF labels or salt breaks every issued token.
    /// The address and thread id were checked independently against RFC 5869 HKDF in Python's
    /// standard library (hmac + hashlib).
    #[test]
    fn derivation_vector_is_frozen() {
        let t = MailboxToken::from_bytes([0; 16]);
        assert_eq!(
            &*t.to_words(),
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
        );
        let address = t.mailbox_id().address().to_string();
        let reply = t.reply_identity().to_public().to_string();
        assert_eq!(address, include_str!("../tests/vectors/token-zero.address").trim());
        assert_eq!(reply, include_str!("../tests/vectors/token-zero.reply").trim());
        assert_eq!(t.thread_id_v1().to_string(), "134bc8259315cae8083e40dc30d2ef3b");
        // Format 2: SHA-256("candour/v2/thread-id\n" || public key)[..16], checked with
        // Python (hashlib, and the cryptography package for the Ed25519 public key).
        assert_eq!(t.thread_id().to_string(), include_str!("../tests/vectors/token-zero.thread-v2").trim());
        assert_ne!(t.thread_id(), t.thread_id_v1());
    }
}
