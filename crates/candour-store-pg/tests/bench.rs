//! Durable ingest on PostgreSQL, as a ratio to a baseline measured in the same run on the same
//! throwaway server: a raw loop of `INSERT`s and commits with the store's own batching (each
//! chunk in a transaction of its own without waiting for the disk, then one durable
//! transaction that inserts the entry row), none of the store's bookkeeping or sealing. Run by
//! `scripts/bench-pg.sh` (release build); ignored by the suite, which asserts no timing.

mod cluster;

use std::time::{Duration, Instant};

use candour_core::wire::Ciphertext;
use candour_relay::store::conformance::day;
use candour_relay::store::{put_blob, Place, Retention, CHUNK_SIZE};
use candour_store_pg::PgStore;
use cluster::{Node, Scratch};

/// Envelopes per run, and their size: two full chunks and a part, about a report with a photo.
const ENVELOPES: usize = 400;
const ENVELOPE_BYTES: usize = 2 * CHUNK_SIZE + 20_000;

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    samples.get(((samples.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or_default()
}

fn envelope(i: usize) -> Vec<u8> {
    (0..ENVELOPE_BYTES).map(|j| (i.wrapping_mul(31) ^ j) as u8).collect()
}

/// The baseline: the same rows and the same transactions, with no store around them.
fn raw_loop(url: &str) -> (Duration, Vec<Duration>) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client
        .batch_execute(
            "SET synchronous_commit TO on; \
             CREATE TABLE raw_chunks (upload bigint, idx integer, bytes bytea, PRIMARY KEY (upload, idx)); \
             ALTER TABLE raw_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL; \
             CREATE TABLE raw_entries (seq bigserial PRIMARY KEY, upload bigint UNIQUE, len bigint, chunks integer)",
        )
        .expect("schema");
    let mut each = Vec::with_capacity(ENVELOPES);
    let started = Instant::now();
    for i in 0..ENVELOPES {
        let one = Instant::now();
        let bytes = envelope(i);
        let upload = i as i64;
        let chunks: Vec<&[u8]> = bytes.chunks(CHUNK_SIZE).collect();
        for (idx, chunk) in chunks.iter().enumerate() {
            let mut tx = client.transaction().expect("tx");
            tx.batch_execute("SET LOCAL synchronous_commit TO off").expect("async");
            tx.execute("INSERT INTO raw_chunks VALUES ($1, $2, $3)", &[&upload, &(idx as i32), chunk]).expect("chunk");
            tx.commit().expect("commit chunk");
        }
        let mut tx = client.transaction().expect("tx");
        tx.execute(
            "INSERT INTO raw_entries (upload, len, chunks) VALUES ($1, $2, $3)",
            &[&upload, &(bytes.len() as i64), &(chunks.len() as i32)],
        )
        .expect("entry");
        tx.commit().expect("durable commit");
        each.push(one.elapsed());
    }
    (started.elapsed(), each)
}

fn store_loop(url: &str) -> (Duration, Vec<Duration>) {
    let store = PgStore::open(url, None, Retention::DEFAULT).expect("open");
    let mut each = Vec::with_capacity(ENVELOPES);
    let started = Instant::now();
    for i in 0..ENVELOPES {
        let one = Instant::now();
        put_blob(&store, Place::Inbox, &Ciphertext::from_sealed_bytes(envelope(i)), day(0)).expect("put");
        each.push(one.elapsed());
    }
    (started.elapsed(), each)
}

fn report(setup: &str, raw: (Duration, Vec<Duration>), store: (Duration, Vec<Duration>)) {
    let per_sec = |d: Duration| ENVELOPES as f64 / d.as_secs_f64();
    eprintln!(
        "{setup}: {ENVELOPES} envelopes of {ENVELOPE_BYTES} bytes; store {:.0}/s (p50 {:?}, p99 {:?}), raw INSERT+commit {:.0}/s \
         (p99 {:?}); the store ingests at {:.2}x the raw loop",
        per_sec(store.0),
        percentile(store.1.clone(), 0.50),
        percentile(store.1, 0.99),
        per_sec(raw.0),
        percentile(raw.1, 0.99),
        raw.0.as_secs_f64() / store.0.as_secs_f64(),
    );
}

/// `WRITERS` threads each putting `ENVELOPES / WRITERS` envelopes through one store at once, as
/// the relay's blocking threads do under load: the latency of each, and the total time.
const WRITERS: usize = 8;

fn concurrent_store_loop(url: &str) -> (Duration, Vec<Duration>) {
    let store = PgStore::open(url, None, Retention::DEFAULT).expect("open");
    let started = Instant::now();
    let each: Vec<Duration> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let store = &store;
                scope.spawn(move || {
                    (0..ENVELOPES / WRITERS)
                        .map(|i| {
                            let one = Instant::now();
                            let bytes = envelope(w * ENVELOPES + i);
                            put_blob(store, Place::Inbox, &Ciphertext::from_sealed_bytes(bytes), day(0)).expect("put");
                            one.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        writers.into_iter().flat_map(|w| w.join().expect("writer")).collect()
    });
    (started.elapsed(), each)
}

fn report_concurrent(setup: &str, run: (Duration, Vec<Duration>)) {
    eprintln!(
        "{setup}, {WRITERS} writers at once: {:.0} envelopes/s, p50 {:?}, p99 {:?}",
        run.1.len() as f64 / run.0.as_secs_f64(),
        percentile(run.1.clone(), 0.50),
        percentile(run.1, 0.99),
    );
}

#[test]
#[ignore = "a benchmark: scripts/bench-pg.sh"]
fn ingest_against_a_raw_insert_loop() {
    let scratch = Scratch::new();
    let alone = Node::primary(&scratch, "alone");
    // Interleaved halves would share the server's warm-up; one warm-up run of each first.
    let _ = raw_loop(&alone.database("warm_raw"));
    let _ = store_loop(&alone.database("warm_store"));
    let raw = raw_loop(&alone.database("raw"));
    let store = store_loop(&alone.database("store"));
    report("one server", raw, store);
    report_concurrent("one server", concurrent_store_loop(&alone.database("busy")));
    drop(alone);

    let primary = Node::primary(&scratch, "primary");
    let raw_url = primary.database("raw");
    let store_url = primary.database("store");
    let busy_url = primary.database("busy");
    let _standby = Node::standby_of(&primary, &scratch, "standby");
    primary.require_synchronous_standby();
    let raw = raw_loop(&raw_url);
    let store = store_loop(&store_url);
    report("primary with a synchronous standby", raw, store);
    report_concurrent("primary with a synchronous standby", concurrent_store_loop(&busy_url));
}
