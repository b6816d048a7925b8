//! The route commitment: signed by the reporter, bound to its thread, readers and exclusions.

mod common;

use candour_core::commitment::{CommitmentError, RouteCommitment};
use candour_core::token::MailboxToken;

fn directory() -> candour_core::directory::VerifiedDirectory {
    common::example_directory()
}

#[test]
fn a_commitment_verifies_only_for_its_reporter_and_thread() {
    let dir = directory();
    let token = MailboxToken::from_bytes([7; 16]);
    let ids: Vec<String> = dir.directory().reviewers.iter().take(2).map(|r| r.id.clone()).collect();
    let c = RouteCommitment::sign(&dir, token.thread_id(), &ids, &[], &token.signing_key()).expect("signs");
    assert_eq!(c.verify(&token.public_signing_key(), &token.thread_id()), Ok(()));
    assert!(c.matches_keys(&dir));
    let other = MailboxToken::from_bytes([8; 16]);
    assert_eq!(c.verify(&other.public_signing_key(), &token.thread_id()), Err(CommitmentError::BadSignature));
    assert_eq!(c.verify(&token.public_signing_key(), &other.thread_id()), Err(CommitmentError::OtherThread));
    // Any field changed after signing breaks the signature.
    let mut added = c.clone();
    added.readers.push("zz-added".into());
    assert_eq!(added.verify(&token.public_signing_key(), &token.thread_id()), Err(CommitmentError::BadSignature));
    let mut unexcluded = c.clone();
    unexcluded.excluded.clear();
    unexcluded.excluded.push("aa".into());
    assert_eq!(unexcluded.verify(&token.public_signing_key(), &token.thread_id()), Err(CommitmentError::BadSignature));
    let mut older = c.clone();
    older.directory_version += 1;
    assert_eq!(older.verify(&token.public_signing_key(), &token.thread_id()), Err(CommitmentError::BadSignature));
}

#[test]
fn lists_must_be_canonical_and_disjoint() {
    let dir = directory();
    let token = MailboxToken::from_bytes([7; 16]);
    let ids: Vec<String> = dir.directory().reviewers.iter().take(2).map(|r| r.id.clone()).collect();
    let key = token.public_signing_key();
    let mut c = RouteCommitment::sign(&dir, token.thread_id(), &ids, &[], &token.signing_key()).expect("signs");
    c.readers.reverse();
    assert_eq!(c.verify(&key, &token.thread_id()), Err(CommitmentError::NotCanonical));
    assert_eq!(
        RouteCommitment::sign(&dir, token.thread_id(), &ids, &ids[..1], &token.signing_key()),
        Err(CommitmentError::ExcludedReader(ids[0].clone()))
    );
    assert_eq!(
        RouteCommitment::sign(&dir, token.thread_id(), &[], &[], &token.signing_key()),
        Err(CommitmentError::NoReaders)
    );
    assert_eq!(
        RouteCommitment::sign(&dir, token.thread_id(), &["nobody".into()], &[], &token.signing_key()),
        Err(CommitmentError::UnknownReader("nobody".into()))
    );
}

/// A reporter's commitment to the directory's first two reviewers, with the directory, the
/// reporter's token and the readers' ids.
fn two_readers() -> (candour_core::directory::VerifiedDirectory, MailboxToken, Vec<String>, RouteCommitment) {
    let dir = directory();
    let token = MailboxToken::from_bytes([7; 16]);
    let ids: Vec<String> = dir.directory().reviewers.iter().take(2).map(|r| r.id.clone()).collect();
    let c = RouteCommitment::sign(&dir, token.thread_id(), &ids, &[], &token.signing_key()).expect("signs");
    (dir, token, ids, c)
}

/// Lists a reporter's tool never writes are refused before the signature is even checked: an
/// empty id, an id longer than any directory allows, and the same reader twice.
#[test]
fn empty_overlong_and_repeated_ids_are_not_canonical() {
    let (_, token, ids, c) = two_readers();
    let key = token.public_signing_key();
    let longest = "z".repeat(candour_core::commitment::MAX_ID_LEN);
    for readers in [
        vec![String::new(), ids[0].clone()],
        vec![ids[0].clone(), "z".repeat(candour_core::commitment::MAX_ID_LEN + 1)],
        vec![ids[0].clone(), ids[0].clone()],
    ] {
        let mut bad = c.clone();
        bad.readers = readers;
        assert_eq!(bad.verify(&key, &token.thread_id()), Err(CommitmentError::NotCanonical), "{:?}", bad.readers);
    }
    // The longest allowed id is canonical: refused only because the signature no longer holds.
    let mut long = c.clone();
    long.readers = vec![ids[0].clone(), longest];
    assert_eq!(long.verify(&key, &token.thread_id()), Err(CommitmentError::BadSignature));
}

/// A commitment names its readers' keys: checked against a directory where they differ (here,
/// the committed digest altered), it does not match.
#[test]
fn keys_that_differ_from_the_committed_ones_do_not_match() {
    let (dir, _, _, c) = two_readers();
    assert!(c.matches_keys(&dir));
    let mut other = c.clone();
    other.recipients_digest.0[0] ^= 1;
    assert!(!other.matches_keys(&dir));
}

/// The codes are part of the page's and the logs' contract: frozen.
#[test]
fn commitment_error_codes_are_frozen() {
    let codes = [
        (CommitmentError::NoReaders, "commitment-no-readers"),
        (CommitmentError::NotCanonical, "commitment-not-canonical"),
        (CommitmentError::ExcludedReader("a".into()), "commitment-excluded-reader"),
        (CommitmentError::UnknownReader("a".into()), "commitment-unknown-reader"),
        (CommitmentError::BadSignature, "commitment-bad-signature"),
        (CommitmentError::OtherThread, "commitment-other-thread"),
    ];
    for (error, code) in codes {
        assert_eq!(error.code(), code);
    }
}
