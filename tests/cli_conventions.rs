//! The command line's conventions: every exit status means one thing (src/cli/exit.rs) and
//! `--help` lists them (the ones no other test reaches are reached here: a wrong command line, a
//! report declined at its last question on a real terminal); shell completions that the shell
//! itself accepts; a manual page for every command that `groff` reads without a warning.

mod common;

use std::process::Command;

fn candour(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(args).env_remove("CANDOUR_RELAY").env_remove("CANDOUR_ROOT").env_remove("CANDOUR_PROXY");
    common::output_within(cmd, std::time::Duration::from_secs(120))
}

#[test]
fn help_lists_every_status_and_a_wrong_command_line_is_usage() {
    let help = candour(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for (status, meaning) in
        [("2", "command line"), ("3", "tampering"), ("6", "declined"), ("7", "could not be reached"), ("8", "refused")]
    {
        assert!(text.contains(&format!("{status} ")) && text.contains(meaning), "{status} {meaning}: {text}");
    }
    let wrong = candour(&["report", "--no-such-option"]);
    assert_eq!(wrong.status.code(), Some(2), "{}", String::from_utf8_lossy(&wrong.stderr));
    assert_eq!(candour(&["--version"]).status.code(), Some(0));
}

/// Saying no at the last question sends nothing and says so, with the status for "declined".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_declined_at_its_last_question_is_declined() {
    let relay = common::Relay::start().await;
    let command = format!(
        "{} report --relay {} --root {} --category other --what-file /dev/null",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    let what = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(what.path(), "He took cash from a seized wallet.").expect("write");
    let command = command.replace("/dev/null", &what.path().display().to_string());
    // Anonymous, no attachment, nobody excluded, then "no" to sending.
    let output = common::on_a_terminal(
        command,
        "


n
"
        .to_owned(),
    )
    .await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains("Not sent"), "{screen}");
    assert_eq!(output.status.code(), Some(6), "{screen}");
    let client = common::bound_client(&relay.url()).await;
    assert!(common::inbox_after(&client, None).await.is_empty(), "nothing was sent");
    relay.shutdown().await;
}

#[test]
fn completions_are_accepted_by_the_shell_and_name_every_command() {
    let out = candour(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8_lossy(&out.stdout).into_owned();
    for command in ["report", "mailbox", "serve", "review", "sync", "directory", "completions"] {
        assert!(script.contains(command), "{command} is not completed");
    }
    let file = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(file.path(), &script).expect("write");
    let checked = Command::new("bash").arg("-n").arg(file.path()).output().expect("bash");
    assert!(checked.status.success(), "bash refuses it: {}", String::from_utf8_lossy(&checked.stderr));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = candour(&["completions", shell]);
        assert!(out.status.success() && out.stdout.len() > 1000, "{shell}");
    }
    assert_eq!(candour(&["completions", "tcsh"]).status.code(), Some(2), "an unknown shell is a usage error");
}

#[test]
fn every_command_has_a_manual_page_that_groff_reads_cleanly() {
    let folder = tempfile::tempdir().expect("tmp");
    let out = candour(&["manpages", &folder.path().display().to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pages: Vec<String> = std::fs::read_dir(folder.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    for page in [
        "candour.1",
        "candour-report.1",
        "candour-mailbox.1",
        "candour-serve.1",
        "candour-review-sync.1",
        "candour-keys-reviewer.1",
    ] {
        assert!(pages.iter().any(|p| p == page), "no {page} in {pages:?}");
    }
    for page in &pages {
        let path = folder.path().join(page);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{page} is not a manual page");
        let rendered =
            Command::new("groff").args(["-k", "-man", "-Tutf8", "-ww", "-z"]).arg(&path).output().expect("groff");
        assert!(
            rendered.status.success() && rendered.stderr.is_empty(),
            "{page}: {}",
            String::from_utf8_lossy(&rendered.stderr)
        );
    }
    let main = std::fs::read_to_string(folder.path().join("candour.1")).expect("candour.1");
    assert!(main.contains("tampering"), "the exit statuses are in the manual");
}

/// The commands that print data print JSON with --json: what a script needs, nothing to scrape.
#[test]
fn keys_and_directory_verify_print_json() {
    let keys = common::keys_example();
    let root = keys.join("root.pub").display().to_string();
    let served = common::fresh_directory().display().to_string();
    let out = candour(&["directory", "verify", "--json", "--root", &root, &served]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(summary["organisation"].as_str().is_some_and(|o| o.starts_with("Example Constabulary")));
    assert_eq!(summary["stanzas"], 12);
    let psd = summary["queues"].as_array().and_then(|q| q.iter().find(|q| q["id"] == "psd")).expect("psd");
    assert_eq!(psd["members"], serde_json::json!(["psd-1", "psd-2"]));

    let folder = tempfile::tempdir().expect("tmp");
    let pass = folder.path().join("pass");
    std::fs::write(&pass, "correct horse battery staple lantern").expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(["keys", "reviewer", "--json", "--id", "psd-9", "--queue", "psd", "--out"])
        .arg(folder.path())
        .env("CANDOUR_PASSPHRASE_FILE", &pass);
    let out = common::output_within(cmd, std::time::Duration::from_secs(120));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let made: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(made["id"], "psd-9");
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.path().join("psd-9.public.json")).expect("entry")).expect("json");
    assert_eq!(made["entry"], entry, "the JSON carries the entry written");

    let signed_path = folder.path().join("directory.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(["directory", "sign", "--json", "--root-key"])
        .arg(keys.join("root.key"))
        .arg(keys.join("directory.unsigned.json"))
        .arg(&signed_path)
        .env("CANDOUR_PASSPHRASE_FILE", keys.join("passphrase.txt"));
    let out = common::output_within(cmd, std::time::Duration::from_secs(120));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let signed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(signed["signed_by"], common::root_pub());
    assert!(signed_path.exists());
}
