//! The golden envelope: made by format version 1, it must open forever.

use std::fs;
use std::path::Path;

use candour_core::envelope::{AttachmentMeta, CollectAttachments};
use candour_core::message::open_document;
use candour_core::report::Document;

#[test]
fn golden_v1_envelope_still_opens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-v1");
    let identity: age::x25519::Identity =
        fs::read_to_string(dir.join("identity.txt")).expect("identity").trim().parse().expect("parses");
    let sealed = fs::read(dir.join("envelope.age")).expect("envelope");
    let expected: Document = serde_json::from_slice(&fs::read(dir.join("document.json")).expect("doc")).expect("json");
    let mut sink = CollectAttachments::new(1 << 20);
    let opened = open_document(&identity, &sealed[..], &mut sink).expect("golden envelope opens");
    assert_eq!(opened.document, expected);
    assert_eq!(
        sink.collected,
        vec![(
            AttachmentMeta { name: "golden.txt".into(), media_type: "text/plain".into() },
            fs::read(dir.join("golden.txt")).expect("attachment")
        )]
    );
}

/// Format 2: a report, a follow-up, a reply and a receipt, each with the reporter's route
/// commitment, made under the directory kept beside them.
#[test]
fn golden_v2_documents_still_open_and_their_commitments_verify() {
    use candour_core::directory::{self, TrustPolicy};
    use candour_core::envelope::DiscardAttachments;
    use candour_core::token::MailboxToken;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-v2");
    let root = fs::read_to_string(dir.join("root.pub")).expect("root").trim().parse().expect("root key");
    let policy = TrustPolicy {
        roots: vec![root],
        threshold: 1,
        min_version: 0,
        today: candour_core::Day::from_ymd(2026, 12, 1).expect("day"),
    };
    let verified = directory::verify(&fs::read(dir.join("directory.json")).expect("dir"), &policy).expect("verifies");
    let reader: age::x25519::Identity =
        fs::read_to_string(dir.join("identity.txt")).expect("identity").trim().parse().expect("parses");
    let token = MailboxToken::from_bytes(*b"golden-token-v2!");
    let reporter = token.reply_identity();
    for name in ["report", "follow-up", "reply", "receipt", "follow-up-seen"] {
        let sealed = fs::read(dir.join(format!("{name}.age"))).expect("envelope");
        let expected: Document =
            serde_json::from_slice(&fs::read(dir.join(format!("{name}.json"))).expect("doc")).expect("json");
        let identity: &dyn age::Identity = if name == "reply" || name == "receipt" { &reporter } else { &reader };
        let opened = open_document(identity, &sealed[..], &mut DiscardAttachments).expect("golden v2 opens");
        assert_eq!(opened.document, expected, "{name}");
        let route = opened.document.route().expect("every golden v2 document carries the commitment");
        route.verify(&token.public_signing_key(), &token.thread_id()).expect("signed by the token");
        assert!(route.matches_keys(&verified), "{name}: the digest binds the directory's keys");
        assert_eq!(
            (route.readers.as_slice(), route.excluded.as_slice()),
            (&["golden-1".to_owned()][..], &["golden-2".to_owned()][..])
        );
        if matches!(opened.document, Document::Reply(_) | Document::Receipt(_)) {
            assert_eq!(verified.reviewer("golden-1").map(|r| r.signing_key), Some(opened.signer), "{name}");
        }
    }
    // The follow-up that had read the reply names it by the digest both sides compute.
    let reply: Document = serde_json::from_slice(&fs::read(dir.join("reply.json")).expect("reply")).expect("json");
    let seen: Document =
        serde_json::from_slice(&fs::read(dir.join("follow-up-seen.json")).expect("doc")).expect("json");
    let (Document::Reply(reply), Document::FollowUp(seen)) = (reply, seen) else { panic!("a reply and a follow-up") };
    assert_eq!(
        seen.last_seen,
        Some(candour_core::report::seen_reply_digest(&reply.thread_id, &reply.reviewer, reply.day_sent, &reply.text))
    );
}

/// Framing version 2: every kind opens, names the kind its author signed, and is signed under
/// that kind's context only. Each envelope's signature is checked again under every other
/// context (by rewriting the kind byte inside a fresh age stream) and must fail there.
#[test]
fn golden_frame_v2_envelopes_open_as_their_kind_only() {
    use candour_core::envelope::{self, DiscardAttachments, EnvelopeKind, OpenError};
    use candour_core::keys::PublicSigningKey;
    use candour_core::token::MailboxToken;
    use std::io::{Read as _, Write as _};
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = base.join("golden-frame-v2");
    let reader: age::x25519::Identity =
        fs::read_to_string(base.join("golden-v2/identity.txt")).expect("identity").trim().parse().expect("parses");
    let token = MailboxToken::from_bytes(*b"golden-token-v2!");
    let reporter = token.reply_identity();
    let reviewer: PublicSigningKey =
        fs::read_to_string(dir.join("reviewer.pub")).expect("key").trim().parse().expect("key parses");
    for (name, kind) in [
        ("report", EnvelopeKind::Report),
        ("follow-up", EnvelopeKind::FollowUp),
        ("reply", EnvelopeKind::Reply),
        ("receipt", EnvelopeKind::Receipt),
        ("case-event", EnvelopeKind::CaseEvent),
    ] {
        let sealed = fs::read(dir.join(format!("{name}.age"))).expect("envelope");
        let identity: &age::x25519::Identity = if name == "reply" || name == "receipt" { &reporter } else { &reader };
        let opened = envelope::open(identity, &sealed[..], &mut DiscardAttachments).expect("golden frame v2 opens");
        assert_eq!(opened.kind, Some(kind), "{name}");
        let expected_signer = if matches!(kind, EnvelopeKind::Report | EnvelopeKind::FollowUp) {
            token.public_signing_key()
        } else {
            reviewer
        };
        assert_eq!(opened.signer, expected_signer, "{name}");
        if kind == EnvelopeKind::CaseEvent {
            assert_eq!(opened.document, fs::read(dir.join("case-event.json")).expect("event"));
        } else {
            // The same format 2 document as golden-v2, only framed anew.
            let expected: Document =
                serde_json::from_slice(&fs::read(base.join(format!("golden-v2/{name}.json"))).expect("doc"))
                    .expect("json");
            let document = open_document(identity, &sealed[..], &mut DiscardAttachments).expect("document opens");
            assert_eq!(document.document, expected, "{name}");
        }
        // The frozen plaintext: version 2 at bytes 8..10 and the kind byte at 10.
        let mut plain = Vec::new();
        age::Decryptor::new(&sealed[..])
            .expect("age")
            .decrypt(std::iter::once(identity as &dyn age::Identity))
            .expect("decrypts")
            .read_to_end(&mut plain)
            .expect("reads");
        assert_eq!((&plain[8..10], plain[10]), (&2u16.to_be_bytes()[..], kind.byte()), "{name}");
        for other in EnvelopeKind::ALL.into_iter().filter(|k| *k != kind) {
            let mut relabelled = plain.clone();
            relabelled[10] = other.byte();
            let recipient = identity.to_public();
            let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("enc");
            let mut out = Vec::new();
            let mut w = enc.wrap_output(&mut out).expect("wrap");
            w.write_all(&relabelled).expect("write");
            w.finish().expect("finish");
            assert!(
                matches!(envelope::open(identity, &out[..], &mut DiscardAttachments), Err(OpenError::BadSignature)),
                "{name} relabelled as {other} must not verify"
            );
        }
    }
}

/// A document sealed as another kind than it is (a reviewer's reply framed as a report, say) is
/// refused by name, even though its signature verifies for the kind it claims.
#[test]
fn a_document_sealed_as_another_kind_is_refused() {
    use candour_core::envelope::{self, DiscardAttachments, EnvelopeKind};
    use candour_core::message::OpenDocumentError;
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-v2");
    let reply = fs::read(base.join("reply.json")).expect("reply");
    let to = age::x25519::Identity::generate();
    let signer = ed25519_dalek::SigningKey::from_bytes(&[0x61; 32]);
    let sealed = envelope::seal(EnvelopeKind::Receipt, &[to.to_public()], 4, &reply, vec![], &signer, Vec::new())
        .expect("seals");
    match open_document(&to, &sealed[..], &mut DiscardAttachments) {
        Err(e @ OpenDocumentError::KindMismatch { sealed: EnvelopeKind::Receipt, document: EnvelopeKind::Reply }) => {
            assert_eq!(e.code(), "envelope-kind-mismatch")
        }
        other => panic!("a reply framed as a receipt must be refused, got {other:?}"),
    }
}

/// A format 2 reply names the newest message its author had read by the digest the reporter's
/// client computes from that message.
#[test]
fn golden_reply_with_seen_names_the_follow_up() {
    use candour_core::envelope::DiscardAttachments;
    use candour_core::report::seen_report_digest;
    use candour_core::token::MailboxToken;
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let token = MailboxToken::from_bytes(*b"golden-token-v2!");
    let sealed = fs::read(base.join("golden-frame-v2/reply-seen.age")).expect("envelope");
    let opened = open_document(&token.reply_identity(), &sealed[..], &mut DiscardAttachments).expect("opens");
    let expected: Document =
        serde_json::from_slice(&fs::read(base.join("golden-frame-v2/reply-seen.json")).expect("doc")).expect("json");
    assert_eq!(opened.document, expected);
    let follow_up: Document =
        serde_json::from_slice(&fs::read(base.join("golden-v2/follow-up.json")).expect("doc")).expect("json");
    let (Document::Reply(reply), Document::FollowUp(f)) = (opened.document, follow_up) else {
        panic!("a reply and a follow-up")
    };
    let seen = reply.seen.expect("the golden reply says what it had read");
    assert_eq!((seen.messages, seen.newest_day), (2, f.day_sent));
    assert_eq!(seen.newest, seen_report_digest(&f.thread_id, f.day_sent, &f.concern.what));
}
