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
