//! `candour serve` on PostgreSQL, broken as a real deployment breaks: the relay SIGKILLed under
//! load, PostgreSQL restarted under load, and the primary lost (SIGKILL of every one of its
//! processes) with a synchronous standby promoted in its place. In each, every report the relay
//! acknowledged is in the database afterwards, read straight from it, and every entry there is
//! exactly an envelope a client sent: nothing lost, nothing half-visible.
//!
//! The servers are Debian's PostgreSQL in temporary folders on loopback
//! (crates/candour-store-pg/tests/cluster); `scripts/test.sh` installs it if missing.

mod common;

#[path = "../crates/candour-store-pg/tests/cluster/mod.rs"]
mod cluster;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use candour_client::RelayClient;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_relay::store::conformance::dump;
use candour_relay::store::{Place, Retention};
use candour_store_pg::PgStore;
use candour_submit::compose::compose_report;
use candour_submit::send::send;
use cluster::{Node, Scratch};
use sha2::{Digest, Sha256};

/// `candour serve` on the store `store`; SIGKILLed when dropped.
struct Relay {
    child: std::process::Child,
    url: String,
    _data: tempfile::TempDir,
}

impl Relay {
    fn start(store: &str) -> Relay {
        Relay::start_serving(store, None)
    }

    /// As [`Relay::start`], also serving the force `also` (a `[[forces]]` table of its
    /// configuration file).
    fn start_serving(store: &str, also: Option<&common::forces::SecondForce>) -> Relay {
        let data = tempfile::tempdir().expect("tmp");
        let config = data.path().join("relay.toml");
        let forces = also.map_or_else(String::new, |f| {
            format!(
                "[[forces]]\ndirectory = {:?}\ndirectory_roots = [{:?}]\n",
                f.directory().display().to_string(),
                f.root()
            )
        });
        std::fs::write(&config, forces).expect("config");
        let mut child = Command::new(env!("CARGO_BIN_EXE_candour"))
            .args(["serve", "--config"])
            .arg(&config)
            .env_remove("CANDOUR_CONFIG")
            .env("CANDOUR_LISTEN", "127.0.0.1:0")
            .env("CANDOUR_DATA", data.path().join("relay"))
            .env("CANDOUR_STORE", store)
            .env("CANDOUR_DIRECTORY", common::fresh_directory())
            .env("CANDOUR_DIRECTORY_ROOTS", common::root_pub())
            .env("CANDOUR_POW_DIFFICULTY", "4")
            .env("CANDOUR_REQUEST_TIMEOUT_SECS", "20")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("candour serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (told, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut said = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("candour relay listening on ") {
                    let _ = told.send(Ok(rest.split(' ').next().unwrap_or_default().to_owned()));
                }
                said.push(line);
            }
            let _ = told.send(Err(said.join("\n")));
        });
        let addr = match listening.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(addr)) => addr,
            other => panic!("the relay did not start: {other:?}"),
        };
        Relay { child, url: format!("http://{addr}"), _data: data }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

fn id(blob: &[u8]) -> [u8; 32] {
    Sha256::digest(blob).into()
}

/// A real envelope to psd-1, its document `len` random bytes: unique, so its hash names it.
fn envelope(dir: &candour_core::directory::VerifiedDirectory, len: usize) -> Vec<u8> {
    let recipient = dir.reviewer("psd-1").and_then(|r| r.x25519_recipient()).expect("psd-1");
    let document: Vec<u8> = (0..len).map(|_| rand::random::<u8>()).collect();
    let signer = ed25519_dalek::SigningKey::from_bytes(&rand::random());
    candour_core::envelope::seal(
        candour_core::envelope::EnvelopeKind::Report,
        &[recipient],
        dir.directory().stanzas,
        &document,
        vec![],
        &signer,
        Vec::new(),
    )
    .expect("seal")
}

/// What the load's clients saw: every envelope sent, and those acknowledged with when and how
/// long each took.
#[derive(Default)]
struct Load {
    sent: HashSet<[u8; 32]>,
    acked: Vec<([u8; 32], Instant, Duration)>,
    refused: usize,
    /// The first refusal, for the failure message.
    first_refusal: Option<String>,
}

/// `clients` reporters submitting back to back to whichever relay `url` names now, until
/// `stop`; a refused or failed submission is counted and followed by a new one 50 ms later.
fn start_load(
    url: Arc<Mutex<String>>,
    clients: usize,
    stop: Arc<AtomicBool>,
    load: Arc<Mutex<Load>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let dir = Arc::new(common::example_directory());
    (0..clients)
        .map(|_| {
            let (url, stop, load, dir) = (Arc::clone(&url), Arc::clone(&stop), Arc::clone(&load), Arc::clone(&dir));
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let blob = envelope(&dir, rand::random::<usize>() % 150_000);
                    let blob_id = id(&blob);
                    let started = Instant::now();
                    let client = RelayClient::new(&url.lock().expect("lock").clone(), None).expect("client");
                    load.lock().expect("lock").sent.insert(blob_id);
                    let total = blob.len() as u64;
                    let outcome = match client.solve_challenge(total).await {
                        Ok(solution) => client.submit(&solution, reqwest::Body::from(blob)).await,
                        Err(e) => Err(e),
                    };
                    match outcome {
                        Ok(()) => load.lock().expect("lock").acked.push((blob_id, Instant::now(), started.elapsed())),
                        Err(e) => {
                            {
                                let mut load = load.lock().expect("lock");
                                load.refused += 1;
                                load.first_refusal.get_or_insert_with(|| e.to_string());
                            }
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            })
        })
        .collect()
}

async fn stop_load(stop: &AtomicBool, tasks: Vec<tokio::task::JoinHandle<()>>) {
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("client task");
    }
}

/// Every inbox entry in the database at `url`, by hash, read with the store itself (no relay
/// may be running on it). Panics if one is stored twice.
fn stored(url: &str) -> HashSet<[u8; 32]> {
    // The store's driver is blocking: off the test's asynchronous threads.
    tokio::task::block_in_place(|| stored_now(url))
}

fn stored_now(url: &str) -> HashSet<[u8; 32]> {
    let store = PgStore::open(url, None, Retention::DEFAULT).expect("open the database directly");
    let entries = dump(&store, &[Place::Inbox]);
    let ids: HashSet<[u8; 32]> = entries.values().map(|(_, bytes)| id(bytes)).collect();
    assert_eq!(ids.len(), entries.len(), "no envelope is stored twice");
    ids
}

/// Acknowledged ⊆ stored ⊆ sent; returns how many acknowledged reports are missing (0 to pass).
fn check(load: &Load, stored: &HashSet<[u8; 32]>) -> usize {
    let lost = load.acked.iter().filter(|(blob, _, _)| !stored.contains(blob)).count();
    let strangers = stored.iter().filter(|blob| !load.sent.contains(*blob)).count();
    assert_eq!(strangers, 0, "a stored entry is not exactly an envelope a client sent (half-written?)");
    lost
}

fn percentile(mut latencies: Vec<Duration>, p: f64) -> Duration {
    latencies.sort();
    latencies.get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_on_postgres_loses_nothing_acknowledged_when_it_or_postgres_dies_under_load() {
    let scratch = Scratch::new();
    let node = Node::primary(&scratch, "pg");
    let url = node.database("candour");
    let load = Arc::new(Mutex::new(Load::default()));

    // SIGKILL of the relay at a random moment under load, three times.
    for _ in 0..3 {
        let relay = Relay::start(&url);
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = start_load(Arc::new(Mutex::new(relay.url.clone())), 4, Arc::clone(&stop), Arc::clone(&load));
        tokio::time::sleep(Duration::from_millis(400 + rand::random::<u64>() % 800)).await;
        drop(relay);
        stop_load(&stop, tasks).await;
    }
    let after_relay_kills = load.lock().expect("lock").acked.len();

    // PostgreSQL stopped at once (no checkpoint: recovery from WAL) under load, twice; the
    // relay stays up, refuses while the database is away and carries on once it is back.
    let relay = Relay::start(&url);
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = start_load(Arc::new(Mutex::new(relay.url.clone())), 4, Arc::clone(&stop), Arc::clone(&load));
    let mut restarts = Vec::new();
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(500 + rand::random::<u64>() % 800)).await;
        let before = load.lock().expect("lock").acked.len();
        node.stop_immediate();
        tokio::time::sleep(Duration::from_millis(300)).await;
        node.start();
        restarts.push((before, Instant::now()));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop_load(&stop, tasks).await;
    drop(relay);

    let load = load.lock().expect("lock");
    let (_, last_restart) = restarts[restarts.len() - 1];
    let served_after = load.acked.iter().filter(|(_, at, _)| *at > last_restart).count();
    let stored = stored(&url);
    let lost = check(&load, &stored);
    eprintln!(
        "postgres crash test: {} acknowledged ({after_relay_kills} across 3 relay kills), {} stored, {} sent, \
         {} refused or cut off, {lost} lost; {served_after} acknowledged after the last PostgreSQL restart",
        load.acked.len(),
        stored.len(),
        load.sent.len(),
        load.refused
    );
    assert_eq!(lost, 0, "an acknowledged report is missing");
    assert!(
        after_relay_kills >= 3,
        "the clients got work acknowledged between relay kills; first refusal: {:?}",
        load.first_refusal
    );
    assert!(served_after > 0, "the relay carried on after PostgreSQL came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_fails_over_to_the_synchronous_standby_and_every_acknowledged_report_is_on_it() {
    // The topology of deploy/postgresql, with its own configuration fragments; only addresses,
    // ports and the archive's folder differ, set after them.
    let scratch = Scratch::new();
    let fragment =
        |name: &str| std::fs::read_to_string(common::repo().join("deploy/postgresql").join(name)).expect("fragment");
    let archive = scratch.folder("archive");
    let archive_command = format!("archive_command = 'test ! -f {0}/%f && cp %p {0}/%f'", archive.display());
    let primary = Node::primary(&scratch, "primary");
    primary.sql("CREATE DATABASE candour");
    primary.append(&format!("{}\n{archive_command}", fragment("primary.conf")));
    // Every base setting again after the fragment, and archive_mode needs a restart.
    primary.set("");
    primary.restart();
    assert_eq!(primary.sql("SHOW synchronous_standby_names"), "FIRST 1 (candour_standby)");
    let standby = Node::standby_with(
        &primary,
        &scratch,
        "standby",
        &format!("{}\n{archive_command}", fragment("standby.conf")),
        Some("candour_standby"),
    );
    primary.wait_for_synchronous_standby();
    let both = format!(
        "postgres://candour@127.0.0.1:{},127.0.0.1:{}/candour?target_session_attrs=read-write",
        primary.port, standby.port
    );
    let relay = Relay::start(&both);
    let load = Arc::new(Mutex::new(Load::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = start_load(Arc::new(Mutex::new(relay.url.clone())), 4, Arc::clone(&stop), Arc::clone(&load));

    tokio::time::sleep(Duration::from_secs(3)).await;
    // The primary's machine is lost: every process of it killed at once.
    let killed = Instant::now();
    let acked_before_loss = load.lock().expect("lock").acked.len();
    primary.kill();
    // The operator (or a watchdog) sees it is gone and promotes the standby.
    tokio::time::sleep(Duration::from_secs(1)).await;
    standby.promote();
    let promoted = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop_load(&stop, tasks).await;
    drop(relay);

    let load = load.lock().expect("lock");
    let steady: Vec<Duration> = load.acked.iter().filter(|(_, at, _)| *at < killed).map(|(_, _, took)| *took).collect();
    // Service is back when a submission begun after the loss is acknowledged.
    let first_after = load.acked.iter().filter(|(_, at, took)| *at - *took > killed).map(|(_, at, _)| *at).min();
    let stored = stored(&standby.url().replace("/postgres", "/candour"));
    let lost = check(&load, &stored);
    let outage = first_after.map(|at| at.duration_since(killed));
    eprintln!(
        "failover test: {} acknowledged ({acked_before_loss} before the primary was killed), {lost} lost, \
         {} stored on the promoted standby, {} refused or cut off; no service for {:.2} s after the kill \
         ({:.2} s after promotion); p50 {:?}, p99 {:?} before the kill ({} submissions)",
        load.acked.len(),
        stored.len(),
        load.refused,
        outage.map_or(f64::NAN, |d| d.as_secs_f64()),
        first_after.map_or(f64::NAN, |at| at.duration_since(promoted).as_secs_f64()),
        percentile(steady.clone(), 0.50),
        percentile(steady.clone(), 0.99),
        steady.len()
    );
    assert_eq!(lost, 0, "an acknowledged report is not on the promoted standby");
    assert!(
        acked_before_loss > 0,
        "reports were acknowledged before the loss; first refusal: {:?}",
        load.first_refusal
    );
    assert!(first_after.is_some(), "the relay carried on on the promoted standby");
}

/// The backup and restore drill of deploy/postgresql/README.md, with its own script: a base
/// backup by `backup.sh` (verified by `pg_verifybackup`), more reports archived as WAL after it,
/// then a server restored from the backup and the archive holds every report of both.
#[test]
fn deploy_backup_script_and_restore_drill_recover_every_report() {
    let scratch = Scratch::new();
    let archive = scratch.folder("archive");
    let wal = scratch.folder("archive/wal");
    let primary = Node::primary(&scratch, "primary");
    primary.set(&format!("archive_mode = on\narchive_command = 'test ! -f {0}/%f && cp %p {0}/%f'", wal.display()));
    primary.restart();
    let url = primary.database("candour");
    let store = PgStore::open(&url, None, Retention::DEFAULT).expect("open");
    let dir = common::example_directory();
    let mut committed = HashSet::new();
    let mut put = |n: usize| {
        for _ in 0..n {
            let blob = envelope(&dir, 80_000);
            committed.insert(id(&blob));
            let sealed = candour_core::wire::Ciphertext::from_sealed_bytes(blob);
            candour_relay::store::put_blob(&store, Place::Inbox, &sealed, common::today()).expect("put");
        }
    };
    put(5);

    // A copy the servers' user can reach, wherever the checkout is.
    let script = archive.join("backup.sh");
    std::fs::copy(common::repo().join("deploy/postgresql/backup.sh"), &script).expect("copy backup.sh");
    let backup = cluster::as_server_user(
        &script,
        &[
            ("ARCHIVE", archive.display().to_string()),
            ("PGHOST", "127.0.0.1".into()),
            ("PGPORT", primary.port.to_string()),
            ("PGUSER", "candour".into()),
        ],
    );
    cluster::succeed(backup, "deploy/postgresql/backup.sh");
    let taken: Vec<_> = std::fs::read_dir(archive.join("base")).expect("base").flatten().map(|e| e.path()).collect();
    assert_eq!(taken.len(), 1, "one verified backup, no .partial left: {taken:?}");

    // Reports after the backup reach the drill through the WAL archive alone.
    put(3);
    drop(store);
    let segment = primary.sql("SELECT pg_walfile_name(pg_switch_wal())");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !wal.join(&segment).exists() {
        assert!(Instant::now() < deadline, "segment {segment} was never archived");
        std::thread::sleep(Duration::from_millis(100));
    }

    let drill = Node::restored_from(&scratch, "drill", &taken[0], &wal);
    let deadline = Instant::now() + Duration::from_secs(60);
    let count = loop {
        let count = drill.sql_in("candour", "SELECT count(*) FROM candour_entries");
        if count == "8" || Instant::now() > deadline {
            break count;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(count, "8", "the drill holds every report, before and after the backup");
    assert_eq!(drill.sql("SELECT pg_is_in_recovery()"), "t", "the drill stays read-only");
    assert_eq!(committed.len(), 8);
}

/// Envelopes sealed to reviewers of another force (keys this directory does not hold), of the
/// same shape as this force's: what a pooled inbox holds besides a force's own reports.
/// `candour review sync` as psd-1 from `relay` into a new cache; its wall time and JSON report.
fn timed_sync(relay: &str) -> (Duration, serde_json::Value) {
    let keys = common::keys_example();
    let cache = tempfile::tempdir().expect("cache");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(["review", "sync", "--json", "--relay", relay, "--cache"])
        .arg(cache.path().join("psd-1.cache"))
        .arg("--root")
        .arg(keys.join("root.pub"))
        .env("CANDOUR_IDENTITY", keys.join("reviewers/psd-1.key"))
        .env("CANDOUR_PASSPHRASE_FILE", keys.join("passphrase.txt"))
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT")
        .env_remove("CANDOUR_PROXY");
    let started = Instant::now();
    let out = common::output_within(cmd, Duration::from_secs(1800));
    let took = started.elapsed();
    assert!(out.status.success(), "sync: {}", String::from_utf8_lossy(&out.stderr));
    (took, serde_json::from_slice(&out.stdout).expect("json report"))
}

/// A reviewer's sync of a pooled inbox of 10,000 envelopes, 9,000 of them another force's
/// reports (a second organisation with a directory and root of its own, on the same relay),
/// against a sync of the same 1,000 own reports alone, in one run on PostgreSQL. Run by
/// `scripts/bench-pooled-sync.sh`; the suite skips it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench-pooled-sync.sh"]
async fn pooled_inbox_sync_against_own_reports_alone() {
    const OWN: usize = 1_000;
    const FOREIGN: usize = 9_000;
    let scratch = Scratch::new();
    let node = Node::primary(&scratch, "pg");
    let pooled = node.database("pooled");
    let alone = node.database("alone");
    let dir = common::example_directory();
    let second = common::forces::SecondForce::generate();
    let theirs = second.verified();

    // The other force's reports, sealed as its reporters' devices seal them (on both cores),
    // stored straight into the inbox (their upload is not what is measured).
    tokio::task::block_in_place(|| {
        let store = PgStore::open(&pooled, None, Retention::DEFAULT).expect("open");
        let sealed: Vec<Vec<u8>> = std::thread::scope(|scope| {
            let halves: Vec<_> = (0..2)
                .map(|half| {
                    let theirs = &theirs;
                    scope.spawn(move || {
                        (half..FOREIGN)
                            .step_by(2)
                            .map(|i| {
                                let token = MailboxToken::generate();
                                let concern = Concern {
                                    category: Some(Category::DiscreditableConduct),
                                    what: format!("Other force's report {i}"),
                                    ..Default::default()
                                };
                                let composed =
                                    compose_report(theirs, &token, concern, &[], common::today()).expect("compose");
                                composed.plan(theirs, &token).seal(vec![], Vec::new()).expect("seal")
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            halves.into_iter().flat_map(|h| h.join().expect("sealer")).collect()
        });
        for envelope in sealed {
            let sealed = candour_core::wire::Ciphertext::from_sealed_bytes(envelope);
            candour_relay::store::put_blob(&store, Place::Inbox, &sealed, common::today()).expect("put");
        }
    });
    // This force's reports, as reporters send them, through the relay both forces share.
    let relay = Relay::start_serving(&pooled, Some(&second));
    let client = common::bound_client(&relay.url).await;
    for i in 0..OWN {
        // Each report from a reporter of its own (one token each, as on the page).
        let token = MailboxToken::generate();
        let concern = Concern {
            category: Some(Category::HonestyAndIntegrity),
            what: format!("Report {i}: the sergeant took cash from the seized-property store"),
            ..Default::default()
        };
        let composed = compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
        send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    }
    drop(relay);
    // The same own reports, byte for byte, alone in a database of their own.
    tokio::task::block_in_place(|| {
        let from = PgStore::open(&pooled, None, Retention::DEFAULT).expect("open");
        let to = PgStore::open(&alone, None, Retention::DEFAULT).expect("open");
        for ((_, seq), (_, bytes)) in dump(&from, &[Place::Inbox]) {
            if seq > FOREIGN as u64 {
                let sealed = candour_core::wire::Ciphertext::from_sealed_bytes(bytes);
                candour_relay::store::put_blob(&to, Place::Inbox, &sealed, common::today()).expect("put");
            }
        }
    });

    let relay = Relay::start(&alone);
    let (own_time, own_report) = tokio::task::block_in_place(|| timed_sync(&relay.url));
    drop(relay);
    let relay = Relay::start_serving(&pooled, Some(&second));
    let (pooled_time, pooled_report) = tokio::task::block_in_place(|| timed_sync(&relay.url));
    drop(relay);
    eprintln!(
        "pooled sync: {} envelopes ({FOREIGN} for other forces) in {:.2} s; the same {OWN} own reports alone in \
         {:.2} s; pooled/alone = {:.2}x; reports taken in {} and {}",
        OWN + FOREIGN,
        pooled_time.as_secs_f64(),
        own_time.as_secs_f64(),
        pooled_time.as_secs_f64() / own_time.as_secs_f64(),
        pooled_report["reports"],
        own_report["reports"],
    );
    assert_eq!(pooled_report["reports"], own_report["reports"], "both syncs take in the same reports");
    assert_eq!(own_report["reports"], OWN, "{own_report}");
    assert_eq!(pooled_report["skipped"], FOREIGN, "every other force's report is skipped: {pooled_report}");
}

/// The store named in the configuration file, as an operator writes it: the relay serves from
/// PostgreSQL and is ready; a connection string holding a password is refused before anything
/// is opened, and the refusal never repeats the password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_the_store_from_its_config_file_and_never_echoes_a_password() {
    let scratch = Scratch::new();
    let node = Node::primary(&scratch, "pg");
    let url = node.database("candour");
    let files = tempfile::tempdir().expect("tmp");
    let config = files.path().join("relay.toml");
    let data = files.path().join("data");
    let write_config = |store: &str| {
        std::fs::write(
            &config,
            format!(
                "listen = \"127.0.0.1:0\"\ndata = {:?}\nstore = {store:?}\ndirectory = {:?}\ndirectory_roots = [{:?}]\n",
                data.display().to_string(),
                common::fresh_directory().display().to_string(),
                common::root_pub()
            ),
        )
        .expect("write config");
    };
    let serve = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
        cmd.args(["serve", "--config"]).arg(&config).env_remove("CANDOUR_STORE").env_remove("CANDOUR_LISTEN");
        cmd
    };

    write_config(&url);
    let mut child = serve().stderr(Stdio::piped()).stdout(Stdio::null()).spawn().expect("serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    // Keep reading, so the relay's later log lines have somewhere to go.
    std::thread::spawn(move || lines.for_each(drop));
    let addr =
        first.strip_prefix("candour relay listening on ").map(|r| r.split(' ').next().unwrap_or_default().to_owned());
    let ready = match &addr {
        Some(addr) => reqwest::get(format!("http://{addr}/readyz"))
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| format!("{e:?}")),
        None => Err("no address".into()),
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("entries in PostgreSQL at"), "{first}");
    assert_eq!(ready, Ok(200), "ready on PostgreSQL: {first}");
    assert_eq!(node.sql_in("candour", "SELECT version FROM candour_schema"), "1", "the relay made its schema");

    write_config(&url.replace("candour@", "candour:hunter2-secret@"));
    let out = common::output_within(serve(), Duration::from_secs(60));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a password in the connection string is refused");
    assert!(said.contains("store_password_file"), "the refusal says where the password goes: {said}");
    assert!(!said.contains("hunter2"), "the refusal repeats the password: {said}");
}
