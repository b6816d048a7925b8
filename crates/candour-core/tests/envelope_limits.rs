//! The envelope's limits at their exact boundaries, its stable error codes and names, and how
//! sealing treats the streams it is given (interrupted reads, failing readers, piece size).
//! Each test here was written against a change to `envelope.rs` that no other test noticed.

use std::io::{self, Read};

use candour_core::envelope::{
    self, AttachmentMeta, AttachmentSink, AttachmentSource, CollectAttachments, EnvelopeKind, FrameError, OpenError,
    SealError, MAX_ATTACHMENTS, MAX_DOCUMENT_LEN, MAX_META_LEN, MAX_STANZAS,
};
use candour_core::keys::ReviewerSecret;
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;

fn recipients(n: usize) -> Vec<age::x25519::Recipient> {
    (0..n).map(|_| age::x25519::Identity::generate().to_public()).collect()
}

fn seal_with(
    to: &[age::x25519::Recipient],
    stanzas: usize,
    doc: &[u8],
    attachments: Vec<AttachmentSource<'_>>,
) -> Result<Vec<u8>, SealError> {
    envelope::seal(EnvelopeKind::Report, to, stanzas, doc, attachments, &SigningKey::generate(&mut OsRng), Vec::new())
}

fn meta(name: &str) -> AttachmentMeta {
    AttachmentMeta { name: name.into(), media_type: "text/plain".into() }
}

#[test]
fn every_kind_has_its_own_stable_name() {
    let names: Vec<&str> = EnvelopeKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "report",
            "follow-up",
            "receipt",
            "reply",
            "case event",
            "escalation notice",
            "held identity",
            "identity request",
            "identity answer"
        ]
    );
    for kind in EnvelopeKind::ALL {
        assert_eq!(kind.to_string(), kind.name(), "Display is the name");
        assert_eq!(EnvelopeKind::from_byte(kind.byte()), Some(kind));
    }
    assert_eq!(EnvelopeKind::from_byte(0), None);
    assert_eq!(EnvelopeKind::from_byte(10), None);
}

#[test]
fn error_codes_are_stable() {
    let seal = [
        (SealError::NoRecipients, "seal-no-recipients"),
        (SealError::TooManyRecipients { recipients: 2, stanzas: 1 }, "seal-too-many-recipients"),
        (SealError::StanzaCount(0), "seal-stanza-count"),
        (SealError::DocumentTooLarge(1), "seal-document-too-large"),
        (SealError::AttachmentLimits(String::new()), "seal-attachment-limits"),
        (SealError::AttachmentLength { index: 0, name: String::new(), declared: 1 }, "seal-attachment-length"),
        (SealError::Age(String::new()), "seal-age"),
        (SealError::Io(io::Error::other("x")), "seal-io"),
        (SealError::CannotReseal, "seal-cannot-reseal"),
    ];
    for (e, code) in seal {
        assert_eq!(e.code(), code, "{e}");
    }
    let frame = [
        (FrameError::Magic, "frame-magic"),
        (FrameError::Version(9), "frame-version"),
        (FrameError::DocumentLength(1), "frame-document-length"),
        (FrameError::Tag(9), "frame-tag"),
        (FrameError::Kind(9), "frame-kind"),
        (FrameError::Meta(String::new()), "frame-meta"),
        (FrameError::TooManyAttachments, "frame-too-many-attachments"),
        (FrameError::Truncated, "frame-truncated"),
        (FrameError::SignerKey, "frame-signer-key"),
        (FrameError::Padding, "frame-padding"),
    ];
    for (e, code) in frame {
        assert_eq!(OpenError::Malformed(e.clone()).code(), code, "{e}");
        assert_eq!(e.code(), code);
    }
    let open = [
        (OpenError::CannotOpen, "envelope-cannot-open"),
        (OpenError::BadSignature, "envelope-bad-signature"),
        (OpenError::Sink(io::Error::other("x")), "envelope-attachment-sink"),
    ];
    for (e, code) in open {
        assert_eq!(e.code(), code, "{e}");
    }
}

#[test]
fn an_attachment_source_prints_its_metadata_never_its_bytes() {
    let secret = b"the words inside the file";
    let mut reader = &secret[..];
    let source = AttachmentSource { meta: meta("statement.txt"), len: secret.len() as u64, reader: &mut reader };
    let printed = format!("{source:?}");
    assert!(printed.contains("statement.txt") && printed.contains(&format!("len: {}", secret.len())), "{printed}");
    assert!(!printed.contains("inside"), "{printed}");
}

#[test]
fn as_many_recipients_as_stanzas_fit_and_one_more_does_not() {
    assert!(seal_with(&recipients(3), 3, b"{}", vec![]).is_ok());
    assert!(matches!(
        seal_with(&recipients(4), 3, b"{}", vec![]),
        Err(SealError::TooManyRecipients { recipients: 4, stanzas: 3 })
    ));
    assert!(seal_with(&recipients(1), MAX_STANZAS, b"{}", vec![]).is_ok());
    assert!(matches!(seal_with(&recipients(1), MAX_STANZAS + 1, b"{}", vec![]), Err(SealError::StanzaCount(_))));
}

#[test]
fn the_largest_document_seals_and_opens_and_one_byte_more_is_refused() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let largest = vec![b'x'; MAX_DOCUMENT_LEN as usize];
    let sealed = seal_with(&[reviewer.recipient()], 1, &largest, vec![]).expect("the largest document seals");
    let opened = envelope::open(reviewer.identity(), &sealed[..], &mut envelope::DiscardAttachments).expect("opens");
    assert_eq!(opened.document.len(), largest.len());
    let over = vec![b'x'; MAX_DOCUMENT_LEN as usize + 1];
    assert!(matches!(seal_with(&[reviewer.recipient()], 1, &over, vec![]), Err(SealError::DocumentTooLarge(_))));
}

#[test]
fn the_most_attachments_seal_and_one_more_is_refused() {
    let to = recipients(1);
    let mut readers: Vec<&[u8]> = vec![&b""[..]; MAX_ATTACHMENTS];
    let attachments: Vec<AttachmentSource<'_>> = readers
        .iter_mut()
        .map(|r| AttachmentSource { meta: meta("empty.txt"), len: 0, reader: r as &mut dyn Read })
        .collect();
    assert!(seal_with(&to, 1, b"{}", attachments).is_ok(), "{MAX_ATTACHMENTS} attachments seal");
    let mut readers: Vec<&[u8]> = vec![&b""[..]; MAX_ATTACHMENTS + 1];
    let attachments: Vec<AttachmentSource<'_>> = readers
        .iter_mut()
        .map(|r| AttachmentSource { meta: meta("empty.txt"), len: 0, reader: r as &mut dyn Read })
        .collect();
    assert!(matches!(seal_with(&to, 1, b"{}", attachments), Err(SealError::AttachmentLimits(_))));
}

/// Metadata of exactly `len` bytes of JSON: `{"name":"…","media_type":"text/plain"}`.
fn meta_of_len(len: usize) -> AttachmentMeta {
    let overhead = serde_json::to_vec(&meta("")).expect("encodes").len();
    let m = meta(&"n".repeat(len - overhead));
    assert_eq!(serde_json::to_vec(&m).expect("encodes").len(), len);
    m
}

#[test]
fn the_longest_metadata_seals_and_opens_and_one_byte_more_is_refused() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let longest = usize::from(MAX_META_LEN);
    let mut empty: &[u8] = b"";
    let sealed = seal_with(
        &[reviewer.recipient()],
        1,
        b"{}",
        vec![AttachmentSource { meta: meta_of_len(longest), len: 0, reader: &mut empty }],
    )
    .expect("metadata of the longest length seals");
    let opened = envelope::open(reviewer.identity(), &sealed[..], &mut envelope::DiscardAttachments).expect("opens");
    assert_eq!(opened.attachments.len(), 1);
    let mut empty: &[u8] = b"";
    let refused = seal_with(
        &[reviewer.recipient()],
        1,
        b"{}",
        vec![AttachmentSource { meta: meta_of_len(longest + 1), len: 0, reader: &mut empty }],
    );
    assert!(matches!(refused, Err(SealError::AttachmentLimits(_))), "{refused:?}");
}

#[test]
fn the_collector_keeps_an_attachment_of_exactly_its_limit_and_refuses_one_byte_more() {
    let data = b"exactly ten";
    let limit = data.len() as u64;
    let mut kept = CollectAttachments::new(limit);
    kept.attachment(0, &meta("a.txt"), limit, &mut &data[..]).expect("an attachment of the limit is kept");
    assert_eq!(kept.collected, vec![(meta("a.txt"), data.to_vec())]);
    let mut short = CollectAttachments::new(limit - 1);
    let refused = short.attachment(0, &meta("a.txt"), limit, &mut &data[..]).expect_err("one byte over is refused");
    assert_eq!(refused.kind(), io::ErrorKind::OutOfMemory);
    assert!(short.collected.is_empty());
    // A shorter one is kept too (the limit is an upper bound, not a required length).
    let mut roomy = CollectAttachments::new(limit + 1);
    roomy.attachment(0, &meta("a.txt"), limit, &mut &data[..]).expect("kept");
    assert_eq!(roomy.collected.len(), 1);
}

/// A reader that is interrupted before every piece, as a signal-interrupted file read may be.
struct Interrupting<'a> {
    data: &'a [u8],
    interrupt_next: bool,
    largest_buffer: usize,
}

impl Read for Interrupting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.largest_buffer = self.largest_buffer.max(buf.len());
        let interrupt = self.interrupt_next;
        self.interrupt_next = !interrupt;
        if interrupt {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        self.data.read(buf)
    }
}

#[test]
fn interrupted_reads_are_retried_and_attachments_go_in_64_kib_pieces() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let mut reader = Interrupting { data: &data, interrupt_next: true, largest_buffer: 0 };
    let sealed = seal_with(
        &[reviewer.recipient()],
        1,
        b"{}",
        vec![AttachmentSource { meta: meta("big.bin"), len: data.len() as u64, reader: &mut reader }],
    )
    .expect("an interrupted read is tried again, not an error");
    // Pieces of one age chunk each (64 KiB): the attachment streams through in large pieces.
    assert_eq!(reader.largest_buffer, 64 * 1024);
    let mut sink = CollectAttachments::new(1 << 20);
    envelope::open(reviewer.identity(), &sealed[..], &mut sink).expect("opens");
    assert_eq!(sink.collected[0].1, data);
}

/// A reader that fails for good.
struct Failing;

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::PermissionDenied, "the file went away"))
    }
}

#[test]
fn a_failing_attachment_reader_fails_the_seal_once() {
    let mut reader = Failing;
    let result = seal_with(
        &recipients(1),
        1,
        b"{}",
        vec![AttachmentSource { meta: meta("gone.jpg"), len: 10, reader: &mut reader }],
    );
    match result {
        Err(SealError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::PermissionDenied),
        other => panic!("expected the reader's own error, got {other:?}"),
    }
}

#[test]
fn an_interrupted_input_is_read_again_when_opening() {
    let reviewer = ReviewerSecret::generate("psd-1");
    // Enough padding and attachment bytes that the input is read many times.
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 241) as u8).collect();
    let mut attached = &data[..];
    let sealed = seal_with(
        &[reviewer.recipient()],
        4,
        b"{\"what\":\"x\"}",
        vec![AttachmentSource { meta: meta("a.bin"), len: data.len() as u64, reader: &mut attached }],
    )
    .expect("seals");
    let input = Interrupting { data: &sealed, interrupt_next: true, largest_buffer: 0 };
    let mut sink = CollectAttachments::new(1 << 20);
    let opened = envelope::open(reviewer.identity(), input, &mut sink).expect("interruptions are not tampering");
    assert_eq!(opened.document, b"{\"what\":\"x\"}");
    assert_eq!(sink.collected[0].1, data);
}

/// The header's shape computed independently of `header_shape`, from the age header's text.
fn expected_shape(sealed: &[u8]) -> (usize, usize, usize, usize) {
    let text = String::from_utf8_lossy(sealed);
    let mac_at = text.find("\n---").expect("a MAC line") + 1;
    let mac_line_len = text[mac_at..].find('\n').expect("the MAC line ends") + 1;
    let header_len = mac_at + mac_line_len;
    let (mut x_count, mut x_bytes, mut other_bytes) = (0, 0, 0);
    let mut in_x25519 = None;
    for line in text[..mac_at].lines().skip(1) {
        if let Some(rest) = line.strip_prefix("-> ") {
            in_x25519 = Some(rest.starts_with("X25519 "));
            if in_x25519 == Some(true) {
                x_count += 1;
            }
        }
        match in_x25519 {
            Some(true) => x_bytes += line.len() + 1,
            Some(false) => other_bytes += line.len() + 1,
            None => panic!("a line before any stanza"),
        }
    }
    (x_count, x_bytes, other_bytes, header_len)
}

#[test]
fn the_header_shape_measures_exactly_what_the_header_holds() {
    for stanzas in [1, 2, 12, MAX_STANZAS] {
        let sealed = seal_with(&recipients(1), stanzas, b"{}", vec![]).expect("seals");
        let shape = envelope::header_shape(&sealed).expect("an age header");
        let (x_count, x_bytes, other_bytes, header_len) = expected_shape(&sealed);
        assert_eq!(shape.x25519_stanzas, stanzas);
        assert_eq!(shape.x25519_stanzas, x_count);
        assert_eq!(shape.x25519_bytes, x_bytes, "{stanzas} stanzas");
        assert_eq!(shape.other_bytes, other_bytes, "{stanzas} stanzas");
        assert_eq!(shape.header_len, header_len, "{stanzas} stanzas");
        assert_eq!(shape.other_tags.len(), 1, "age's one grease stanza: {:?}", shape.other_tags);
        // The header ends where age's MAC line does: the payload's nonce follows.
        assert_eq!(&sealed[shape.header_len - 1..shape.header_len], b"\n");
        assert!(sealed[..shape.header_len].ends_with(b"\n") && sealed[..shape.header_len - 1].contains(&b'-'));
    }
    assert_eq!(envelope::header_shape(b"not age at all"), None);
    assert_eq!(envelope::header_shape(b"age-encryption.org/v1\nstray line\n--- mac\n"), None);
}

#[test]
fn a_resealed_envelope_is_the_same_signed_plaintext_for_its_new_readers_only() {
    let author = SigningKey::generate(&mut OsRng);
    let (psd1, sb1) = (ReviewerSecret::generate("psd-1"), ReviewerSecret::generate("sb-1"));
    let data = b"the photo".to_vec();
    let mut attached = &data[..];
    let original = envelope::seal(
        EnvelopeKind::Report,
        &[psd1.recipient()],
        12,
        b"{\"what\":\"moved\"}",
        vec![AttachmentSource { meta: meta("p.jpg"), len: data.len() as u64, reader: &mut attached }],
        &author,
        Vec::new(),
    )
    .expect("seals");
    let copy = envelope::reseal(psd1.identity(), &original[..], &[sb1.recipient()], 12, Vec::new()).expect("reseals");
    assert_ne!(copy, original, "a fresh file key and decoys");
    // The same payload length (age's grease stanza varies the header by a few bytes, as it does
    // between any two envelopes): nothing tells a copy from an original.
    let payload = |b: &[u8]| b.len() - envelope::header_shape(b).expect("age").header_len;
    assert_eq!(payload(&copy), payload(&original));
    assert_eq!(envelope::header_shape(&copy).map(|s| s.x25519_stanzas), Some(12));
    let mut sink = CollectAttachments::new(1 << 20);
    let opened = envelope::open(sb1.identity(), &copy[..], &mut sink).expect("the new reader opens it");
    assert_eq!(opened.document, b"{\"what\":\"moved\"}");
    assert_eq!(opened.signer.0, author.verifying_key(), "the author's own signature, verified by the new reader");
    assert_eq!(sink.collected[0].1, data);
    let refused = envelope::open(psd1.identity(), &copy[..], &mut envelope::DiscardAttachments);
    assert!(matches!(refused, Err(OpenError::CannotOpen)), "only the new readers can open the copy");
    // Someone it was not sealed to cannot re-seal it; neither can anyone re-seal a damaged one.
    let stranger = ReviewerSecret::generate("acu-1");
    let refused = envelope::reseal(stranger.identity(), &original[..], &[sb1.recipient()], 12, Vec::new());
    assert!(matches!(refused, Err(SealError::CannotReseal)), "{refused:?}");
    let mut damaged = original.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    let refused = envelope::reseal(psd1.identity(), &damaged[..], &[sb1.recipient()], 12, Vec::new());
    assert!(matches!(refused, Err(SealError::CannotReseal)), "{refused:?}");
    let refused = envelope::reseal(psd1.identity(), &original[..], &[], 12, Vec::new());
    assert!(matches!(refused, Err(SealError::NoRecipients)), "{refused:?}");
    let refused = envelope::reseal(psd1.identity(), &original[..], &recipients(3), 2, Vec::new());
    assert!(matches!(refused, Err(SealError::TooManyRecipients { .. })), "{refused:?}");
    let refused = envelope::reseal(psd1.identity(), &original[..], &recipients(1), 0, Vec::new());
    assert!(matches!(refused, Err(SealError::StanzaCount(0))), "{refused:?}");
}

/// A reader that gives its bytes, then fails for good where the end should be.
struct FailsAtTheEnd<'a>(&'a [u8]);

impl Read for FailsAtTheEnd<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, "the file went away"));
        }
        self.0.read(buf)
    }
}

#[test]
fn a_reader_failing_where_its_end_should_be_fails_the_seal() {
    let data = b"exactly this";
    let mut reader = FailsAtTheEnd(data);
    let result = seal_with(
        &recipients(1),
        1,
        b"{}",
        vec![AttachmentSource { meta: meta("a.txt"), len: data.len() as u64, reader: &mut reader }],
    );
    match result {
        Err(SealError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::PermissionDenied),
        other => panic!("expected the reader's own error, got {other:?}"),
    }
}

#[test]
fn resealing_fills_every_stanza_and_reads_an_interrupted_input_again() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let data: Vec<u8> = (0..150_000u32).map(|i| (i % 239) as u8).collect();
    let mut attached = &data[..];
    let original = seal_with(
        &[reviewer.recipient()],
        3,
        b"{}",
        vec![AttachmentSource { meta: meta("a.bin"), len: data.len() as u64, reader: &mut attached }],
    )
    .expect("seals");
    let to = recipients(3);
    let input = Interrupting { data: &original, interrupt_next: true, largest_buffer: 0 };
    let copy = envelope::reseal(reviewer.identity(), input, &to, 3, Vec::new()).expect("as many recipients as stanzas");
    assert_eq!(envelope::header_shape(&copy).map(|s| s.x25519_stanzas), Some(3));
}
