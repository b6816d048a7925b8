//! The seizure test (docs/design.md §1.6): whoever takes the relay's disk must not learn which report
//! was acted on, nor link a report to its case stream, its follow-ups or its mailbox.
//!
//! Two worlds, each a real relay on its own data folder, the same reports sent in the same
//! order: in one, report A is worked (receipt, triage, notes, replies, the reporter's
//! follow-ups) and report B ignored; in the other, the reverse. The relay is then stopped and
//! everything its data folder keeps is dumped straight from the databases: every key, number,
//! length, chunk count and expiry day, every place, the files and folders. Random identifiers
//! (case stream ids, mailbox addresses, upload ids) are replaced by what can be said about them
//! without knowing them, and the two dumps must be identical.
//!
//! What the design accepts and the dump therefore keeps: the Padmé size bucket, the retention
//! epoch of arrival, and the order of arrival within the inbox. The reports here are the same
//! bucket and arrive in the same epoch, as any two reports of a month would. An entry's length
//! is recorded as its header's stanza count and its payload length: age's random "grease"
//! stanza makes each header up to 190 bytes longer, drawn afresh for every envelope and
//! independent of everything else, so it tells nothing and is left out.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use candour_client::RelayClient;
use candour_core::directory::TrustPolicy;
use candour_core::keys::ReviewerSecret;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_core::Day;
use candour_review::event::{Action, ReplyKind};
use candour_review::triage::TriageChange;
use candour_submit::compose::{compose_follow_up, compose_report};
use candour_submit::mailbox::{follow_up_readers, open_reply, FollowUpReaders};
use candour_submit::send::send;
use common::{reviewer, Relay};

/// One stored entry as a seizure shows it, with nothing random left in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    seq: u64,
    /// X25519 stanzas in the header.
    stanzas: usize,
    /// The length after the header: the padded plaintext's, which is what size reveals.
    payload: u64,
    chunks: u32,
    expires: i64,
}

/// An entry as stored: seq, database folder, upload id, length, chunks, expiry day.
type RawEntry = (u64, String, u64, u64, u32, i64);

/// A tree's records, as stored.
type Records = Vec<(Vec<u8>, Vec<u8>)>;

/// Everything a data folder keeps, canonical.
#[derive(Debug, PartialEq, Eq)]
struct Dump {
    /// Names of files and folders at the top of the data folder (random ones excepted).
    layout: Vec<String>,
    /// Small files kept beside the databases, by name.
    files: BTreeMap<String, Vec<u8>>,
    /// The inbox's entries in number order.
    inbox: Vec<Seen>,
    /// Each case stream's entries, the streams sorted by what they hold.
    cases: Vec<Vec<Seen>>,
    /// Each mailbox's entries, likewise.
    mailboxes: Vec<Vec<Seen>>,
    /// Chunks stored, by count per entry, as a sorted list (upload ids are random).
    chunk_counts: Vec<u32>,
    /// Chunks that belong to no entry.
    orphan_chunks: usize,
    /// Trees and record counts that are not entries or chunks.
    other: BTreeMap<String, Records>,
}

/// Reads a data folder as someone who seized it would: every sled database in it, every tree,
/// every record. Understands the epoch layout and the earlier single-database one.
fn dump(data: &Path) -> Dump {
    let mut layout = Vec::new();
    let mut files = BTreeMap::new();
    // (area, owner) -> (seq, database, upload, len, chunks, expires)
    let mut raw: BTreeMap<(u8, [u8; 32]), Vec<RawEntry>> = BTreeMap::new();
    let mut first_chunks: BTreeMap<(String, u64), Vec<u8>> = BTreeMap::new();
    let mut chunk_uploads = Vec::new();
    let mut other = BTreeMap::new();
    for entry in std::fs::read_dir(data).expect("data folder") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        layout.push(name.clone());
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read");
            // The nonce journal holds 16 random bytes per recent signed request (see the
            // relay's guards): only how many can tell anything.
            let kept = if name.starts_with("nonces-") { bytes.len().to_string().into_bytes() } else { bytes };
            files.insert(name, kept);
            continue;
        }
        // A folder is a database: epoch-<first>-<last>, whose entries all expire together a
        // fixed time after its last day (that day stands for their expiry here), or, in the
        // earlier layout, sled-<n> with an expiry day in each entry.
        let epoch_expiry = name.strip_prefix("epoch-").map(|range| {
            let last: Day = range[11..].parse().expect("epoch folder name");
            last.days_since_epoch()
        });
        let db = open_when_released(&entry.path());
        for tree_name in db.tree_names() {
            let tree_label = String::from_utf8_lossy(&tree_name).into_owned();
            let tree = db.open_tree(&tree_name).expect("tree");
            match tree_label.as_str() {
                "entry_meta" => {
                    for item in tree.iter() {
                        let (k, v) = item.expect("record");
                        let tag = k[0];
                        let owner: [u8; 32] = k[1..33].try_into().expect("owner");
                        let seq = u64::from_be_bytes(k[33..41].try_into().expect("seq"));
                        let upload = u64::from_be_bytes(v[..8].try_into().expect("upload"));
                        let len = u64::from_be_bytes(v[8..16].try_into().expect("len"));
                        let chunks = u32::from_be_bytes(v[16..20].try_into().expect("chunks"));
                        let expires = match (v.len(), epoch_expiry) {
                            (28, _) => i64::from_be_bytes(v[20..28].try_into().expect("day")),
                            (20, Some(d)) => d,
                            other => panic!("an entry of a shape this dump does not know: {other:?}"),
                        };
                        raw.entry((tag, owner)).or_default().push((seq, name.clone(), upload, len, chunks, expires));
                    }
                }
                // Chunk bytes: in the epoch's chunks.log at the recorded extent, or (epochs from
                // before the log) inside sled itself.
                "chunk_extent" | "chunk_bytes" => {
                    let log = (tree_label == "chunk_extent")
                        .then(|| std::fs::read(entry.path().join("chunks.log")).expect("chunks.log"));
                    for item in tree.iter() {
                        let (k, v) = item.expect("record");
                        let upload = u64::from_be_bytes(k[..8].try_into().expect("upload"));
                        let index = u32::from_be_bytes(k[8..12].try_into().expect("index"));
                        chunk_uploads.push((name.clone(), upload));
                        if index == 0 {
                            let bytes = match &log {
                                Some(log) => {
                                    let offset = u64::from_be_bytes(v[..8].try_into().expect("offset")) as usize;
                                    let len = u32::from_be_bytes(v[8..12].try_into().expect("len")) as usize;
                                    log[offset..offset + len].to_vec()
                                }
                                None => v.to_vec(),
                            };
                            first_chunks.insert((name.clone(), upload), bytes);
                        }
                    }
                }
                _ => {
                    let records: Records =
                        tree.iter().map(|r| r.expect("record")).map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
                    if !records.is_empty() {
                        other.insert(tree_label, records);
                    }
                }
            }
        }
    }
    let mut places: BTreeMap<(u8, [u8; 32]), Vec<Seen>> = BTreeMap::new();
    let mut owned = std::collections::BTreeSet::new();
    let mut chunk_counts = Vec::new();
    for (place, entries) in raw {
        for (seq, db, upload, len, chunks, expires) in entries {
            let first = first_chunks.get(&(db.clone(), upload)).expect("an entry's first chunk");
            let (header_len, stanzas) = visible_header(first);
            places.entry(place).or_default().push(Seen { seq, stanzas, payload: len - header_len, chunks, expires });
            owned.insert((db, upload));
            chunk_counts.push(chunks);
        }
    }
    layout.sort();
    chunk_counts.sort_unstable();
    let orphan_chunks = chunk_uploads.iter().filter(|u| !owned.contains(*u)).count();
    let mut inbox = Vec::new();
    let mut cases = Vec::new();
    let mut mailboxes = Vec::new();
    for ((tag, _owner), mut entries) in places {
        entries.sort();
        match tag {
            0 => inbox = entries,
            1 => cases.push(entries),
            2 => mailboxes.push(entries),
            t => panic!("unknown area {t}"),
        }
    }
    cases.sort();
    mailboxes.sort();
    Dump { layout, files, inbox, cases, mailboxes, chunk_counts, orphan_chunks, other }
}

/// The length of an age header and its X25519 stanza count, as anyone can read them.
fn visible_header(envelope: &[u8]) -> (u64, usize) {
    let mac = envelope.windows(5).position(|w| w == b"\n--- ").expect("an age header") + 1;
    let end = mac + envelope[mac..].iter().position(|&b| b == b'\n').expect("the MAC line ends") + 1;
    let stanzas = envelope[..end].windows(10).filter(|w| w == b"-> X25519 ").count();
    (end as u64, stanzas)
}

/// Opens a database the stopped relay may take a moment to let go of.
fn open_when_released(path: &Path) -> sled::Db {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        match sled::Config::new().path(path).segment_size(8 << 20).flush_every_ms(None).open() {
            Ok(db) => return db,
            Err(e) if std::time::Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => panic!("cannot open {}: {e}", path.display()),
        }
    }
}

/// A force as its reporters and reviewers know it: the root they pin and the reviewers' keys.
struct Side<'a> {
    policy: TrustPolicy,
    reviewer: &'a dyn Fn(&str) -> ReviewerSecret,
}

/// The example force.
fn example() -> Side<'static> {
    Side { policy: common::policy(), reviewer: &reviewer }
}

async fn send_report(client: &RelayClient, side: &Side<'_>, what: &str) -> MailboxToken {
    let dir = client.directory(&side.policy).await.expect("directory");
    let token = MailboxToken::generate();
    let concern = Concern { category: Some(Category::HonestyAndIntegrity), what: what.into(), ..Default::default() };
    let composed = compose_report(&dir, &token, concern, &["acu-2".into()], common::today()).expect("compose");
    send(client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    token
}

async fn follow_up(client: &RelayClient, side: &Side<'_>, token: &MailboxToken, what: &str) {
    let dir = client.directory(&side.policy).await.expect("directory");
    let concern = Concern { what: what.into(), ..Default::default() };
    // As the reporter's client does: the readers the report committed to, echoed by the replies.
    let mut views = Vec::new();
    for entry in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), entry.seq).await.expect("read");
        views.push(open_reply(&dir, token, &bytes).expect("opens"));
    }
    let FollowUpReaders::Known(route) = follow_up_readers(&dir, token, &views) else { panic!("no receipt yet") };
    assert_eq!(route.readers, ["psd-1", "psd-2", "acu-1"]);
    let composed =
        compose_follow_up(&dir, token, concern, route.readers, route.commitment, common::today()).expect("compose");
    send(client, composed.plan(&dir, token), vec![], None).await.expect("send");
}

/// Builds a world in which the report at `worked` (0 or 1) is acted on for months and the other
/// is ignored, and returns the dump of its relay's data folder.
async fn world(worked: usize) -> Dump {
    let relay = Relay::start().await;
    world_on(relay, [&example(), &example()], worked).await
}

/// As [`world`], on `relay`: report `i` is sent to force `sides[i]`, and the worked one is
/// worked by its own force's reviewers.
async fn world_on(relay: Relay, sides: [&Side<'_>; 2], worked: usize) -> Dump {
    let client = RelayClient::new(&relay.url(), None).expect("client");
    let tokens = [
        send_report(&client, sides[0], "Report A: cash from a wallet").await,
        send_report(&client, sides[1], "Report B: the same").await,
    ];
    let side = sides[worked];
    let cache = tempfile::tempdir().expect("cache");
    let session = |id: &'static str| {
        let url = relay.url();
        let path = cache.path().join(id);
        let policy = side.policy.clone();
        let secret = (side.reviewer)(id);
        async move {
            let dir = RelayClient::new(&url, None).expect("client").directory(&policy).await.expect("dir");
            let review = candour_review::client::ReviewClient::new(&url, None).expect("client");
            candour_review::ReviewSession::open(secret, dir, review, &path).expect("session")
        }
    };
    let mut psd1 = session("psd-1").await;
    let mut psd2 = session("psd-2").await;
    psd1.sync().await.expect("sync");
    psd2.sync().await.expect("sync");
    let case = candour_review::state::case_ref(&tokens[worked].thread_id());
    // Four rounds of work, each dated by the reviewers' own clocks (the real day).
    for month in 0..4i64 {
        let change = TriageChange {
            priority: Some(["low", "normal", "high", "urgent"][month as usize].parse().expect("p")),
            ..Default::default()
        };
        psd1.triage(&case, change).await.expect("triage");
        psd2.sync().await.expect("sync");
        psd2.record(&case, Action::Note { text: format!("month {month}") }).await.expect("note");
        psd1.sync().await.expect("sync");
        psd1.reply(&case, "We are still on it.", ReplyKind::Feedback).await.expect("reply");
        if month < 2 {
            follow_up(&client, side, &tokens[worked], "More: it happened again.").await;
        }
        psd1.sync().await.expect("sync");
        psd2.sync().await.expect("sync");
    }
    drop((psd1, psd2));
    let data = relay.stop_keeping_data().await;
    dump(&data.path().join("relay"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seized_relay_cannot_tell_which_report_was_worked() {
    let a_worked = world(0).await;
    let b_worked = world(1).await;
    // The worlds did hold something: the worked case has a long stream, the other a short one.
    assert_eq!(a_worked.inbox.len(), 4, "two reports and two follow-ups: {a_worked:?}");
    assert!(a_worked.cases.iter().any(|c| c.len() > 10), "{a_worked:?}");
    assert!(!a_worked.mailboxes.is_empty());
    assert_eq!(a_worked.orphan_chunks, 0);
    assert_eq!(a_worked, b_worked, "a seized relay tells the two worlds apart");
}

/// A relay serving two forces: whoever seizes it cannot tell which force a report was for. In
/// one world the first report goes to the example force and is worked there for months, the
/// second goes to the other force and is ignored; in the other world the forces are swapped.
/// The dumps must be identical: the one inbox, the shape of every envelope (one stanza count
/// for both forces, one padding), the case streams, the mailboxes and the files beside them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seized_relay_cannot_tell_which_force_a_report_was_for() {
    let second = common::forces::SecondForce::generate();
    let keys = |id: &str| second.reviewer(id);
    let other = Side { policy: second.policy(), reviewer: &keys };
    let (directory, root) = (second.directory(), second.root_file());
    let shared = || Relay::start_serving_forces(&directory, &root, vec![common::forces::example_force()]);
    let for_example = world_on(shared().await, [&example(), &other], 0).await;
    let for_other = world_on(shared().await, [&other, &example()], 0).await;
    assert_eq!(for_example.inbox.len(), 4, "two reports and two follow-ups: {for_example:?}");
    assert!(for_example.cases.iter().any(|c| c.len() > 10), "{for_example:?}");
    assert_eq!(for_example.orphan_chunks, 0);
    assert_eq!(for_example, for_other, "a seized relay tells which force the worked report was for");
}

/// The comparison can fail: one world with an extra expiry day on its first inbox entry, as the
/// per-case renewals of an earlier design left, is told apart.
#[test]
fn the_dump_comparison_can_fail() {
    let seen = |seq, expires| Seen { seq, stanzas: 12, payload: 16_416, chunks: 1, expires };
    let base = Dump {
        layout: vec!["epoch-x".into()],
        files: BTreeMap::new(),
        inbox: vec![seen(1, 100), seen(2, 100)],
        cases: vec![vec![seen(1, 100)]],
        mailboxes: vec![],
        chunk_counts: vec![1, 1, 1],
        orphan_chunks: 0,
        other: BTreeMap::new(),
    };
    let renewed = Dump { inbox: vec![seen(1, 135), seen(2, 100)], ..base.clone_dump() };
    assert_ne!(base, renewed);
    // Two forces sealing with different stanza counts (which a relay refuses to serve
    // together) would be told apart by their envelopes' headers alone.
    let narrower = Dump { inbox: vec![seen(1, 100), Seen { stanzas: 10, ..seen(2, 100) }], ..base.clone_dump() };
    assert_ne!(base, narrower);
}

impl Dump {
    fn clone_dump(&self) -> Dump {
        Dump {
            layout: self.layout.clone(),
            files: self.files.clone(),
            inbox: self.inbox.clone(),
            cases: self.cases.clone(),
            mailboxes: self.mailboxes.clone(),
            chunk_counts: self.chunk_counts.clone(),
            orphan_chunks: self.orphan_chunks,
            other: self.other.clone(),
        }
    }
}
