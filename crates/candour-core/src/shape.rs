//! The visible shape of an envelope, checked without any key (docs/design.md §3, §5).
//!
//! Every envelope Candour writes is an age v1 file with exactly the directory's `stanzas` X25519
//! stanzas (real recipients and decoys), at most one random "grease" stanza that age's library
//! always adds, and a payload whose plaintext is a Padmé length of at least 16 KiB. Anything else
//! was not written by Candour: random bytes, a plaintext body, an age file with two recipients
//! instead of twelve (whose header would reveal the route). The relay refuses such uploads
//! before storing them ([`check_prefix`] as soon as the header has arrived, [`check_total_len`]
//! once the length is known), and a reviewer's sync tells them apart from envelopes that are
//! merely for someone else.
//!
//! # What is checked, and why it is enough for the relay
//! - The header is parsed strictly: `age-encryption.org/v1`, stanzas of `-> tag args...` with
//!   canonical unpadded base64 bodies wrapped at 64 columns (the last line shorter), and the
//!   `--- <MAC>` line. This is only the part anyone can see; the MAC and the stanzas themselves
//!   are authenticated by age when a recipient opens the file, so a well-shaped forgery gains
//!   nothing but a slot that every reviewer's sync reports as not openable.
//! - An X25519 stanza is `-> X25519 <43 base64>` with a 43-character body (a 32-byte share and a
//!   32-byte wrapped file key), so all of them have the same size.
//! - The grease stanza is age's (`age_core::format::grease_the_joint`): a tag ending in
//!   `-grease` of at most 15 characters, at most four arguments of at most eight characters, and
//!   a body under 100 bytes. It is drawn at random, independently of the route and the content.
//! - The payload of age's STREAM is a 16-byte nonce, then 64 KiB plaintext chunks each with a
//!   16-byte tag, the last one possibly shorter (and full when the plaintext is a multiple of
//!   64 KiB). So the payload length determines the plaintext length, which must be a Padmé
//!   length ([`padded_len`]) of at least [`PADDING_FLOOR`].

use crate::padding::{padded_len, PADDING_FLOOR};

/// The first line of every age v1 file.
pub const AGE_V1_LINE: &[u8] = b"age-encryption.org/v1\n";
/// An age v1 header is never longer than this in an envelope: 64 X25519 stanzas and a grease
/// stanza take under 6.5 KiB.
pub const MAX_HEADER_LEN: usize = 8 * 1024;
/// The encoded length of one X25519 stanza: `-> X25519 ` + 43 + newline, 43 + newline.
pub const X25519_STANZA_LEN: usize = 10 + 43 + 1 + 43 + 1;
/// The longest grease stanza age writes: a 15-character tag, four 8-character arguments and a
/// 99-byte body (132 base64 characters on three lines).
pub const MAX_GREASE_STANZA_LEN: usize = 3 + 15 + 4 * 9 + 1 + 132 + 3;
/// The MAC line: `--- ` + 43 base64 characters + newline.
pub const MAC_LINE_LEN: usize = 4 + 43 + 1;
/// age's STREAM: plaintext chunk size, nonce and tag lengths.
const CHUNK: u64 = 64 * 1024;
const NONCE: u64 = 16;
const TAG: u64 = 16;

/// Why bytes are not an envelope Candour would write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// The bytes do not start with an age v1 header, or it is malformed.
    #[error("not an age v1 file: {0}")]
    NotAge(&'static str),
    /// The header has another number of X25519 stanzas than the directory's constant.
    #[error("the header has {found} X25519 stanzas; every envelope has exactly {expected}")]
    StanzaCount {
        /// X25519 stanzas found.
        found: usize,
        /// The directory's `stanzas`.
        expected: usize,
    },
    /// A stanza that is neither X25519 nor age's grease, or more than one grease stanza.
    #[error("the header has a stanza Candour never writes: {0}")]
    ForeignStanza(String),
    /// The payload length is not that of a Padmé-padded plaintext.
    #[error("the payload length does not match a padded plaintext")]
    PayloadLength,
    /// The upload is longer than its proof of work (or the relay) allows.
    #[error("the envelope is longer than the {0} bytes declared for it")]
    TooLong(u64),
}

impl ShapeError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            ShapeError::NotAge(_) => "not-age",
            ShapeError::StanzaCount { .. } => "stanza-count",
            ShapeError::ForeignStanza(_) => "foreign-stanza",
            ShapeError::PayloadLength => "payload-length",
            ShapeError::TooLong(_) => "too-long",
        }
    }
}

/// The parsed visible header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The header's encoded length, up to and including the MAC line.
    pub len: usize,
    /// X25519 stanzas.
    pub x25519: usize,
    /// The grease stanza's tag, if there is one.
    pub grease: Option<String>,
}

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

/// Whether `s` is canonical unpadded base64 of some length (the last character carries no
/// stray low bits).
fn canonical_b64(s: &[u8]) -> bool {
    if !s.iter().copied().all(is_b64) || s.len() % 4 == 1 {
        return false;
    }
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    match (s.len() % 4, s.last()) {
        (2, Some(&c)) => value(c) & 0x0f == 0,
        (3, Some(&c)) => value(c) & 0x03 == 0,
        _ => true,
    }
}

/// Parses the visible age v1 header at the start of `bytes`. `Ok(None)` means the header is not
/// complete yet (more bytes are needed, and fewer than [`MAX_HEADER_LEN`] have been given).
pub fn parse_header(bytes: &[u8]) -> Result<Option<Header>, ShapeError> {
    let window = &bytes[..bytes.len().min(MAX_HEADER_LEN)];
    let incomplete = || {
        if bytes.len() >= MAX_HEADER_LEN {
            Err(ShapeError::NotAge("the header is too long"))
        } else {
            Ok(None)
        }
    };
    let prefix = AGE_V1_LINE.len().min(window.len());
    if window[..prefix] != AGE_V1_LINE[..prefix] {
        return Err(ShapeError::NotAge("it does not begin with the age v1 line"));
    }
    if window.len() < AGE_V1_LINE.len() {
        return incomplete();
    }
    let mut at = AGE_V1_LINE.len();
    let mut header = Header { len: 0, x25519: 0, grease: None };
    // One line at a time; each must be complete (end in a newline) to be judged.
    let line_at = |at: usize| window[at..].iter().position(|&b| b == b'\n').map(|n| &window[at..at + n]);
    loop {
        let Some(line) = line_at(at) else { return incomplete() };
        if let Some(mac) = line.strip_prefix(b"--- ") {
            if mac.len() != 43 || !canonical_b64(mac) {
                return Err(ShapeError::NotAge("the MAC line is malformed"));
            }
            header.len = at + line.len() + 1;
            return Ok(Some(header));
        }
        let Some(stanza) = line.strip_prefix(b"-> ") else {
            return Err(ShapeError::NotAge("expected a stanza or the MAC line"));
        };
        let args: Vec<&[u8]> = stanza.split(|&b| b == b' ').collect();
        if args.iter().any(|a| a.is_empty() || !a.iter().all(|&c| (33..=126).contains(&c))) {
            return Err(ShapeError::NotAge("a stanza argument is malformed"));
        }
        at += line.len() + 1;
        // The body: full 64-character lines, then one shorter line (possibly empty).
        let mut body_len = 0usize;
        loop {
            let Some(body) = line_at(at) else { return incomplete() };
            if body.len() > 64 || !canonical_b64(body) {
                return Err(ShapeError::NotAge("a stanza body is not canonical base64"));
            }
            at += body.len() + 1;
            body_len += body.len();
            if body.len() < 64 {
                break;
            }
        }
        match args.as_slice() {
            [b"X25519", share] => {
                if share.len() != 43 || !canonical_b64(share) || body_len != 43 {
                    return Err(ShapeError::ForeignStanza("an X25519 stanza of the wrong size".into()));
                }
                header.x25519 += 1;
            }
            [tag, rest @ ..]
                if tag.ends_with(b"-grease")
                    && tag.len() <= 15
                    && rest.len() <= 4
                    && rest.iter().all(|a| a.len() <= 8)
                    && body_len <= 132
                    && header.grease.is_none() =>
            {
                header.grease = Some(String::from_utf8_lossy(tag).into_owned());
            }
            [tag, ..] => {
                return Err(ShapeError::ForeignStanza(String::from_utf8_lossy(tag).chars().take(40).collect()))
            }
            [] => return Err(ShapeError::NotAge("an empty stanza line")),
        }
    }
}

/// The payload length (after the header) of an envelope whose padded plaintext is `padded`
/// bytes long.
pub fn payload_len(padded: u64) -> u64 {
    let chunks = padded.div_ceil(CHUNK).max(1);
    NONCE.saturating_add(padded).saturating_add(TAG.saturating_mul(chunks))
}

/// Whether a payload of `len` bytes holds a padded plaintext of a length Candour writes.
pub fn payload_len_is_padded(len: u64) -> bool {
    let Some(body) = len.checked_sub(NONCE) else { return false };
    let chunks = body.div_ceil(CHUNK + TAG);
    let Some(plain) = body.checked_sub(TAG * chunks) else { return false };
    plain >= PADDING_FLOOR && plain.div_ceil(CHUNK) == chunks && padded_len(plain) == plain
}

/// The longest header an envelope with `stanzas` X25519 stanzas can have.
pub fn max_header_len(stanzas: usize) -> u64 {
    (AGE_V1_LINE.len() + stanzas * X25519_STANZA_LEN + MAX_GREASE_STANZA_LEN + MAC_LINE_LEN) as u64
}

/// Checks the header at the start of an upload, as soon as it is complete: `Ok(None)` while it
/// is not. `total_len`, if the uploader declared it, is checked at once too.
pub fn check_prefix(bytes: &[u8], stanzas: usize, total_len: Option<u64>) -> Result<Option<Header>, ShapeError> {
    let Some(header) = parse_header(bytes)? else { return Ok(None) };
    if header.x25519 != stanzas {
        return Err(ShapeError::StanzaCount { found: header.x25519, expected: stanzas });
    }
    if let Some(total) = total_len {
        check_total_len(&header, total)?;
    }
    Ok(Some(header))
}

/// Checks an envelope's whole length against its header.
pub fn check_total_len(header: &Header, total_len: u64) -> Result<(), ShapeError> {
    match total_len.checked_sub(header.len as u64) {
        Some(payload) if payload_len_is_padded(payload) => Ok(()),
        _ => Err(ShapeError::PayloadLength),
    }
}

/// Checks a whole envelope in memory.
pub fn check(envelope: &[u8], stanzas: usize) -> Result<Header, ShapeError> {
    match check_prefix(envelope, stanzas, Some(envelope.len() as u64))? {
        Some(header) => Ok(header),
        None => Err(ShapeError::NotAge("the header is incomplete")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_payload_lengths_are_recognised_and_others_refused() {
        for plain in
            [PADDING_FLOOR, padded_len(PADDING_FLOOR + 1), 65_536, 131_072, padded_len(1 << 20), padded_len(3 << 20)]
        {
            assert_eq!(padded_len(plain), plain);
            let p = payload_len(plain);
            assert!(payload_len_is_padded(p), "{plain}");
            assert!(!payload_len_is_padded(p + 1) && !payload_len_is_padded(p - 1), "{plain}");
        }
        for bad in [0, 15, 16, 17, 100, payload_len(PADDING_FLOOR - 1), payload_len(PADDING_FLOOR + 1)] {
            assert!(!payload_len_is_padded(bad), "{bad}");
        }
    }

    #[test]
    fn the_header_is_parsed_strictly() {
        let share = "A".repeat(43);
        let x = format!("-> X25519 {share}\n{share}\n");
        let mac = format!("--- {share}\n");
        let good = format!("age-encryption.org/v1\n{x}{x}-> a-grease b c\nAAAA\n{mac}");
        let h = parse_header(good.as_bytes()).expect("parses").expect("complete");
        assert_eq!((h.x25519, h.grease.as_deref(), h.len), (2, Some("a-grease"), good.len()));
        // Every prefix is incomplete, never an error.
        for n in 0..good.len() {
            assert_eq!(parse_header(&good.as_bytes()[..n]), Ok(None), "prefix {n}");
        }
        for bad in [
            format!("age-encryption.org/v2\n{x}{mac}"),
            format!("age-encryption.org/v1\n{x}{x}-> a-grease\n\n-> b-grease\n\n{mac}"),
            format!("age-encryption.org/v1\n-> scrypt AAAA 18\n{share}\n{mac}"),
            format!("age-encryption.org/v1\n-> X25519 {share}\n{share}A\n{mac}"),
            format!("age-encryption.org/v1\n-> X25519  {share}\n{share}\n{mac}"),
            format!("age-encryption.org/v1\n{x}--- {share}=\n"),
            format!("age-encryption.org/v1\n{x}junk\n{mac}"),
            // "AB" is not canonical: its last character carries stray bits.
            format!("age-encryption.org/v1\n{x}-> a-grease\nAB\n{mac}"),
        ] {
            assert!(parse_header(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(parse_header(&[b'a'; 10]).is_err());
        let endless = format!("age-encryption.org/v1\n{}", x.repeat(MAX_HEADER_LEN / x.len() + 1));
        assert!(parse_header(endless.as_bytes()).is_err(), "headers are bounded");
        assert_eq!(check_prefix(good.as_bytes(), 12, None), Err(ShapeError::StanzaCount { found: 2, expected: 12 }));
    }
}
