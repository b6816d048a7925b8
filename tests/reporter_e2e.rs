//! The reporter's side end to end: the submit library and the `candour` CLI against a real
//! relay on loopback, with reviewers played by the example keys through candour-core.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

use candour_client::RelayClient;
use candour_core::envelope::{AttachmentMeta, CollectAttachments, DiscardAttachments};
use candour_core::message::{open_document, seal_document};
use candour_core::report::{Category, Concern, Document, Reply, SCHEMA_VERSION};
use candour_core::token::MailboxToken;
use candour_submit::compose::{compose_follow_up, compose_report, Readers};
use candour_submit::mailbox::open_reply;
use candour_submit::send::{send, Attachment, AttachmentData};
use common::{inbox_after, openers, reviewer, unix_now, Relay};

async fn submit(
    client: &RelayClient,
    category: Category,
    excluded: &[&str],
    attachments: Vec<Attachment>,
) -> (MailboxToken, Readers) {
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = MailboxToken::generate();
    let concern = Concern { category: Some(category), what: format!("e2e {category}"), ..Default::default() };
    let excluded: Vec<String> = excluded.iter().map(|s| (*s).to_owned()).collect();
    let composed = compose_report(&dir, &token, concern, &excluded, common::today()).expect("compose");
    send(client, composed.plan(&dir, &token), attachments, None).await.expect("send");
    (token, composed.readers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_route_and_only_their_readers_open_them() {
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url()).await;

    // A misconduct report with two attachments.
    let photo: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let note = b"notes from the night".to_vec();
    let attachments = vec![
        Attachment {
            meta: AttachmentMeta { name: "photo.bin".into(), media_type: "application/octet-stream".into() },
            data: AttachmentData::Bytes(photo.clone()),
        },
        Attachment {
            meta: AttachmentMeta { name: "notes.txt".into(), media_type: "text/plain".into() },
            data: AttachmentData::Bytes(note.clone()),
        },
    ];
    let (_, readers) = submit(&client, Category::DiscreditableConduct, &[], attachments).await;
    assert_eq!(readers.reviewer_ids(), ["psd-1", "psd-2", "acu-1", "acu-2"]);
    let inbox = inbox_after(&client, None).await;
    assert_eq!(inbox.len(), 1);
    let mut sink = CollectAttachments::new(1 << 20);
    let opened = open_document(reviewer("psd-2").identity(), &inbox[0].1[..], &mut sink).expect("PSD opens");
    assert!(matches!(opened.document, Document::Report(_)));
    assert_eq!(sink.collected.len(), 2);
    assert_eq!(sink.collected[0].1, photo);
    assert_eq!(sink.collected[1].1, note);
    assert_eq!(openers(&inbox[0].1), ["psd-1", "psd-2", "acu-1", "acu-2"], "SB and PCC must not open it");

    // A Prevent concern: Special Branch only.
    let last = inbox[0].0;
    submit(&client, Category::PreventConcern, &[], vec![]).await;
    let inbox = inbox_after(&client, Some(last)).await;
    assert_eq!(openers(&inbox[0].1), ["sb-1"]);

    // Excluding one ACU reviewer leaves them unable to open it.
    let last = inbox[0].0;
    let (_, readers) = submit(&client, Category::HonestyAndIntegrity, &["acu-1"], vec![]).await;
    assert!(matches!(&readers, Readers::Routed(r) if r.fallback.is_none()));
    let inbox = inbox_after(&client, Some(last)).await;
    assert_eq!(openers(&inbox[0].1), ["psd-1", "psd-2", "acu-2"]);

    // Excluding every ACU reviewer falls back to the PCC, and says so before sending.
    let last = inbox[0].0;
    let dir = client.directory(&common::policy()).await.expect("dir");
    let token = MailboxToken::generate();
    let concern = Concern { category: Some(Category::HonestyAndIntegrity), what: "x".into(), ..Default::default() };
    let composed =
        compose_report(&dir, &token, concern, &["acu-1".into(), "acu-2".into()], common::today()).expect("compose");
    let preview = composed.preview(&dir).to_string();
    assert!(preview.contains("Office of the Police and Crime Commissioner"), "{preview}");
    assert!(preview.contains("Because you excluded everyone in acu"), "{preview}");
    send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    let inbox = inbox_after(&client, Some(last)).await;
    assert_eq!(openers(&inbox[0].1), ["psd-1", "psd-2", "pcc-1"]);
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_is_read_with_the_token_and_follow_up_reaches_the_same_readers() {
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    let (token, _) = submit(&client, Category::Confidentiality, &["acu-2"], vec![]).await;
    let inbox = inbox_after(&client, None).await;
    let psd1 = reviewer("psd-1");
    let opened = open_document(psd1.identity(), &inbox[0].1[..], &mut DiscardAttachments).expect("opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.sealed_to, ["psd-1", "psd-2", "acu-1"]);

    // Before any reply, the mailbox is empty and says nothing about whether the token is real.
    assert!(client.mailbox_all(&token.mailbox_id()).await.expect("list").is_empty());
    let stranger = MailboxToken::generate();
    assert!(client.mailbox_all(&stranger.mailbox_id()).await.expect("list").is_empty());

    // The reviewer replies (through the core directly, as the reviewer tool will).
    let reply = Document::Reply(Reply {
        reader_changes: vec![],
        schema: SCHEMA_VERSION,
        thread_id: report.thread_id,
        reviewer: "psd-1".into(),
        text: "Thank you. We have opened an assessment.".into(),
        day_sent: common::today(),
        thread_recipients: report.sealed_to.clone(),
        route: report.route.clone(),
        directory_version: Some(common::example_directory().directory().version),
        seen: None,
    });
    let reply_to: age::x25519::Recipient = report.reply_recipient.parse().expect("recipient");
    let dir = common::example_directory();
    let sealed = seal_document(&[reply_to], dir.directory().stanzas, &reply, vec![], psd1.signing_key(), Vec::new())
        .expect("seal reply");
    client.reviewer_mailbox_append(psd1.signing_key(), &report.mailbox, sealed, unix_now()).await.expect("append");

    // A forged reply (signed by a key that is not psd-1's) is refused by the reporter.
    let forged_key = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
    let forged = seal_document(
        &[report.reply_recipient.parse().expect("r")],
        dir.directory().stanzas,
        &reply,
        vec![],
        &forged_key,
        Vec::new(),
    )
    .expect("seal");
    client.reviewer_mailbox_append(psd1.signing_key(), &report.mailbox, forged, unix_now()).await.expect("append");

    // The reporter, with the token alone.
    let same_token: MailboxToken = token.to_words().parse().expect("words");
    let entries = client.mailbox_all(&same_token.mailbox_id()).await.expect("list");
    assert_eq!(entries.len(), 2);
    let mut views = Vec::new();
    let mut refused = 0;
    for e in entries {
        match open_reply(&dir, &same_token, &client.mailbox_read(&same_token.mailbox_id(), e.seq).await.expect("read"))
        {
            Ok(v) => views.push(v),
            Err(candour_submit::mailbox::ReplyError::ForgedSigner(_)) => refused += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((views.len(), refused), (1, 1));
    assert_eq!(views[0].text, "Thank you. We have opened an assessment.");
    assert_eq!(views[0].queues, ["psd"]);

    // A follow-up with the token alone goes to the thread's recipients, exclusions included.
    let concern = Concern { what: "He did it again on Friday.".into(), ..Default::default() };
    let follow = compose_follow_up(
        &dir,
        &same_token,
        concern,
        views[0].thread_recipients.clone(),
        views[0].route.clone(),
        common::today(),
    )
    .expect("compose");
    send(&client, follow.plan(&dir, &same_token), vec![], None).await.expect("send");
    let inbox = inbox_after(&client, Some(inbox[0].0)).await;
    assert_eq!(openers(&inbox[0].1), ["psd-1", "psd-2", "acu-1"], "acu-2 was excluded and stays excluded");
    let opened = open_document(psd1.identity(), &inbox[0].1[..], &mut DiscardAttachments).expect("opens");
    let Document::FollowUp(f) = opened.document else { panic!("not a follow-up") };
    assert_eq!(f.thread_id, report.thread_id, "the follow-up joins the same thread");
    assert_eq!(f.reporter_key, report.reporter_key, "and is signed by the same reporter key");
    relay.shutdown().await;
}

fn candour(args: &[&str]) -> std::process::Output {
    candour_in(args, &std::env::temp_dir())
}

/// Runs `candour` with `home` as its working folder, HOME and XDG folders, so a test can check
/// it wrote nothing there.
fn candour_in(args: &[&str], home: &std::path::Path) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home)
        .env("XDG_STATE_HOME", home)
        .env("XDG_RUNTIME_DIR", home)
        .env("TMPDIR", home)
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT")
        .env_remove("CANDOUR_PROXY");
    common::output_within(cmd, std::time::Duration::from_secs(300))
}

/// Serves one canned directory per connection, as a hostile relay would: in a bundle of one at
/// `/v1/directories`, as itself anywhere else.
fn fake_relay(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let bundle = serde_json::to_vec(&candour_core::api::DirectoryBundle {
        format: candour_core::api::DIRECTORY_BUNDLE_FORMAT.into(),
        directories: vec![String::from_utf8_lossy(&body).into_owned()],
    })
    .expect("bundle");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let body = if buf[..n].starts_with(b"GET /v1/directories ") { &bundle } else { &body };
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    format!("http://{addr}")
}

#[test]
fn report_refuses_a_tampered_directory_or_a_wrong_pin() {
    let served = std::fs::read(common::fresh_directory()).expect("dir");
    let tampered = String::from_utf8(served.clone()).expect("utf-8").replacen("DS Tom Reilly", "DS Tom Reiliy", 1);
    let url = fake_relay(tampered.into_bytes());
    let root = common::root_pub();
    let args = |url: &str, root: &str| -> Vec<String> {
        ["report", "--relay", url, "--root", root, "--category", "other", "--what", "test", "--yes"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    };
    let a = args(&url, &root);
    let out = candour(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "tampering has a status of its own: {err}");
    assert!(err.contains("failed verification") && err.contains("altered"), "{err}");
    assert_eq!(err.matches("altered").count(), 1, "each cause is said once: {err}");

    let url = fake_relay(served);
    let wrong_root = candour_core::keys::RootSecretKey::generate().public().to_string();
    let a = args(&url, &wrong_root);
    let out = candour(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "refused: not this force's directory: {err}");
    assert!(err.contains("refusing to send") && err.contains("pinned root"), "{err}");

    let (unreachable, _held) = common::unreachable_relay();
    let out =
        candour(&["report", "--relay", &unreachable, "--root", &root, "--category", "other", "--what", "x", "--yes"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "unreachable: {err}");
    assert!(err.contains("cannot reach the relay"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_report_then_mailbox_with_token_file() {
    let relay = Relay::start().await;
    let url = relay.url();
    let root = common::root_pub();
    let tmp = tempfile::tempdir().expect("tmp");
    let from = tmp.path().join("report.json");
    std::fs::write(
        &from,
        r#"{"category": "use-of-force", "subjects": [{"name": "PC Example"}], "what": "CLI canary text", "when": "Friday", "where": "Cells"}"#,
    )
    .expect("write");
    // Run with an empty folder as its working folder, HOME, XDG folders and TMPDIR: nothing may
    // be written to disk, anywhere it could put something.
    let empty = tempfile::tempdir().expect("tmp");
    let out = tokio::task::spawn_blocking({
        let (url, root, from, home) = (url.clone(), root.clone(), from.clone(), empty.path().to_owned());
        move || {
            candour_in(
                &[
                    "report",
                    "--relay",
                    &url,
                    "--root",
                    &root,
                    "--from",
                    from.to_str().expect("utf-8"),
                    "--yes",
                    "--json",
                ],
                &home,
            )
        }
    })
    .await
    .expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let left: Vec<_> = std::fs::read_dir(empty.path()).expect("read").flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "candour report wrote {left:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_eq!(json["queues"], serde_json::json!(["psd", "acu"]));
    assert_eq!(json["fallback"], serde_json::json!(false));
    let words = json["token"].as_str().expect("token").to_owned();
    assert_eq!(words.split(' ').count(), 12);
    // Every field of --from, as the readers' tool opens it (not as the CLI echoes it).
    let client = common::bound_client(&url).await;
    let inbox = inbox_after(&client, None).await;
    let opened = open_document(reviewer("psd-1").identity(), &inbox[0].1[..], &mut DiscardAttachments).expect("opens");
    let Document::Report(sent) = opened.document else { panic!("not a report") };
    assert_eq!(sent.concern.category, Some(Category::UseOfForce));
    assert_eq!(sent.concern.subjects.iter().map(|s| s.name.as_deref()).collect::<Vec<_>>(), [Some("PC Example")]);
    assert_eq!(
        (sent.concern.what.as_str(), sent.concern.when.as_deref(), sent.concern.r#where.as_deref()),
        ("CLI canary text", Some("Friday"), Some("Cells"))
    );
    assert_eq!(sent.thread_id, words.parse::<MailboxToken>().expect("token").thread_id());

    // An unknown field is an error that lists the valid ones.
    std::fs::write(&from, r#"{"category": "use-of-force", "what": "x", "colour": "red"}"#).expect("write");
    let out = tokio::task::spawn_blocking({
        let (url, root, from) = (url.clone(), root.clone(), from.clone());
        move || candour(&["report", "--relay", &url, "--root", &root, "--from", from.to_str().expect("utf-8"), "--yes"])
    })
    .await
    .expect("join");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("colour") && err.contains("honesty-and-integrity"), "{err}");

    let token_file = tmp.path().join("token.txt");
    std::fs::write(&token_file, &words).expect("write");
    let out = tokio::task::spawn_blocking({
        let (url, root, token_file) = (url.clone(), root.clone(), token_file.clone());
        move || {
            candour(&["mailbox", "--relay", &url, "--root", &root, "--token-file", token_file.to_str().expect("utf-8")])
        }
    })
    .await
    .expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("Nothing in your mailbox yet: no reviewer has received your report (or the token is mistyped)"));

    // A mistyped token is caught by the checksum and said so. (The checksum is 4 bits, so pick
    // a swap of two words that it catches.)
    let list: Vec<&str> = words.split(' ').collect();
    let swapped = (1..12)
        .map(|j| {
            let mut l = list.clone();
            l.swap(0, j);
            l.join(" ")
        })
        .find(|w| matches!(w.parse::<MailboxToken>(), Err(candour_core::token::TokenParseError::Checksum)))
        .expect("some swap breaks the checksum");
    std::fs::write(&token_file, swapped).expect("write");
    let out =
        candour(&["mailbox", "--relay", &url, "--root", &root, "--token-file", token_file.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("checksum"), "{err}");
    relay.shutdown().await;
}

/// A minimal SOCKS5 proxy (no authentication, CONNECT only) that records each target it was
/// asked for and relays the bytes, standing in for Tor.
fn socks5_proxy() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::net::TcpStream;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().take(32) {
            let Ok(mut client) = client else { continue };
            let record = record.clone();
            std::thread::spawn(move || -> std::io::Result<()> {
                let mut greeting = [0u8; 2];
                client.read_exact(&mut greeting)?;
                let mut methods = vec![0u8; usize::from(greeting[1])];
                client.read_exact(&mut methods)?;
                client.write_all(&[5, 0])?;
                let mut head = [0u8; 4];
                client.read_exact(&mut head)?;
                let host = match head[3] {
                    3 => {
                        let mut len = [0u8; 1];
                        client.read_exact(&mut len)?;
                        let mut name = vec![0u8; usize::from(len[0])];
                        client.read_exact(&mut name)?;
                        format!("domain:{}", String::from_utf8_lossy(&name))
                    }
                    1 => {
                        let mut ip = [0u8; 4];
                        client.read_exact(&mut ip)?;
                        format!("ip:{}", std::net::Ipv4Addr::from(ip))
                    }
                    _ => return Ok(()),
                };
                let mut port = [0u8; 2];
                client.read_exact(&mut port)?;
                let port = u16::from_be_bytes(port);
                record.lock().expect("lock").push(format!("{host}:{port}"));
                let upstream = TcpStream::connect(("127.0.0.1", port))?;
                client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
                let (mut c2, mut u2) = (client.try_clone()?, upstream.try_clone()?);
                let (mut c1, mut u1) = (client, upstream);
                let t = std::thread::spawn(move || std::io::copy(&mut c2, &mut u2));
                let _ = std::io::copy(&mut u1, &mut c1);
                let _ = c1.shutdown(std::net::Shutdown::Both);
                let _ = t.join();
                Ok(())
            });
        }
    });
    (format!("socks5h://{addr}"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_carries_everything_including_name_resolution() {
    let relay = Relay::start().await;
    let (proxy, seen) = socks5_proxy();
    // A name no resolver knows (`.invalid` is reserved): only the proxy, which connects every
    // name to this machine, can reach it, so a client that went around the proxy fails.
    let url = format!("http://relay.candour-test.invalid:{}", relay.addr.port());
    let root = common::root_pub();
    let out = tokio::task::spawn_blocking(move || {
        candour(&[
            "report",
            "--relay",
            &url,
            "--proxy",
            &proxy,
            "--root",
            &root,
            "--category",
            "other",
            "--what",
            "via tor",
            "--yes",
            "--json",
        ])
    })
    .await
    .expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let seen = seen.lock().expect("lock").clone();
    // Directory, challenge and submission all went through the proxy, which was handed the
    // name, not an address: DNS did not leak around it.
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|t| t == &format!("domain:relay.candour-test.invalid:{}", relay.addr.port())), "{seen:?}");
    relay.shutdown().await;
}

/// A corrupt reader's reply names the reviewer the reporter excluded and leaves out the other
/// readers; `candour mailbox --send` seals to the readers the report committed to and says
/// what it refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_follow_ups_reach_the_committed_readers_whatever_a_reply_names() {
    let relay = Relay::start().await;
    let (url, root) = (relay.url(), common::root_pub());
    let client = common::bound_client(&url).await;
    let (token, _) = submit(&client, Category::Confidentiality, &["acu-2"], vec![]).await;
    let inbox = inbox_after(&client, None).await;
    let psd2 = reviewer("psd-2");
    let opened = open_document(psd2.identity(), &inbox[0].1[..], &mut DiscardAttachments).expect("opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    let dir = common::example_directory();
    let corrupt = Document::Reply(Reply {
        reader_changes: vec![],
        schema: SCHEMA_VERSION,
        thread_id: report.thread_id,
        reviewer: "psd-2".into(),
        text: "Please send us the rest.".into(),
        day_sent: common::today(),
        thread_recipients: vec!["psd-2".into(), "acu-2".into()],
        route: report.route.clone(),
        directory_version: Some(dir.directory().version),
        seen: None,
    });
    let to: age::x25519::Recipient = report.reply_recipient.parse().expect("recipient");
    let sealed = seal_document(&[to], dir.directory().stanzas, &corrupt, vec![], psd2.signing_key(), Vec::new())
        .expect("seal reply");
    client.reviewer_mailbox_append(psd2.signing_key(), &report.mailbox, sealed, unix_now()).await.expect("append");

    let tmp = tempfile::tempdir().expect("tmp");
    let token_file = tmp.path().join("token.txt");
    std::fs::write(&token_file, token.to_words().as_bytes()).expect("write");
    let out = tokio::task::spawn_blocking({
        let (url, root, token_file) = (url.clone(), root.clone(), token_file.clone());
        move || {
            candour(&[
                "mailbox",
                "--relay",
                &url,
                "--root",
                &root,
                "--token-file",
                token_file.to_str().expect("utf-8"),
                "--send",
                "It happened again on Friday.",
                "--yes",
                "--json",
            ])
        }
    })
    .await
    .expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("asked for acu-2 to read your follow-ups. You excluded them"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["reviewers"], serde_json::json!(["psd-1", "psd-2", "acu-1"]));
    let sent = inbox_after(&client, Some(inbox[0].0)).await;
    assert_eq!(openers(&sent[0].1), ["psd-1", "psd-2", "acu-1"], "not the corrupt reply's psd-2 and acu-2");
    // It is a follow-up of the same case, with the words sent.
    let opened = open_document(reviewer("psd-1").identity(), &sent[0].1[..], &mut DiscardAttachments).expect("opens");
    let Document::FollowUp(follow_up) = opened.document else { panic!("not a follow-up") };
    assert_eq!(
        (follow_up.thread_id, follow_up.concern.what.as_str()),
        (report.thread_id, "It happened again on Friday.")
    );
    // And the mailbox shows the reply, in words.
    let out = tokio::task::spawn_blocking({
        let (url, root, token_file) = (url.clone(), root.clone(), token_file.clone());
        move || {
            candour(&["mailbox", "--relay", &url, "--root", &root, "--token-file", token_file.to_str().expect("utf-8")])
        }
    })
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("Please send us the rest."), "{stdout}");
    relay.shutdown().await;
}

/// `candour report --attach`: a JPEG's EXIF is removed on this device before sealing (the
/// readers' tool opens the picture without it); a file whose metadata cannot be removed is
/// refused, nothing sent, unless `--allow-unstripped` says to send it as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_attachments_are_stripped_or_refused_unless_allowed() {
    let relay = Relay::start().await;
    let (url, root) = (relay.url(), common::root_pub());
    let client = common::bound_client(&url).await;
    let files = tempfile::tempdir().expect("tmp");
    let photo = files.path().join("IMG_0042.jpg");
    let jpeg = common::jpeg_with_exif();
    std::fs::write(&photo, &jpeg).expect("write");
    let notes = files.path().join("notes.docx");
    std::fs::write(&notes, b"DOCX-CANARY author metadata").expect("write");
    let report = |extra: Vec<String>| {
        let (url, root) = (url.clone(), root.clone());
        tokio::task::spawn_blocking(move || {
            let mut args: Vec<String> =
                ["report", "--relay", &url, "--root", &root, "--category", "other", "--what", "see the photo", "--yes"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
            args.extend(extra);
            candour(&args.iter().map(String::as_str).collect::<Vec<_>>())
        })
    };
    let attach = |path: &std::path::Path| vec!["--attach".to_owned(), path.display().to_string()];

    let out = report(attach(&photo)).await.expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let inbox = inbox_after(&client, None).await;
    let mut sink = CollectAttachments::new(1 << 20);
    open_document(reviewer("psd-1").identity(), &inbox[0].1[..], &mut sink).expect("opens");
    let (meta, bytes) = &sink.collected[0];
    assert_eq!((meta.name.as_str(), meta.media_type.as_str()), ("IMG_0042.jpg", "image/jpeg"));
    assert!(!bytes.windows(common::EXIF_CANARY.len()).any(|w| w == common::EXIF_CANARY), "EXIF reached the reader");
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && bytes.len() > 100, "still a JPEG");

    let out = report(attach(&notes)).await.expect("join");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("notes.docx") && err.contains("--allow-unstripped"), "{err}");
    assert_eq!(inbox_after(&client, Some(inbox[0].0)).await.len(), 0, "nothing was sent");

    let mut allowed = attach(&notes);
    allowed.push("--allow-unstripped".into());
    let out = report(allowed).await.expect("join");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sent = inbox_after(&client, Some(inbox[0].0)).await;
    let mut sink = CollectAttachments::new(1 << 20);
    open_document(reviewer("psd-1").identity(), &sent[0].1[..], &mut sink).expect("opens");
    assert_eq!(sink.collected[0].1, b"DOCX-CANARY author metadata", "sent exactly as it was, as asked");
    relay.shutdown().await;
}
