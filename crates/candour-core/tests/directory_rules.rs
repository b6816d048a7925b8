//! The directory's rules at their edges (docs/design.md §2): rollback and expiry on the very
//! version and day, the consistency checks one step either side of their limits, and the
//! standing of retired keys within and just past their bounds. Each test here was written
//! against a mutant of `directory.rs` that no other test of this crate noticed.

mod common;

use candour_core::directory::{self, Directory, KeyStanding, RetiredKey, TrustPolicy, VerifiedDirectory};
use candour_core::keys::{ReviewerSecret, RootSecretKey};
use candour_core::report::Category;
use candour_core::Day;
use sha2::{Digest as _, Sha256};

fn example() -> Directory {
    let bytes = std::fs::read(common::keys_example().join("directory.unsigned.json")).expect("unsigned");
    serde_json::from_slice(&bytes).expect("parses")
}

fn root() -> RootSecretKey {
    RootSecretKey::from_seed(&[0x5a; 32])
}

fn policy(min_version: u64, today: Day) -> TrustPolicy {
    TrustPolicy { roots: vec![root().public()], threshold: 1, min_version, today }
}

fn served(doc: &Directory) -> Vec<u8> {
    directory::sign(&serde_json::to_vec_pretty(doc).expect("json"), &root()).expect("signs")
}

fn verified(doc: &Directory) -> VerifiedDirectory {
    directory::verify(&served(doc), &policy(0, doc.not_after)).expect("verifies")
}

fn refused(doc: &Directory) -> String {
    directory::validate(doc).expect_err("refused").to_string()
}

#[test]
fn rollback_and_expiry_hold_on_the_very_version_and_day() {
    let doc = example();
    let bytes = served(&doc);
    let code = |min: u64, today: Day| directory::verify(&bytes, &policy(min, today)).map(|_| ()).map_err(|e| e.code());
    assert_eq!(code(doc.version, doc.not_after), Ok(()), "the version seen last, on its last day");
    assert_eq!(code(doc.version + 1, doc.not_after), Err("rolled-back"));
    assert_eq!(code(doc.version, doc.not_after.plus_days(1)), Err("expired"));
}

#[test]
fn the_digests_are_of_the_served_and_the_signed_bytes() {
    let doc = example();
    let bytes = served(&doc);
    let v = directory::verify(&bytes, &policy(0, doc.not_after)).expect("verifies");
    assert_eq!(v.served_sha256(), <[u8; 32]>::from(Sha256::digest(&bytes)));
    let signed = serde_json::to_vec_pretty(&doc).expect("json");
    assert_eq!(v.signed_sha256(), <[u8; 32]>::from(Sha256::digest(&signed)), "the document exactly as signed");
}

#[test]
fn reviewer_ids_are_present_and_once() {
    let mut empty = example();
    empty.reviewers[0].id = String::new();
    assert!(refused(&empty).contains("empty or repeated"));
    let mut twice = example();
    twice.reviewers[1].id = twice.reviewers[0].id.clone();
    assert!(refused(&twice).contains("empty or repeated"));
    let mut own = example();
    let key = own.reviewers[0].recipients[0].clone();
    own.reviewers[0].recipients.push(key);
    assert!(refused(&own).contains("lists the same encryption key twice"), "{}", refused(&own));
}

#[test]
fn every_route_fits_the_stanza_count_exactly() {
    let mut doc = example();
    doc.stanzas = doc.reviewers.len();
    directory::validate(&doc).expect("as many stanzas as reviewers fits");
    doc.stanzas -= 1;
    assert!(refused(&doc).contains("stanzas"));
}

#[test]
fn the_fallback_is_independent_and_the_last_rule_matches_everything() {
    let mut dependent = example();
    dependent.routing.fallback_queue = "psd".into();
    assert!(refused(&dependent).contains("not marked independent"));
    for (categories, concerning) in
        [(vec![Category::Other], vec![]), (vec![], vec![candour_core::report::Concerning::ChiefOfficer])]
    {
        let mut doc = example();
        let last = doc.routing.rules.last_mut().expect("rules");
        (last.categories, last.concerning) = (categories, concerning);
        assert!(refused(&doc).contains("last routing rule"), "{}", refused(&doc));
    }
}

/// A key retired "until" the current version would be current and retired at once.
#[test]
fn a_retired_key_ended_before_this_version() {
    let gone = ReviewerSecret::generate("psd-9");
    let mut doc = example();
    let retired = |until_version| RetiredKey {
        id: "psd-9".into(),
        signing_key: gone.public_signing_key(),
        until_version,
        until_day: Day::from_ymd(2026, 6, 30).expect("day"),
    };
    doc.retired = vec![retired(doc.version)];
    assert!(refused(&doc).contains("said to be current until version"));
    doc.retired = vec![retired(doc.version - 1)];
    directory::validate(&doc).expect("retired before this version");
}

#[test]
fn a_retired_key_stands_for_its_holder_within_its_bounds_only() {
    let gone = ReviewerSecret::generate("psd-9");
    let until_day = Day::from_ymd(2026, 6, 30).expect("day");
    let mut doc = example();
    let until_version = doc.version - 1;
    doc.retired =
        vec![RetiredKey { id: "psd-9".into(), signing_key: gone.public_signing_key(), until_version, until_day }];
    let v = verified(&doc);
    let current = doc.reviewers[0].signing_key;
    let holder = doc.reviewers[0].id.clone();
    let retired_key = gone.public_signing_key();

    assert_eq!(v.signing_key_standing(&holder, &current), Some(KeyStanding::Current));
    assert_eq!(v.signing_key_standing("psd-9", &retired_key), Some(KeyStanding::Retired { until_version, until_day }));
    assert_eq!(v.signing_key_standing("psd-9", &current), None, "another's current key");
    assert_eq!(v.signing_key_standing(&holder, &retired_key), None, "another's retired key");
    assert_eq!(v.reviewer_by_signing_key(&current).map(|r| r.id.as_str()), Some(holder.as_str()));
    assert!(v.reviewer_by_signing_key(&retired_key).is_none(), "a retired key is nobody's current key");

    assert!(v.signed_by_author(&holder, &current, until_day.plus_days(400), None), "the current key, any day");
    assert!(!v.signed_by_author(&holder, &retired_key, until_day, None), "not the holder's key");
    let by = |day: Day, version: Option<u64>| v.signed_by_author("psd-9", &retired_key, day, version);
    assert!(by(until_day, Some(until_version)), "on its last day, under its last version");
    assert!(by(until_day, None), "a document that names no version");
    assert!(!by(until_day.plus_days(1), Some(until_version)), "the day after");
    assert!(!by(until_day, Some(until_version + 1)), "a version after");
}

#[test]
fn build_numbers_read_as_decimal() {
    use candour_core::directory::parse_build_number;
    assert_eq!([parse_build_number("0"), parse_build_number("7"), parse_build_number("42")], [0, 7, 42]);
    assert_eq!(parse_build_number("18446744073709551615"), u64::MAX);
    assert_eq!(parse_build_number("0309"), 309);
}

/// The force's records rule (docs/design.md §6 "Disposal"): from one day to a hundred years,
/// absent by default, and signed with the rest (a tool reads it from the verified directory).
#[test]
fn the_records_rule_is_bounded_and_travels_signed() {
    use candour_core::directory::{RecordsPolicy, MAX_KEEP_CONCLUDED_DAYS};
    let mut doc = example();
    assert_eq!(doc.records, None);
    assert!(!String::from_utf8(served(&doc)).expect("utf-8").contains("records"), "absent when unset");
    for days in [1, 2190, MAX_KEEP_CONCLUDED_DAYS] {
        doc.records = Some(RecordsPolicy { keep_concluded_days: days });
        directory::validate(&doc).expect("within bounds");
        assert_eq!(verified(&doc).directory().records, Some(RecordsPolicy { keep_concluded_days: days }));
    }
    for days in [0, MAX_KEEP_CONCLUDED_DAYS + 1] {
        doc.records = Some(RecordsPolicy { keep_concluded_days: days });
        assert!(refused(&doc).contains("keep_concluded_days must be between 1 and 36525"), "{days}");
    }
    let text = r#"{"keep_concluded_days": 30, "keep_open_days": 1}"#;
    assert!(serde_json::from_str::<RecordsPolicy>(text).is_err(), "an unknown rule is refused, not ignored");
}

fn bundle(directories: &[Vec<u8>]) -> Vec<u8> {
    serde_json::to_vec(&candour_core::api::DirectoryBundle {
        format: candour_core::api::DIRECTORY_BUNDLE_FORMAT.into(),
        directories: directories.iter().map(|d| String::from_utf8(d.clone()).expect("utf-8")).collect(),
    })
    .expect("bundle")
}

/// A shared relay's bundle (docs/design.md §5 "Many forces, one relay"): the client keeps the directory its roots
/// signed; if a relay also serves an older one of theirs, the newest wins; our own directory
/// expired says so rather than "not served"; a bundle past the limit is refused unread.
#[test]
fn picking_from_a_bundle_takes_our_newest_and_says_why_not() {
    let doc = example();
    let policy = policy(0, doc.not_after);
    let other = RootSecretKey::from_seed(&[0x77; 32]);
    let theirs = directory::sign(&serde_json::to_vec_pretty(&doc).expect("json"), &other).expect("signs");
    let newer = Directory { version: doc.version + 1, ..doc.clone() };
    let picked = directory::pick(&bundle(&[theirs.clone(), served(&doc), served(&newer)]), &policy).expect("ours");
    assert_eq!((picked.0, picked.1.directory().version), (2, doc.version + 1));
    let picked = directory::pick(&bundle(&[served(&newer), served(&doc)]), &policy).expect("ours");
    assert_eq!(picked.0, 0, "the newest, wherever it is");

    let code = |b: Vec<u8>, policy: &TrustPolicy| directory::pick(&b, policy).map(|_| ()).map_err(|e| e.code());
    assert_eq!(code(bundle(std::slice::from_ref(&theirs)), &policy), Err("not-served"));
    assert_eq!(code(bundle(&[]), &policy), Err("not-served"));
    let late = TrustPolicy { today: doc.not_after.plus_days(1), ..policy.clone() };
    assert_eq!(code(bundle(&[theirs.clone(), served(&doc)]), &late), Err("expired"), "ours, but expired");
    let too_many = vec![theirs; candour_core::api::MAX_BUNDLE_DIRECTORIES + 1];
    assert_eq!(code(bundle(&too_many), &policy), Err("malformed"));
    assert_eq!(
        code(b"{\"format\": \"candour-directories/2\", \"directories\": []}".to_vec(), &policy),
        Err("malformed")
    );
    assert_eq!(code(served(&doc), &policy), Err("malformed"), "a lone directory is not a bundle");
}
