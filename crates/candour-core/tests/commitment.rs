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
