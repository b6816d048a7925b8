//! The reporter's command line must not let a report or follow-up reach the person it is
//! about, nor leave the reporter's words where others can find them (docs/design.md §1, §4, §7):
//! - `--from FILE` merges with the flags and says what replaced what, so a `--concerning` flag
//!   is never silently dropped;
//! - a subject who is one of the readers, or works in PSD/ACU, or is a chief officer, stops the
//!   report with the ways out;
//! - a follow-up reaches exactly the report's readers, from the first one, without the reporter
//!   re-entering anything, and a follow-up that names a reader stops;
//! - a `.onion` relay without Tor is refused before any name is looked up;
//! - report text can come from a file or standard input, and text on the command line warns.

mod common;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use candour_core::envelope::DiscardAttachments;
use candour_core::message::open_document;
use candour_core::report::Document;
use common::{inbox_after, openers, reviewer, root_pub, Relay};

/// Runs `candour` with `stdin` (not a terminal) and returns what it printed.
fn candour(args: &[&str], stdin: &str) -> Output {
    let home = tempfile::tempdir().expect("home");
    let mut child = Command::new(env!("CARGO_BIN_EXE_candour"))
        .args(args)
        .current_dir(home.path())
        .env("HOME", home.path())
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT")
        .env_remove("CANDOUR_PROXY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // A command that refuses at once may exit before reading its input: a closed pipe then is
    // not a failure of the test.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "stdin: {e}");
    }
    common::wait_within(child, std::time::Duration::from_secs(300))
}

async fn run(args: Vec<String>, stdin: &'static str) -> Output {
    tokio::task::spawn_blocking(move || candour(&args.iter().map(String::as_str).collect::<Vec<_>>(), stdin))
        .await
        .expect("join")
}

fn report_args(relay: &Relay, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> =
        ["report", "--relay", &relay.url(), "--root", &root_pub(), "--yes", "--json"].map(str::to_owned).to_vec();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The newest inbox entry's document as `id` opens it.
async fn newest_as(relay: &Relay, id: &str) -> (Vec<&'static str>, candour_core::report::Report) {
    let client = common::bound_client(&relay.url()).await;
    let (_, envelope) = inbox_after(&client, None).await.pop().expect("an entry");
    let opened = open_document(reviewer(id).identity(), &envelope[..], &mut DiscardAttachments).expect("opens");
    match opened.document {
        Document::Report(r) | Document::FollowUp(r) => (openers(&envelope), r),
        other => panic!("not a report: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_merge_with_a_from_file_and_are_never_dropped() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("r.json");
    std::fs::write(
        &file,
        r#"{"category": "honesty-and-integrity", "subjects": [{"name": "DC Jones", "station": "Central"}],
            "what": "Took cash from a seized wallet", "when": "Tuesday"}"#,
    )
    .expect("write");
    // The detective is in the ACU: the flag says so, and must route the report outside PSD/ACU.
    let out = run(
        report_args(
            &relay,
            &[
                "--from",
                file.to_str().expect("utf-8"),
                "--concerning",
                "professional-standards-staff",
                "--when",
                "last Tuesday night",
                "--where",
                "the property store",
                "--reported-elsewhere",
                "nowhere",
                "--subject",
                "name=PS Grant",
            ],
        ),
        "",
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["queues"], serde_json::json!(["pcc"]), "{json}");
    assert_eq!(json["reviewers"], serde_json::json!(["pcc-1"]));
    let notes = json["notes"].as_array().expect("notes").iter().filter_map(|n| n.as_str()).collect::<Vec<_>>();
    assert!(notes.iter().any(|n| n.contains("--when") && n.contains("replaces")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("--concerning") && n.contains("added")), "{notes:?}");
    // What the reader gets is the merge, not what the CLI echoed.
    let (who, report) = newest_as(&relay, "pcc-1").await;
    assert_eq!(who, ["pcc-1"], "PSD and ACU cannot open it");
    let c = report.concern;
    assert_eq!(c.when.as_deref(), Some("last Tuesday night"));
    assert_eq!(c.r#where.as_deref(), Some("the property store"));
    assert_eq!(c.reported_elsewhere.as_deref(), Some("nowhere"));
    assert_eq!(c.what, "Took cash from a seized wallet");
    let names: Vec<_> = c.subjects.iter().filter_map(|s| s.name.as_deref()).collect();
    assert_eq!(names, ["DC Jones", "PS Grant"], "the file's subject and the flag's");
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_about_a_reader_or_psd_staff_stops_before_sending() {
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    let what = "--what-file=-";
    // psd-2 is "DS Tom Reilly (PSD)", collar 2716.
    for (subject, expect) in [
        ("name=Tom Reilly", "--exclude psd-2"),
        ("collar=PC 02716", "--exclude psd-2"),
        ("name=Tommy Reilly", "--exclude psd-2"),
        ("name=DC Ahmed,station=Professional Standards", "--concerning professional-standards-staff"),
        ("name=Mr Vance,role=Assistant Chief Constable", "--concerning chief-officer"),
    ] {
        let out = run(
            report_args(&relay, &["--category", "honesty-and-integrity", "--subject", subject, what]),
            "He took cash from a seized wallet",
        )
        .await;
        assert!(!out.status.success(), "{subject}: sent anyway");
        let err = stderr(&out);
        assert!(err.contains("not sent") && err.contains(expect), "{subject}: {err}");
    }
    assert!(inbox_after(&client, None).await.is_empty(), "nothing reached the relay");

    // The ways out: leave the reader out, or send it to the independent office.
    let out = run(
        report_args(
            &relay,
            &["--category", "honesty-and-integrity", "--subject", "name=Tom Reilly", "--exclude", "psd-2", what],
        ),
        "He took cash from a seized wallet",
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(newest_as(&relay, "psd-1").await.0, ["psd-1", "acu-1", "acu-2"]);
    let out = run(
        report_args(
            &relay,
            &[
                "--category",
                "honesty-and-integrity",
                "--subject",
                "name=DC Ahmed,station=Professional Standards",
                "--concerning",
                "professional-standards-staff",
                what,
            ],
        ),
        "Covered up a complaint",
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(newest_as(&relay, "pcc-1").await.0, ["pcc-1"]);
    // Or, knowingly, as routed.
    let out = run(
        report_args(
            &relay,
            &["--category", "honesty-and-integrity", "--subject", "name=Tom Reilly", "--keep-route", what],
        ),
        "He took cash from a seized wallet",
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Sending as routed"));
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_follow_up_reaches_exactly_the_reports_readers() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let out = run(
        report_args(&relay, &["--category", "use-of-force", "--exclude", "acu-2", "--what-file", "-"]),
        "Kicked a detainee in the cells",
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let token = tmp.path().join("token");
    std::fs::write(&token, json["token"].as_str().expect("token")).expect("write");
    let follow = tmp.path().join("more.txt");
    std::fs::write(&follow, "It happened again on Friday.").expect("write");
    let mailbox = |extra: &[&str]| {
        let mut args: Vec<String> = [
            "mailbox",
            "--relay",
            &relay.url(),
            "--root",
            &root_pub(),
            "--token-file",
            token.to_str().expect("utf-8"),
            "--yes",
        ]
        .map(str::to_owned)
        .to_vec();
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };

    // Before any reviewer has received it: nothing is sent, and nothing is guessed.
    let out = run(mailbox(&["--send-file", follow.to_str().expect("utf-8")]), "").await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("No reviewer has received your report yet"), "{}", stderr(&out));
    let client = common::bound_client(&relay.url()).await;
    assert_eq!(inbox_after(&client, None).await.len(), 1, "only the report");

    // psd-1's tool syncs: it files the receipt naming the report's readers.
    let cache = tempfile::tempdir().expect("cache");
    let reviewer_client = candour_review::client::ReviewClient::new(&relay.url(), None).expect("client");
    let dir = client.directory(&common::policy()).await.expect("directory");
    let mut psd1 =
        candour_review::ReviewSession::open(reviewer("psd-1"), dir, reviewer_client, &cache.path().join("c"))
            .expect("session");
    assert_eq!(psd1.sync().await.expect("sync").receipts, 1);
    let listed = run(mailbox(&[]), "").await;
    assert!(String::from_utf8_lossy(&listed.stdout).contains("your report was received"), "{listed:?}");

    // The first follow-up, with the token alone, reaches exactly the report's readers.
    let out = run(mailbox(&["--send-file", follow.to_str().expect("utf-8"), "--json"]), "").await;
    assert!(out.status.success(), "{}", stderr(&out));
    let (who, followed) = newest_as(&relay, "psd-1").await;
    assert_eq!(who, ["psd-1", "psd-2", "acu-1"], "acu-2, excluded by the report, cannot open it");
    assert_eq!(followed.concern.what, "It happened again on Friday.");

    // A follow-up that names one of its readers stops, unless they are left out.
    std::fs::write(&follow, "I told DS Tom Reilly and he laughed.").expect("write");
    let out = run(mailbox(&["--send-file", follow.to_str().expect("utf-8")]), "").await;
    assert!(!out.status.success() && stderr(&out).contains("--exclude psd-2"), "{}", stderr(&out));
    let out = run(mailbox(&["--send-file", follow.to_str().expect("utf-8"), "--exclude", "psd-2"]), "").await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(newest_as(&relay, "psd-1").await.0, ["psd-1", "acu-1"]);
    // Leaving out can only narrow.
    let out = run(mailbox(&["--send-file", follow.to_str().expect("utf-8"), "--exclude", "acu-2"]), "").await;
    assert!(!out.status.success() && stderr(&out).contains("not among your report's readers"), "{}", stderr(&out));
    relay.shutdown().await;
}

#[test]
fn an_onion_relay_without_tor_is_refused_before_any_lookup() {
    let root = root_pub();
    for proxy in [None, Some("socks5://127.0.0.1:9")] {
        let mut args = vec!["report", "--relay", "http://candourexample2abc.onion", "--root", &root];
        args.extend(["--category", "other", "--what-file", "-", "--yes"]);
        if let Some(p) = proxy {
            args.extend(["--proxy", p]);
        }
        let started = std::time::Instant::now();
        let out = candour(&args, "words");
        let err = stderr(&out);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains("--proxy socks5h://127.0.0.1:9050") && err.contains("not looked up"), "{err}");
        assert!(!err.contains("cannot reach"), "it tried the network: {err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
    let out = candour(
        &["mailbox", "--relay", "http://candourexample2abc.onion/", "--root", &root, "--token-file", "/nonexistent"],
        "",
    );
    assert!(!out.status.success() && stderr(&out).contains("--proxy"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_stay_off_the_command_line() {
    let relay = Relay::start().await;
    // From standard input, as a JSON document: no warning.
    let out = run(
        report_args(&relay, &["--from", "-"]),
        r#"{"category": "confidentiality", "what": "Looked up a neighbour on the PNC",
            "disclosure": {"confidential": {"name": "A. Reporter", "contact": "ask at the front desk"}}}"#,
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Warning"), "{}", stderr(&out));
    let (_, report) = newest_as(&relay, "psd-1").await;
    assert_eq!(report.concern.what, "Looked up a neighbour on the PNC");
    // On the command line: sent, with a warning naming every such flag.
    let out =
        run(report_args(&relay, &["--category", "other", "--what", "typed in", "--contact", "call me"]), "").await;
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("Warning: --what, --contact given on the command line") && err.contains("--what-file"),
        "{err}"
    );
    // Both reading standard input is refused.
    let out = run(report_args(&relay, &["--from", "-", "--what-file", "-"]), "{}").await;
    assert!(!out.status.success() && stderr(&out).contains("cannot both read standard input"));
    relay.shutdown().await;
}
