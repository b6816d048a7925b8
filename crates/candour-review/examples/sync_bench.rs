//! Benchmark: sync and open 10,000 small envelopes from a loopback relay.
//!
//! Fills a fresh relay with 10,000 small misconduct reports (each sealed with the directory's
//! 12 stanzas and padded to the 16 KiB floor), then times psd-1's first `sync` from an empty
//! cache (list, fetch, trial-decrypt, verify, list every case stream, write the encrypted
//! cache) and a second, incremental `sync`. Prints the times; asserts nothing about them.
//!
//! `cargo run --release -p candour-review --example sync_bench [COUNT]`

use std::path::PathBuf;
use std::time::Instant;

use age::secrecy::SecretString;
use candour_client::RelayClient;
use candour_core::directory::TrustPolicy;
use candour_core::keys::SecretKeyFile;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_core::Day;
use candour_review::client::ReviewClient;
use candour_review::clock::unix_now;
use candour_review::ReviewSession;
use candour_submit::compose::compose_report;
use tokio::task::JoinSet;

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn keys() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys-example")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Fallible<()> {
    let count: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(10_000);
    let today = Day::from_unix_seconds(unix_now());
    let data = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let config = candour_relay::Config {
        listen: listener.local_addr()?,
        data: data.path().join("relay"),
        directory: keys().join("directory.json"),
        directory_roots: vec![keys().join("root.pub").display().to_string()],
        pow_difficulty: 1,
        ..candour_relay::Config::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let relay = tokio::spawn(candour_relay::run_on(listener, config, async move {
        let _ = stopped.await;
    }));

    let root = std::fs::read_to_string(keys().join("root.pub"))?.trim().parse()?;
    let policy = TrustPolicy { roots: vec![root], threshold: 1, min_version: 0, today };
    let reporter = RelayClient::new(&url, None)?;
    let dir = reporter.directory(&policy).await?;

    // Seal on both cores, then upload with some concurrency (not timed).
    let started = Instant::now();
    let workers = 2;
    let mut sealers = JoinSet::new();
    for w in 0..workers {
        let dir = dir.clone();
        sealers.spawn_blocking(move || -> Fallible<Vec<Vec<u8>>> {
            let mut out = Vec::new();
            for i in (w..count).step_by(workers) {
                let token = MailboxToken::generate();
                let concern = Concern {
                    category: Some(Category::DiscreditableConduct),
                    what: format!("Benchmark report {i}"),
                    ..Default::default()
                };
                let composed = compose_report(&dir, &token, concern, &[], today)?;
                out.push(composed.plan(&dir, &token).seal(vec![], Vec::new())?);
            }
            Ok(out)
        });
    }
    let mut envelopes = Vec::with_capacity(count);
    while let Some(done) = sealers.join_next().await {
        envelopes.extend(done??);
    }
    let bytes: usize = envelopes.iter().map(Vec::len).sum();
    println!("sealed {count} envelopes ({} MiB) in {:.1?}", bytes >> 20, started.elapsed());
    let started = Instant::now();
    let mut uploads = JoinSet::new();
    for chunk in envelopes.chunks(count.div_ceil(16).max(1)) {
        let (client, chunk) = (reporter.clone(), chunk.to_vec());
        uploads.spawn(async move {
            for envelope in chunk {
                let solution = client.solve_challenge(envelope.len() as u64).await?;
                client.submit(&solution, reqwest::Body::from(envelope)).await?;
            }
            Ok::<(), candour_client::ClientError>(())
        });
    }
    while let Some(done) = uploads.join_next().await {
        done??;
    }
    println!("uploaded them in {:.1?}", started.elapsed());

    let pass = SecretString::from("candour-example-only".to_owned());
    let SecretKeyFile::Reviewer(secret) =
        SecretKeyFile::read_protected(&std::fs::read(keys().join("reviewers/psd-1.key"))?[..], &pass)?
    else {
        return Err("psd-1.key is not a reviewer key".into());
    };
    let cache = tempfile::tempdir()?;
    let mut session =
        ReviewSession::open(secret, dir, ReviewClient::new(&url, None)?, &cache.path().join("psd-1.cache"))?;

    let started = Instant::now();
    let report = session.sync().await?;
    let first = started.elapsed();
    println!(
        "first sync: {} inbox entries, {} reports opened, {} skipped, {} case streams checked: {:.2?}",
        report.inbox_entries,
        report.reports,
        report.skipped,
        session.cases().count(),
        first
    );
    let started = Instant::now();
    let again = session.sync().await?;
    println!("incremental sync ({} new entries): {:.2?}", again.inbox_entries, started.elapsed());
    let size = std::fs::metadata(cache.path().join("psd-1.cache"))?.len();
    println!("encrypted cache: {} KiB", size >> 10);

    let _ = stop.send(());
    relay.await??;
    Ok(())
}
