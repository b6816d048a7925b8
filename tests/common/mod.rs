//! End-to-end support: a real relay on 127.0.0.1:0 and the example organisation.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use age::secrecy::SecretString;
use candour_client::RelayClient;
use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::envelope::DiscardAttachments;
use candour_core::keys::{ReviewerSecret, SecretKeyFile};
use candour_core::message::open_document;
use tokio::sync::oneshot;

pub mod browser;
/// Shared with the core crate's tests (`crates/candour-core/tests/common`).
pub mod child;
/// A second force for relays that serve several.
pub mod forces;
/// Shared with the reviewer crate's tests (`crates/candour-review/tests/common`).
pub mod fresh;
/// A proxy in front of the relay that answers planted refusals.
pub mod planting;
/// A proxy in front of the relay that keeps what clients send.
pub mod recording;
#[allow(unused_imports)]
pub use child::{output_within, wait_within};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn keys_example() -> PathBuf {
    repo().join("keys-example")
}

pub use fresh::{fresh_directory, today};

pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub fn root_pub() -> String {
    std::fs::read_to_string(keys_example().join("root.pub")).expect("root.pub").trim().to_owned()
}

/// A relay client that has fetched and verified the directory, as every real client does first:
/// its reviewer requests are signed for the relay that directory names.
pub async fn bound_client(url: &str) -> candour_client::RelayClient {
    let client = candour_client::RelayClient::new(url, None).expect("client");
    client.directory(&policy()).await.expect("directory");
    client
}

pub fn policy() -> TrustPolicy {
    TrustPolicy { roots: vec![root_pub().parse().expect("root")], threshold: 1, min_version: 0, today: today() }
}

pub fn example_directory() -> VerifiedDirectory {
    directory::verify(&std::fs::read(fresh_directory()).expect("dir"), &policy()).expect("verifies")
}

pub fn reviewer(id: &str) -> ReviewerSecret {
    let pass = SecretString::from("candour-example-only".to_owned());
    let file = std::fs::read(keys_example().join(format!("reviewers/{id}.key"))).expect("key file");
    match SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks") {
        SecretKeyFile::Reviewer(r) => r,
        SecretKeyFile::Root(_) => panic!("{id} is a root key"),
    }
}

/// A relay serving the example directory from a temporary data folder; shut down on drop.
pub struct Relay {
    pub addr: SocketAddr,
    pub data: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Relay {
    /// Binds first, then serves: no sleeping until it is "up".
    pub async fn start() -> Relay {
        Relay::start_with(fresh_directory()).await
    }

    /// A relay serving `directory`, pinning the example root.
    pub async fn start_with(directory: &Path) -> Relay {
        Relay::start_pinning(directory, &keys_example().join("root.pub")).await
    }

    /// A relay serving `directory` that pins the root in `root` (a key or a file holding it).
    pub async fn start_pinning(directory: &Path, root: &Path) -> Relay {
        Relay::start_configured(directory, root, Vec::new()).await
    }

    /// The example relay, letting pages from `page_origins` call it across origins.
    pub async fn start_for_pages(page_origins: Vec<String>) -> Relay {
        Relay::start_configured(fresh_directory(), &keys_example().join("root.pub"), page_origins).await
    }

    async fn start_configured(directory: &Path, root: &Path, page_origins: Vec<String>) -> Relay {
        Relay::start_on(tempfile::tempdir().expect("tmp"), directory, root, page_origins, Vec::new()).await
    }

    /// The example relay on a data folder kept from another (its store is under `relay/`).
    pub async fn start_in(data: tempfile::TempDir) -> Relay {
        Relay::start_on(data, fresh_directory(), &keys_example().join("root.pub"), Vec::new(), Vec::new()).await
    }

    /// A relay serving several forces: `directory` (pinning `root`) first, then `forces`.
    pub async fn start_serving_forces(
        directory: &Path,
        root: &Path,
        forces: Vec<candour_relay::config::ForceConfig>,
    ) -> Relay {
        Relay::start_on(tempfile::tempdir().expect("tmp"), directory, root, Vec::new(), forces).await
    }

    /// A relay over `store`, serving `directory` (signed by the example root). Two relays over
    /// one store stand for one relay before and after the force publishes its next directory,
    /// with no restart of an on-disk store to wait for.
    pub async fn serving(store: std::sync::Arc<dyn candour_relay::store::Store>, directory: &Path) -> Relay {
        let state = fresh::relay_state(store, directory);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            candour_relay::serve(listener, candour_relay::router(state), async move {
                let _ = stopped.await;
            })
            .await
            .expect("relay serves");
        });
        Relay { addr, data: tempfile::tempdir().expect("tmp"), stop: Some(stop), task: Some(task) }
    }

    async fn start_on(
        data: tempfile::TempDir,
        directory: &Path,
        root: &Path,
        page_origins: Vec<String>,
        forces: Vec<candour_relay::config::ForceConfig>,
    ) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let config = candour_relay::Config {
            listen: addr,
            data: data.path().join("relay"),
            directory: directory.to_owned(),
            directory_roots: vec![root.display().to_string()],
            pow_difficulty: 8,
            page_origins,
            forces,
            ..candour_relay::Config::default()
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            candour_relay::run_on(listener, config, async move {
                let _ = stopped.await;
            })
            .await
            .expect("relay runs");
        });
        Relay { addr, data, stop: Some(stop), task: Some(task) }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Stops the relay and hands over its data folder (the relay's store is under `relay/`).
    pub async fn stop_keeping_data(mut self) -> tempfile::TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        std::mem::replace(&mut self.data, tempfile::tempdir().expect("tmp"))
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Every example reviewer: the queues' readers, then those who only receive escalation
/// notices (and must never open a report).
pub const ALL_REVIEWERS: [&str; 10] =
    ["psd-1", "psd-2", "acu-1", "acu-2", "sb-1", "pcc-1", "psd-head", "dcc", "sb-head", "pcc-ce"];

/// Everything in the inbox after entry `after`, fetched as psd-1 (any reviewer may
/// fetch ciphertext; only the addressed ones can open it).
pub async fn inbox_after(client: &RelayClient, after: Option<u64>) -> Vec<(u64, Vec<u8>)> {
    let key = reviewer("psd-1");
    let path = match after {
        Some(a) => format!("/v1/inbox?after={a}"),
        None => "/v1/inbox".to_owned(),
    };
    let page: serde_json::Value =
        serde_json::from_slice(&client.reviewer_get(key.signing_key(), &path, unix_now()).await.expect("list"))
            .expect("json");
    let mut out = Vec::new();
    for e in page["entries"].as_array().expect("entries") {
        let seq = e["seq"].as_u64().expect("seq");
        let bytes =
            client.reviewer_get(key.signing_key(), &format!("/v1/inbox/{seq}"), unix_now()).await.expect("read");
        out.push((seq, bytes));
    }
    out
}

/// Who among the example reviewers can open this envelope.
pub fn openers(envelope: &[u8]) -> Vec<&'static str> {
    ALL_REVIEWERS
        .into_iter()
        .filter(|id| open_document(reviewer(id).identity(), envelope, &mut DiscardAttachments).is_ok())
        .collect()
}

/// A plain HTTP/1.1 GET over std, with no cookie or browser headers, as any local program could
/// send (it blocks: the relay or desk runs on the runtime's other threads). Returns the status,
/// the headers (names in lower case) and the body as text.
pub fn plain_get(addr: SocketAddr, path: &str) -> (u16, std::collections::HashMap<String, String>, String) {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("write");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("response head");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// A static web host on loopback serving the files under a folder, as any host of a page
/// bundle would (GET only, the media type by extension, nothing else). It reads the folder on
/// every request, so a test can change a file under it. Stops when dropped.
pub struct StaticHost {
    pub addr: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StaticHost {
    pub fn serve(folder: &Path) -> StaticHost {
        use std::io::{BufRead as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (folder, stopping) = (folder.to_owned(), stop.clone());
        std::thread::spawn(move || {
            while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                let folder = folder.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_nonblocking(false);
                    let mut reader = std::io::BufReader::new(&stream);
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    // The rest of the head is not needed.
                    let mut header = String::new();
                    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                        header.clear();
                    }
                    let path = line.split(' ').nth(1).unwrap_or("/").split('?').next().unwrap_or("/");
                    let path = if path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
                    let file = folder.join(path.trim_start_matches('/'));
                    let clean = !path.contains("..");
                    let (status, body) = match std::fs::read(&file) {
                        Ok(body) if clean => ("200 OK", body),
                        // Browsers ask every host for an icon; an empty answer, as the relay gives.
                        _ if path == "/favicon.ico" => ("204 No Content", Vec::new()),
                        _ => ("404 Not Found", b"not found".to_vec()),
                    };
                    let media = match file.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("js") => "text/javascript; charset=utf-8",
                        Some("css") => "text/css; charset=utf-8",
                        Some("wasm") => "application/wasm",
                        Some("json") => "application/json",
                        _ => "application/octet-stream",
                    };
                    let mut out = &stream;
                    let _ = write!(
                        out,
                        "HTTP/1.1 {status}\r\nContent-Type: {media}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = out.write_all(&body);
                });
            }
        });
        StaticHost { addr, stop }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// An address on loopback where every connection is accepted and closed at once, held for the
/// test's life: a relay that cannot be reached, without assuming some port is closed.
pub fn unreachable_relay() -> (String, std::net::TcpListener) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let accepting = listener.try_clone().expect("clone");
    std::thread::spawn(move || {
        for stream in accepting.incoming() {
            drop(stream);
        }
    });
    (url, listener)
}

/// The camera serial the JPEG fixture's EXIF block carries: what stripping must remove.
pub const EXIF_CANARY: &[u8] = b"EXIF-CANARY-Camera-Serial-0042";

/// A small JPEG with an EXIF block naming the camera: the canary the page must strip.
pub fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 128]));
    let mut clean = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut clean, 90).encode_image(&img).expect("encode JPEG");
    assert_eq!(&clean[..4], &[0xFF, 0xD8, 0xFF, 0xE0], "JFIF first");
    let app0_end = 4 + usize::from(u16::from_be_bytes([clean[4], clean[5]]));
    // TIFF, big-endian, one IFD entry: Make (0x010F), ASCII, pointing past the IFD.
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x0F\x00\x02".to_vec();
    tiff.extend_from_slice(&(EXIF_CANARY.len() as u32 + 1).to_be_bytes());
    tiff.extend_from_slice(&26u32.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(EXIF_CANARY);
    tiff.push(0);
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&tiff);
    let mut out = clean[..app0_end].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&(exif.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&clean[app0_end..]);
    out
}

/// Runs the shell `command` on a pseudo-terminal of its own (`script`, from util-linux, in every
/// Debian install), typing `typed` into it; what the terminal showed is the output's stdout.
pub async fn on_a_terminal(command: String, typed: String) -> std::process::Output {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("CANDOUR_ROOT")
            .env_remove("CANDOUR_RELAY")
            .spawn()
            .expect("`script` from util-linux runs");
        child.stdin.take().expect("stdin").write_all(typed.as_bytes()).expect("type answers");
        wait_within(child, std::time::Duration::from_secs(300))
    })
    .await
    .expect("join")
}
