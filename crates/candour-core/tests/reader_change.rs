//! Reader changes (docs/design.md §6 "Moving cases"): the rules every reviewer's tool and the
//! reporter's client apply, each broken on purpose the way a corrupt reader would, and the wire
//! form frozen by golden fixtures (the signed bytes, the JSON, and a receipt carrying a change).

mod common;

use std::fs;
use std::path::Path;

use candour_core::commitment::RouteCommitment;
use candour_core::directory::VerifiedDirectory;
use candour_core::envelope::DiscardAttachments;
use candour_core::keys::{PublicSigningKey, ReviewerSecret};
use candour_core::message::{open_document, seal_document};
use candour_core::reader_change::{apply, ReaderChange, ReaderChangeError, MAX_READER_CHANGES};
use candour_core::report::{Document, Receipt, SCHEMA_VERSION};
use candour_core::token::MailboxToken;
use candour_core::wire::{SignatureHex, ThreadId};
use candour_core::Day;
use ed25519_dalek::Signer as _;

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

struct Setup {
    dir: VerifiedDirectory,
    token: MailboxToken,
    commitment: RouteCommitment,
}

/// A report routed to the PSD and ACU that excluded psd-2.
fn setup() -> Setup {
    let dir = common::example_directory();
    let token = MailboxToken::generate();
    let commitment = RouteCommitment::sign(
        &dir,
        token.thread_id(),
        &ids(&["psd-1", "acu-1", "acu-2"]),
        &ids(&["psd-2"]),
        &token.signing_key(),
    )
    .expect("commitment");
    Setup { dir, token, commitment }
}

fn change(s: &Setup, author: &str, before: &[&str], after: &[&str]) -> Result<ReaderChange, ReaderChangeError> {
    let key = common::reviewer(author);
    ReaderChange::sign(
        &s.dir,
        s.token.thread_id(),
        author,
        key.signing_key(),
        common::today(),
        &ids(before),
        &ids(after),
        &s.commitment.excluded,
    )
}

/// A change signed by hand, as a corrupt reader would, skipping every check `sign` makes.
fn by_hand(s: &Setup, signer: &ReviewerSecret, author: &str, before: &[&str], after: &[&str]) -> ReaderChange {
    let mut c = ReaderChange {
        thread_id: s.token.thread_id(),
        author: author.into(),
        signing_key: PublicSigningKey(signer.signing_key().verifying_key()),
        day: common::today(),
        directory_version: s.dir.directory().version,
        before: ids(before),
        after: ids(after),
        signature: SignatureHex([0; 64]),
    };
    c.signature = SignatureHex(signer.signing_key().sign(&c.signed_bytes()).to_bytes());
    c
}

fn verify(s: &Setup, c: &ReaderChange, current: &[&str]) -> Result<(), ReaderChangeError> {
    c.verify(&s.dir, &s.token.thread_id(), &ids(current), &s.commitment.excluded)
}

#[test]
fn a_supervisor_transfers_and_any_reader_adds() {
    let s = setup();
    let transfer = change(&s, "psd-1", &["psd-1", "acu-1", "acu-2"], &["sb-1"]).expect("a supervisor transfers");
    assert_eq!(transfer.removed(), ids(&["acu-1", "acu-2", "psd-1"]));
    assert_eq!(transfer.added(), ids(&["sb-1"]));
    let add = change(&s, "acu-2", &["psd-1", "acu-1", "acu-2"], &["psd-1", "acu-1", "acu-2", "pcc-1"]).expect("adds");
    assert_eq!((add.added(), add.removed()), (ids(&["pcc-1"]), vec![]));
    let applied =
        apply(&s.dir, &s.token.thread_id(), &s.commitment.readers, &s.commitment.excluded, std::slice::from_ref(&add));
    assert_eq!(applied.readers, ids(&["acu-1", "acu-2", "pcc-1", "psd-1"]));
    assert!(applied.refused.is_empty());
}

#[test]
fn every_rule_refuses_what_breaks_it() {
    let s = setup();
    let first = ["psd-1", "acu-1", "acu-2"];
    let sorted = ["acu-1", "acu-2", "psd-1"];
    let code = |r: Result<(), ReaderChangeError>| r.expect_err("refused").code();
    // Someone the reporter excluded, however the change is made.
    assert_eq!(
        change(&s, "psd-1", &first, &["psd-1", "acu-1", "acu-2", "psd-2"]).expect_err("excluded").code(),
        "reader-change-excluded"
    );
    let forged = by_hand(&s, &common::reviewer("acu-2"), "acu-2", &sorted, &["acu-1", "acu-2", "psd-1", "psd-2"]);
    assert_eq!(code(verify(&s, &forged, &first)), "reader-change-excluded");
    // A reviewer cannot drop colleagues; only a supervisor moves a case away.
    let dropped = by_hand(&s, &common::reviewer("acu-2"), "acu-2", &sorted, &["acu-2"]);
    assert_eq!(code(verify(&s, &dropped, &first)), "reader-change-not-a-supervisor");
    // Someone who is not a reader cannot change the readers, even a supervisor elsewhere.
    let outsider = by_hand(&s, &common::reviewer("sb-1"), "sb-1", &sorted, &["sb-1"]);
    assert_eq!(code(verify(&s, &outsider, &first)), "reader-change-not-a-reader");
    // A signature by another key than the author's directory key.
    let impostor = by_hand(&s, &common::reviewer("acu-2"), "psd-1", &sorted, &["sb-1"]);
    assert_eq!(code(verify(&s, &impostor, &first)), "reader-change-bad-signature");
    let mut altered = change(&s, "psd-1", &first, &["sb-1"]).expect("change");
    altered.after = ids(&["pcc-1"]);
    assert_eq!(code(verify(&s, &altered, &first)), "reader-change-bad-signature");
    // Made from other readers than the thread has (a stale view, or a replay).
    let transfer = change(&s, "psd-1", &first, &["sb-1"]).expect("change");
    assert_eq!(code(verify(&s, &transfer, &["sb-1"])), "reader-change-stale");
    // Another thread's change.
    let other = Setup { token: MailboxToken::generate(), ..setup() };
    assert_eq!(
        code(transfer.verify(&s.dir, &other.token.thread_id(), &ids(&first), &[])),
        "reader-change-other-thread"
    );
    // Lists out of order, empty, or naming someone twice.
    let unsorted = by_hand(&s, &common::reviewer("psd-1"), "psd-1", &["psd-1", "acu-1", "acu-2"], &["sb-1"]);
    assert_eq!(code(verify(&s, &unsorted, &first)), "reader-change-not-canonical");
    let empty = by_hand(&s, &common::reviewer("psd-1"), "psd-1", &["acu-1", "acu-2", "psd-1"], &[]);
    assert_eq!(code(verify(&s, &empty, &first)), "reader-change-not-canonical");
    let twice = by_hand(&s, &common::reviewer("psd-1"), "psd-1", &["acu-1", "acu-2", "psd-1"], &["sb-1", "sb-1"]);
    assert_eq!(code(verify(&s, &twice, &first)), "reader-change-not-canonical");
    // A reader the directory does not list, and a change that changes nothing.
    let unknown = by_hand(&s, &common::reviewer("psd-1"), "psd-1", &["acu-1", "acu-2", "psd-1"], &["ghost-9"]);
    assert_eq!(code(verify(&s, &unknown, &first)), "reader-change-unknown-reader");
    let same =
        by_hand(&s, &common::reviewer("psd-1"), "psd-1", &["acu-1", "acu-2", "psd-1"], &["acu-1", "acu-2", "psd-1"]);
    assert_eq!(code(verify(&s, &same, &first)), "reader-change-no-change");
}

#[test]
fn a_chain_applies_in_order_whatever_order_it_arrives_in_and_a_rival_is_refused() {
    let s = setup();
    let first = ["psd-1", "acu-1", "acu-2"];
    let add = change(&s, "acu-2", &first, &["psd-1", "acu-1", "acu-2", "pcc-1"]).expect("add");
    let transfer = change(&s, "pcc-1", &["acu-1", "acu-2", "pcc-1", "psd-1"], &["sb-1"]).expect("transfer");
    let rival = change(&s, "psd-1", &first, &["sb-1"]).expect("made at the same time as `add`");
    let thread = s.token.thread_id();
    for order in [vec![add.clone(), transfer.clone()], vec![transfer.clone(), add.clone(), add.clone()]] {
        let applied = apply(&s.dir, &thread, &s.commitment.readers, &s.commitment.excluded, &order);
        assert_eq!(applied.readers, ids(&["sb-1"]));
        assert_eq!(applied.applied, vec![add.clone(), transfer.clone()]);
        assert!(applied.refused.is_empty(), "a repeat is dropped, not refused");
    }
    // Two changes from the same readers: one applies (by day, then signature), the other is stale.
    let applied = apply(&s.dir, &thread, &s.commitment.readers, &s.commitment.excluded, &[add.clone(), rival.clone()]);
    assert_eq!(applied.applied.len(), 1);
    assert_eq!(applied.refused.len(), 1);
    assert_eq!(applied.refused[0].1.code(), "reader-change-stale");
    // A thread carries a bounded number of changes.
    let mut many = Vec::new();
    let mut readers = ids(&["acu-1", "acu-2", "psd-1"]);
    for i in 0..=MAX_READER_CHANGES {
        let after: Vec<String> =
            if i % 2 == 0 { ids(&["acu-1", "acu-2", "pcc-1", "psd-1"]) } else { ids(&["acu-1", "acu-2", "psd-1"]) };
        let before: Vec<&str> = readers.iter().map(String::as_str).collect();
        let after_ref: Vec<&str> = after.iter().map(String::as_str).collect();
        let mut c = change(&s, "psd-1", &before, &after_ref).expect("change");
        c.day = c.day.plus_days(i as i64);
        let key = common::reviewer("psd-1");
        c.signature = SignatureHex(key.signing_key().sign(&c.signed_bytes()).to_bytes());
        many.push(c);
        readers = after;
    }
    let applied = apply(&s.dir, &thread, &s.commitment.readers, &s.commitment.excluded, &many);
    assert_eq!(applied.applied.len(), MAX_READER_CHANGES);
    assert_eq!(applied.refused.len(), 1);
    assert_eq!(applied.refused[0].1.code(), "reader-change-too-many");
}

#[test]
fn the_signed_bytes_are_injective_across_field_boundaries() {
    let s = setup();
    let base = by_hand(&s, &common::reviewer("psd-1"), "psd-1", &["a", "b"], &["c"]);
    let moved = ReaderChange { before: ids(&["a"]), after: ids(&["b", "c"]), ..base.clone() };
    let joined = ReaderChange { before: ids(&["ab"]), ..base.clone() };
    let author = ReaderChange { author: "psd-1a".into(), before: ids(&["b"]), ..base.clone() };
    let bytes = [base.signed_bytes(), moved.signed_bytes(), joined.signed_bytes(), author.signed_bytes()];
    for (i, a) in bytes.iter().enumerate() {
        for b in &bytes[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const FIXTURE: &str = "tests/fixtures/golden-reader-change";

/// The change in the fixture: fixed fields, signed by a fixed key (Ed25519 is deterministic).
fn golden_change() -> (ReaderChange, ed25519_dalek::SigningKey) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let mut c = ReaderChange {
        thread_id: ThreadId([0x5a; 16]),
        author: "golden-psd-1".into(),
        signing_key: PublicSigningKey(key.verifying_key()),
        day: Day::from_ymd(2026, 12, 2).expect("day"),
        directory_version: 7,
        before: ids(&["golden-acu-1", "golden-psd-1", "golden-psd-2"]),
        after: ids(&["golden-sb-1"]),
        signature: SignatureHex([0; 64]),
    };
    c.signature = SignatureHex(key.sign(&c.signed_bytes()).to_bytes());
    (c, key)
}

fn write_fixture(dir: &Path) {
    use age::secrecy::ExposeSecret as _;
    fs::create_dir_all(dir).expect("fixture folder");
    let (change, _) = golden_change();
    fs::write(dir.join("signed-bytes.hex"), format!("{}\n", to_hex(&change.signed_bytes()))).expect("write");
    fs::write(dir.join("change.json"), serde_json::to_string_pretty(&change).expect("json") + "\n").expect("write");
    // The receipt is for a real thread with its route commitment, so its change is that thread's.
    let s = setup();
    let mut change = ReaderChange { thread_id: s.token.thread_id(), ..change };
    let (_, key) = golden_change();
    change.signature = SignatureHex(key.sign(&change.signed_bytes()).to_bytes());
    let author = ReviewerSecret::generate("golden-sb-1");
    let reporter = ReviewerSecret::generate("golden-reporter");
    let receipt = Document::Receipt(Receipt {
        schema: SCHEMA_VERSION,
        thread_id: change.thread_id,
        reviewer: "golden-sb-1".into(),
        day_sent: change.day,
        thread_recipients: change.after.clone(),
        route: Some(s.commitment),
        directory_version: Some(7),
        reader_changes: vec![change],
    });
    let sealed =
        seal_document(&[reporter.recipient()], 4, &receipt, vec![], author.signing_key(), Vec::new()).expect("seals");
    fs::write(dir.join("receipt.age"), sealed).expect("write");
    fs::write(dir.join("receipt.json"), serde_json::to_vec_pretty(&receipt).expect("json")).expect("write");
    fs::write(dir.join("identity.txt"), format!("{}\n", reporter.age_identity_text().expose_secret())).expect("write");
    fs::write(dir.join("reviewer.pub"), format!("{}\n", author.public_signing_key())).expect("write");
}

#[test]
fn the_reader_change_wire_form_is_frozen() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    if !dir.exists() {
        write_fixture(&dir);
    }
    let (change, key) = golden_change();
    let frozen_bytes = fs::read_to_string(dir.join("signed-bytes.hex")).expect("signed bytes");
    assert_eq!(to_hex(&change.signed_bytes()), frozen_bytes.trim(), "the signed bytes must not change");
    let frozen_json = fs::read_to_string(dir.join("change.json")).expect("change.json");
    let parsed: ReaderChange = serde_json::from_str(&frozen_json).expect("the frozen change parses");
    assert_eq!(parsed, change);
    assert_eq!(serde_json::to_string_pretty(&change).expect("json") + "\n", frozen_json, "the JSON must not change");
    use ed25519_dalek::Verifier as _;
    key.verifying_key()
        .verify(&parsed.signed_bytes(), &ed25519_dalek::Signature::from_bytes(&parsed.signature.0))
        .expect("the frozen signature verifies over the frozen bytes");

    // A receipt carrying it still opens as the same document, signed by the same reviewer.
    let identity: age::x25519::Identity =
        fs::read_to_string(dir.join("identity.txt")).expect("identity").trim().parse().expect("identity");
    let sealed = fs::read(dir.join("receipt.age")).expect("receipt.age");
    let opened = open_document(&identity, &sealed[..], &mut DiscardAttachments).expect("the frozen receipt opens");
    let expected: Document =
        serde_json::from_slice(&fs::read(dir.join("receipt.json")).expect("receipt.json")).expect("parses");
    assert_eq!(opened.document, expected);
    match &opened.document {
        Document::Receipt(r) => {
            assert_eq!(r.reader_changes.len(), 1);
            assert_eq!(r.reader_changes[0].after, change.after);
            assert_eq!(r.reader_changes[0].thread_id, r.thread_id);
        }
        other => panic!("not a receipt: {other:?}"),
    }
    let signer: PublicSigningKey =
        fs::read_to_string(dir.join("reviewer.pub")).expect("reviewer.pub").trim().parse().expect("key");
    assert_eq!(opened.signer, signer);
}
