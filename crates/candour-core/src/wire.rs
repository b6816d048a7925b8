//! Types that cross the wire between clients and the relay.
//!
//! The relay's storage API takes [`Ciphertext`], never a report: "the relay never sees plaintext"
//! is a fact of its types. Identifiers that the relay sees are one-way functions of secrets the
//! relay never sees ([`MailboxAddress`], [`CaseStreamId`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// An opaque envelope (an age v1 file) or a chunk of one, as the relay stores it.
///
/// There is deliberately no way to build one from a [`Report`](crate::report::Report): only
/// from bytes that a client has already sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct Ciphertext(Vec<u8>);

impl Ciphertext {
    /// Wraps bytes received from a client or read from storage.
    pub fn from_sealed_bytes(bytes: Vec<u8>) -> Self {
        Ciphertext(bytes)
    }
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// The bytes, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Ciphertext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ciphertext({} bytes)", self.0.len())
    }
}

/// A hex string of a fixed number of bytes that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected} bytes as lowercase hex")]
pub struct HexError {
    expected: usize,
}

/// Parses exactly `N` bytes of lowercase hex: the one hex reader of every wire form (no upper
/// case, no sign, no white space, so each value has one spelling).
pub fn parse_hex<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    let err = HexError { expected: N };
    let b = s.as_bytes();
    if b.len() != 2 * N {
        return Err(err);
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, pair) in b.chunks(2).enumerate() {
        match (nibble(pair[0]), nibble(pair[1])) {
            (Some(h), Some(l)) => out[i] = h << 4 | l,
            _ => return Err(err),
        }
    }
    Ok(out)
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

/// Lowercase hex of `bytes`, as [`parse_hex`] reads it. Written into one allocation of the exact
/// size, with no temporaries, so a caller holding a secret's hex can wipe the only copy.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $n:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; $n]);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hex(f, &self.0)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(", stringify!($name))?;
                write_hex(f, &self.0)?;
                f.write_str(")")
            }
        }
        impl FromStr for $name {
            type Err = HexError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_hex::<$n>(s).map($name)
            }
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_id!(
    /// A report's thread: the report and all its follow-ups and replies. Derived from the
    /// mailbox token (in format 2, from its public signing key: [`ThreadId::for_reporter`]), so
    /// the reporter can continue it from any device. Seen only inside envelopes, never by the
    /// relay.
    ThreadId,
    16
);

hex_id!(
    /// Where the relay files a mailbox's replies: SHA-256 of the secret mailbox id. A stolen
    /// relay database holds only these.
    MailboxAddress,
    32
);

hex_id!(
    /// The relay-visible name of a case stream: a one-way function of the thread id, so the
    /// relay cannot link a case stream to the inbox blob that started it.
    CaseStreamId,
    32
);

/// Domain separation for deriving a format 2 thread id from the reporter's public key.
pub const THREAD_ID_CONTEXT: &[u8] = b"candour/v2/thread-id\n";

impl ThreadId {
    /// The thread id of a format 2 report: the first 16 bytes of SHA-256 of a context and the
    /// reporter's public signing key. Bound to the key, so nobody else (a reader who has seen
    /// the thread id, a relay that reorders the inbox) can open a competing case under it with
    /// another key: that needs a second key hashing to the same 128 bits.
    pub fn for_reporter(key: &crate::keys::PublicSigningKey) -> Self {
        let mut h = Sha256::new();
        h.update(THREAD_ID_CONTEXT);
        h.update(key.to_bytes());
        let digest = h.finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        ThreadId(id)
    }
}

hex_id!(
    /// A SHA-256 digest inside a document (a route commitment's key digest, a follow-up's last
    /// seen reply), as 64 lowercase hex digits.
    Sha256Hex,
    32
);

hex_id!(
    /// An Ed25519 signature inside a document (a route commitment's), as 128 lowercase hex
    /// digits.
    SignatureHex,
    64
);

impl MailboxAddress {
    /// SHA-256 of a mailbox id's bytes.
    pub fn of(mailbox_id: &[u8; 32]) -> Self {
        MailboxAddress(Sha256::digest(mailbox_id).into())
    }
}

/// Domain separation for deriving a case stream id from a thread id.
pub const CASE_STREAM_CONTEXT: &[u8] = b"candour/v1/case-stream\n";

impl CaseStreamId {
    /// SHA-256 of a context string and the thread id.
    pub fn for_thread(thread: &ThreadId) -> Self {
        let mut h = Sha256::new();
        h.update(CASE_STREAM_CONTEXT);
        h.update(thread.0);
        CaseStreamId(h.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_round_trip_and_reject_junk() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(parse_hex::<4>(&to_hex(&[1, 2, 254, 255])), Ok([1, 2, 254, 255]));
        let t = ThreadId([0xab; 16]);
        assert_eq!(t.to_string().parse::<ThreadId>(), Ok(t));
        assert_eq!(serde_json::to_string(&t).ok(), Some(format!("\"{t}\"")));
        assert!("AB".repeat(16).parse::<ThreadId>().is_err());
        assert!("ab".repeat(15).parse::<ThreadId>().is_err());
        assert!("zz".repeat(16).parse::<ThreadId>().is_err());
        assert_ne!(CaseStreamId::for_thread(&t).0[..16], t.0[..]);
        assert_eq!(format!("{:?}", Ciphertext::from_sealed_bytes(vec![1, 2, 3])), "Ciphertext(3 bytes)");
    }
}
