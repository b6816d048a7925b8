//! The envelope: one report, follow-up or reply as one age v1 file (docs/design.md §3).
//!
//! # Composition, and why it is safe
//! - **Encryption** is age v1 with X25519 recipients, unchanged, so the reference `age` CLI can
//!   open an envelope in an emergency and auditors can check the format with independent tools.
//!   age gives confidentiality and integrity of the whole payload (ChaCha20-Poly1305 STREAM with a
//!   final-chunk flag, so truncation is detected) and binds the header with an HMAC.
//! - **Constant recipient count**: every envelope carries exactly `stanzas` X25519 stanzas: the
//!   real recipients plus throwaway keys generated here and dropped at once (their secrets never
//!   leave this function and are zeroized), in a random order. age's X25519 stanzas are anonymous
//!   and of fixed size, so the header shows neither the route nor the team size. age also adds
//!   one random "grease" stanza to every file (a forward-compatibility measure of its spec that its
//!   library does not let callers switch off); it is drawn independently of recipients and
//!   content, so it adds noise to the header size but carries no information about the report.
//! - **Padding**: the framed plaintext is padded with zeros to [`padded_len`] (Padmé, 16 KiB
//!   floor) inside the encryption, so the ciphertext length reveals only the Padmé bucket.
//! - **Authorship**: age is not sender-authenticated (anyone holding the recipients' public keys
//!   can write to them). So the framed plaintext ends with an Ed25519 signature by the author
//!   (the reporter's token-derived key, or the reviewer's key) over SHA-256 of everything framed
//!   before it, with a domain-separation prefix. Hash-then-sign is safe given SHA-256's collision
//!   resistance, and lets the signature be computed while streaming.
//!
//! # Framed plaintext (do not modify: golden tests freeze both versions)
//! ```text
//! magic      "CANDOUR\0"                     8 bytes
//! version    u16 big-endian: 2 is written, 1 is still read
//! kind       u8, version 2 only: the EnvelopeKind, which also picks the signature's context
//! doc_len    u32 big-endian, at most MAX_DOCUMENT_LEN
//! document   doc_len bytes of JSON (see crate::report::Document)
//! repeated:  tag u8 = 1 (attachment)
//!            meta_len u16 BE, meta JSON (AttachmentMeta), at most MAX_META_LEN
//!            data_len u64 BE, data_len bytes
//! end        tag u8 = 0
//! signer     32 bytes Ed25519 public key
//! signature  64 bytes: Ed25519(signer, context || SHA-256(magic..end))
//! padding    zero bytes up to padded_len(length of all the above)
//! ```
//! The context is [`SIGNATURE_CONTEXT`] in version 1 and [`EnvelopeKind::signature_context`] in
//! version 2: one key (a reviewer's) signs replies, receipts and case events, and a signature
//! made for one kind must never verify as another, whatever the bytes say (docs/design.md §3). The kind
//! byte is inside the hashed framing as well, so it cannot be changed without the signer.
//! Attachments stream through in 64 KiB pieces: sealing or opening a 1 GiB file never holds it
//! in memory.

use std::io::{self, Read, Write};

use ed25519_dalek::{Signature, Signer as _, SigningKey};
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::digest::StreamDigest;
use crate::keys::PublicSigningKey;
use crate::padding::padded_len;

/// The framed plaintext's first bytes.
pub const MAGIC: &[u8; 8] = b"CANDOUR\0";
/// The framing version this crate writes: version 2, with a kind byte and per-kind signature
/// contexts.
pub const FRAME_VERSION: u16 = 2;
/// The first framing version, without a kind byte: still opened, never written.
pub const FRAME_VERSION_1: u16 = 1;
/// The largest JSON document an envelope may carry (attachments are separate and unbounded).
pub const MAX_DOCUMENT_LEN: u32 = 1024 * 1024;
/// The largest attachment metadata record.
pub const MAX_META_LEN: u16 = 4096;
/// The most attachments one envelope may carry.
pub const MAX_ATTACHMENTS: usize = 256;
/// Domain separation for the author's signature in framing version 1 (one context for every
/// kind). Version 2 uses [`EnvelopeKind::signature_context`].
pub const SIGNATURE_CONTEXT: &[u8] = b"candour-envelope-signature/v1\n";

/// What an envelope carries, fixed by its author when sealing (framing version 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnvelopeKind {
    /// A reporter's first report.
    Report,
    /// A reporter's follow-up.
    FollowUp,
    /// A reviewer's receipt for a report.
    Receipt,
    /// A reviewer's reply to the reporter.
    Reply,
    /// A reviewer's case event (case streams; never a mailbox document).
    CaseEvent,
    /// A reviewer tool's sanitised escalation notice (inbox, to those outside the unit).
    EscalationNotice,
    /// A confidential reporter's name and contact, sealed to the identity custodians and
    /// carried inside the report (docs/design.md §6 "Custodian-held identities").
    HeldIdentity,
    /// A case reader's request to the custodians for a held identity (inbox).
    IdentityRequest,
    /// A custodian's answer to a request, to the requester alone (inbox).
    IdentityAnswer,
}

impl EnvelopeKind {
    /// Every kind, in byte order.
    pub const ALL: [EnvelopeKind; 9] = [
        EnvelopeKind::Report,
        EnvelopeKind::FollowUp,
        EnvelopeKind::Receipt,
        EnvelopeKind::Reply,
        EnvelopeKind::CaseEvent,
        EnvelopeKind::EscalationNotice,
        EnvelopeKind::HeldIdentity,
        EnvelopeKind::IdentityRequest,
        EnvelopeKind::IdentityAnswer,
    ];

    /// The byte that names this kind in the framing.
    pub fn byte(self) -> u8 {
        match self {
            EnvelopeKind::Report => 1,
            EnvelopeKind::FollowUp => 2,
            EnvelopeKind::Receipt => 3,
            EnvelopeKind::Reply => 4,
            EnvelopeKind::CaseEvent => 5,
            EnvelopeKind::EscalationNotice => 6,
            EnvelopeKind::HeldIdentity => 7,
            EnvelopeKind::IdentityRequest => 8,
            EnvelopeKind::IdentityAnswer => 9,
        }
    }

    /// The kind a framing byte names, if any.
    pub fn from_byte(byte: u8) -> Option<EnvelopeKind> {
        EnvelopeKind::ALL.into_iter().find(|k| k.byte() == byte)
    }

    /// The domain separation for this kind's author signature (framing version 2).
    pub fn signature_context(self) -> &'static [u8] {
        match self {
            EnvelopeKind::Report => b"candour-envelope-signature/v2/report\n",
            EnvelopeKind::FollowUp => b"candour-envelope-signature/v2/follow-up\n",
            EnvelopeKind::Receipt => b"candour-envelope-signature/v2/receipt\n",
            EnvelopeKind::Reply => b"candour-envelope-signature/v2/reply\n",
            EnvelopeKind::CaseEvent => b"candour-envelope-signature/v2/case-event\n",
            EnvelopeKind::EscalationNotice => b"candour-envelope-signature/v2/escalation-notice\n",
            EnvelopeKind::HeldIdentity => b"candour-envelope-signature/v2/held-identity\n",
            EnvelopeKind::IdentityRequest => b"candour-envelope-signature/v2/identity-request\n",
            EnvelopeKind::IdentityAnswer => b"candour-envelope-signature/v2/identity-answer\n",
        }
    }

    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            EnvelopeKind::Report => "report",
            EnvelopeKind::FollowUp => "follow-up",
            EnvelopeKind::Receipt => "receipt",
            EnvelopeKind::Reply => "reply",
            EnvelopeKind::CaseEvent => "case event",
            EnvelopeKind::EscalationNotice => "escalation notice",
            EnvelopeKind::HeldIdentity => "held identity",
            EnvelopeKind::IdentityRequest => "identity request",
            EnvelopeKind::IdentityAnswer => "identity answer",
        }
    }
}

impl std::fmt::Display for EnvelopeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
/// The fewest stanzas an envelope may carry.
pub const MIN_STANZAS: usize = 1;
/// The most stanzas an envelope may carry (bounds the cost of trial decryption).
pub const MAX_STANZAS: usize = 64;

const TAG_END: u8 = 0;
const TAG_ATTACHMENT: u8 = 1;
const SIGNER_LEN: u64 = 32 + 64;
const PIECE: usize = 64 * 1024;

/// What the reporter (or reviewer) says about one attached file. The file's length travels in
/// the framing, not here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentMeta {
    /// The file's name as the author chose it (a reviewer's tool must sanitise it before use
    /// as a path).
    pub name: String,
    /// The media type, e.g. `image/jpeg`.
    pub media_type: String,
}

/// One attachment to seal: its metadata, its exact length and a stream of its bytes.
pub struct AttachmentSource<'a> {
    /// Name and media type.
    pub meta: AttachmentMeta,
    /// The exact number of bytes `reader` yields; sealing fails if it yields more or fewer.
    pub len: u64,
    /// The bytes.
    pub reader: &'a mut dyn Read,
}

impl std::fmt::Debug for AttachmentSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentSource").field("meta", &self.meta).field("len", &self.len).finish()
    }
}

/// Why sealing failed. The output written so far must be discarded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// No real recipient was given.
    #[error("an envelope needs at least one recipient")]
    NoRecipients,
    /// More real recipients than the directory's stanza count allows.
    #[error("{recipients} recipients do not fit in {stanzas} stanzas")]
    TooManyRecipients {
        /// Real recipients asked for.
        recipients: usize,
        /// The directory's constant stanza count.
        stanzas: usize,
    },
    /// The stanza count is outside 1..=64.
    #[error("stanza count {0} is outside {MIN_STANZAS}..={MAX_STANZAS}")]
    StanzaCount(usize),
    /// The document is larger than [`MAX_DOCUMENT_LEN`].
    #[error("the document is {0} bytes; the most is {MAX_DOCUMENT_LEN}")]
    DocumentTooLarge(usize),
    /// Too many attachments, or an attachment's metadata is too large.
    #[error("attachment limits exceeded: {0}")]
    AttachmentLimits(String),
    /// An attachment stream yielded a different number of bytes than declared.
    #[error("attachment {index} ({name}) yielded a different number of bytes than its declared {declared}")]
    AttachmentLength {
        /// Position in the attachment list.
        index: usize,
        /// The attachment's name.
        name: String,
        /// The declared length.
        declared: u64,
    },
    /// age refused the recipient set.
    #[error("age could not build the envelope header: {0}")]
    Age(String),
    /// Reading an attachment or writing the output failed.
    #[error("i/o error while sealing: {0}")]
    Io(#[from] io::Error),
    /// The envelope to seal again does not open with the identity given, or is damaged.
    #[error("the envelope does not open with this key, or is damaged, so it cannot be sealed again")]
    CannotReseal,
}

/// Why opening failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The envelope is not for this identity, or it is truncated, tampered with or not an
    /// envelope at all. Deliberately one opaque error: which of these it was must not leak.
    #[error("cannot open this envelope")]
    CannotOpen,
    /// The envelope decrypted and authenticated, but its contents break the framing: written
    /// by faulty or hostile software.
    #[error("the envelope decrypted but its contents are malformed: {0}")]
    Malformed(FrameError),
    /// The author's signature does not verify.
    #[error("the envelope's author signature does not verify")]
    BadSignature,
    /// The attachment sink failed (e.g. the disk it writes to is full).
    #[error("saving an attachment failed: {0}")]
    Sink(io::Error),
}

impl SealError {
    /// A stable code for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            SealError::NoRecipients => "seal-no-recipients",
            SealError::TooManyRecipients { .. } => "seal-too-many-recipients",
            SealError::StanzaCount(_) => "seal-stanza-count",
            SealError::DocumentTooLarge(_) => "seal-document-too-large",
            SealError::AttachmentLimits(_) => "seal-attachment-limits",
            SealError::AttachmentLength { .. } => "seal-attachment-length",
            SealError::Age(_) => "seal-age",
            SealError::Io(_) => "seal-io",
            SealError::CannotReseal => "seal-cannot-reseal",
        }
    }
}

impl OpenError {
    /// A stable code for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            OpenError::CannotOpen => "envelope-cannot-open",
            OpenError::Malformed(f) => f.code(),
            OpenError::BadSignature => "envelope-bad-signature",
            OpenError::Sink(_) => "envelope-attachment-sink",
        }
    }
}

impl FrameError {
    /// A stable code for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            FrameError::Magic => "frame-magic",
            FrameError::Version(_) => "frame-version",
            FrameError::DocumentLength(_) => "frame-document-length",
            FrameError::Tag(_) => "frame-tag",
            FrameError::Kind(_) => "frame-kind",
            FrameError::Meta(_) => "frame-meta",
            FrameError::TooManyAttachments => "frame-too-many-attachments",
            FrameError::Truncated => "frame-truncated",
            FrameError::SignerKey => "frame-signer-key",
            FrameError::Padding => "frame-padding",
        }
    }
}

/// Precise framing faults, reported after successful decryption.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The magic bytes are wrong.
    #[error("bad magic")]
    Magic,
    /// A framing version this build does not know.
    #[error("unsupported framing version {0}")]
    Version(u16),
    /// The document length exceeds [`MAX_DOCUMENT_LEN`].
    #[error("document length {0} exceeds the limit")]
    DocumentLength(u32),
    /// An unknown section tag.
    #[error("unknown section tag {0}")]
    Tag(u8),
    /// An unknown envelope kind byte (framing version 2).
    #[error("unknown envelope kind {0}")]
    Kind(u8),
    /// Attachment metadata is too long or not valid JSON.
    #[error("attachment metadata invalid: {0}")]
    Meta(String),
    /// More than [`MAX_ATTACHMENTS`] attachments.
    #[error("too many attachments")]
    TooManyAttachments,
    /// The plaintext ended inside a section.
    #[error("the plaintext ends inside a section")]
    Truncated,
    /// The signer's public key is not a valid Ed25519 key.
    #[error("the signer key is invalid")]
    SignerKey,
    /// The padding is not all zeros or not the Padmé length.
    #[error("padding is not zeros up to the Padmé length")]
    Padding,
}

/// What [`open`] returns besides the attachments it streamed to the sink.
#[derive(Debug)]
pub struct Opened {
    /// The JSON document, still to be parsed by the caller.
    pub document: Vec<u8>,
    /// The kind the author sealed it as and signed for (framing version 2); `None` for a
    /// version 1 envelope, which named no kind. The caller must check it matches the document.
    pub kind: Option<EnvelopeKind>,
    /// The author's key, whose signature verified. The caller decides whether it is the
    /// expected author (the report's `reporter_key`, or a reviewer key in the directory).
    pub signer: PublicSigningKey,
    /// The metadata and length of each attachment, in order.
    pub attachments: Vec<(AttachmentMeta, u64)>,
}

/// Receives attachments while an envelope is opened.
///
/// If [`open`] returns an error, anything the sink stored must be discarded: a tampered final
/// chunk is only detected at the end.
pub trait AttachmentSink {
    /// Called once per attachment with a reader over exactly `len` bytes. The sink may read all,
    /// part or none of it.
    fn attachment(&mut self, index: usize, meta: &AttachmentMeta, len: u64, data: &mut dyn Read) -> io::Result<()>;
}

/// A sink that reads and drops every attachment (verifying it all the same).
#[derive(Debug, Default)]
pub struct DiscardAttachments;

impl AttachmentSink for DiscardAttachments {
    fn attachment(&mut self, _: usize, _: &AttachmentMeta, _: u64, _: &mut dyn Read) -> io::Result<()> {
        Ok(())
    }
}

/// A sink that keeps attachments up to `limit` bytes each in memory (for small files and tests).
#[derive(Debug)]
pub struct CollectAttachments {
    /// The longest attachment kept; a longer one fails the open.
    pub limit: u64,
    /// The attachments collected so far.
    pub collected: Vec<(AttachmentMeta, Vec<u8>)>,
}

impl CollectAttachments {
    /// A collector keeping attachments of up to `limit` bytes.
    pub fn new(limit: u64) -> Self {
        CollectAttachments { limit, collected: Vec::new() }
    }
}

impl AttachmentSink for CollectAttachments {
    fn attachment(&mut self, _: usize, meta: &AttachmentMeta, len: u64, data: &mut dyn Read) -> io::Result<()> {
        if len > self.limit {
            return Err(io::Error::new(io::ErrorKind::OutOfMemory, "attachment larger than the collector's limit"));
        }
        let mut buf = Vec::with_capacity(len as usize);
        data.read_to_end(&mut buf)?;
        self.collected.push((meta.clone(), buf));
        Ok(())
    }
}

/// Writes into an inner writer while hashing what passes through.
struct HashingWriter<W> {
    inner: W,
    hash: StreamDigest,
    written: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The framed length of a document and attachments, before padding.
fn framed_len(doc_len: usize, metas: &[(Vec<u8>, u64)]) -> u64 {
    // magic, version, kind byte, document length.
    let mut total = 8 + 2 + 1 + 4 + doc_len as u64;
    for (meta, len) in metas {
        total = total.saturating_add(1 + 2 + meta.len() as u64 + 8).saturating_add(*len);
    }
    total.saturating_add(1 + SIGNER_LEN)
}

/// The most bytes an envelope sealing `document` and attachments with these metadata and
/// lengths can take, with `stanzas` stanzas: the exact payload plus the longest header age can
/// write (its grease stanza varies). A client declares it before sealing (the relay's proof of
/// work is priced by it), while the envelope is still to be streamed.
pub fn sealed_len_bound(document_len: usize, attachments: &[(AttachmentMeta, u64)], stanzas: usize) -> u64 {
    let metas: Vec<(Vec<u8>, u64)> =
        attachments.iter().map(|(m, len)| (serde_json::to_vec(m).unwrap_or_default(), *len)).collect();
    let padded = padded_len(framed_len(document_len, &metas));
    crate::shape::max_header_len(stanzas).saturating_add(crate::shape::payload_len(padded))
}

/// Seals `document` and `attachments` as an envelope of `kind`, signed by `signer` under that
/// kind's context, to `recipients`, as one age v1 file with exactly `stanzas` X25519 stanzas,
/// written to `output` (framing version 2). Returns `output` when done.
///
/// On error, whatever was written to `output` is garbage and must be discarded.
pub fn seal<W: Write>(
    kind: EnvelopeKind,
    recipients: &[age::x25519::Recipient],
    stanzas: usize,
    document: &[u8],
    attachments: Vec<AttachmentSource<'_>>,
    signer: &SigningKey,
    output: W,
) -> Result<W, SealError> {
    check_recipients(recipients, stanzas)?;
    if document.len() > MAX_DOCUMENT_LEN as usize {
        return Err(SealError::DocumentTooLarge(document.len()));
    }
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(SealError::AttachmentLimits(format!("at most {MAX_ATTACHMENTS} attachments")));
    }
    let mut metas = Vec::with_capacity(attachments.len());
    for a in &attachments {
        let meta = serde_json::to_vec(&a.meta).map_err(|e| SealError::AttachmentLimits(e.to_string()))?;
        if meta.len() > usize::from(MAX_META_LEN) {
            return Err(SealError::AttachmentLimits(format!(
                "metadata of {} exceeds {MAX_META_LEN} bytes",
                a.meta.name
            )));
        }
        metas.push((meta, a.len));
    }
    let total = framed_len(document.len(), &metas);
    let padded = padded_len(total);

    let stream = encryptor(recipients, stanzas)?.wrap_output(output)?;
    let mut w = HashingWriter { inner: stream, hash: StreamDigest::new(), written: 0 };

    w.write_all(MAGIC)?;
    w.write_all(&FRAME_VERSION.to_be_bytes())?;
    w.write_all(&[kind.byte()])?;
    w.write_all(&(document.len() as u32).to_be_bytes())?;
    w.write_all(document)?;
    // Plaintext passes through it: wiped when dropped, on success or error.
    let mut piece = Zeroizing::new(vec![0u8; PIECE]);
    for (index, (a, (meta, len))) in attachments.into_iter().zip(metas.iter()).enumerate() {
        w.write_all(&[TAG_ATTACHMENT])?;
        w.write_all(&(meta.len() as u16).to_be_bytes())?;
        w.write_all(meta)?;
        w.write_all(&len.to_be_bytes())?;
        let copied = copy_in_pieces(&mut a.reader.take(*len), &mut w, &mut piece)?;
        if copied != *len || !at_end(a.reader)? {
            return Err(SealError::AttachmentLength { index, name: a.meta.name.clone(), declared: *len });
        }
    }
    w.write_all(&[TAG_END])?;
    let digest = std::mem::replace(&mut w.hash, StreamDigest::new()).finalize();
    let context = kind.signature_context();
    let mut message = Vec::with_capacity(context.len() + 32);
    message.extend_from_slice(context);
    message.extend_from_slice(&digest);
    let signature = signer.sign(&message);
    w.write_all(signer.verifying_key().as_bytes())?;
    w.write_all(&signature.to_bytes())?;
    debug_assert_eq!(w.written, total);

    piece.iter_mut().for_each(|b| *b = 0);
    let mut remaining = padded - total;
    while remaining > 0 {
        let n = remaining.min(PIECE as u64) as usize;
        w.inner.write_all(&piece[..n])?;
        remaining -= n as u64;
    }
    Ok(w.inner.finish()?)
}

/// Refuses a stanza count outside the bounds, no recipient, or more recipients than stanzas.
fn check_recipients(recipients: &[age::x25519::Recipient], stanzas: usize) -> Result<(), SealError> {
    if !(MIN_STANZAS..=MAX_STANZAS).contains(&stanzas) {
        return Err(SealError::StanzaCount(stanzas));
    }
    if recipients.is_empty() {
        return Err(SealError::NoRecipients);
    }
    if recipients.len() > stanzas {
        return Err(SealError::TooManyRecipients { recipients: recipients.len(), stanzas });
    }
    Ok(())
}

/// Whether `reader` has nothing more to give (an interrupted read is tried again).
fn at_end(reader: &mut dyn Read) -> io::Result<bool> {
    let mut probe = [0u8; 1];
    loop {
        match reader.read(&mut probe) {
            Ok(n) => return Ok(n == 0),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// An age encryptor to `recipients` and throwaway decoys up to `stanzas`, shuffled so that
/// position says nothing either.
fn encryptor(recipients: &[age::x25519::Recipient], stanzas: usize) -> Result<age::Encryptor, SealError> {
    let decoys: Vec<age::x25519::Recipient> =
        (recipients.len()..stanzas).map(|_| age::x25519::Identity::generate().to_public()).collect();
    let mut all: Vec<&age::x25519::Recipient> = recipients.iter().chain(decoys.iter()).collect();
    all.shuffle(&mut OsRng);
    age::Encryptor::with_recipients(all.into_iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| SealError::Age(e.to_string()))
}

/// Seals an envelope `identity` can open again, to other `recipients` with exactly `stanzas`
/// stanzas, written to `output`: the same framed plaintext byte for byte (document,
/// attachments, the author's signature, the padding), under a fresh file key and fresh decoys,
/// so the new readers verify the author's own signature and nobody can tell the copy from the
/// original by its ciphertext. This is how a case is passed on to new readers (docs/design.md §6
/// "Moving cases"): the person re-sealing cannot change a word without the author's signature
/// failing for those who open it. The plaintext is not checked here; the caller should have
/// opened it with [`open`] first, and every new reader opens it again.
///
/// On error, whatever was written to `output` is garbage and must be discarded.
pub fn reseal<R: Read, W: Write>(
    identity: &dyn age::Identity,
    input: R,
    recipients: &[age::x25519::Recipient],
    stanzas: usize,
    output: W,
) -> Result<W, SealError> {
    check_recipients(recipients, stanzas)?;
    let decryptor = age::Decryptor::new(input).map_err(|_| SealError::CannotReseal)?;
    if decryptor.is_scrypt() {
        return Err(SealError::CannotReseal);
    }
    let mut plaintext = decryptor.decrypt(std::iter::once(identity)).map_err(|_| SealError::CannotReseal)?;
    let mut w = encryptor(recipients, stanzas)?.wrap_output(output)?;
    // Plaintext passes through it: wiped when dropped, on success or error.
    let mut piece = Zeroizing::new(vec![0u8; PIECE]);
    loop {
        let n = match plaintext.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // The authenticated stream failed: a damaged or tampered original.
            Err(_) => return Err(SealError::CannotReseal),
        };
        w.write_all(&piece[..n])?;
    }
    Ok(w.finish()?)
}

/// `io::copy` with a 64 KiB buffer: one age chunk per call, so hashing and encryption work on
/// large pieces (`io::copy` uses 8 KiB).
fn copy_in_pieces(from: &mut dyn Read, to: &mut dyn Write, piece: &mut [u8]) -> io::Result<u64> {
    let mut total = 0u64;
    loop {
        let n = match from.read(piece) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&piece[..n])?;
        total += n as u64;
    }
}

/// Reads from the decrypted stream, hashing the signed part and remembering whether the
/// underlying (authenticated) stream failed, so a sink's own error is not mistaken for tampering.
struct FrameReader<R> {
    inner: R,
    hash: StreamDigest,
    hashing: bool,
    read: u64,
    stream_failed: bool,
}

impl<R: Read> Read for FrameReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                if self.hashing {
                    self.hash.update(&buf[..n]);
                }
                self.read += n as u64;
                Ok(n)
            }
            Err(e) => {
                self.stream_failed = true;
                Err(e)
            }
        }
    }
}

impl<R: Read> FrameReader<R> {
    /// Fills `buf` exactly; a short read is truncated framing, a stream error is opacity.
    fn exact(&mut self, buf: &mut [u8]) -> Result<(), OpenError> {
        match self.read_exact(buf) {
            Ok(()) => Ok(()),
            Err(_) if self.stream_failed => Err(OpenError::CannotOpen),
            Err(_) => Err(OpenError::Malformed(FrameError::Truncated)),
        }
    }

    fn u8(&mut self) -> Result<u8, OpenError> {
        let mut b = [0u8; 1];
        self.exact(&mut b)?;
        Ok(b[0])
    }
}

/// Opens an envelope with `identity`, streaming attachments to `sink`, and verifies the author's
/// signature and the padding.
///
/// A wrong identity, a truncated or tampered file, or anything that is not an age file gives
/// [`OpenError::CannotOpen`]; faults found after authentication are precise.
pub fn open<R: Read>(
    identity: &dyn age::Identity,
    input: R,
    sink: &mut dyn AttachmentSink,
) -> Result<Opened, OpenError> {
    let decryptor = age::Decryptor::new(input).map_err(|_| OpenError::CannotOpen)?;
    if decryptor.is_scrypt() {
        return Err(OpenError::CannotOpen);
    }
    let stream = decryptor.decrypt(std::iter::once(identity)).map_err(|_| OpenError::CannotOpen)?;
    let mut r = FrameReader { inner: stream, hash: StreamDigest::new(), hashing: true, read: 0, stream_failed: false };

    let mut magic = [0u8; 8];
    r.exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(OpenError::Malformed(FrameError::Magic));
    }
    let mut v = [0u8; 2];
    r.exact(&mut v)?;
    let version = u16::from_be_bytes(v);
    let kind = match version {
        FRAME_VERSION_1 => None,
        FRAME_VERSION => {
            let byte = r.u8()?;
            Some(EnvelopeKind::from_byte(byte).ok_or(OpenError::Malformed(FrameError::Kind(byte)))?)
        }
        other => return Err(OpenError::Malformed(FrameError::Version(other))),
    };
    let mut l = [0u8; 4];
    r.exact(&mut l)?;
    let doc_len = u32::from_be_bytes(l);
    if doc_len > MAX_DOCUMENT_LEN {
        return Err(OpenError::Malformed(FrameError::DocumentLength(doc_len)));
    }
    let mut document = Zeroizing::new(vec![0u8; doc_len as usize]);
    r.exact(&mut document)?;

    let mut attachments = Vec::new();
    // Plaintext passes through it: wiped when dropped, on success or error.
    let mut piece = Zeroizing::new(vec![0u8; PIECE]);
    loop {
        match r.u8()? {
            TAG_END => break,
            TAG_ATTACHMENT => {
                if attachments.len() >= MAX_ATTACHMENTS {
                    return Err(OpenError::Malformed(FrameError::TooManyAttachments));
                }
                let mut ml = [0u8; 2];
                r.exact(&mut ml)?;
                let meta_len = u16::from_be_bytes(ml);
                if meta_len > MAX_META_LEN {
                    return Err(OpenError::Malformed(FrameError::Meta(format!("{meta_len} bytes"))));
                }
                let mut meta_bytes = Zeroizing::new(vec![0u8; usize::from(meta_len)]);
                r.exact(&mut meta_bytes)?;
                let meta: AttachmentMeta = serde_json::from_slice(&meta_bytes)
                    .map_err(|e| OpenError::Malformed(FrameError::Meta(e.to_string())))?;
                let mut dl = [0u8; 8];
                r.exact(&mut dl)?;
                let len = u64::from_be_bytes(dl);
                let index = attachments.len();
                let start = r.read;
                let mut data = (&mut r).take(len);
                let sunk = sink.attachment(index, &meta, len, &mut data);
                // Whatever the sink left unread still has to be authenticated and hashed.
                let drained = copy_in_pieces(&mut data, &mut io::sink(), &mut piece);
                if r.stream_failed {
                    return Err(OpenError::CannotOpen);
                }
                sunk.map_err(OpenError::Sink)?;
                drained.map_err(|_| OpenError::CannotOpen)?;
                if r.read - start != len {
                    return Err(OpenError::Malformed(FrameError::Truncated));
                }
                attachments.push((meta, len));
            }
            other => return Err(OpenError::Malformed(FrameError::Tag(other))),
        }
    }
    r.hashing = false;
    let framed_before_signer = r.read;
    let mut key = [0u8; 32];
    r.exact(&mut key)?;
    let mut sig = [0u8; 64];
    r.exact(&mut sig)?;
    // Weak keys are refused (anyone can sign for them), and the signature is checked strictly
    // (no malleable encodings), so one envelope has exactly one valid signature.
    let signer = PublicSigningKey::from_bytes(&key).map_err(|_| OpenError::Malformed(FrameError::SignerKey))?.0;
    let context = kind.map_or(SIGNATURE_CONTEXT, EnvelopeKind::signature_context);
    let mut message = Vec::with_capacity(context.len() + 32);
    message.extend_from_slice(context);
    message.extend_from_slice(&std::mem::replace(&mut r.hash, StreamDigest::new()).finalize());
    signer.verify_strict(&message, &Signature::from_bytes(&sig)).map_err(|_| OpenError::BadSignature)?;

    // The rest must be zeros, exactly up to the Padmé length.
    let total = framed_before_signer + SIGNER_LEN;
    let mut padding = 0u64;
    loop {
        let n = match r.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(OpenError::CannotOpen),
        };
        if piece[..n].iter().any(|&b| b != 0) {
            return Err(OpenError::Malformed(FrameError::Padding));
        }
        padding += n as u64;
    }
    if total + padding != padded_len(total) {
        return Err(OpenError::Malformed(FrameError::Padding));
    }
    Ok(Opened { document: std::mem::take(&mut *document), kind, signer: PublicSigningKey(signer), attachments })
}

/// The visible shape of an age header: what the relay (or anyone) can see without a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderShape {
    /// The number of X25519 stanzas.
    pub x25519_stanzas: usize,
    /// The encoded length of all X25519 stanzas together.
    pub x25519_bytes: usize,
    /// The tags of all other stanzas (age's random "grease" stanza among them).
    pub other_tags: Vec<String>,
    /// The encoded length of all other stanzas together.
    pub other_bytes: usize,
    /// The encoded header length, up to and including the MAC line.
    pub header_len: usize,
}

/// Reads an age v1 header's visible shape from the start of an envelope, for audits and tests.
/// Returns `None` if the bytes do not start with a well-formed age v1 header.
pub fn header_shape(envelope: &[u8]) -> Option<HeaderShape> {
    let text_end = envelope.windows(4).position(|w| w == b"\n---")?;
    let mac_end = envelope[text_end + 1..].iter().position(|&b| b == b'\n')? + text_end + 2;
    let header = std::str::from_utf8(&envelope[..text_end + 1]).ok()?;
    let mut lines = header.lines();
    if lines.next()? != "age-encryption.org/v1" {
        return None;
    }
    let mut shape =
        HeaderShape { x25519_stanzas: 0, x25519_bytes: 0, other_tags: Vec::new(), other_bytes: 0, header_len: mac_end };
    let mut current: Option<(String, usize)> = None;
    let finish = |cur: Option<(String, usize)>, shape: &mut HeaderShape| {
        if let Some((tag, len)) = cur {
            if tag == "X25519" {
                shape.x25519_stanzas += 1;
                shape.x25519_bytes += len;
            } else {
                shape.other_tags.push(tag);
                shape.other_bytes += len;
            }
        }
    };
    for line in lines {
        if let Some(rest) = line.strip_prefix("-> ") {
            finish(current.take(), &mut shape);
            let tag = rest.split(' ').next()?.to_owned();
            current = Some((tag, line.len() + 1));
        } else if let Some((_, len)) = current.as_mut() {
            *len += line.len() + 1;
        } else {
            return None;
        }
    }
    finish(current.take(), &mut shape);
    Some(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose flush fails, as a full disk's may.
    struct FlushFails;

    impl Write for FlushFails {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::other("the disk is full"))
        }
    }

    /// The hashing writer hides nothing from its caller: a failed flush underneath is a failed
    /// flush, and only what the inner writer accepted is hashed and counted.
    #[test]
    fn the_hashing_writer_passes_flush_failures_on_and_counts_what_was_written() {
        let mut w = HashingWriter { inner: FlushFails, hash: StreamDigest::new(), written: 0 };
        w.write_all(b"abc").expect("writes");
        assert_eq!(w.written, 3);
        assert!(w.flush().is_err(), "a failed flush must not be reported as done");
        let mut expected = StreamDigest::new();
        expected.update(b"abc");
        assert_eq!(w.hash.finalize(), expected.finalize());
    }
}
