//! The reporter page apart from the relay (README "Where the page comes from"): a bundle on a
//! second loopback host, another origin, sends a report to the relay; the single file a
//! reporter keeps does the same from `file://`; `candour page verify` accepts the signed page
//! and names the file a host changed; the relay answers across origins only to the page
//! origins it was given.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::browser::Browser;
use common::{inbox_after, openers, Relay, StaticHost};
use serde_json::json;

const WHAT: &str = "APART-CANARY: the duty inspector took cash from the seized property store.";

fn candour(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(args);
    common::output_within(cmd, Duration::from_secs(300))
}

/// `candour page build` for `relay`, then the example root signs the manifest.
fn build_signed(relay: &str, out: &Path) {
    let built = candour(&["page", "build", "--relay", relay, &out.display().to_string()]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let keys = common::keys_example();
    let signed = candour(&[
        "page",
        "sign",
        "--root-key",
        &keys.join("root.key").display().to_string(),
        "--passphrase-file",
        &keys.join("passphrase.txt").display().to_string(),
        &out.join("manifest.json").display().to_string(),
    ]);
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
}

fn verify(page: &str, extra: &[&str]) -> (bool, String) {
    let root = common::keys_example().join("root.pub").display().to_string();
    let mut args = vec!["page", "verify", page, "--root", &root];
    args.extend_from_slice(extra);
    let out = candour(&args);
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Fills in the least a report needs and sends it; returns once the page says it was received.
fn send_report(b: &Browser) {
    b.find("#report:not([hidden])");
    b.find("#category").select("honesty-and-integrity");
    b.wait_for_text("#preview", "Only these people");
    b.find("#what").type_text(WHAT);
    b.find("#send").click();
    b.wait_for_text_within("#sent", "has been received", Duration::from_secs(120));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_on_another_origin_sends_to_the_relay_and_verifies() {
    let bundle = tempfile::tempdir().expect("tmp");
    // The host's address must be known before the relay starts (it lists the page's origin),
    // and the relay's before the bundle is built (the page names it): bind the host first.
    let host = StaticHost::serve(bundle.path());
    let relay = Relay::start_for_pages(vec![host.url()]).await;
    build_signed(&relay.url(), bundle.path());
    let client = common::bound_client(&relay.url()).await;

    let b = Browser::start();
    b.goto(&format!("{}/", host.url()));
    assert_eq!(b.script("return location.origin", vec![]), json!(host.url()), "the page is on the host's origin");
    b.find("#report:not([hidden])");
    assert_eq!(
        b.script("return document.documentElement.dataset.worker", vec![]),
        json!("ready"),
        "the worker started from the checked glue"
    );
    send_report(&b);
    assert_eq!(b.console_problems(), Vec::<String>::new(), "no CSP violation, CORS refusal or script error");
    let inbox = inbox_after(&client, None).await;
    assert_eq!(inbox.len(), 1, "the report reached the relay from the other origin");
    assert_eq!(openers(&inbox[0].1), ["psd-1", "psd-2", "acu-1", "acu-2"]);
    // The mailbox page works from there too.
    b.goto(&format!("{}/mailbox.html", host.url()));
    b.find("#open-mailbox:not([hidden])");
    assert_eq!(b.console_problems(), Vec::<String>::new());
    drop(b);

    // The served page is the signed one; once the host changes the module, it is not.
    let (ok, out) = verify(&host.url(), &[]);
    assert!(ok, "{out}");
    assert!(
        out.contains("ok  /static/candour.wasm") && out.contains("This is the page the organisation signed"),
        "{out}"
    );
    let signed_manifest = std::fs::read(bundle.path().join("manifest.json")).expect("manifest");
    let module = bundle.path().join("static/candour.wasm");
    let mut tampered = std::fs::read(&module).expect("module");
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    std::fs::write(&module, &tampered).expect("tamper");
    let (ok, out) = verify(&host.url(), &[]);
    assert!(!ok, "a changed module must fail: {out}");
    assert!(out.contains("/static/candour.wasm") && out.contains("page-file-mismatch"), "{out}");
    assert!(out.contains("NOT the page the organisation signed"), "{out}");
    // As JSON for a script watching the host: the same verdict, the file named, status 3.
    let root = common::keys_example().join("root.pub").display().to_string();
    let out = candour(&["page", "verify", "--json", &host.url(), "--root", &root]);
    assert_eq!(out.status.code(), Some(3), "tampering");
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(said["signed"], false, "{said}");
    assert!(
        said["faults"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f.as_str().is_some_and(|f| f.starts_with("/static/candour.wasm")))),
        "{said}"
    );
    assert!(said["checked"].as_array().is_some_and(|c| c.iter().any(|c| c == "/index.html")), "{said}");
    // The browser refuses it too: the HTML names the module's hash.
    let b = Browser::start();
    b.goto(&format!("{}/", host.url()));
    let error = b.wait_for_text("#page-error", "cannot be used safely");
    assert!(error.contains("page-part-mismatch"), "{error}");
    drop(b);

    // A host that rewrites the manifest to match its module fails the roots' signature.
    let forged = String::from_utf8(signed_manifest).expect("utf-8").replace(
        &candour_core::wire::to_hex(&sha256(candour_relay::web::WASM)),
        &candour_core::wire::to_hex(&sha256(&tampered)),
    );
    std::fs::write(bundle.path().join("manifest.json"), forged).expect("forge");
    let (ok, out) = verify(&host.url(), &[]);
    assert!(!ok && out.contains("manifest-bad-signature"), "{out}");
    relay.shutdown().await;
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kept_file_sends_from_disk_and_verifies_by_itself() {
    // A page opened from disk has the opaque origin `null`.
    let relay = Relay::start_for_pages(vec!["null".into()]).await;
    let bundle = tempfile::tempdir().expect("tmp");
    build_signed(&relay.url(), bundle.path());
    let kept = tempfile::tempdir().expect("tmp");
    let file = kept.path().join("candour-report.html");
    std::fs::copy(bundle.path().join("candour-report.html"), &file).expect("keep a copy");
    let client = common::bound_client(&relay.url()).await;

    let b = Browser::start();
    b.goto(&format!("file://{}", file.display()));
    send_report(&b);
    assert_eq!(b.console_problems(), Vec::<String>::new(), "no CSP violation, CORS refusal or script error");
    let inbox = inbox_after(&client, None).await;
    assert_eq!(inbox.len(), 1, "the kept file's report reached the relay");
    drop(b);

    // The one file checks against the signed manifest; a changed copy does not.
    let manifest = bundle.path().join("manifest.json").display().to_string();
    let (ok, out) = verify(&file.display().to_string(), &["--manifest", &manifest]);
    assert!(ok, "{out}");
    let text = std::fs::read_to_string(&file)
        .expect("read")
        .replace("connect-src http://", "connect-src https://x.example http://");
    std::fs::write(&file, text).expect("tamper");
    let (ok, out) = verify(&file.display().to_string(), &["--manifest", &manifest]);
    assert!(!ok && out.contains("page-file-mismatch"), "{out}");
    relay.shutdown().await;
}

/// What a browser on another site sees: the relay names no origin but the configured ones, so
/// the browser keeps its answers from any other page; and none at all by default.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_answers_across_origins_only_to_its_page_origins() {
    let page = "https://report.pcc.example";
    let relay = Relay::start_for_pages(vec![page.into()]).await;
    let ask = |origin: &str, method: &str, path: &str| {
        use std::io::{Read as _, Write as _};
        let mut stream = std::net::TcpStream::connect(relay.addr).expect("connect");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nOrigin: {origin}\r\nAccess-Control-Request-Method: POST\r\n\
             Access-Control-Request-Headers: content-type, candour-pow\r\nConnection: close\r\n\r\n",
            relay.addr
        )
        .expect("write");
        let mut text = String::new();
        stream.read_to_string(&mut text).expect("read");
        text.to_ascii_lowercase()
    };
    let allowed = ask(page, "OPTIONS", "/v1/inbox");
    assert!(allowed.contains(&format!("access-control-allow-origin: {page}")), "{allowed}");
    assert!(allowed.contains("candour-pow") && !allowed.contains("allow-credentials"), "{allowed}");
    assert!(ask(page, "GET", "/v1/directory").contains("access-control-allow-origin: https://report.pcc.example"));
    for (origin, path) in [
        ("https://evil.example", "/v1/inbox"),
        ("null", "/v1/directory"),
        ("https://report.pcc.example.evil.example", "/v1/directory"),
        // Reviewers' requests never come from a page.
        (page, "/v1/cases/00"),
    ] {
        let answer = ask(origin, "OPTIONS", path);
        assert!(!answer.contains("access-control-allow-origin"), "{origin} {path}: {answer}");
        assert!(answer.starts_with("http/1.1 405"), "an ordinary refusal, nothing new: {answer}");
    }
    relay.shutdown().await;
    let plain = Relay::start().await;
    let (_, headers, _) = common::plain_get(plain.addr, "/v1/directory");
    assert!(!headers.contains_key("access-control-allow-origin"));
    plain.shutdown().await;
}

/// Every file of the bundle, the kept files among them, comes out byte for byte the same from
/// two builds in different folders, and the manifest lists exactly what was written.
#[test]
fn the_bundle_builds_byte_identically() {
    let (one, two) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
    for out in [one.path(), two.path()] {
        let built = candour(&["page", "build", "--relay", "https://relay.example.org", &out.display().to_string()]);
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.path().join("manifest.json")).expect("manifest")).expect("json");
    let files = manifest["manifest"]["files"].as_object().expect("files");
    // Each page in English and Welsh, hosted and kept (8), the stylesheet, the script, the glue,
    // the module and its JavaScript build.
    assert_eq!(files.len(), 13, "{files:?}");
    for (path, hash) in files {
        let a = std::fs::read(one.path().join(path.trim_start_matches('/'))).expect("file");
        let b = std::fs::read(two.path().join(path.trim_start_matches('/'))).expect("file");
        assert_eq!(a, b, "{path} differs between two builds");
        assert_eq!(candour_core::wire::to_hex(&sha256(&a)), hash.as_str().expect("hex"), "{path}");
    }
    assert_eq!(
        std::fs::read(one.path().join("manifest.json")).expect("manifest"),
        std::fs::read(two.path().join("manifest.json")).expect("manifest")
    );
    // The module in the bundle is the one this build embeds (itself rebuilt and compared by
    // web_module_reproducible). Its JavaScript build is not a WebAssembly module: it is among
    // the files, with its hash, like the page script.
    assert_eq!(manifest["manifest"]["wasm"], json!([candour_core::wire::to_hex(&sha256(candour_relay::web::WASM))]));
}
