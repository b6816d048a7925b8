//! docs/emergency-decryption.md, step by step: a report with an attachment goes through a real
//! relay; a reviewer's key file is rewritten in today's form (`candour keys upgrade`);
//! `candour review export-raw` writes the envelopes as the relay keeps them; the reference Go
//! `age` CLI opens one with that key file alone (asking for its passphrase on a terminal); and
//! the document's own unpacking script reads the report and the attachment out of it.

mod common;

use std::path::Path;
use std::process::Command;

use candour_core::envelope::AttachmentMeta;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_submit::compose::compose_report;
use candour_submit::send::{send, Attachment, AttachmentData};

const CANARY: &str = "EMERGENCY-CANARY: the sergeant sold the custody footage.";

fn candour(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(args)
        .env("CANDOUR_PASSPHRASE_FILE", common::keys_example().join("passphrase.txt"))
        .env_remove("CANDOUR_IDENTITY")
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT");
    common::output_within(cmd, std::time::Duration::from_secs(300))
}

fn ok(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The fenced Python block of the emergency document: the script a reviewer would copy.
fn unpack_script() -> String {
    let doc = std::fs::read_to_string(common::repo().join("docs/emergency-decryption.md")).expect("the document");
    let start = doc.find("```python\n").expect("a python block") + "```python\n".len();
    let end = start + doc[start..].find("```").expect("the block ends");
    doc[start..end].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_stored_report_opens_with_the_reference_age_tool_and_the_key_file_alone() {
    let relay = common::Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = MailboxToken::generate();
    let concern = Concern { category: Some(Category::HonestyAndIntegrity), what: CANARY.into(), ..Default::default() };
    let composed = compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
    let photo: Vec<u8> = (0..40_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let attachment = Attachment {
        meta: AttachmentMeta { name: "notes.bin".into(), media_type: "application/octet-stream".into() },
        data: AttachmentData::Bytes(photo.clone()),
    };
    send(&client, composed.plan(&dir, &token), vec![attachment], None).await.expect("send");

    let work = tempfile::tempdir().expect("tmp");
    let path = |name: &str| work.path().join(name).display().to_string();
    let old_key = common::keys_example().join("reviewers/psd-1.key").display().to_string();
    ok(&candour(&["keys", "upgrade", "--identity", &old_key, "--out", &path("psd-1.key")]));
    let root = common::keys_example().join("root.pub").display().to_string();
    let exported = ok(&candour(&[
        "review",
        "export-raw",
        "--out",
        &path("envelopes"),
        "--relay",
        &relay.url(),
        "--root",
        &root,
        "--identity",
        &path("psd-1.key"),
        "--cache",
        &path("psd-1.cache"),
    ]));
    let files: Vec<&str> = exported.lines().collect();
    assert_eq!(files.len(), 1, "one report: {exported}");
    let stored = &common::inbox_after(&client, None).await[0].1;
    assert_eq!(&std::fs::read(files[0]).expect("exported"), stored, "exactly as the relay keeps it");

    // The reference tool, on a terminal of its own, with the key file and its passphrase alone.
    let age = format!("age -d -i {} -o {} {}", path("psd-1.key"), path("report.bin"), files[0]);
    let passphrase = std::fs::read_to_string(common::keys_example().join("passphrase.txt")).expect("passphrase");
    let screen = common::on_a_terminal(age, passphrase).await;
    let plain = std::fs::read(path("report.bin")).unwrap_or_else(|_| {
        panic!("age -d did not decrypt: {}", String::from_utf8_lossy(&screen.stdout));
    });
    assert!(plain.starts_with(b"CANDOUR\0"));

    let script = work.path().join("unpack.py");
    std::fs::write(&script, unpack_script()).expect("script");
    let unpacked =
        Command::new("python3").arg(&script).arg(path("report.bin")).arg(path("out")).output().expect("python3 runs");
    let said = ok(&unpacked);
    assert!(said.contains("notes.bin") && said.contains("40000 bytes"), "{said}");
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.path().join("out/document.json")).expect("document.json"))
            .expect("JSON");
    assert_eq!(document["concern"]["what"], CANARY, "{document}");
    assert_eq!(std::fs::read(work.path().join("out/attachment-1.bin")).expect("attachment"), photo);
    relay.shutdown().await;
}

/// A reader not sealed to cannot open it with the reference tool either, and a key file made
/// by `candour keys upgrade` is still the reviewer's, for Candour itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upgraded_key_file_is_the_same_reviewer_and_an_outsider_gets_nothing() {
    let work = tempfile::tempdir().expect("tmp");
    let new = work.path().join("sb-1.key");
    let old = common::keys_example().join("reviewers/sb-1.key");
    ok(&candour(&["keys", "upgrade", "--identity", &old.display().to_string(), "--out", &new.display().to_string()]));
    let pass = age::secrecy::SecretString::from("candour-example-only".to_owned());
    let read =
        |p: &Path| match candour_core::keys::SecretKeyFile::read_protected(&std::fs::read(p).expect("k")[..], &pass) {
            Ok(candour_core::keys::SecretKeyFile::Reviewer(r)) => r,
            other => panic!("{}: {other:?}", p.display()),
        };
    let (before, after) = (read(&old), read(&new));
    assert_eq!(before.id, after.id);
    assert_eq!(before.public_signing_key(), after.public_signing_key());
    assert_eq!(before.recipient().to_string(), after.recipient().to_string());
    let again =
        candour(&["keys", "upgrade", "--identity", &old.display().to_string(), "--out", &new.display().to_string()]);
    assert!(!again.status.success(), "an existing file is never overwritten");
    let root = candour(&[
        "keys",
        "upgrade",
        "--identity",
        &common::keys_example().join("root.key").display().to_string(),
        "--out",
        &work.path().join("root.key").display().to_string(),
    ]);
    assert!(String::from_utf8_lossy(&root.stderr).contains("root key"), "{}", String::from_utf8_lossy(&root.stderr));
}
