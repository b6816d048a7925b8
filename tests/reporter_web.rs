//! The reporter pages in a real browser: headless Chromium, driven through chromedriver, against
//! a relay on loopback serving the embedded pages and WebAssembly module. The reviewers are the
//! example keys, opening what the browser sealed with candour-core, as the reviewer tool does.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use candour_core::envelope::CollectAttachments;
use candour_core::message::{open_document, seal_document};
use candour_core::report::{Document, Reply, SCHEMA_VERSION};
use common::browser::Browser;
use common::{inbox_after, jpeg_with_exif, openers, reviewer, unix_now, Relay, EXIF_CANARY};
use serde_json::{json, Value};

const WHAT: &str = "WEB-CANARY-WHAT: the custody sergeant deleted the footage on night shift.";
const SUBJECT: &str = "SUBJECT-CANARY Sgt Example";
const REPLY: &str = "Thank you. Can you tell us which night?";
const FOLLOW_UP: &str = "FOLLOWUP-CANARY: it was the 14th, around 3am.";
const SCREEN_WIDTHS: [(&str, u32); 2] = [("desktop", 1280), ("phone", 360)];

/// A PNG of noise, about 10 MiB (noise does not compress): the size the timing goal names.
fn ten_mib_png() -> Vec<u8> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let side = 1870;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::NoFilter,
    );
    img.write_with_encoder(encoder).expect("encode PNG");
    out
}

fn pixels(bytes: &[u8]) -> Vec<u8> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .expect("format")
        .decode()
        .expect("decodes")
        .into_rgb8()
        .into_raw()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dir`, read whole.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((
                    path.clone(),
                    std::fs::read(&path).unwrap_or_else(|e| panic!("canary scan cannot read {}: {e}", path.display())),
                ));
            }
        }
    }
    out
}

/// Checks the page at several widths (360 px phone, 640 px = 1280 px at 200 % zoom, desktop):
/// nothing wider than the screen. Screenshots at phone and desktop widths.
fn check_layout(b: &Browser, name: &str) {
    for width in [360, 640, 1280] {
        b.set_viewport(width, 900);
        let overflow = b.script(
            "return [...document.querySelectorAll('body *')].filter(e => e.offsetParent !== null && \
             e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.id || e.tagName)",
            vec![],
        );
        assert_eq!(overflow, json!([]), "{name}: wider than a {width} px screen");
    }
    for (label, width) in SCREEN_WIDTHS {
        b.set_viewport(width, 900);
        b.screenshot(&format!("web-{name}-{label}"));
    }
    b.set_viewport(1280, 900);
}

/// Tabbing from the top of the page reaches every visible control, in order.
fn check_keyboard_reaches_every_control(b: &Browser) {
    let controls = b.script(
        "return [...document.querySelectorAll('input, select, textarea, button, a[href]')] \
           .filter(e => e.offsetParent !== null).map(e => e.id || e.name || e.textContent.trim())",
        vec![],
    );
    let controls: Vec<String> = serde_json::from_value(controls).expect("names");
    // Where the first Tab on a fresh page lands: the first focusable element.
    b.script("document.querySelector('a[href], input, select, textarea, button').focus()", vec![]);
    let mut reached = vec![controls[0].clone()];
    for _ in 0..controls.len() * 2 + 10 {
        b.press_tab();
        let focused = b.script(
            "const e = document.activeElement; return e === document.body ? null : (e.id || e.name || e.textContent.trim())",
            vec![],
        );
        match focused.as_str() {
            Some(name) if !reached.iter().any(|r| r == name) => reached.push(name.to_owned()),
            Some(_) => {}
            None if !reached.is_empty() => break,
            None => {}
        }
    }
    let missed: Vec<&String> = controls.iter().filter(|c| !reached.contains(c)).collect();
    assert!(missed.is_empty(), "not reachable with Tab: {missed:?} (reached {reached:?})");
}

/// Every visible control has a label and is reachable by keyboard (no negative tabindex).
fn check_controls_are_labelled(b: &Browser) {
    let unlabelled = b.script(
        "return [...document.querySelectorAll('input, select, textarea, button')]
           .filter(e => e.offsetParent !== null)
           .filter(e => e.tabIndex < 0 || (e.tagName !== 'BUTTON' && e.labels.length === 0 && !e.getAttribute('aria-label')))
           .map(e => e.id || e.name || e.outerHTML)",
        vec![],
    );
    assert_eq!(unlabelled, json!([]), "controls without a label or keyboard access");
}

/// Waits (up to 30 s) until the texts of `css` are `expected`: previews answer asynchronously,
/// and slowly with the JavaScript build, so a list read at once may still be the last one.
fn wait_for_list(b: &Browser, css: &str, expected: Value) {
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = list_text(b, css);
        if found == expected {
            return;
        }
        assert!(Instant::now() < deadline, "{css}: {found} is not {expected}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn list_text(b: &Browser, css: &str) -> Value {
    b.script(
        &format!("return [...document.querySelectorAll('{css}')].map(e => e.dataset.reviewer || e.textContent)"),
        vec![],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_from_the_browser_then_reply_and_follow_up_on_the_mailbox_page() {
    report_reply_and_follow_up(Build::WebAssembly).await;
}

/// Tor Browser's "Safer" level turns WebAssembly off: the page then runs the JavaScript build
/// of the same module (wasm2js) in its worker, and the whole flow works as with the module.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_webassembly_off_the_javascript_build_does_everything() {
    report_reply_and_follow_up(Build::JavaScript).await;
}

/// Which build of the sealing module the browser runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Build {
    WebAssembly,
    /// No WebAssembly and no JIT compiler (V8's `--jitless`, which removes both), as at Tor
    /// Browser's "Safer" level.
    JavaScript,
}

async fn report_reply_and_follow_up(build: Build) {
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    let fixtures = tempfile::tempdir().expect("tmp");
    let jpeg = jpeg_with_exif();
    assert!(contains(&jpeg, EXIF_CANARY));
    let jpeg_path = fixtures.path().join("IMG_0042.jpg");
    std::fs::write(&jpeg_path, &jpeg).expect("write");
    let png = ten_mib_png();
    let png_path = fixtures.path().join("scan.png");
    std::fs::write(&png_path, &png).expect("write");

    let (b, prefix) = match build {
        Build::WebAssembly => (Browser::start(), ""),
        Build::JavaScript => (Browser::start_with(&["--js-flags=--jitless"]), "safer-"),
    };
    // How long a long call may take: without a JIT, the JavaScript build is an interpreter's pace.
    let patience = std::time::Duration::from_secs(if build == Build::JavaScript { 300 } else { 60 });
    // Watched from outside the page: every message the page posts to a worker, by operation.
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "window.__workerOps = []; const post = Worker.prototype.postMessage; \
                 Worker.prototype.postMessage = function (m, t) { if (m && m.op) window.__workerOps.push(m.op); \
                 return post.call(this, m, t); };"}),
    );
    b.goto(&relay.url());
    b.find("#report:not([hidden])");
    let worker = b.script("return document.documentElement.dataset.worker", vec![]);
    assert_eq!(worker, json!("ready"), "the page started its worker");
    let has_wasm = b.script("return typeof WebAssembly", vec![]);
    // The SHA-256 of the module the relay embeds, as the browser computed it from what it loaded.
    let module_sha = b.find("#wasm-sha").text();
    match build {
        Build::WebAssembly => {
            assert_eq!(has_wasm, json!("object"));
            assert_eq!(module_sha, candour_core::wire::to_hex(&sha256(candour_relay::web::WASM)), "the footer's hash");
        }
        Build::JavaScript => {
            assert_eq!(has_wasm, json!("undefined"), "the browser really has no WebAssembly");
            assert_eq!(b.script("return document.documentElement.dataset.build", vec![]), json!("javascript"));
            let expected = candour_core::wire::to_hex(&sha256(candour_relay::web::wasm_js()));
            assert!(module_sha.starts_with(&expected) && module_sha.contains("JavaScript build"), "{module_sha}");
        }
    }
    let served = client.directory(&common::policy()).await.expect("directory");
    assert!(b.find("#directory-info").text().contains(&candour_core::wire::to_hex(&served.served_sha256())));

    // Sending an empty form is refused, and the error is announced (role=alert) and focused.
    b.find("#send").click();
    assert!(b.wait_for_text("#form-error", "Choose a category").len() > 10);
    assert_eq!(b.find("#category").attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(b.find("#form-error").attribute("role").as_deref(), Some("alert"));

    // The form. A compliment says what happens to it: passed on, never investigated.
    b.find("#category").select("compliment");
    b.wait_for_text("#category-help", "nothing is investigated");
    b.find("#category").select("honesty-and-integrity");
    let shown =
        b.script("const s = document.getElementById('category'); return s.options[s.selectedIndex].text", vec![]);
    assert_eq!(shown, json!("Honesty and integrity"), "the form shows the Standard's name in words");
    b.wait_for_text("#preview", "Only these people");
    wait_for_list(&b, "#preview li", json!(["psd-1", "psd-2", "acu-1", "acu-2"]));
    assert!(b.find("#category-help").text().contains("fiddling records"), "plain-English help follows the category");
    b.find("#exclusions input[value='acu-2']").click();
    b.wait_for_text("#preview", "Only these people");
    wait_for_list(&b, "#preview li", json!(["psd-1", "psd-2", "acu-1"]));
    b.find("#subject-0-name").type_text(SUBJECT);
    b.find("#subject-0-collar").type_text("4471");
    b.find("#what").type_text(WHAT);
    b.find("#when").type_text("last month, nights");
    b.find("#where").type_text("Central custody suite");
    // Too much for a browser to seal is refused on choosing, before the file is read.
    let huge = fixtures.path().join("video.mp4");
    std::fs::File::create(&huge).and_then(|f| f.set_len(101 << 20)).expect("sparse file");
    b.find("#attachments").type_text(&huge.display().to_string());
    b.wait_for_text("#attachment-list", "at most 100 MiB");
    b.find("#attachments").type_text(&format!("{}\n{}", jpeg_path.display(), png_path.display()));
    let listed = b.wait_for_text_within("#attachment-list", "scan.png", patience);
    assert!(listed.contains("IMG_0042.jpg: removed EXIF"), "the page says what it removes: {listed}");
    check_controls_are_labelled(&b);
    check_keyboard_reaches_every_control(&b);
    check_layout(&b, &format!("{prefix}{}", "form"));
    assert_eq!(b.console_problems(), Vec::<String>::new(), "no CSP violation or script error");

    // Send; the token is shown once.
    b.find("#send").click();
    b.wait_for_text_within("#sent", "has been received", patience * 2);
    // Nothing is stored in the browser: no cookie, web storage, database or cache.
    let stored = b.script(
        "return (async () => ({cookie: document.cookie, local: localStorage.length, session: sessionStorage.length, \
           databases: (await indexedDB.databases()).length, caches: (await caches.keys()).length}))()",
        vec![],
    );
    assert_eq!(stored, json!({"cookie": "", "local": 0, "session": 0, "databases": 0, "caches": 0}), "{stored}");
    let cookies = b.cdp("Network.getAllCookies", json!({}));
    assert_eq!(cookies["cookies"], json!([]), "no cookie for any site");
    // Sealing (operation 4) and the proof of work (5) went to the worker, not the page's thread.
    let ops = b.script("return window.__workerOps", vec![]);
    let ops: Vec<u64> = serde_json::from_value(ops).expect("ops");
    assert!(ops.contains(&4) && ops.contains(&5), "the worker sealed and solved: {ops:?}");
    let words =
        b.script("return [...document.querySelectorAll('#token li')].map(li => li.textContent).join(' ')", vec![]);
    let words = words.as_str().expect("words").to_owned();
    let token: candour_core::token::MailboxToken = words.parse().expect("the page shows a valid 12-word token");
    let seal_ms: f64 =
        b.script("return Number(document.getElementById('token').dataset.sealMs)", vec![]).as_f64().expect("ms");
    let pow_ms = b.script("return Number(document.getElementById('token').dataset.powMs)", vec![]);
    assert!(b.exists("#copy-token"));
    check_layout(&b, &format!("{prefix}{}", "token"));

    // The seal time against the same call natively in this run (a ratio, not an assertion).
    let dir_bytes = std::fs::read(common::fresh_directory()).expect("dir");
    let request = json!({"now_unix": unix_now(), "concern": {"category": "honesty-and-integrity", "what": WHAT},
                         "attachments": [{"name": "IMG_0042.jpg"}, {"name": "scan.png"}]});
    let framed = candour_web::frame::build(request.to_string().as_bytes(), &[&dir_bytes, &jpeg, &png]);
    candour_web::rng::seed(rand::random());
    let started = Instant::now();
    candour_web::call(4, &framed, Vec::new()).expect("native seal");
    let native_ms = started.elapsed().as_secs_f64() * 1000.0;
    candour_web::rng::forget();
    println!(
        "seal of a {:.1} MiB attachment (+ JPEG), {build:?} build: Chromium {seal_ms:.0} ms, native {native_ms:.0} ms, ratio {:.2}",
        png.len() as f64 / (1 << 20) as f64,
        seal_ms / native_ms
    );
    println!("proof of work at the test relay's difficulty (8): {pow_ms} ms");

    // A reviewer opens what the browser sealed: the report, the stripped image, the PNG.
    let inbox = inbox_after(&client, None).await;
    assert_eq!(inbox.len(), 1, "acknowledged means stored: exactly one envelope");
    assert_eq!(openers(&inbox[0].1), ["psd-1", "psd-2", "acu-1"], "acu-2 was excluded");
    let psd1 = reviewer("psd-1");
    let mut sink = CollectAttachments::new(64 << 20);
    let opened = open_document(psd1.identity(), &inbox[0].1[..], &mut sink).expect("opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.concern.what, WHAT);
    assert_eq!(report.concern.subjects[0].name.as_deref(), Some(SUBJECT));
    assert_eq!(report.concern.r#where.as_deref(), Some("Central custody suite"));
    assert_eq!(report.thread_id, token.thread_id(), "the token shown is the report's");
    let (meta, image) = &sink.collected[0];
    assert_eq!((meta.name.as_str(), meta.media_type.as_str()), ("IMG_0042.jpg", "image/jpeg"));
    assert!(!contains(image, EXIF_CANARY), "EXIF survived");
    assert_eq!(pixels(image), pixels(&jpeg), "stripping changed the picture");
    assert_eq!(sink.collected[1].0.name, "scan.png");
    assert_eq!(pixels(&sink.collected[1].1), pixels(&png));

    // The reviewer replies; the mailbox page reads it with the token alone.
    let reply = Document::Reply(Reply {
        reader_changes: vec![],
        schema: SCHEMA_VERSION,
        thread_id: report.thread_id,
        reviewer: "psd-1".into(),
        text: REPLY.into(),
        day_sent: common::today(),
        thread_recipients: report.sealed_to.clone(),
        route: report.route.clone(),
        directory_version: Some(served.directory().version),
        seen: Some(candour_core::report::SeenFromReporter {
            messages: 1,
            newest_day: report.day_sent,
            newest: candour_core::report::seen_report_digest(&report.thread_id, report.day_sent, &report.concern.what),
        }),
    });
    let stanzas = served.directory().stanzas;
    let sealed = seal_document(
        &[report.reply_recipient.parse().expect("recipient")],
        stanzas,
        &reply,
        vec![],
        psd1.signing_key(),
        Vec::new(),
    )
    .expect("seal reply");
    client.reviewer_mailbox_append(psd1.signing_key(), &report.mailbox, sealed, unix_now()).await.expect("append");
    // Then psd-2, a reader gone bad, replies naming the reviewer the reporter excluded and
    // leaving out everyone else. Its signature is psd-2's own and it echoes the genuine route
    // commitment, so only the commitment stops the page sealing the follow-up to acu-2.
    let psd2 = reviewer("psd-2");
    let corrupt = Document::Reply(Reply {
        reader_changes: vec![],
        schema: SCHEMA_VERSION,
        thread_id: report.thread_id,
        reviewer: "psd-2".into(),
        text: "Please send further details.".into(),
        day_sent: common::today(),
        thread_recipients: vec!["psd-2".into(), "acu-2".into()],
        route: report.route.clone(),
        directory_version: Some(served.directory().version),
        seen: None,
    });
    let sealed = seal_document(
        &[report.reply_recipient.parse().expect("recipient")],
        stanzas,
        &corrupt,
        vec![],
        psd2.signing_key(),
        Vec::new(),
    )
    .expect("seal reply");
    client.reviewer_mailbox_append(psd2.signing_key(), &report.mailbox, sealed, unix_now()).await.expect("append");

    b.goto(&format!("{}/mailbox", relay.url()));
    b.find("#open-mailbox:not([hidden])");
    // A mistyped token is refused with the reason, announced.
    let mistyped = format!("zzzz {}", words.split_once(' ').expect("12 words").1);
    b.find("#token-input").type_text(&mistyped);
    b.find("#open").click();
    b.wait_for_text("#token-error", "word");
    b.find("#token-input").clear();
    b.find("#token-input").type_text(&words.to_uppercase());
    b.find("#open").click();
    b.wait_for_text_within("#replies", REPLY, patience);
    assert!(
        b.find("#replies").text().contains("asked for acu-2 to read your follow-ups. You excluded them"),
        "the page says what it refused: {}",
        b.find("#replies").text()
    );
    assert!(b.find("#replies").text().contains("from a supervisor in Professional Standards Department"));
    // What psd-1 had read of the reporter's messages, under its reply.
    assert!(
        b.find("#replies")
            .text()
            .contains(&format!("Written having read 1 message from you, sent on {}.", report.day_sent)),
        "{}",
        b.find("#replies").text()
    );
    b.find("#fu-text").type_text(FOLLOW_UP);
    b.wait_for_text("#fu-preview", "Only these people");
    wait_for_list(&b, "#fu-preview li", json!(["psd-1", "psd-2", "acu-1"]));
    check_controls_are_labelled(&b);
    check_keyboard_reaches_every_control(&b);
    check_layout(&b, &format!("{prefix}{}", "mailbox"));
    assert_eq!(b.console_problems(), Vec::<String>::new(), "no CSP violation or script error");
    b.find("#fu-send").click();
    b.wait_for_text_within("#fu-status", "Sent", patience);

    // The follow-up joins the thread, for the same readers.
    let inbox = inbox_after(&client, Some(inbox[0].0)).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(openers(&inbox[0].1), ["psd-1", "psd-2", "acu-1"]);
    let opened = open_document(psd1.identity(), &inbox[0].1[..], &mut CollectAttachments::new(1 << 20)).expect("opens");
    let Document::FollowUp(follow_up) = opened.document else { panic!("not a follow-up") };
    assert_eq!((follow_up.concern.what.as_str(), follow_up.thread_id), (FOLLOW_UP, token.thread_id()));
    assert_eq!(follow_up.reporter_key, report.reporter_key, "same reporter key as the report");

    // The reviewer tool files both envelopes as one case, exactly as for the CLI's reports.
    let cache = tempfile::tempdir().expect("tmp");
    let review_client = candour_review::client::ReviewClient::new(&relay.url(), None).expect("client");
    let mut session =
        candour_review::ReviewSession::open(reviewer("psd-1"), served.clone(), review_client, &cache.path().join("c"))
            .expect("session");
    let synced = session.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.follow_ups, synced.rejected.len()), (1, 1, 0));
    let case = session.cases().next().expect("one case");
    assert_eq!(case.thread_id, token.thread_id());
    assert_eq!(case.report.as_ref().map(|r| r.report.concern.what.as_str()), Some(WHAT));
    assert_eq!(case.follow_ups.len(), 1);

    // Nothing readable reached the relay's files (stored durably before each acknowledgement).
    drop(b);
    let files = files_under(relay.data.path());
    assert!(!files.is_empty());
    for (path, bytes) in files {
        for canary in [WHAT.as_bytes(), SUBJECT.as_bytes(), EXIF_CANARY, FOLLOW_UP.as_bytes(), words.as_bytes()] {
            assert!(!contains(&bytes, &canary[..16]), "{} holds plaintext", path.display());
        }
    }
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_signed_by_another_root_makes_the_page_refuse() {
    let other_root = candour_core::keys::RootSecretKey::generate();
    let unsigned = std::fs::read(common::keys_example().join("directory.unsigned.json")).expect("unsigned");
    let foreign = candour_core::directory::sign(&unsigned, &other_root).expect("sign");
    let folder = tempfile::tempdir().expect("tmp");
    let path = folder.path().join("directory.json");
    std::fs::write(&path, foreign).expect("write");
    // A relay whose operator pins their own root serves it; the page pins the organisation's.
    let root = folder.path().join("root.pub");
    std::fs::write(&root, other_root.public().to_string()).expect("write");
    let relay = Relay::start_pinning(&path, &root).await;

    let b = Browser::start();
    for page in ["/", "/mailbox"] {
        b.goto(&format!("{}{page}", relay.url()));
        let error = b.wait_for_text("#page-error", "cannot be used safely");
        assert!(error.contains("directory-not-served") && error.contains("does not serve your force"), "{error}");
        let visible_forms = b.script("return [...document.forms].filter(f => f.offsetParent !== null).length", vec![]);
        assert_eq!(visible_forms, json!(0), "a form is offered although the directory is not trusted");
    }
    b.goto(&relay.url());
    b.wait_for_text("#page-error", "cannot be used safely");
    b.screenshot("web-refused-directory");
    // The test reads the inbox as a reviewer of that relay, whose directory the other root signed.
    let client = candour_client::RelayClient::new(&relay.url(), None).expect("client");
    let policy = candour_core::directory::TrustPolicy { roots: vec![other_root.public()], ..common::policy() };
    client.directory(&policy).await.expect("the relay's own directory");
    assert!(inbox_after(&client, None).await.is_empty(), "nothing was sent");
    drop(b);
    relay.shutdown().await;
}

/// On a relay shared with another force, whose directory comes first, the page finds its own
/// force's by the root compiled into it, and its report reaches that force's readers alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_shared_relay_the_page_finds_its_own_force() {
    let second = common::forces::SecondForce::generate();
    let relay =
        Relay::start_serving_forces(&second.directory(), &second.root_file(), vec![common::forces::example_force()])
            .await;
    let client = common::bound_client(&relay.url()).await;
    let b = Browser::start();
    b.goto(&relay.url());
    b.find("#report:not([hidden])");
    let info = b.wait_for_text("#directory-info", "Example Constabulary");
    assert!(!info.contains("Second"), "the page took the other force's directory: {info}");
    b.find("#category").select("honesty-and-integrity");
    b.wait_for_text("#preview", "Only these people");
    b.find("#what").type_text("SHARED-RELAY-CANARY: the sergeant took cash from the property store.");
    b.find("#send").click();
    b.wait_for_text_within("#sent", "has been received", std::time::Duration::from_secs(120));
    let sent = inbox_after(&client, None).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(openers(&sent[0].1), ["psd-1", "psd-2", "acu-1", "acu-2"]);
    let identity = second.reviewer("psd-1");
    let theirs = open_document(identity.identity(), &sent[0].1[..], &mut CollectAttachments::new(1 << 20));
    assert!(theirs.is_err(), "the other force's psd-1 opened it");
    assert_eq!(b.console_problems(), Vec::<String>::new());
    drop(b);
    relay.shutdown().await;
}

/// Every refusal the relay can give the page reaches the reporter in the relay's own words,
/// with its code, and what they typed stays: each is planted in turn by a proxy in front of the
/// relay, on the submission, the challenge and the mailbox, and the page is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_reaches_the_reporter_in_the_relays_words_and_keeps_what_they_typed() {
    use candour_relay::ApiError;
    let relay = Relay::start().await;
    let proxy = common::planting::PlantingProxy::start(relay.addr).await;
    let b = Browser::start();
    b.goto(&proxy.url());
    b.find("#report:not([hidden])");
    b.find("#category").select("honesty-and-integrity");
    b.wait_for_text("#preview", "Only these people");
    let typed = "KEPT-CANARY: the sergeant took cash from the property store.";
    b.find("#what").type_text(typed);
    let submission = [
        ApiError::TOO_LARGE,
        ApiError::TRUNCATED,
        ApiError::EMPTY,
        ApiError::WRONG_CONTENT_TYPE,
        ApiError::TIMEOUT,
        ApiError::DISK_FULL,
        ApiError::STORAGE,
        ApiError::POW_REQUIRED,
        ApiError::POW_UNKNOWN,
        ApiError::POW_INSUFFICIENT,
        ApiError::BUSY,
        ApiError::INVALID_ENVELOPE,
        ApiError::BEYOND_CHALLENGE,
    ];
    let challenge = [ApiError::TOO_LARGE, ApiError::MALFORMED_JSON, ApiError::WRONG_CONTENT_TYPE, ApiError::BUSY];
    let planted = submission
        .iter()
        .map(|e| ("POST /v1/inbox ", e.clone()))
        .chain(challenge.iter().map(|e| ("POST /v1/inbox/challenge ", e.clone())));
    for (line, error) in planted {
        proxy.plant(Some((line, error.clone())));
        b.find("#send").click();
        let said = b.wait_for_text_within("#form-error", error.code, std::time::Duration::from_secs(60));
        assert!(said.contains(error.message) && said.starts_with("Not sent"), "{line}{}: {said}", error.code);
        let kept = b.script("return document.getElementById('what').value", vec![]);
        assert_eq!(kept, json!(typed), "{line}{}: what was typed is gone", error.code);
    }
    b.screenshot("web-refusal-shown");
    proxy.plant(None);
    b.find("#send").click();
    b.wait_for_text_within("#sent", "has been received", std::time::Duration::from_secs(120));
    let words =
        b.script("return [...document.querySelectorAll('#token li')].map(li => li.textContent).join(' ')", vec![]);
    let words = words.as_str().expect("words").to_owned();

    b.goto(&format!("{}/mailbox", proxy.url()));
    b.find("#open-mailbox:not([hidden])");
    for error in [ApiError::BUSY, ApiError::STORAGE, ApiError::MALFORMED_JSON, ApiError::BAD_ID, ApiError::TOO_LARGE] {
        proxy.plant(Some(("POST /v1/mailbox/list ", error.clone())));
        b.find("#token-input").clear();
        b.find("#token-input").type_text(&words);
        b.find("#open").click();
        let said = b.wait_for_text("#token-error", error.code);
        assert!(said.contains(error.message), "{}: {said}", error.code);
        let kept = b.script("return document.getElementById('token-input').value", vec![]);
        assert_eq!(kept, json!(words), "{}: the token typed is gone", error.code);
    }
    proxy.plant(None);
    b.find("#open").click();
    b.wait_for_text("#replies", "no reviewer has received your report");
    // The browser logs each planted refusal as a failed load; nothing else went wrong.
    let unplanted: Vec<String> = b
        .console_problems()
        .into_iter()
        .filter(|p| !p.contains("Failed to load resource: the server responded with a status of"))
        .collect();
    assert_eq!(unplanted, Vec::<String>::new());
    drop(b);
    relay.shutdown().await;
}

/// The quick exit: Escape, or the "Leave this site" button, empties the page and replaces it
/// and its history entry with a neutral page, so Back cannot return to the site; moving between
/// the two reporter pages leaves one entry, not two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_and_the_leave_button_leave_no_trace_in_the_history() {
    let relay = Relay::start().await;
    let b = Browser::start();
    let exit = "https://www.bbc.co.uk/weather";
    let on_site = |history: &[String]| history.iter().filter(|u| u.starts_with(&relay.url())).count();
    // The history once the site has left it (or as it stands after 20 s).
    let left_site = || {
        let deadline = Instant::now() + std::time::Duration::from_secs(20);
        while on_site(&b.history()) > 0 && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        b.history()
    };

    b.goto(&relay.url());
    b.find("#report:not([hidden])");
    b.find("#what").type_text("EXIT-CANARY: what I was typing when someone came in");
    b.screenshot("web-quick-exit-button");
    b.find("footer a[data-page]").click();
    b.find("#open-mailbox:not([hidden])");
    assert_eq!(on_site(&b.history()), 1, "the mailbox page replaced the form: {:?}", b.history());
    b.press_escape();
    let history = left_site();
    assert_eq!(on_site(&history), 0, "Escape left the site in the history: {history:?}");
    assert_eq!(history.last().map(String::as_str), Some(exit), "{history:?}");

    b.goto(&relay.url());
    b.find("#report:not([hidden])");
    b.find("#quick-exit").click();
    let history = left_site();
    assert_eq!(on_site(&history), 0, "the button left the site in the history: {history:?}");
    assert!(!b.page_source().contains("EXIT-CANARY"));
    drop(b);
    relay.shutdown().await;
}

/// Tor Browser's "Safest" level turns JavaScript off: the first screen of each page then says,
/// in plain words, that nothing can be sent and what to use instead, and offers no form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_off_each_page_says_what_to_use_instead() {
    let relay = Relay::start().await;
    let b = Browser::start();
    b.cdp("Emulation.setScriptExecutionDisabled", json!({"value": true}));
    // Read through DevTools, which page scripts being off does not stop.
    let eval = |js: &str| {
        b.cdp("Runtime.evaluate", json!({"expression": js, "returnByValue": true}))["result"]["value"].clone()
    };
    b.set_viewport(360, 740);
    for (page, form, words, tool) in [
        ("/", "#report", "cannot send anything", "command-line tool"),
        ("/mailbox", "#open-mailbox", "cannot open your replies", "command-line tool"),
        ("/index.cy.html", "#report", "Ni all y dudalen hon anfon dim", "offeryn llinell orchymyn"),
        ("/mailbox.cy.html", "#open-mailbox", "Ni all y dudalen hon agor eich atebion", "offeryn llinell orchymyn"),
    ] {
        b.goto(&format!("{}{page}", relay.url()));
        let said = eval("document.querySelector('main noscript > p')?.innerText ?? ''");
        let said = said.as_str().unwrap_or_default();
        assert!(
            said.contains(words) && said.contains("Standard") && said.contains("Safer") && said.contains(tool),
            "{page}: {said:?}"
        );
        let form_shown = eval(&format!("document.querySelector('{form}').offsetParent !== null"));
        assert_eq!(form_shown, json!(false), "{page}: a form is offered that cannot work");
        let checking = eval("document.getElementById('page-status').offsetParent !== null");
        assert_eq!(checking, json!(false), "{page}: it says it is checking, which nothing will do");
        // On the first screen of a phone.
        let top = eval("document.querySelector('main noscript > p').getBoundingClientRect().top");
        assert!(top.as_f64().is_some_and(|t| t < 740.0), "{page}: the explanation is below the first screen ({top})");
        let name = page.trim_start_matches('/').trim_end_matches(".html").replace('.', "-");
        b.screenshot(&format!("web-no-javascript-{}", if name.is_empty() { "index" } else { &name }));
    }
    drop(b);
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_strict_policy_and_no_third_party_resource() {
    let relay = Relay::start().await;
    let http = |path: &str| {
        let (_, headers, body) = common::plain_get(relay.addr, path);
        (headers, body)
    };
    for path in ["/", "/mailbox"] {
        let (headers, body) = http(path);
        let csp = headers.get("content-security-policy").expect("CSP");
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert!(!headers.contains_key("set-cookie"));
        assert_eq!(headers.get("cache-control").map(String::as_str), Some("no-store"));
        // No inline script or style, nothing fetched from anywhere else, every part pinned.
        assert!(
            !body.contains("<script>") && !body.contains("style=") && !has_event_handler(&body),
            "inline code in {path}"
        );
        for attr in ["src=\"", "href=\""] {
            for (i, _) in body.match_indices(attr) {
                let rest = &body[i + attr.len()..];
                let value = &rest[..rest.find('"').unwrap_or(rest.len())];
                // The quick exit is a link away, not something the page loads.
                let tag = &body[body[..i].rfind('<').unwrap_or(0)..i];
                if tag.starts_with("<a id=\"quick-exit\"") {
                    continue;
                }
                assert!(
                    !value.contains("://") && !value.starts_with("//"),
                    "{path} loads {}",
                    &value[..value.len().min(40)]
                );
            }
        }
    }
    let (headers, _) = http("/static/candour.wasm");
    assert_eq!(headers.get("content-type").map(String::as_str), Some("application/wasm"));
    assert_eq!(headers.get("content-length"), Some(&candour_relay::web::WASM.len().to_string()));
    relay.shutdown().await;
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// The console check can fail: one planted policy violation is reported (by each of the two
/// policies in force, and only then), and a clean page reports none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_policy_violation_is_caught_by_the_console_check() {
    let relay = Relay::start().await;
    let b = Browser::start();
    b.goto(&relay.url());
    b.find("#report:not([hidden])");
    assert_eq!(b.console_problems(), Vec::<String>::new(), "a clean page");
    // An inline script, which the policy forbids: one violation.
    b.script(
        "const s = document.createElement('script'); s.textContent = 'window.planted = 1'; document.body.append(s)",
        vec![],
    );
    // Reported once by each policy in force: the relay's header and the page's own <meta>.
    let problems = b.console_problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().all(|p| p.contains("Content Security Policy") && p == &problems[0]), "{problems:?}");
    assert_eq!(b.console_problems(), Vec::<String>::new(), "each message is reported once");
    assert_eq!(b.script("return window.planted === undefined", vec![]), json!(true), "and it did not run");
    drop(b);
    relay.shutdown().await;
}

/// Whether the HTML has an inline event handler attribute (` onclick=` and the like).
fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    })
}

/// Whether the element is shown (not `hidden`, and laid out).
fn visible(b: &Browser, css: &str) -> bool {
    b.script(&format!("const e = document.querySelector('{css}'); return !!e && e.offsetParent !== null"), vec![])
        == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_about_a_reader_is_stopped_and_the_first_follow_up_reaches_exactly_its_readers() {
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    let b = Browser::start();
    b.goto(&relay.url());
    b.find("#report:not([hidden])");
    b.find("#category").select("honesty-and-integrity");
    b.wait_for_text("#preview", "Only these people");
    assert!(!visible(&b, "#conflicts"));
    // psd-2 is DS Tom Reilly of PSD: naming him is noticed as it is typed, on this device.
    b.find("#subject-0-name").type_text("Tom Reilly");
    let warning = b.wait_for_text("#conflicts", "DS Tom Reilly (PSD)");
    assert!(warning.contains("would be able to read this report"), "{warning}");
    assert_eq!(b.find("#conflicts").attribute("role").as_deref(), Some("alert"));
    b.find("#what").type_text("He took the cash from the property store.");
    b.screenshot("web-conflict");
    // Sending is held back until the reporter chooses.
    b.find("#send").click();
    b.wait_for_text("#form-error", "may reach the person it is about");
    assert!(inbox_after(&client, None).await.is_empty(), "nothing left the page");
    b.find("#conflict-actions button[data-exclude='psd-2']").click();
    b.wait_for_text("#preview", "Only these people");
    wait_for_list(&b, "#preview li", json!(["psd-1", "acu-1", "acu-2"]));
    assert!(!visible(&b, "#conflicts"), "resolved by leaving him out");
    assert_eq!(b.console_problems(), Vec::<String>::new());
    b.find("#send").click();
    b.wait_for_text_within("#sent", "has been received", std::time::Duration::from_secs(120));
    let words =
        b.script("return [...document.querySelectorAll('#token li')].map(li => li.textContent).join(' ')", vec![]);
    let words = words.as_str().expect("words").to_owned();
    let report = inbox_after(&client, None).await;
    assert_eq!(openers(&report[0].1), ["psd-1", "acu-1", "acu-2"]);

    // Before any reviewer has received it, the mailbox will not send, and says why.
    b.goto(&format!("{}/mailbox", relay.url()));
    b.find("#open-mailbox:not([hidden])");
    b.find("#token-input").type_text(&words);
    b.find("#open").click();
    b.wait_for_text("#replies", "no reviewer has received your report");
    assert!(visible(&b, "#not-received"));
    assert_eq!(b.script("return document.getElementById('fu-send').disabled", vec![]), json!(true));

    // psd-1's tool syncs, which files the receipt naming the report's readers.
    let served = client.directory(&common::policy()).await.expect("directory");
    let cache = tempfile::tempdir().expect("tmp");
    let review = candour_review::client::ReviewClient::new(&relay.url(), None).expect("client");
    let mut psd1 = candour_review::ReviewSession::open(reviewer("psd-1"), served, review, &cache.path().join("c"))
        .expect("session");
    assert_eq!(psd1.sync().await.expect("sync").receipts, 1);

    b.goto(&format!("{}/mailbox", relay.url()));
    b.find("#open-mailbox:not([hidden])");
    b.find("#token-input").type_text(&words);
    b.find("#open").click();
    b.wait_for_text("#replies", "Your report was received");
    assert!(!visible(&b, "#not-received"));
    b.find("#fu-text").type_text("More: it happened twice.");
    b.wait_for_text("#fu-preview", "Only these people");
    wait_for_list(&b, "#fu-preview li", json!(["psd-1", "acu-1", "acu-2"]));
    b.find("#fu-send").click();
    b.wait_for_text_within("#fu-status", "Sent", std::time::Duration::from_secs(60));
    let sent = inbox_after(&client, Some(report[0].0)).await;
    assert_eq!(openers(&sent[0].1), ["psd-1", "acu-1", "acu-2"], "psd-2, whom the report left out, cannot read it");

    // A follow-up that names one of its readers is held back too.
    b.find("#fu-text").type_text("I told DCI Priya Nair about it.");
    b.wait_for_text("#fu-conflicts", "DCI Priya Nair (ACU)");
    b.find("#fu-send").click();
    b.wait_for_text("#fu-error", "names one of its readers");
    b.find("#fu-conflict-actions button[data-exclude='acu-1']").click();
    b.wait_for_text("#fu-preview", "Only these people");
    wait_for_list(&b, "#fu-preview li", json!(["psd-1", "acu-2"]));
    b.find("#fu-send").click();
    b.wait_for_text_within("#fu-status", "Sent", std::time::Duration::from_secs(60));
    let sent = inbox_after(&client, Some(sent[0].0)).await;
    assert_eq!(openers(&sent[0].1), ["psd-1", "acu-2"]);
    assert_eq!(b.console_problems(), Vec::<String>::new());
    drop(b);
    relay.shutdown().await;
}

/// Welsh: a browser that asks for Welsh first is answered in Welsh, the visible switch moves
/// between the languages without leaving a trail in the history, and a whole report and a
/// mailbox visit run in Welsh with no English left on the screen the reporter reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_can_do_everything_in_welsh() {
    let relay = Relay::start().await;
    let b = Browser::start();
    let body = |b: &Browser| b.script("return document.body.innerText", vec![]).as_str().unwrap_or_default().to_owned();

    // English by default; the switch says "Cymraeg" in Welsh and leads to the Welsh twin.
    b.goto(&relay.url());
    b.find("#report:not([hidden])");
    assert_eq!(b.script("return document.documentElement.lang", vec![]), json!("en-GB"));
    let switch = b.find("a[data-language-switch]");
    assert_eq!(switch.text(), "Cymraeg");
    switch.click();
    b.find("#report:not([hidden])");
    assert_eq!(b.script("return document.documentElement.lang", vec![]), json!("cy"));
    assert!(b.current_url().ends_with("/index.cy.html"), "{}", b.current_url());
    let on_site = b.history().iter().filter(|u| u.starts_with(&relay.url())).count();
    assert_eq!(on_site, 1, "the switch replaced the page: {:?}", b.history());
    let screen = body(&b);
    for welsh in [
        "Adrodd am gamwedd yn ddiogel",
        "Gadael y wefan hon",
        "Cyn dechrau: cadwch eich hun yn ddiogel",
        "Cloi ac anfon fy adroddiad",
    ] {
        assert!(screen.contains(welsh), "{welsh:?} missing from {screen}");
    }
    for english in ["Report wrongdoing safely", "Leave this site", "Lock and send", "Who is it about?"] {
        assert!(!screen.contains(english), "{english:?} left in English on the Welsh page");
    }

    // The script's words are Welsh too: refusals, category names, the readers' preview.
    b.find("#send").click();
    b.wait_for_text("#form-error", "Dewiswch gategori");
    let options = b.script("return [...document.querySelectorAll('#category option')].map(o => o.text)", vec![]);
    assert!(options.as_array().is_some_and(|o| o.contains(&json!("Gonestrwydd ac uniondeb"))), "{options}");
    b.find("#category").select("honesty-and-integrity");
    b.wait_for_text("#preview", "Dim ond y bobl hyn");
    assert!(b.find("#category-help").text().contains("ffugio cofnodion"), "the help line is Welsh");
    b.find("#what").type_text("WELSH-CANARY: dilëwyd y ffilm yn y ddalfa.");
    // What the module words itself follows the page's language: what stripping removed, and
    // who reads a confidential reporter's name.
    let fixtures = tempfile::tempdir().expect("tmp");
    let jpeg_path = fixtures.path().join("IMG_0042.jpg");
    std::fs::write(&jpeg_path, jpeg_with_exif()).expect("write");
    b.find("#attachments").type_text(&jpeg_path.display().to_string());
    b.wait_for_text("#attachment-list", "IMG_0042.jpg: tynnwyd EXIF");
    b.find("input[name=disclosure][value=confidential]").click();
    b.wait_for_text("#preview", "Mae eich enw a'ch manylion cyswllt wedi'u selio i geidwad");
    b.find("#contact-name").type_text("Sgt Enghraifft");
    check_layout(&b, "cy-form");
    b.find("#send").click();
    b.wait_for_text_within("#sent", "Mae eich adroddiad wedi dod i law", std::time::Duration::from_secs(120));
    assert_eq!(b.find("#page-status").text(), "Adroddiad wedi'i anfon.");
    let words =
        b.script("return [...document.querySelectorAll('#token li')].map(li => li.textContent).join(' ')", vec![]);
    let words = words.as_str().expect("words").to_owned();
    words.parse::<candour_core::token::MailboxToken>().expect("the token is the same 12 English words");
    b.screenshot("web-cy-token");

    // Its link to the mailbox stays in Welsh; so does the mailbox page.
    b.find("#sent a[data-page]").click();
    b.find("#open-mailbox:not([hidden])");
    assert!(b.current_url().ends_with("/mailbox.cy.html"), "{}", b.current_url());
    // A mistyped token is refused in Welsh, by the module itself.
    let mistyped = format!("zzzz {}", words.split_once(' ').expect("12 words").1);
    b.find("#token-input").type_text(&mistyped);
    b.find("#open").click();
    b.wait_for_text("#token-error", "nid yw gair 1 yn air tocyn");
    b.find("#token-input").clear();
    b.find("#token-input").type_text(&words);
    b.find("#open").click();
    b.wait_for_text_within("#replies", "Dim byd eto", std::time::Duration::from_secs(60));
    let screen = body(&b);
    assert!(screen.contains("Anfon rhagor o wybodaeth") && !screen.contains("Send more information"), "{screen}");
    b.screenshot("web-cy-mailbox");

    // Back to English by the switch, which is then kept even for a browser that asks for Welsh.
    b.find("a[data-language-switch]").click();
    b.find("#open-mailbox:not([hidden])");
    assert_eq!(b.script("return document.documentElement.lang", vec![]), json!("en-GB"));
    assert_eq!(b.console_problems(), Vec::<String>::new(), "no CSP violation or script error");

    // A browser whose first language is Welsh: the relay's own address answers in Welsh, and an
    // English page opened directly moves to its twin unless the reader chose English.
    let agent = b.script("return navigator.userAgent", vec![]);
    b.cdp("Emulation.setUserAgentOverride", json!({"userAgent": agent, "acceptLanguage": "cy-GB,cy,en"}));
    b.goto(&format!("{}/mailbox", relay.url()));
    b.find("#open-mailbox:not([hidden])");
    assert_eq!(b.script("return document.documentElement.lang", vec![]), json!("cy"), "negotiated by the relay");
    b.goto(&format!("{}/index.html", relay.url()));
    b.find("#report:not([hidden])");
    assert!(b.current_url().ends_with("/index.cy.html"), "moved to Welsh: {}", b.current_url());
    b.goto(&format!("{}/index.html?lang=en", relay.url()));
    b.find("#report:not([hidden])");
    assert_eq!(b.script("return document.documentElement.lang", vec![]), json!("en-GB"), "the reader's choice holds");
    drop(b);
    relay.shutdown().await;
}
