//! The `candour keys` and `candour directory` commands, run as a user would.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn candour(args: &[&str], passphrase_file: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(args).env_remove("CANDOUR_PASSPHRASE_FILE");
    if let Some(p) = passphrase_file {
        cmd.env("CANDOUR_PASSPHRASE_FILE", p);
    }
    common::output_within(cmd, std::time::Duration::from_secs(300))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn new_root_and_reviewer_sign_and_verify_a_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let pass = dir.join("pass.txt");
    std::fs::write(&pass, "a long test passphrase\n").expect("pass");

    let out = candour(&["keys", "root", "--out", dir.join("root").to_str().expect("utf-8")], Some(&pass));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("fingerprint:"));
    let root_pub = std::fs::read_to_string(dir.join("root/root.pub")).expect("root.pub");
    assert!(root_pub.starts_with("candour-root-"));

    let out = candour(
        &["keys", "reviewer", "--id", "psd-9", "--queue", "psd", "--out", dir.join("r").to_str().expect("utf-8")],
        Some(&pass),
    );
    assert!(out.status.success(), "{}", text(&out));
    let key_file = std::fs::read(dir.join("r/psd-9.key")).expect("key file");
    assert!(key_file.starts_with(b"age-encryption.org/v1\n-> scrypt "), "secret file is age scrypt");
    assert!(!String::from_utf8_lossy(&key_file).contains("AGE-SECRET-KEY"), "secret key in the clear");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("r/psd-9.key")).expect("meta").permissions().mode();
        assert_eq!(mode & 0o077, 0, "key file readable by others");
    }
    // Refuses to overwrite an existing key.
    let again =
        candour(&["keys", "reviewer", "--id", "psd-9", "--out", dir.join("r").to_str().expect("utf-8")], Some(&pass));
    assert!(!again.status.success());
    let bad_id = candour(&["keys", "reviewer", "--id", "../x", "--out", dir.to_str().expect("utf-8")], Some(&pass));
    assert!(!bad_id.status.success());
    assert!(text(&bad_id).contains("must be 1-64 characters"));

    // Build a directory around the new reviewer from the example, sign it with the new root.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("keys-example");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(example.join("directory.unsigned.json")).expect("example"))
            .expect("json");
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("r/psd-9.public.json")).expect("entry")).expect("json");
    doc["reviewers"].as_array_mut().expect("reviewers").push(entry);
    doc["version"] = serde_json::json!(2);
    let unsigned = dir.join("directory.unsigned.json");
    std::fs::write(&unsigned, serde_json::to_vec_pretty(&doc).expect("json")).expect("write");
    let signed = dir.join("directory.json");
    let root_key = dir.join("root/root.key");
    let out = candour(
        &[
            "directory",
            "sign",
            "--root-key",
            root_key.to_str().expect("utf-8"),
            unsigned.to_str().expect("utf-8"),
            signed.to_str().expect("utf-8"),
        ],
        Some(&pass),
    );
    assert!(out.status.success(), "{}", text(&out));

    let verify = |root: &str, extra: &[&str]| {
        let mut args = vec!["directory", "verify", "--root", root];
        args.extend_from_slice(extra);
        args.push(signed.to_str().expect("utf-8"));
        candour(&args, None)
    };
    let root_pub_path = dir.join("root/root.pub");
    let ok = verify(root_pub_path.to_str().expect("utf-8"), &["--today", "2026-11-27"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("version:      2"));
    assert!(text(&ok).contains("psd (Professional Standards Department)"));

    let rolled = verify(root_pub.trim(), &["--min-version", "3", "--today", "2026-11-27"]);
    assert_eq!(rolled.status.code(), Some(3), "a rollback is tampering");
    assert!(text(&rolled).contains("rollback"), "{}", text(&rolled));

    let example_root = std::fs::read_to_string(example.join("root.pub")).expect("example root");
    let wrong_pin = verify(example_root.trim(), &["--today", "2026-11-27"]);
    assert_eq!(wrong_pin.status.code(), Some(8), "another organisation's directory is refused");
    assert!(text(&wrong_pin).contains("pinned root signatures"), "{}", text(&wrong_pin));

    // Tampering with the signed file is detected.
    let served = std::fs::read_to_string(&signed).expect("signed");
    std::fs::write(&signed, served.replacen("DS Tom Reilly", "DS Tom Reiliy", 1)).expect("tamper");
    let tampered = verify(root_pub.trim(), &["--today", "2026-11-27"]);
    assert_eq!(tampered.status.code(), Some(3));
    assert!(text(&tampered).contains("altered"), "{}", text(&tampered));

    // A wrong passphrase cannot sign.
    std::fs::write(&pass, "not it\n").expect("pass");
    let out = candour(
        &[
            "directory",
            "sign",
            "--root-key",
            root_key.to_str().expect("utf-8"),
            unsigned.to_str().expect("utf-8"),
            signed.to_str().expect("utf-8"),
        ],
        Some(&pass),
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("wrong passphrase"), "{}", text(&out));
}

#[test]
fn help_names_every_command() {
    let out = candour(&["--help"], None);
    assert!(out.status.success());
    let help = text(&out);
    for word in ["keys", "directory", "Professional Standards"] {
        assert!(help.contains(word), "{word} missing from --help:\n{help}");
    }
    let out = candour(&["directory", "verify", "--help"], None);
    let help = text(&out).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains("exits with status 1 and the reason"), "{help}");
}

/// A key file guards a root or a reviewer's keys against whoever copies it, who can try
/// passphrases offline: a short or repetitive one is refused before any key is made, and a
/// generated one is shown once and unlocks the key.
#[test]
fn new_keys_need_a_strong_passphrase_or_a_generated_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let pass = dir.join("pass.txt");
    for weak in ["password1", "correct horse", "zzzzzzzzzzzzzzzzzzzzzzzzz"] {
        std::fs::write(&pass, format!("{weak}\n")).expect("pass");
        let out = candour(&["keys", "root", "--out", dir.join("weak").to_str().expect("utf-8")], Some(&pass));
        assert_eq!(out.status.code(), Some(8), "{weak}: refused by the passphrase rule: {}", text(&out));
        assert!(text(&out).contains("too easy to guess"), "{}", text(&out));
        assert!(!dir.join("weak/root.key").exists(), "no key is made under a weak passphrase");
    }

    let out =
        candour(&["keys", "root", "--generate-passphrase", "--out", dir.join("gen").to_str().expect("utf-8")], None);
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = stderr.lines().map(str::trim).find(|l| l.split(' ').count() == 7).expect("seven words shown");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(shown), "the passphrase goes to the terminal, not stdout");
    // It unlocks the key: sign the example directory with it.
    std::fs::write(&pass, format!("{shown}\n")).expect("pass");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keys-example");
    let signed = dir.join("signed.json");
    let sign = candour(
        &[
            "directory",
            "sign",
            "--root-key",
            dir.join("gen/root.key").to_str().expect("utf-8"),
            example.join("directory.unsigned.json").to_str().expect("utf-8"),
            signed.to_str().expect("utf-8"),
        ],
        Some(&pass),
    );
    assert!(sign.status.success(), "{}", text(&sign));
}

/// Without a terminal to ask on (a pipe, a service, a scheduled job), a command that needs a
/// passphrase says so and names --passphrase-file, rather than the terminal's "os error 6".
#[test]
fn without_a_terminal_the_passphrase_prompt_says_what_to_use() {
    let cache = tempfile::tempdir().expect("tmp");
    let key = common::keys_example().join("reviewers/psd-1.key");
    // setsid: a session of its own, with no controlling terminal, whatever runs this test.
    let mut cmd = Command::new("setsid");
    cmd.arg("-w")
        .arg(env!("CARGO_BIN_EXE_candour"))
        .args(["review", "sync", "--relay", "http://127.0.0.1:9", "--root"])
        .arg(common::keys_example().join("root.pub"))
        .arg("--cache")
        .arg(cache.path().join("c"))
        .arg("--identity")
        .arg(&key)
        .env_remove("CANDOUR_PASSPHRASE_FILE")
        .env_remove("CANDOUR_IDENTITY")
        .stdin(std::process::Stdio::null());
    let out = common::output_within(cmd, std::time::Duration::from_secs(60));
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("needs a terminal") && said.contains("--passphrase-file"), "{said}");
    assert!(!said.contains("os error"), "{said}");
}
