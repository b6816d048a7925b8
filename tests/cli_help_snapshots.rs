//! Snapshot tests of the reporter commands' `--help`: a change to what a frightened reporter
//! reads must be deliberate. Regenerate with `CANDOUR_UPDATE_SNAPSHOTS=1 cargo test --test cli_help_snapshots`.

mod common;

use std::path::PathBuf;
use std::process::Command;

fn help(args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(args)
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT")
        .env_remove("CANDOUR_PROXY")
        .env_remove("CANDOUR_CONFIG")
        .env_remove("CANDOUR_LANG")
        .env("COLUMNS", "100");
    let out = common::output_within(cmd, std::time::Duration::from_secs(60));
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

fn check(name: &str, args: &[&str]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    let actual = help(args);
    if std::env::var_os("CANDOUR_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("snapshot exists");
    assert_eq!(actual, expected, "`candour {}` changed; review and regenerate the snapshot", args.join(" "));
}

#[test]
fn report_help_snapshot() {
    check("report-help.txt", &["report", "--help"]);
}

#[test]
fn mailbox_help_snapshot() {
    check("mailbox-help.txt", &["mailbox", "--help"]);
}

#[test]
fn report_help_explains_every_category() {
    let text = help(&["report", "--help"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for c in candour_core::report::Category::ALL {
        assert!(text.contains(c.name()) && text.contains(c.explanation()), "{} missing:\n{text}", c.name());
    }
}
