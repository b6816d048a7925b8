//! Durable ingest benchmark: 16 KiB envelopes from 64 concurrent clients through the relay's
//! HTTP API (proof-of-work challenge, then POST; 201 means durable), against a raw sled loop of
//! insert + flush + fdatasync with the same group commit, on the same disk, in the same run.
//!
//! ```sh
//! cargo run --release -p candour-relay --example ingest_bench -- [seconds] [clients] [bytes] [rounds]
//! ```
//! Data goes under `CANDOUR_BENCH_DIR` (default `./target/ingest-bench`): keep it on the disk
//! you care about, not on a tmpfs where fsync is free.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use candour_core::keys::ReviewerSecret;
use candour_core::pow::{self, Challenge};
use candour_relay::store::{SharedStore, SledStore};
use candour_relay::{AppState, Limits};

#[path = "support/mod.rs"]
mod support;

struct Stats {
    count: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Stats {
    fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&self, p: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort();
        l.get(((l.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
    }
    fn print(&self, name: &str) {
        println!(
            "{name:>28}: {:>8.0} reports/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} in {:.1} s)",
            self.per_second(),
            self.percentile(0.50).as_secs_f64() * 1e3,
            self.percentile(0.99).as_secs_f64() * 1e3,
            self.count,
            self.elapsed.as_secs_f64()
        );
    }
}

fn arg(n: usize, default: u64) -> u64 {
    std::env::args().nth(n).and_then(|a| a.parse().ok()).unwrap_or(default)
}

/// A real envelope of about `size` bytes for the bench's directory (the relay stores only
/// envelopes of its shape); the raw loop writes as many bytes.
fn envelope(reviewer: &ReviewerSecret, size: usize) -> Vec<u8> {
    let attachment = vec![7u8; size.saturating_sub(1024)];
    let mut reader = &attachment[..];
    let sources = vec![candour_core::envelope::AttachmentSource {
        meta: candour_core::envelope::AttachmentMeta {
            name: "a".into(),
            media_type: "application/octet-stream".into(),
        },
        len: attachment.len() as u64,
        reader: &mut reader,
    }];
    let signer = ed25519_dalek::SigningKey::from_bytes(&rand::random());
    candour_core::envelope::seal(
        candour_core::envelope::EnvelopeKind::Report,
        &[reviewer.recipient()],
        4,
        b"{}",
        sources,
        &signer,
        Vec::new(),
    )
    .expect("seals")
}

async fn relay_run(dir: &std::path::Path, seconds: u64, clients: u64, size: usize) -> Stats {
    // CANDOUR_BENCH_MEMORY=1 swaps in the in-memory store: the HTTP path's own ceiling.
    let store: SharedStore = if std::env::var_os("CANDOUR_BENCH_MEMORY").is_some() {
        Arc::new(candour_relay::store::MemoryStore::new())
    } else {
        Arc::new(SledStore::open(dir).expect("open store"))
    };
    let reviewer = ReviewerSecret::generate("psd-1");
    let (served, verified) = support::bench_directory(&reviewer, 4);
    let envelope = Arc::new(envelope(&reviewer, size));
    let limits = Limits {
        max_upload_bytes: 1 << 20,
        max_json_bytes: 4096,
        // Difficulty zero: this measures the relay, not the client's hashing.
        pow_difficulty: 0,
        pow_bytes_per_unit: 1 << 20,
        max_clock_skew_secs: 300,
        request_timeout: Duration::from_secs(60),
        body_idle_timeout: candour_relay::BODY_IDLE_TIMEOUT,
        // Every client may be mid-upload at once.
        max_anonymous_uploads: 1024,
        max_anonymous_inflight_bytes: 1 << 40,
        max_signed_uploads: 1024,
        page_origins: Vec::new(),
    };
    let state = AppState::new(store, served, verified, limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(candour_relay::serve(listener, candour_relay::router(state), async {
        let _ = rx.await;
    }));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let stop = Arc::clone(&stop);
        let envelope = Arc::clone(&envelope);
        tasks.push(tokio::spawn(async move {
            // A minimal keep-alive HTTP/1.1 client: on a 2-core machine the clients share the
            // CPU with the relay, and a full client library would mostly measure itself.
            let mut conn = Conn::connect(addr).await;
            let body = envelope;
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let begun = Instant::now();
                let (status, json) = conn.request("POST", "/v1/inbox/challenge", &[], &[]).await;
                assert_eq!(status, 200);
                let challenge: Challenge = serde_json::from_slice(&json).expect("challenge");
                let solution = pow::solve(&challenge).expect("solve").to_string();
                let headers = [("candour-pow", solution.as_str()), ("content-type", "application/octet-stream")];
                let (status, _) = conn.request("POST", "/v1/inbox", &headers, &body).await;
                assert_eq!(status, 201);
                latencies.push(begun.elapsed());
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("client"));
    }
    let elapsed = start.elapsed();
    let _ = tx.send(());
    let _ = server.await;
    Stats { count: latencies.len(), elapsed, latencies }
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    stream: tokio::io::BufReader<tokio::net::TcpStream>,
}

impl Conn {
    async fn connect(addr: std::net::SocketAddr) -> Conn {
        let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Conn { stream: tokio::io::BufReader::new(stream) }
    }

    async fn request(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<u8>) {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: bench\r\ncontent-length: {}\r\n", body.len());
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(body);
        self.stream.get_mut().write_all(&out).await.expect("write");
        let mut status = 0;
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.expect("read");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
                status = rest.get(..3).and_then(|s| s.parse().ok()).unwrap_or(0);
            } else if let Some((name, value)) = l.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().expect("length");
                }
            }
        }
        let mut response = vec![0u8; length];
        self.stream.read_exact(&mut response).await.expect("body");
        (status, response)
    }
}

/// The same group commit as `SledStore`, over a bare sled tree.
struct GroupCommit {
    state: Mutex<(u64, u64, bool)>,
    cv: Condvar,
}

fn raw_run(dir: &std::path::Path, seconds: u64, clients: u64, size: usize) -> Stats {
    let db = sled::Config::new().path(dir).segment_size(8 << 20).mode(sled::Mode::HighThroughput).open().expect("sled");
    let tree = db.open_tree("raw_bytes").expect("tree");
    let file = std::fs::File::open(dir.join("db")).expect("db file");
    let gc = Arc::new(GroupCommit { state: Mutex::new((0, 0, false)), cv: Condvar::new() });
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let shared = Arc::new((db, tree, file));
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (gc, stop, shared) = (Arc::clone(&gc), Arc::clone(&stop), Arc::clone(&shared));
            std::thread::spawn(move || {
                let body: Vec<u8> = (0..size).map(|_| rand::random::<u8>()).collect();
                let mut latencies = Vec::new();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let begun = Instant::now();
                    let key = [c.to_be_bytes(), n.to_be_bytes()].concat();
                    n += 1;
                    shared.1.insert(key, body.as_slice()).expect("insert");
                    let mut st = gc.state.lock().expect("lock");
                    st.0 += 1;
                    let ticket = st.0;
                    while st.1 < ticket {
                        if st.2 {
                            st = gc.cv.wait(st).expect("wait");
                            continue;
                        }
                        st.2 = true;
                        let target = st.0;
                        drop(st);
                        shared.0.flush().expect("flush");
                        shared.2.sync_data().expect("fdatasync");
                        st = gc.state.lock().expect("lock");
                        st.2 = false;
                        st.1 = st.1.max(target);
                        gc.cv.notify_all();
                    }
                    drop(st);
                    latencies.push(begun.elapsed());
                }
                latencies
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for h in handles {
        latencies.extend(h.join().expect("thread"));
    }
    Stats { count: latencies.len(), elapsed: start.elapsed(), latencies }
}

impl Stats {
    fn merge(runs: &[Stats]) -> Stats {
        Stats {
            count: runs.iter().map(|r| r.count).sum(),
            elapsed: runs.iter().map(|r| r.elapsed).sum(),
            latencies: runs.iter().flat_map(|r| r.latencies.iter().copied()).collect(),
        }
    }
}

#[tokio::main]
async fn main() {
    let seconds = arg(1, 10);
    let clients = arg(2, 64);
    let size = arg(3, 16 * 1024) as usize;
    let rounds = arg(4, 2);
    // The relay stores only envelopes of its shape, padded: the raw loop writes as many bytes.
    let stored = envelope(&ReviewerSecret::generate("psd-1"), size).len();
    let base =
        std::env::var_os("CANDOUR_BENCH_DIR").map_or_else(|| "target/ingest-bench".into(), std::path::PathBuf::from);
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("bench dir");
    println!(
        "durable ingest of {stored}-byte envelopes, {clients} concurrent clients, {rounds} alternating rounds of {seconds} s each, in {}",
        base.display()
    );
    // Alternate the two so that other load on the machine hits both alike.
    let (mut relays, mut raws) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let relay = relay_run(&base.join(format!("relay-{round}")), seconds, clients, size).await;
        relay.print(&format!("round {round} relay"));
        relays.push(relay);
        let raw_dir = base.join(format!("raw-{round}"));
        let raw = tokio::task::spawn_blocking(move || raw_run(&raw_dir, seconds, clients, stored)).await.expect("raw");
        raw.print(&format!("round {round} raw sled"));
        raws.push(raw);
    }
    let (relay, raw) = (Stats::merge(&relays), Stats::merge(&raws));
    relay.print("relay (HTTP, challenge+POST)");
    raw.print("raw sled insert+flush+fsync");
    println!("ratio relay/raw: {:.2}", relay.per_second() / raw.per_second());
    let _ = std::fs::remove_dir_all(&base);
}
