//! deploy/nginx-candour.conf on Debian's own nginx (the test script installs `nginx-light`):
//! `nginx -t` accepts it as written (with a throwaway certificate in place of the force's), and,
//! run in front of a real relay, it carries a whole report, a reviewer's signed sync and the
//! reporter's mailbox, while passing on no header outside its allow-list and naming no version.
//! A recording proxy between nginx and the relay shows what the relay receives.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use candour_client::RelayClient;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_submit::compose::compose_report;
use candour_submit::send::send;

/// The deploy file with the force's names swapped for the test's: its certificate, its own
/// port for TLS (`tls`), the plain port (`plain`) and the relay it proxies to. `tls = false`
/// drops TLS from the listener (the clients here trust no throwaway certificate); every other
/// line stays as deployed.
fn site(folder: &Path, tls_port: u16, plain_port: u16, upstream: &str, tls: bool) -> String {
    let deployed = std::fs::read_to_string(common::repo().join("deploy/nginx-candour.conf")).expect("deploy file");
    let listen =
        if tls { format!("listen 127.0.0.1:{tls_port} ssl http2;") } else { format!("listen 127.0.0.1:{tls_port};") };
    let conf = deployed
        .replace("listen 443 ssl http2;", &listen)
        .replace("listen [::]:443 ssl http2;", "")
        .replace("listen 80;", &format!("listen 127.0.0.1:{plain_port};"))
        .replace("listen [::]:80;", "")
        .replace("/etc/ssl/candour/fullchain.pem", &folder.join("cert.pem").display().to_string())
        .replace("/etc/ssl/candour/privkey.pem", &folder.join("key.pem").display().to_string())
        .replace("/var/log/nginx/candour-error.log", &folder.join("candour-error.log").display().to_string())
        .replace("http://127.0.0.1:8080", upstream);
    assert!(conf.contains(&listen) && conf.contains(upstream), "the deploy file changed shape: {conf}");
    conf
}

/// A whole nginx configuration around `site`, every path in `folder`.
fn write_nginx(folder: &Path, site: &str) -> std::path::PathBuf {
    std::fs::write(folder.join("candour.conf"), site).expect("site");
    // As root, nginx's workers would otherwise switch to a user that cannot write these folders.
    let root = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").expect("/proc")) == 0;
    let user = if root { "user root;\n" } else { "" };
    let main = format!(
        "{user}daemon off;\nworker_processes 1;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log warn;\n\
         events {{ worker_connections 64; }}\nhttp {{\n  client_body_temp_path {dir}/body;\n  \
         proxy_temp_path {dir}/proxy;\n  fastcgi_temp_path {dir}/fastcgi;\n  uwsgi_temp_path {dir}/uwsgi;\n  \
         scgi_temp_path {dir}/scgi;\n  access_log off;\n  include {dir}/candour.conf;\n}}\n",
        dir = folder.display()
    );
    let path = folder.join("nginx.conf");
    std::fs::write(&path, main).expect("nginx.conf");
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn nginx(args: &[&str]) -> Command {
    // Debian puts it in /usr/sbin, which an unprivileged user's PATH may lack.
    let program = if Path::new("/usr/sbin/nginx").exists() { "/usr/sbin/nginx" } else { "nginx" };
    let mut cmd = Command::new(program);
    cmd.args(args);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deployed_nginx_site_passes_nginx_t_and_carries_a_report_with_only_its_allow_list() {
    let folder = tempfile::tempdir().expect("tmp");
    let dir = folder.path();
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=candour.example.police.uk", "-keyout"])
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(made.success(), "a throwaway certificate");
    let relay = common::Relay::start().await;
    let (recorder, recorded) = common::recording::recording_proxy(relay.addr).await;
    let (tls_port, plain_port) = (free_port(), free_port());

    // As deployed, TLS and HTTP/2 included: nginx -t accepts it.
    let conf = write_nginx(dir, &site(dir, tls_port, plain_port, &recorder, true));
    let prefix = dir.display().to_string();
    let checked = common::output_within(
        nginx(&["-t", "-p", &prefix, "-c", &conf.display().to_string()]),
        Duration::from_secs(30),
    );
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success() && said.contains("test is successful"), "nginx -t: {said}");

    // In front of the relay (plain on loopback), the same location block.
    let conf = write_nginx(dir, &site(dir, tls_port, plain_port, &recorder, false));
    let child = nginx(&["-p", &prefix, "-c", &conf.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let _nginx = Nginx(child);
    let url = format!("http://127.0.0.1:{tls_port}");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", tls_port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "nginx did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }

    // A reporter, with the headers a browser would add: none of them may reach the relay.
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{url}/v1/directories"))
        .header("User-Agent", "Mozilla/5.0 (REPORTER-AGENT)")
        .header("Cookie", "session=REPORTER-COOKIE")
        .header("Referer", "https://intranet.example.police.uk/REPORTER-REFERRER")
        .header("Accept-Language", "cy-GB")
        .header("X-Forwarded-For", "192.0.2.77")
        .send()
        .await
        .expect("through nginx");
    assert_eq!(answer.status(), 200);
    let server = answer.headers().get("server").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(!server.chars().any(|c| c.is_ascii_digit()), "the answer names a version: {server}");
    let client = RelayClient::new(&url, None).expect("client");
    let dir_verified = client.directory(&common::policy()).await.expect("directory through nginx");
    let token = MailboxToken::generate();
    let concern = Concern {
        category: Some(Category::HonestyAndIntegrity),
        what: "NGINX-CANARY: the sergeant took cash.".into(),
        ..Default::default()
    };
    let composed = compose_report(&dir_verified, &token, concern, &[], common::today()).expect("compose");
    send(&client, composed.plan(&dir_verified, &token), vec![], None).await.expect("a report through nginx");

    // A reviewer's signed requests, and their receipt, go through it too.
    let cache = tempfile::tempdir().expect("cache");
    let review = candour_review::client::ReviewClient::new(&url, None).expect("client");
    let mut psd1 = candour_review::ReviewSession::open(
        common::reviewer("psd-1"),
        dir_verified.clone(),
        review,
        &cache.path().join("c"),
    )
    .expect("session");
    let synced = psd1.sync().await.expect("a signed sync through nginx");
    assert_eq!((synced.reports, synced.receipts), (1, 1), "{synced:?}");
    let entries = client.mailbox_all(&token.mailbox_id()).await.expect("the mailbox through nginx");
    assert_eq!(entries.len(), 1, "the reporter reads the receipt");

    // What the relay received: the allow-list and nothing else.
    let seen: String = recorded.transcripts().iter().map(|t| String::from_utf8_lossy(t).into_owned()).collect();
    for leaked in ["REPORTER-AGENT", "REPORTER-COOKIE", "REPORTER-REFERRER", "cy-GB", "192.0.2.77"] {
        assert!(!seen.contains(leaked), "the relay received {leaked:?}");
    }
    let allowed = [
        "host",
        "content-type",
        "content-length",
        "transfer-encoding",
        "connection",
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
        "candour-pow",
        "candour-key",
        "candour-timestamp",
        "candour-nonce",
        "candour-signature",
        "candour-content-sha256",
    ];
    for transcript in recorded.transcripts() {
        let text = String::from_utf8_lossy(&transcript).into_owned();
        for head in text.split("\r\n\r\n").filter(|h| h.starts_with("GET ") || h.starts_with("POST ")) {
            for line in head.lines().skip(1) {
                let name = line.split(':').next().unwrap_or_default().to_ascii_lowercase();
                assert!(allowed.contains(&name.as_str()), "header {name:?} passed the proxy: {head}");
            }
        }
    }
    assert!(seen.contains("candour-signature"), "signed requests went through the recorder");
    relay.shutdown().await;
}
