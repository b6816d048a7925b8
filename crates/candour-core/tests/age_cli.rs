//! Interoperability with the reference Go `age` CLI (Debian package `age`): an envelope sealed by
//! candour-core decrypts with `age -d -i IDENTITY`, and the padded plaintext holds the report.
//! The README's test command installs `age`; without it this test fails and says so.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use age::secrecy::ExposeSecret;
use candour_core::message::seal_document;
use candour_core::padding::padded_len;
use candour_core::report::Category;
use candour_core::routing::route;
use candour_core::token::MailboxToken;

#[test]
fn reference_age_cli_decrypts_a_candour_envelope() {
    let dir = common::example_directory();
    let token = MailboxToken::generate();
    let route = route(&dir, Category::UseOfForce, &[], &[]).expect("routes");
    let canary = "Canary-7f3e: baton strike on a handcuffed detainee";
    let doc = common::report(&token, Category::UseOfForce, canary, route.reviewers.clone());
    let sealed =
        seal_document(&route.recipients(&dir), dir.directory().stanzas, &doc, vec![], &token.signing_key(), Vec::new())
            .expect("seals");

    let tmp = tempfile::tempdir().expect("tmp");
    let identity_path = tmp.path().join("psd-2.txt");
    std::fs::write(&identity_path, format!("{}\n", common::reviewer("psd-2").age_identity_text().expose_secret()))
        .expect("identity");
    let mut child = match Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&identity_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            panic!("the reference `age` CLI is needed (apt-get install age; the README test command does this): {e}")
        }
    };
    child.stdin.take().expect("stdin").write_all(&sealed).expect("write");
    let out = common::child::wait_within(child, std::time::Duration::from_secs(60));
    assert!(out.status.success(), "age -d failed: {}", String::from_utf8_lossy(&out.stderr));
    let plain = out.stdout;
    assert!(plain.starts_with(b"CANDOUR\0"), "framing magic");
    assert!(plain.windows(canary.len()).any(|w| w == canary.as_bytes()), "report text in the plaintext");
    assert_eq!(plain.len() as u64, padded_len(plain.len() as u64), "plaintext is on the Padmé grid");
    assert_eq!(plain.len(), 16 * 1024, "a short report pads to the 16 KiB floor");

    // And an outsider's identity is refused by the reference implementation too.
    let sb_path = tmp.path().join("sb-1.txt");
    std::fs::write(&sb_path, format!("{}\n", common::reviewer("sb-1").age_identity_text().expose_secret()))
        .expect("id");
    let mut child = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&sb_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("age runs");
    child.stdin.take().expect("stdin").write_all(&sealed).expect("write");
    assert!(!common::child::wait_within(child, std::time::Duration::from_secs(60)).status.success());
}
