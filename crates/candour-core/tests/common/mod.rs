//! Shared test support: the example organisation in `keys-example/`.
#![allow(dead_code)]

use std::path::PathBuf;

use age::secrecy::SecretString;
use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::keys::{ReviewerSecret, RootPublicKey, SecretKeyFile};
use candour_core::report::{Category, Concern, Document, Report, Subject, SCHEMA_V1};
use candour_core::token::MailboxToken;
use candour_core::Day;

/// Child processes under a time limit, shared with the workspace's tests.
#[path = "../../../../tests/common/child.rs"]
pub mod child;

pub fn keys_example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys-example")
}

pub fn today() -> Day {
    Day::from_ymd(2026, 11, 27).expect("day")
}

pub fn example_root() -> RootPublicKey {
    std::fs::read_to_string(keys_example().join("root.pub")).expect("root.pub").parse().expect("root key")
}

pub fn example_directory() -> VerifiedDirectory {
    let served = std::fs::read(keys_example().join("directory.json")).expect("directory.json");
    let policy = TrustPolicy { roots: vec![example_root()], threshold: 1, min_version: 0, today: today() };
    directory::verify(&served, &policy).expect("example directory verifies")
}

pub fn reviewer(id: &str) -> ReviewerSecret {
    let pass = SecretString::from("candour-example-only".to_owned());
    let file = std::fs::read(keys_example().join(format!("reviewers/{id}.key"))).expect("key file");
    match SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks") {
        SecretKeyFile::Reviewer(r) => r,
        SecretKeyFile::Root(_) => panic!("{id} is a root key"),
    }
}

pub fn report(token: &MailboxToken, category: Category, what: &str, sealed_to: Vec<String>) -> Document {
    Document::Report(Report {
        reader_changes: vec![],
        schema: SCHEMA_V1,
        thread_id: token.thread_id(),
        concern: Concern {
            category: Some(category),
            subjects: vec![Subject {
                name: Some("PC Example".into()),
                collar_number: Some("4021".into()),
                ..Default::default()
            }],
            what: what.into(),
            when: Some("Tuesday night shift".into()),
            r#where: Some("Central custody suite".into()),
            ..Default::default()
        },
        sealed_to,
        reply_recipient: token.reply_identity().to_public().to_string(),
        mailbox: token.mailbox_id().address(),
        reporter_key: token.public_signing_key(),
        day_sent: today(),
        route: None,
        last_seen: None,
    })
}
