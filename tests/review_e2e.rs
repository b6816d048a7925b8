//! `candour review` end to end: the CLI against a real relay on loopback, with the example
//! keys (psd-1) and a reporter played through candour-submit. The protocol-level acceptance
//! tests (routing, concurrent triage, tampering, clocks, statistics, cache canary) live in
//! crates/candour-review/tests/review_e2e.rs; this one checks the command line around them.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use candour_client::RelayClient;
use candour_core::report::{Category, Concern, Subject};
use candour_core::token::MailboxToken;
use candour_submit::compose::compose_report;
use candour_submit::mailbox::open_reply;
use candour_submit::send::send;
use common::Relay;
use serde_json::json;

/// Runs `candour review ARGS` as psd-1, with the passphrase from the example file.
fn review(relay: &str, cache: &Path, args: &[&str]) -> Output {
    review_as(&common::keys_example().join("reviewers/psd-1.key"), relay, cache, args)
}

/// `candour review` with the key file at `identity` (its passphrase the example's).
fn review_as(identity: &Path, relay: &str, cache: &Path, args: &[&str]) -> Output {
    let keys = common::keys_example();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.arg("review")
        .args(args)
        .args(["--relay", relay, "--cache"])
        .arg(cache)
        .arg("--root")
        .arg(keys.join("root.pub"))
        .env("CANDOUR_IDENTITY", identity)
        .env("CANDOUR_PASSPHRASE_FILE", keys.join("passphrase.txt"))
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT")
        .env_remove("CANDOUR_PROXY")
        .env_remove("CANDOUR_REVIEW_CACHE");
    common::output_within(cmd, std::time::Duration::from_secs(300))
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json output")
}

async fn submit(client: &RelayClient, concern: Concern) -> MailboxToken {
    submit_on(client, concern, common::today()).await
}

/// A report its reporter's device dates `sent`: how a case is made old without moving a clock.
async fn submit_on(client: &RelayClient, concern: Concern, sent: candour_core::Day) -> MailboxToken {
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = MailboxToken::generate();
    let composed = compose_report(&dir, &token, concern, &[], sent).expect("compose");
    send(client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_cli_sync_triage_reply_overdue_stats_export() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let canary = "CLI-CANARY took cash from a seized wallet";
    let token = submit(
        &client,
        Concern {
            category: Some(Category::HonestyAndIntegrity),
            subjects: vec![Subject { name: Some("PC Example".into()), ..Default::default() }],
            what: canary.into(),
            ..Default::default()
        },
    )
    .await;
    submit(&client, Concern { category: Some(Category::PreventConcern), what: "x".into(), ..Default::default() }).await;
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    let (u, c) = (url.clone(), cache.clone());
    let run = move |args: Vec<String>| {
        let (u, c) = (u.clone(), c.clone());
        tokio::task::spawn_blocking(move || review(&u, &c, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    let sync = json(&run(args(&["sync", "--json"])).await.expect("join"));
    assert_eq!((sync["reports"].as_u64(), sync["skipped"].as_u64()), (Some(1), Some(1)), "{sync}");
    let inbox = json(&run(args(&["inbox", "--json", "--no-sync"])).await.expect("join"));
    let case = inbox[0]["case"].as_str().expect("case").to_owned();
    assert_eq!(inbox[0]["status"], "received");

    let out = run(args(&[
        "triage",
        &case,
        "--status",
        "assessed",
        "--grading",
        "2BP",
        "--priority",
        "high",
        "--assign",
        "psd-2",
        "--iopc",
        "serious-corruption",
        "--risk",
        "medium",
        "--summary",
        "Alleged theft of seized cash by an officer",
        "--note",
        "CCTV requested",
        "--json",
    ]))
    .await
    .expect("join");
    let triaged = json(&out);
    assert_eq!(triaged["state"]["status"], "assessed", "{triaged}");
    // A reviewer who gives another day moves the views, never the record: the acknowledgement
    // is dated today, not within a deadline it missed.
    let days_ago = common::today().plus_days(-5).to_string();
    let out = run(args(&[
        "reply",
        &case,
        "--text",
        "Thank you, we have this.",
        "--kind",
        "acknowledgement",
        "--today",
        &days_ago,
    ]))
    .await
    .expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The reporter reads it with the token.
    let dir = client.directory(&common::policy()).await.expect("directory");
    let entries = client.mailbox_all(&token.mailbox_id()).await.expect("mailbox");
    assert_eq!(entries.len(), 2, "the automatic receipt, then the reply");
    let bytes = client.mailbox_read(&token.mailbox_id(), entries[1].seq).await.expect("read");
    assert_eq!(open_reply(&dir, &token, &bytes).expect("reply").text, "Thank you, we have this.");

    let shown = json(&run(args(&["show", &case, "--json"])).await.expect("join"));
    // The automatic receipt, the triage, the note and the reply.
    assert_eq!(shown["history"].as_array().map(Vec::len), Some(4), "{shown}");
    assert_eq!(shown["history"][3]["day"], common::today().to_string(), "{shown}");
    assert_eq!(shown["state"]["acknowledged_on"], common::today().to_string(), "{shown}");
    assert_eq!(shown["thread"][0]["concern"]["what"], canary);

    // The ticked criterion owes a referral without delay: overdue until it is recorded, and a
    // referral cannot be dated after the real day.
    let owed = json(&run(args(&["overdue", "--json"])).await.expect("join"));
    assert_eq!(owed[0]["duty"], "refer-to-iopc", "{owed}");
    let tomorrow = common::today().plus_days(1).to_string();
    let out = run(args(&["refer", &case, "--reference", "2026/012345", "--on", &tomorrow])).await.expect("join");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("after today"));
    let out = run(args(&["refer", &case, "--reference", "2026/012345"])).await.expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let day8 = common::today().plus_days(8).to_string();
    let late = json(&run(args(&["overdue", "--today", &day8, "--json"])).await.expect("join"));
    assert_eq!(late.as_array().map(Vec::len), Some(0), "acknowledged: {late}");
    // A day given to the views cannot make a case late for the record: on day 100 the
    // feedback shows as late, but nothing is escalated.
    let day100 = common::today().plus_days(100).to_string();
    let out = run(args(&["overdue", "--today", &day100, "--record", "--json"])).await.expect("join");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not on the real day: not escalated"), "{out:?}");
    let late = json(&out);
    assert_eq!((&late[0]["duty"], &late[0]["escalated_on"]), (&json!("feedback"), &json!(null)), "{late}");
    // A case late on the real day: `overdue --record` escalates it once, however often it
    // runs, and seals the notice to those named outside the unit.
    let old = submit_on(
        &client,
        Concern { category: Some(Category::UseOfForce), what: "Unanswered for 100 days".into(), ..Default::default() },
        common::today().plus_days(-100),
    )
    .await;
    let old_case = candour_review::state::case_ref(&old.thread_id());
    for _ in 0..2 {
        let late = json(&run(args(&["overdue", "--record", "--json"])).await.expect("join"));
        assert_eq!(late.as_array().map(Vec::len), Some(1), "{late}");
        assert_eq!(late[0]["case"], old_case.as_str(), "{late}");
        assert_eq!(late[0]["escalated_on"], common::today().to_string(), "{late}");
        assert_eq!(late[0]["notify_outside"], json!(["psd-head", "dcc"]), "{late}");
    }
    let shown = json(&run(args(&["show", &old_case, "--json"])).await.expect("join"));
    let escalations: Vec<&str> = shown["history"]
        .as_array()
        .map(|h| h.iter().filter_map(|e| e["what"].as_str()).filter(|w| w.starts_with("escalated to")).collect())
        .unwrap_or_default();
    assert_eq!(escalations.len(), 1, "{shown}");
    assert!(escalations[0].ends_with("notice sent outside the unit to psd-head, dcc"), "{escalations:?}");

    let year = common::today().ymd().0.to_string();
    let out = run(args(&["stats", "--year", &year])).await.expect("join");
    let csv = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(csv.contains("honesty-and-integrity,0,0,*,"), "{csv}");

    let exported = json(&run(args(&["export"])).await.expect("join"));
    assert_eq!(exported[0]["summary"], "Alleged theft of seized cash by an officer");
    let text = exported.to_string();
    assert!(!text.contains("CLI-CANARY") && !text.contains("PC Example"), "{text}");

    // Nothing decrypted on disk.
    for entry in std::fs::read_dir(tmp.path()).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        assert!(!bytes.windows(10).any(|w| w == b"CLI-CANARY"));
    }
    relay.shutdown().await;
}

/// Text the reporter controls reaches the reviewer's terminal shown, never obeyed: colour,
/// window title, clipboard writes (OSC 52), erase-line, carriage returns and bidirectional
/// overrides all appear as visible stand-ins. And a reviewer's reply reaches the reporter's
/// terminal the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporter_text_cannot_drive_the_reviewers_terminal() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let hostile = "red \u{1b}[31mtext\u{1b}[0m, title \u{1b}]0;owned\u{7}, clipboard \u{1b}]52;c;Y2FuYXJ5\u{7}, \
                   erase \u{1b}[2K\r, invoice\u{202E}fdp.exe \u{9b}31m";
    let token = submit(
        &client,
        Concern {
            category: Some(Category::HonestyAndIntegrity),
            subjects: vec![Subject { name: Some("PC \u{1b}[8mHidden".into()), ..Default::default() }],
            what: hostile.into(),
            r#where: Some("\u{1b}[1A\u{1b}[2Kup a line".into()),
            ..Default::default()
        },
    )
    .await;
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    let (u, c) = (url.clone(), cache.clone());
    let run = move |args: Vec<&'static str>| {
        let (u, c) = (u.clone(), c.clone());
        tokio::task::spawn_blocking(move || review(&u, &c, &args))
    };
    assert!(run(vec!["sync"]).await.expect("join").status.success());
    let case = candour_review::state::case_ref(&token.thread_id());
    let case: &'static str = Box::leak(case.into_boxed_str());
    for out in [run(vec!["show", case]).await.expect("join"), run(vec!["inbox", "--no-sync"]).await.expect("join")] {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let shown = String::from_utf8(out.stdout).expect("utf-8");
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{9b}') && !shown.contains('\r'), "{shown:?}");
        assert!(!shown.contains('\u{202E}'), "{shown:?}");
    }
    let shown = String::from_utf8(run(vec!["show", case]).await.expect("join").stdout).expect("utf-8");
    assert!(shown.contains("\u{241B}]52;c;Y2FuYXJ5") && shown.contains("invoice<U+202E>fdp.exe"), "{shown}");

    // The other way: a reply with escapes, read by the reporter on their terminal.
    let reply = run(vec!["reply", case, "--text", "\u{1b}]52;c;b3duZWQ=\u{7}thanks", "--kind", "message"]);
    assert!(reply.await.expect("join").status.success());
    let token_file = tmp.path().join("token");
    std::fs::write(&token_file, token.to_words().as_str()).expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(["mailbox", "--relay", &url, "--root"])
        .arg(common::keys_example().join("root.pub"))
        .arg("--token-file")
        .arg(&token_file)
        .env_remove("CANDOUR_RELAY");
    let out = common::output_within(cmd, std::time::Duration::from_secs(300));
    let shown = String::from_utf8(out.stdout).expect("utf-8");
    assert!(shown.contains("\u{241B}]52;c;b3duZWQ=\u{2407}thanks") && !shown.contains('\u{1b}'), "{shown:?}");
    relay.shutdown().await;
}

/// A damaged cache (cut short by a failing disk, or altered) is named with what to do, changes
/// nothing until asked, is kept aside when recovery is asked for, and a sync from the copy
/// before the last save (or, when that is damaged too, from nothing) brings everything back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_cache_is_named_kept_and_recovered() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    submit(
        &client,
        Concern { category: Some(Category::HonestyAndIntegrity), what: "first".into(), ..Default::default() },
    )
    .await;
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    let (u, c) = (url.clone(), cache.clone());
    let run = move |args: &[&str]| {
        let (u, c) = (u.clone(), c.clone());
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        tokio::task::spawn_blocking(move || review(&u, &c, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    json(&run(&["sync", "--json"]).await.expect("join"));
    // A second save, so that a previous copy exists holding the first case.
    submit(
        &client,
        Concern { category: Some(Category::HonestyAndIntegrity), what: "second".into(), ..Default::default() },
    )
    .await;
    json(&run(&["sync", "--json"]).await.expect("join"));
    assert!(tmp.path().join("psd-1.cache.previous").exists(), "the save kept the copy it replaced");

    // Cut the cache short, as a failing disk might.
    let bytes = std::fs::read(&cache).expect("cache");
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).expect("truncate");
    let out = run(&["inbox", "--json", "--no-sync"]).await.expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("not readable") && stderr.contains("--recover-cache"), "{stderr}");
    assert_eq!(std::fs::read(&cache).expect("cache").len(), bytes.len() / 2, "nothing was changed");

    let out = run(&["sync", "--recover-cache", "--json"]).await.expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("restored the previous copy ("), "{stderr}");
    let kept: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("psd-1.cache.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept aside");
    let inbox = json(&run(&["inbox", "--json", "--no-sync"]).await.expect("join"));
    assert_eq!(inbox.as_array().map(Vec::len), Some(2), "the sync after recovery has both cases: {inbox}");

    // Both copies altered: rebuilt from the relay.
    for name in ["psd-1.cache", "psd-1.cache.previous"] {
        let path = tmp.path().join(name);
        let mut bytes = std::fs::read(&path).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).expect("alter");
    }
    let out = run(&["sync", "--recover-cache", "--json"]).await.expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("rebuilding from the relay"), "{stderr}");
    let inbox = json(&run(&["inbox", "--json", "--no-sync"]).await.expect("join"));
    assert_eq!(inbox.as_array().map(Vec::len), Some(2), "{inbox}");
}

/// `candour review watch` mails an alert through a real SMTP server on loopback (Debian's
/// aiosmtpd, writing a Maildir), and the alert says only how many: no case text, subject,
/// category or case reference leaves the encrypted cache by mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_alert_by_email_carries_no_case_content() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let tmp = tempfile::tempdir().expect("tmp");
    let maildir = tmp.path().join("maildir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let mut smtp = Command::new("/usr/bin/python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .spawn()
        .expect("aiosmtpd (Debian's python3-aiosmtpd, installed by scripts/test.sh) starts");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "aiosmtpd did not listen");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // Three reports: sent today, six days ago (acknowledgement due tomorrow) and nine days ago
    // (overdue), each with words, a subject and a category an alert must not carry.
    let needles = ["WATCH-CANARY", "PC Sunita Verma", "use-of-force", "Use of force", "honesty", "Honesty"];
    let mut references = Vec::new();
    for (days_ago, category) in
        [(0, Category::UseOfForce), (6, Category::HonestyAndIntegrity), (9, Category::UseOfForce)]
    {
        let dir = client.directory(&common::policy()).await.expect("directory");
        let token = MailboxToken::generate();
        let concern = Concern {
            category: Some(category),
            subjects: vec![Subject { name: Some("PC Sunita Verma".into()), ..Default::default() }],
            what: format!("WATCH-CANARY case {days_ago}"),
            ..Default::default()
        };
        let composed =
            compose_report(&dir, &token, concern, &[], common::today().plus_days(-days_ago)).expect("compose");
        send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
        references.push(candour_review::state::case_ref(&token.thread_id()));
    }
    let cache = tmp.path().join("psd-1.cache");
    let smtp_at = format!("127.0.0.1:{port}");
    let args = [
        "watch",
        "--once",
        "--email-to",
        "psd-1@force.example",
        "--email-from",
        "candour@force.example",
        "--smtp",
        &smtp_at,
        "--smtp-security",
        "none",
    ];
    let (u, c) = (url.clone(), cache.clone());
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let out = tokio::task::spawn_blocking(move || review(&u, &c, &args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let new = maildir.join("new");
    let started = std::time::Instant::now();
    let mail = loop {
        let files: Vec<_> =
            std::fs::read_dir(&new).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        if let [one] = files.as_slice() {
            break std::fs::read_to_string(one).expect("mail");
        }
        assert!(files.len() <= 1, "one alert, not {}", files.len());
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "no alert arrived");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let _ = smtp.kill();
    let _ = smtp.wait();
    assert!(mail.contains("Subject: Candour: something to review"), "{mail}");
    for line in ["3 new reports", "1 acknowledgement due within 2 days", "1 case with a duty past its deadline"] {
        assert!(mail.contains(line), "{line:?} missing from {mail}");
    }
    for needle in needles.iter().copied().chain(references.iter().map(String::as_str)) {
        assert!(!mail.contains(needle), "{needle:?} is in the alert: {mail}");
    }
}

/// `show --save-attachments` writes files only the reviewer can read, named after the case, not
/// the reporter's phone: its file name ("IMG_20261130_..._Flat12") names a day, a person and a
/// place. `--original-names` keeps it when a reviewer asks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_attachments_carry_nothing_of_the_reporters_file_name() {
    use candour_core::envelope::AttachmentMeta;
    use candour_submit::send::{Attachment, AttachmentData};
    use std::os::unix::fs::PermissionsExt as _;
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = MailboxToken::generate();
    let concern = Concern { category: Some(Category::UseOfForce), what: "See the photo".into(), ..Default::default() };
    let composed = compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
    let photo: Vec<u8> = (0..4_000u32).map(|i| (i % 253) as u8).collect();
    let attachment = Attachment {
        meta: AttachmentMeta { name: "IMG_20261130_SgtJones_Flat12.jpg".into(), media_type: "image/jpeg".into() },
        data: AttachmentData::Bytes(photo.clone()),
    };
    send(&client, composed.plan(&dir, &token), vec![attachment], None).await.expect("send");
    let case = candour_review::state::case_ref(&token.thread_id());
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    for (flag, folder) in [(None, "plain"), (Some("--original-names"), "named")] {
        let out_dir = tmp.path().join(folder);
        let (u, c, reference, out) = (url.clone(), cache.clone(), case.clone(), out_dir.clone());
        let shown = tokio::task::spawn_blocking(move || {
            let mut args = vec!["show", reference.as_str(), "--json", "--save-attachments"];
            let folder = out.display().to_string();
            args.push(&folder);
            args.extend(flag);
            review(&u, &c, &args)
        })
        .await
        .expect("join");
        let saved: Vec<String> = serde_json::from_value(json(&shown)["saved_attachments"].clone()).expect("paths");
        assert_eq!(saved.len(), 1, "{saved:?}");
        let path = std::path::PathBuf::from(&saved[0]);
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        assert_eq!(std::fs::read(&path).expect("read"), photo);
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600, "{name}");
        match flag {
            None => {
                assert!(name.starts_with(&case) && name.ends_with(".jpg"), "{name}");
                assert!(!name.contains("Jones") && !name.contains("2026"), "{name}");
            }
            Some(_) => assert!(name.ends_with("IMG_20261130_SgtJones_Flat12.jpg"), "{name}"),
        }
    }
}

/// `discard` sets an entry aside (its clock stops, it leaves the inbox and the figures) and
/// `restore` brings it back, from the command line; a duplicate must name what it repeats.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discard_and_restore_from_the_command_line() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let old = common::today().plus_days(-20);
    let spam = Concern { category: Some(Category::Other), what: "WIN A PRIZE".into(), ..Default::default() };
    let token = submit_on(&client, spam, old).await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    let run = |args: Vec<String>| {
        let (u, c) = (url.clone(), cache.clone());
        tokio::task::spawn_blocking(move || review(&u, &c, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let overdue = json(&run(args(&["overdue", "--json"])).await.expect("join"));
    assert_eq!(overdue.as_array().map(Vec::len), Some(1), "{overdue}");

    let out = run(args(&["discard", &case, "--reason", "duplicate"])).await.expect("join");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("must name the case it repeats"));
    let out = run(args(&["discard", &case, "--reason", "spam", "--note", "prize draw"])).await.expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("set aside as not a report (spam)"));
    let inbox = json(&run(args(&["inbox", "--json"])).await.expect("join"));
    assert_eq!(inbox, json!([]), "{inbox}");
    let text = String::from_utf8_lossy(&run(args(&["inbox", "--no-sync"])).await.expect("join").stdout).to_string();
    assert!(text.contains(&format!("Not reports, set aside: {case} (spam)")), "{text}");
    let overdue = json(&run(args(&["overdue", "--json"])).await.expect("join"));
    assert_eq!(overdue, json!([]), "no clock runs: {overdue}");

    let out = run(args(&["restore", &case, "--note", "a real concern after all"])).await.expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let overdue = json(&run(args(&["overdue", "--json"])).await.expect("join"));
    assert_eq!(overdue[0]["case"], case.as_str(), "its clock runs again: {overdue}");
}

/// `transfer` moves a case to another queue from the command line: it says who reads it now and
/// who no longer does, it leaves psd-1's inbox and clocks, and psd-1 can act on it no more;
/// `add-reader` refuses a case moved away from its user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_from_the_command_line() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let old = common::today().plus_days(-10);
    let misrouted =
        Concern { category: Some(Category::Other), what: "talk of joining a militia".into(), ..Default::default() };
    let token = submit_on(&client, misrouted, old).await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    let run = |args: Vec<String>| {
        let (u, c) = (url.clone(), cache.clone());
        tokio::task::spawn_blocking(move || review(&u, &c, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let overdue = json(&run(args(&["overdue", "--json"])).await.expect("join"));
    assert_eq!(overdue.as_array().map(Vec::len), Some(1), "{overdue}");

    let out = run(args(&["transfer", &case, "--to", "nowhere", "--note", "x"])).await.expect("join");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("there is no queue nowhere"));
    let out = run(args(&["transfer", &case, "--to", "sb-prevent", "--note", "a Prevent concern"])).await.expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("Case {case} transferred to sb-prevent")), "{text}");
    assert!(text.contains("Readers now: sb-1."), "{text}");
    assert!(text.contains("No longer readers: acu-1, acu-2, psd-1, psd-2"), "{text}");

    let inbox = json(&run(args(&["inbox", "--json"])).await.expect("join"));
    assert_eq!(inbox, json!([]), "{inbox}");
    let overdue = json(&run(args(&["overdue", "--json"])).await.expect("join"));
    assert_eq!(overdue, json!([]), "its clock runs in Special Branch now: {overdue}");
    let shown =
        String::from_utf8_lossy(&run(args(&["show", &case, "--no-sync"])).await.expect("join").stdout).to_string();
    assert!(shown.contains("transferred to sb-prevent: readers now sb-1"), "the history stays: {shown}");
    let out = run(args(&["add-reader", &case, "pcc-1", "--note", "x"])).await.expect("join");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("transferred away from you"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// psd-2 leaves and psd-3 joins: `leavers` lists the case, `hand-over` (without a case: every
/// one the leaver could read) re-seals it to psd-3, whose own tool then lists it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hand_over_from_the_command_line() {
    use age::secrecy::SecretString;
    use candour_core::keys::{ReviewerSecret, SecretKeyFile};
    let store: std::sync::Arc<dyn candour_relay::store::Store> =
        std::sync::Arc::new(candour_relay::store::MemoryStore::new());
    let relay = Relay::serving(store.clone(), common::fresh_directory()).await;
    let client = common::bound_client(&relay.url()).await;
    let token =
        submit(&client, Concern { category: Some(Category::Other), what: "overtime".into(), ..Default::default() })
            .await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let run = |url: String, args: Vec<String>| {
        let c = cache.clone();
        tokio::task::spawn_blocking(move || review(&url, &c, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let out = run(relay.url(), args(&["triage", &case, "--assign", "psd-2"])).await.expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The next directory: psd-2 gone, psd-3 (a fresh key, kept in a key file) in the PSD.
    let successor = ReviewerSecret::generate("psd-3");
    let (_folder, next) =
        common::fresh::signed_directory(|doc| common::fresh::leaver_replaced(doc, "psd-2", &successor));
    let key_file = tmp.path().join("psd-3.key");
    let pass = std::fs::read_to_string(common::keys_example().join("passphrase.txt")).expect("passphrase");
    let mut bytes = Vec::new();
    SecretKeyFile::Reviewer(successor)
        .write_protected(&SecretString::from(pass.trim().to_owned()), 10, &mut bytes)
        .expect("key file");
    std::fs::write(&key_file, bytes).expect("write");
    // The force publishes the next directory: the relay now serves it, over the same store.
    relay.shutdown().await;
    let relay = Relay::serving(store, &next).await;

    let listed = json(&run(relay.url(), args(&["leavers", "--json"])).await.expect("join"));
    assert_eq!(listed[0]["case"], json!(case), "{listed}");
    assert_eq!(listed[0]["leavers"], json!(["psd-2"]), "{listed}");
    let out =
        run(relay.url(), args(&["hand-over", "--from", "acu-1", "--to", "psd-3", "--note", "x"])).await.expect("join");
    assert!(!out.status.success(), "acu-1 has not left");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no open case you read has acu-1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(relay.url(), args(&["hand-over", "--from", "psd-2", "--to", "psd-3", "--note", "psd-2 left"]))
        .await
        .expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("Case {case} psd-2's place handed over to psd-3")), "{text}");
    assert!(text.contains("Readers now: acu-1, acu-2, psd-1, psd-3."), "{text}");
    assert_eq!(json(&run(relay.url(), args(&["leavers", "--json", "--no-sync"])).await.expect("join")), json!([]));

    let (url, psd3_cache) = (relay.url(), tmp.path().join("psd-3.cache"));
    let inbox = tokio::task::spawn_blocking(move || review_as(&key_file, &url, &psd3_cache, &["inbox", "--json"]))
        .await
        .expect("join");
    let inbox = json(&inbox);
    assert_eq!(inbox.as_array().map(Vec::len), Some(1), "{inbox}");
    assert_eq!(inbox[0]["case"], json!(case), "{inbox}");
}

/// A supervisor closes a case and disposes of it from the command line: recorded, forgotten
/// here, listed by `disposed`, and `show` no longer finds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispose_from_the_command_line() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let token = submit(
        &client,
        Concern { category: Some(Category::Other), what: "CANARY-cli-dispose".into(), ..Default::default() },
    )
    .await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let tmp = tempfile::tempdir().expect("tmp");
    let cache = tmp.path().join("psd-1.cache");
    let run = |args: &[&str]| review(&url, &cache, args);
    let out = run(&["dispose", &case, "--note", "no further value"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("still open"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["triage", &case, "--status", "closed:no-case-to-answer"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["dispose", &case, "--note", "records review: no further value"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("takes effect once a second supervisor"));
    let acu1 = common::keys_example().join("reviewers/acu-1.key");
    let out = review_as(&acu1, &url, &tmp.path().join("acu-1.cache"), &["dispose", &case, "--note", "agreed"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("Case {case} disposed of")));
    let out = run(&["sync"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = json(&run(&["disposed", "--json", "--no-sync"]));
    assert_eq!(listed[0]["case"], json!(case), "{listed}");
    assert!(listed[0]["why"].as_str().is_some_and(|w| w.contains("disposed of early by psd-1 and acu-1")), "{listed}");
    let out = run(&["show", &case, "--no-sync"]);
    assert!(!out.status.success(), "the case is gone from this tool");
    let out = run(&["sync"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(json(&run(&["inbox", "--json", "--no-sync"])).as_array().is_some_and(Vec::is_empty));
}

/// A confidential reporter's name, held by the custodian pcc-ce: `show` says it is held, a
/// reader asks with `identity request`, the custodian lists and grants it, and `show` then gives
/// the name to that reader.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custodian_held_identity_from_the_command_line() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let concern = Concern {
        category: Some(Category::Other),
        what: "expenses".into(),
        disclosure: candour_core::report::Disclosure::Confidential {
            name: Some("CANARY-cli-name Sam Jones".into()),
            contact: None,
        },
        ..Default::default()
    };
    let token = submit(&client, concern).await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let tmp = tempfile::tempdir().expect("tmp");
    let keys = common::keys_example();
    let (psd1, custodian) = (keys.join("reviewers/psd-1.key"), keys.join("reviewers/pcc-ce.key"));
    let as_psd1 = |args: &[&str]| review_as(&psd1, &url, &tmp.path().join("psd-1.cache"), args);
    let as_custodian = |args: &[&str]| review_as(&custodian, &url, &tmp.path().join("pcc-ce.cache"), args);

    let shown = as_psd1(&["show", &case]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("held by the identity custodian (pcc-ce)"), "{text}");
    assert!(!text.contains("CANARY-cli-name"), "{text}");
    let out = as_psd1(&["identity", "request", &case, "--reason", "to take a statement"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let requests = json(&as_custodian(&["identity", "requests", "--json"]));
    assert_eq!(requests[0]["case"], json!(case), "{requests}");
    assert_eq!(requests[0]["request"]["requester"], json!("psd-1"), "{requests}");
    let seq = requests[0]["seq"].as_u64().expect("seq").to_string();
    let out = as_custodian(&["identity", "grant", &seq, "--note", "approved by the Head of PSD"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = as_custodian(&["identity", "grant", &seq, "--note", "twice"]);
    assert!(!again.status.success(), "answered once");
    let shown = as_psd1(&["show", &case]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("REPORTER'S IDENTITY (protect; granted to you by pcc-ce"), "{text}");
    assert!(text.contains("CANARY-cli-name Sam Jones"), "{text}");
    assert!(text.contains("pcc-ce granted the request"), "the history says so: {text}");
}
