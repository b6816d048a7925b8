//! Envelope behaviour: round trips, opacity of failures, tamper and truncation resistance,
//! framing faults, and the constant header shape.

mod common;

use std::io::{self, Read};

use candour_core::envelope::{
    self, header_shape, AttachmentMeta, AttachmentSink, AttachmentSource, CollectAttachments, DiscardAttachments,
    FrameError, OpenError, SealError,
};
use candour_core::keys::ReviewerSecret;
use candour_core::message::{open_document, seal_document, OpenDocumentError};
use candour_core::padding::padded_len;
use candour_core::report::{Category, DocumentError};
use candour_core::routing::route;
use candour_core::token::MailboxToken;
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;

fn meta(name: &str, media_type: &str) -> AttachmentMeta {
    AttachmentMeta { name: name.into(), media_type: media_type.into() }
}

fn seal_small(to: &ReviewerSecret, stanzas: usize, doc: &[u8]) -> Vec<u8> {
    envelope::seal(
        envelope::EnvelopeKind::Report,
        &[to.recipient()],
        stanzas,
        doc,
        vec![],
        &SigningKey::generate(&mut OsRng),
        Vec::new(),
    )
    .expect("seals")
}

#[test]
fn report_with_two_attachments_round_trips() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let token = MailboxToken::generate();
    let doc = common::report(&token, Category::HonestyAndIntegrity, "Cash went missing", vec!["psd-1".into()]);
    let photo: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let note = b"second attachment".to_vec();
    let (mut a, mut b) = (&photo[..], &note[..]);
    let sealed = seal_document(
        &[reviewer.recipient()],
        12,
        &doc,
        vec![
            AttachmentSource { meta: meta("photo.jpg", "image/jpeg"), len: photo.len() as u64, reader: &mut a },
            AttachmentSource { meta: meta("note.txt", "text/plain"), len: note.len() as u64, reader: &mut b },
        ],
        &token.signing_key(),
        Vec::new(),
    )
    .expect("seals");
    let mut sink = CollectAttachments::new(1 << 20);
    let opened = open_document(reviewer.identity(), &sealed[..], &mut sink).expect("opens");
    assert_eq!(opened.document, doc);
    assert_eq!(opened.signer, token.public_signing_key());
    assert_eq!(
        sink.collected,
        vec![(meta("photo.jpg", "image/jpeg"), photo.clone()), (meta("note.txt", "text/plain"), note)]
    );
    assert_eq!(opened.attachments.len(), 2);
    assert_eq!(opened.attachments[0].1, photo.len() as u64);
    assert!(!sealed.windows(17).any(|w| w == b"Cash went missing"), "plaintext visible in the envelope");
}

#[test]
fn wrong_identity_and_garbage_give_one_opaque_error() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let sealed = seal_small(&reviewer, 12, b"{}");
    let stranger = ReviewerSecret::generate("sb-1");
    for input in [&sealed[..], b"", b"age-encryption.org/v1\n", b"not an age file at all"] {
        let err = envelope::open(stranger.identity(), input, &mut DiscardAttachments).expect_err("must fail");
        assert!(matches!(err, OpenError::CannotOpen), "{err:?}");
        assert_eq!(err.to_string(), "cannot open this envelope");
    }
}

#[test]
fn every_truncation_fails_without_panic() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let sealed = seal_small(&reviewer, 3, b"{\"x\":1}");
    for cut in (0..sealed.len()).step_by(97).chain(sealed.len() - 20..sealed.len()) {
        let err = envelope::open(reviewer.identity(), &sealed[..cut], &mut DiscardAttachments).expect_err("truncated");
        assert!(matches!(err, OpenError::CannotOpen), "cut at {cut}: {err:?}");
    }
    let mut extended = sealed.clone();
    extended.push(0);
    assert!(envelope::open(reviewer.identity(), &extended[..], &mut DiscardAttachments).is_err());
}

/// Every single-byte flip, in the header and in the payload, of a small envelope is an error.
#[test]
fn every_single_byte_flip_is_detected() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let sealed = seal_small(&reviewer, 3, b"{\"what\":\"flip me\"}");
    let header_len = header_shape(&sealed).expect("header").header_len;
    assert!(header_len > 100 && sealed.len() > 16 * 1024);
    let mut tampered = sealed.clone();
    for i in 0..sealed.len() {
        tampered[i] ^= 0x01;
        let result = envelope::open(reviewer.identity(), &tampered[..], &mut DiscardAttachments);
        assert!(result.is_err(), "flip at byte {i} (header is {header_len} bytes) went unnoticed");
        tampered[i] ^= 0x01;
    }
    envelope::open(reviewer.identity(), &tampered[..], &mut DiscardAttachments).expect("restored envelope opens");
}

/// Plaintext that decrypts but breaks the framing gets a precise error.
#[test]
fn framing_faults_after_decryption_are_precise() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let encrypt = |plain: &[u8]| -> Vec<u8> {
        let recipient = reviewer.recipient();
        let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("enc");
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).expect("wrap");
        io::Write::write_all(&mut w, plain).expect("write");
        w.finish().expect("finish");
        out
    };
    let open = |plain: &[u8]| envelope::open(reviewer.identity(), &encrypt(plain)[..], &mut DiscardAttachments);

    // A genuine envelope's plaintext, recovered with age directly, to mutate.
    let signer = SigningKey::generate(&mut OsRng);
    let sealed =
        envelope::seal(envelope::EnvelopeKind::Report, &[reviewer.recipient()], 2, b"{}", vec![], &signer, Vec::new())
            .expect("seal");
    let mut plain = Vec::new();
    age::Decryptor::new(&sealed[..])
        .expect("dec")
        .decrypt(std::iter::once(reviewer.identity() as &dyn age::Identity))
        .expect("decrypt")
        .read_to_end(&mut plain)
        .expect("read");
    assert!(open(&plain).is_ok());

    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut p = plain.clone();
        f(&mut p);
        p
    };
    let expect_frame = |p: Vec<u8>, want: FrameError| match open(&p) {
        Err(OpenError::Malformed(got)) => assert_eq!(got, want),
        other => panic!("expected {want:?}, got {other:?}"),
    };
    // Version 2 framing: magic 0..8, version 8..10, kind 10, document length 11..15, "{}" 15..17.
    expect_frame(with(&|p| p[0] = b'X'), FrameError::Magic);
    expect_frame(with(&|p| p[9] = 3), FrameError::Version(3));
    expect_frame(with(&|p| p[10] = 10), FrameError::Kind(10));
    expect_frame(with(&|p| p[11..15].copy_from_slice(&u32::MAX.to_be_bytes())), FrameError::DocumentLength(u32::MAX));
    expect_frame(with(&|p| p[17] = 7), FrameError::Tag(7));
    expect_frame(with(&|p| p.truncate(30)), FrameError::Truncated);
    expect_frame(with(&|p| *p.last_mut().expect("byte") = 1), FrameError::Padding);
    expect_frame(with(&|p| p.extend_from_slice(&[0; 1024])), FrameError::Padding);
    // The document bytes are signed: changing one (inside age, so age cannot notice) is caught
    // by the author signature.
    assert!(matches!(open(&with(&|p| p[15] = b'[')), Err(OpenError::BadSignature)));
    // So is the kind: a report's signature does not verify as any other kind's.
    for kind in envelope::EnvelopeKind::ALL.into_iter().filter(|k| *k != envelope::EnvelopeKind::Report) {
        assert!(matches!(open(&with(&|p| p[10] = kind.byte())), Err(OpenError::BadSignature)), "{kind}");
    }
    // An attachment whose metadata is not JSON.
    let mut forged = plain[..17].to_vec();
    forged.extend_from_slice(&[1, 0, 3]);
    forged.extend_from_slice(b"{{{");
    assert!(matches!(open(&forged), Err(OpenError::Malformed(FrameError::Meta(_)))));
}

#[test]
fn seal_refuses_bad_requests() {
    let r = ReviewerSecret::generate("psd-1");
    let signer = SigningKey::generate(&mut OsRng);
    let seal = |recipients: &[age::x25519::Recipient], stanzas: usize, atts: Vec<AttachmentSource<'_>>| {
        envelope::seal(envelope::EnvelopeKind::Report, recipients, stanzas, b"{}", atts, &signer, Vec::new())
    };
    assert!(matches!(seal(&[], 12, vec![]), Err(SealError::NoRecipients)));
    assert!(matches!(seal(&[r.recipient(), r.recipient()], 1, vec![]), Err(SealError::TooManyRecipients { .. })));
    assert!(matches!(seal(&[r.recipient()], 0, vec![]), Err(SealError::StanzaCount(0))));
    assert!(matches!(seal(&[r.recipient()], 65, vec![]), Err(SealError::StanzaCount(65))));
    let data = [1u8; 10];
    let (mut short, mut long) = (&data[..], &data[..]);
    let declared_longer = vec![AttachmentSource { meta: meta("a", "text/plain"), len: 11, reader: &mut short }];
    assert!(matches!(seal(&[r.recipient()], 2, declared_longer), Err(SealError::AttachmentLength { index: 0, .. })));
    let declared_shorter = vec![AttachmentSource { meta: meta("a", "text/plain"), len: 9, reader: &mut long }];
    assert!(matches!(seal(&[r.recipient()], 2, declared_shorter), Err(SealError::AttachmentLength { .. })));
    let huge = vec![b' '; envelope::MAX_DOCUMENT_LEN as usize + 1];
    assert!(matches!(
        envelope::seal(envelope::EnvelopeKind::Report, &[r.recipient()], 2, &huge, vec![], &signer, Vec::new()),
        Err(SealError::DocumentTooLarge(_))
    ));
}

/// A reader that yields a long deterministic stream without holding it.
struct Pattern {
    left: u64,
    pos: u64,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        for b in &mut buf[..n] {
            *b = (self.pos % 253) as u8;
            self.pos += 1;
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A sink that checks the pattern as it streams by, holding none of it.
struct CheckPattern {
    seen: u64,
}

impl AttachmentSink for CheckPattern {
    fn attachment(&mut self, _: usize, _: &AttachmentMeta, _: u64, data: &mut dyn Read) -> io::Result<()> {
        let mut buf = [0u8; 8192];
        loop {
            let n = data.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            for &b in &buf[..n] {
                if b != (self.seen % 253) as u8 {
                    return Err(io::Error::other("pattern mismatch"));
                }
                self.seen += 1;
            }
        }
    }
}

#[test]
fn multi_chunk_attachment_streams_and_sink_errors_are_not_tampering() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let len = 3 * 1024 * 1024 + 17;
    let mut source = Pattern { left: len, pos: 0 };
    let sealed = envelope::seal(
        envelope::EnvelopeKind::Report,
        &[reviewer.recipient()],
        12,
        b"{}",
        vec![AttachmentSource { meta: meta("video.mp4", "video/mp4"), len, reader: &mut source }],
        &SigningKey::generate(&mut OsRng),
        Vec::new(),
    )
    .expect("seals");
    let framed = 8 + 2 + 4 + 2 + 1 + 2 + 44 + 8 + len + 1 + 96;
    // age: 64 KiB chunks with 16-byte tags after the header and 16-byte nonce.
    let payload = padded_len(framed);
    let chunks = payload.div_ceil(64 * 1024);
    let header = header_shape(&sealed).expect("header").header_len as u64;
    assert_eq!(sealed.len() as u64, header + 16 + payload + 16 * chunks);
    let mut check = CheckPattern { seen: 0 };
    envelope::open(reviewer.identity(), &sealed[..], &mut check).expect("opens");
    assert_eq!(check.seen, len);

    struct Full;
    impl AttachmentSink for Full {
        fn attachment(&mut self, _: usize, _: &AttachmentMeta, _: u64, _: &mut dyn Read) -> io::Result<()> {
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        }
    }
    assert!(matches!(envelope::open(reviewer.identity(), &sealed[..], &mut Full), Err(OpenError::Sink(_))));
}

#[test]
fn report_signed_by_someone_else_is_refused() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let token = MailboxToken::generate();
    let doc = common::report(&token, Category::UseOfForce, "Kicked a detained man", vec!["psd-1".into()]);
    let impostor = SigningKey::generate(&mut OsRng);
    let sealed = seal_document(&[reviewer.recipient()], 4, &doc, vec![], &impostor, Vec::new()).expect("seals");
    let err = open_document(reviewer.identity(), &sealed[..], &mut DiscardAttachments).expect_err("refused");
    assert!(matches!(err, OpenDocumentError::Document(DocumentError::WrongSigner)), "{err:?}");
}

/// The relay sees the same header shape and size whatever the route: a Prevent report (one
/// real recipient) and a misconduct report (four) both carry exactly `stanzas` X25519 stanzas.
#[test]
fn header_shape_does_not_reveal_the_route() {
    let dir = common::example_directory();
    let stanzas = dir.directory().stanzas;
    let token = MailboxToken::generate();
    let mut shapes = Vec::new();
    for (category, expected_readers) in [(Category::PreventConcern, 1), (Category::DiscreditableConduct, 4)] {
        let route = route(&dir, category, &[], &[]).expect("routes");
        assert_eq!(route.reviewers.len(), expected_readers);
        let doc = common::report(&token, category, "same length text", route.reviewers.clone());
        let sealed = seal_document(&route.recipients(&dir), stanzas, &doc, vec![], &token.signing_key(), Vec::new())
            .expect("seals");
        let shape = header_shape(&sealed).expect("header");
        assert_eq!(shape.x25519_stanzas, stanzas);
        // age adds exactly one random grease stanza of its own to every file, whatever the route.
        assert_eq!(shape.other_tags.len(), 1);
        assert!(shape.other_tags[0].ends_with("-grease"), "{:?}", shape.other_tags);
        shapes.push((shape.x25519_bytes, shape.header_len - shape.other_bytes, sealed.len() - shape.header_len));
    }
    assert_eq!(shapes[0], shapes[1], "X25519 stanza bytes, header size without grease, and payload size must match");
}

#[test]
fn decoy_stanzas_are_fresh_each_time() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let a = seal_small(&reviewer, 12, b"{}");
    let b = seal_small(&reviewer, 12, b"{}");
    let lines = |e: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(&e[..header_shape(e).expect("h").header_len])
            .lines()
            .filter(|l| l.starts_with("-> X25519"))
            .map(str::to_owned)
            .collect()
    };
    let (la, lb) = (lines(&a), lines(&b));
    assert_eq!(la.len(), 12);
    assert!(la.iter().all(|l| !lb.contains(l)), "a stanza repeated across envelopes");
}

#[test]
fn every_envelope_has_the_shape_the_relay_admits_and_fits_its_bound() {
    use candour_core::shape::{self, ShapeError};
    let reviewer = ReviewerSecret::generate("psd-1");
    let signer = SigningKey::generate(&mut OsRng);
    // Document and attachment sizes around the padding floor and the 64 KiB chunk boundary, so
    // padded plaintexts of one, several, and an exact multiple of chunks all occur.
    for (doc_len, attachment_len) in [
        (10, 0),
        (16_000, 0),
        (16_384, 0),
        (20_000, 0),
        (1_000, 65_000),
        (1_000, 131_000),
        (500, 128_500),
        (500, 300_000),
    ] {
        let doc = vec![b'x'; doc_len];
        let data = vec![7u8; attachment_len];
        let attachments: Vec<(AttachmentMeta, u64)> = if attachment_len > 0 {
            vec![(meta("a.bin", "application/octet-stream"), attachment_len as u64)]
        } else {
            vec![]
        };
        let bound = envelope::sealed_len_bound(doc.len(), &attachments, 12);
        for _ in 0..4 {
            let mut reader = &data[..];
            let sources = match attachments.first() {
                Some((m, len)) => vec![AttachmentSource { meta: m.clone(), len: *len, reader: &mut reader }],
                None => vec![],
            };
            let sealed = envelope::seal(
                envelope::EnvelopeKind::Report,
                &[reviewer.recipient()],
                12,
                &doc,
                sources,
                &signer,
                Vec::new(),
            )
            .expect("seals");
            let header = shape::check(&sealed, 12).unwrap_or_else(|e| panic!("{doc_len}+{attachment_len}: {e}"));
            assert_eq!(header.x25519, 12);
            if (doc_len, attachment_len) == (500, 128_500) {
                assert_eq!(sealed.len() - header.len, 16 + 131_072 + 2 * 16, "two full chunks, no empty third");
            }
            assert!(header.len as u64 <= shape::max_header_len(12));
            assert!(sealed.len() as u64 <= bound, "{} > bound {bound}", sealed.len());
            assert!(bound - sealed.len() as u64 <= shape::MAX_GREASE_STANZA_LEN as u64, "the bound is tight");
            assert_eq!(shape::check(&sealed, 11), Err(ShapeError::StanzaCount { found: 12, expected: 11 }));
            let mut longer = sealed.clone();
            longer.push(0);
            assert_eq!(shape::check(&longer, 12), Err(ShapeError::PayloadLength));
        }
    }
    // What Candour never writes: random bytes, plaintext, an age file with the wrong number of
    // recipients (which would show the route) or with a passphrase stanza.
    assert!(matches!(shape::check(&[0x42; 20_000], 12), Err(ShapeError::NotAge(_))));
    assert!(matches!(shape::check(b"{\"what\": \"plain words\"}", 12), Err(ShapeError::NotAge(_))));
    let two =
        envelope::seal(envelope::EnvelopeKind::Report, &[reviewer.recipient()], 2, b"doc", vec![], &signer, Vec::new())
            .expect("seals");
    assert_eq!(shape::check(&two, 12), Err(ShapeError::StanzaCount { found: 2, expected: 12 }));
    let mut plain_age = Vec::new();
    {
        use std::io::Write as _;
        let e = age::Encryptor::with_recipients(std::iter::once(&reviewer.recipient() as &dyn age::Recipient))
            .expect("encryptor");
        let mut w = e.wrap_output(&mut plain_age).expect("wrap");
        w.write_all(b"short").expect("write");
        w.finish().expect("finish");
    }
    assert_eq!(shape::check(&plain_age, 1), Err(ShapeError::PayloadLength), "unpadded payload");
}

/// An author key of small order is refused: with it, the all-zero signature "verifies" over
/// any document, so such an envelope could claim any reporter's or reviewer's words.
#[test]
fn a_weak_author_key_is_refused() {
    let reviewer = ReviewerSecret::generate("psd-1");
    let mut plain = Vec::new();
    plain.extend_from_slice(envelope::MAGIC);
    plain.extend_from_slice(&envelope::FRAME_VERSION.to_be_bytes());
    plain.push(envelope::EnvelopeKind::Reply.byte());
    plain.extend_from_slice(&2u32.to_be_bytes());
    plain.extend_from_slice(b"{}");
    plain.push(0);
    // The identity point as the key, and R = identity, s = 0 as the signature: the equation
    // [s]B = R + [k]A holds for every message.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    plain.extend_from_slice(&identity);
    plain.extend_from_slice(&identity);
    plain.extend_from_slice(&[0u8; 32]);
    plain.resize(candour_core::padding::padded_len(plain.len() as u64) as usize, 0);
    let recipient = reviewer.recipient();
    let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("enc");
    let mut sealed = Vec::new();
    let mut w = enc.wrap_output(&mut sealed).expect("wrap");
    io::Write::write_all(&mut w, &plain).expect("write");
    w.finish().expect("finish");
    match envelope::open(reviewer.identity(), &sealed[..], &mut DiscardAttachments) {
        Err(OpenError::Malformed(FrameError::SignerKey)) => {}
        other => panic!("a weak author key must be refused, got {other:?}"),
    }
}

/// The real recipients' stanzas sit among the decoys in a random order: the position of a
/// reader's stanza says nothing (removing the shuffle puts it first every time, and fails).
#[test]
fn the_real_stanza_is_at_a_random_position() {
    use std::cell::Cell;
    /// Delegates to an X25519 identity, noting how many X25519 stanzas it was offered before
    /// one unwrapped.
    struct Watching<'a> {
        inner: &'a age::x25519::Identity,
        offered: Cell<usize>,
        found_at: Cell<Option<usize>>,
    }
    impl age::Identity for Watching<'_> {
        fn unwrap_stanza(
            &self,
            stanza: &age_core::format::Stanza,
        ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
            if stanza.tag != "X25519" {
                return None;
            }
            let position = self.offered.get();
            self.offered.set(position + 1);
            let result = self.inner.unwrap_stanza(stanza);
            if matches!(result, Some(Ok(_))) {
                self.found_at.set(Some(position));
            }
            result
        }
    }
    let reviewer = ReviewerSecret::generate("psd-1");
    let mut positions = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let sealed = seal_small(&reviewer, 12, b"{}");
        let watching = Watching { inner: reviewer.identity(), offered: Cell::new(0), found_at: Cell::new(None) };
        envelope::open(&watching, &sealed[..], &mut DiscardAttachments).expect("opens");
        assert_eq!(watching.offered.get(), watching.found_at.get().expect("found") + 1);
        positions.insert(watching.found_at.get().expect("found"));
    }
    // 40 envelopes of 12 stanzas: all at one position by chance has odds of 12^-39.
    assert!(positions.len() > 3, "the real stanza sat at {positions:?}");
}
