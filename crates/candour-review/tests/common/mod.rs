//! Support for the reviewer's end-to-end tests: a real relay on 127.0.0.1:0, the example
//! organisation's keys, and a reporter. (Adapted from the workspace's tests/common/mod.rs.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use candour_client::RelayClient;
use candour_core::directory::{TrustPolicy, VerifiedDirectory};
use candour_core::keys::{ReviewerSecret, SecretKeyFile};
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_core::Day;
use candour_review::client::ReviewClient;
use candour_review::ReviewSession;
use candour_submit::compose::{compose_follow_up, compose_report};
use candour_submit::send::send;
use tokio::sync::oneshot;

/// Shared with the workspace's tests.
#[path = "../../../../tests/common/fresh.rs"]
pub mod fresh;

pub fn keys_example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys-example")
}

#[allow(unused_imports)]
pub use candour_review::clock::unix_now;

pub use fresh::{fresh_directory, today};

pub fn policy() -> TrustPolicy {
    let root = std::fs::read_to_string(keys_example().join("root.pub")).expect("root.pub");
    TrustPolicy { roots: vec![root.trim().parse().expect("root")], threshold: 1, min_version: 0, today: today() }
}

pub fn reviewer(id: &str) -> ReviewerSecret {
    let pass = SecretString::from("candour-example-only".to_owned());
    let file = std::fs::read(keys_example().join(format!("reviewers/{id}.key"))).expect("key file");
    match SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks") {
        SecretKeyFile::Reviewer(r) => r,
        SecretKeyFile::Root(_) => panic!("{id} is a root key"),
    }
}

/// A relay serving the example directory from a temporary folder; shut down on drop.
pub struct Relay {
    pub url: String,
    _data: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Relay {
    /// The folder the relay keeps everything in: what whoever seizes its disk gets.
    pub fn data_path(&self) -> &Path {
        self._data.path()
    }

    /// Binds first, then serves: no sleeping until it is "up".
    pub async fn start() -> Relay {
        Relay::start_with(fresh_directory()).await
    }

    /// A relay on its own data folder (sled), serving the signed directory at `directory`.
    pub async fn start_with(directory: &Path) -> Relay {
        let data = tempfile::tempdir().expect("tmp");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let config = candour_relay::Config {
            listen: addr,
            data: data.path().join("relay"),
            directory: directory.to_owned(),
            directory_roots: vec![keys_example().join("root.pub").display().to_string()],
            pow_difficulty: 8,
            ..candour_relay::Config::default()
        };
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            candour_relay::run_on(listener, config, async move {
                let _ = stopped.await;
            })
            .await
            .expect("relay runs");
        });
        Relay { url: format!("http://{addr}"), _data: data, stop: Some(stop) }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A relay client that has fetched and verified the directory, as every real client does first:
/// its reviewer requests are signed for the relay that directory names.
pub async fn bound_client(url: &str) -> RelayClient {
    let client = RelayClient::new(url, None).expect("client");
    client.directory(&policy()).await.expect("directory");
    client
}

pub async fn directory(url: &str) -> VerifiedDirectory {
    RelayClient::new(url, None).expect("client").directory(&policy()).await.expect("directory")
}

/// A reviewer's session with a cache in `cache_dir`.
pub async fn session(url: &str, id: &str, cache_dir: &Path) -> ReviewSession {
    let client = ReviewClient::new(url, None).expect("client");
    let dir = directory(url).await;
    ReviewSession::open(reviewer(id), dir, client, &cache_dir.join(format!("{id}.cache"))).expect("session")
}

/// A reporter sends a report; returns their token.
pub async fn report(url: &str, concern: Concern) -> MailboxToken {
    report_excluding(url, concern, &[]).await
}

/// A reporter sends a report that the reviewers `excluded` must not read; returns their token.
pub async fn report_excluding(url: &str, concern: Concern, excluded: &[&str]) -> MailboxToken {
    report_sent_on(url, concern, excluded, today()).await
}

/// A report dated `day_sent` by the reporter's device (its own claim, as the day of every
/// report is): how a test makes a case old without moving anyone's clock.
pub async fn report_sent_on(url: &str, concern: Concern, excluded: &[&str], day_sent: Day) -> MailboxToken {
    let client = RelayClient::new(url, None).expect("client");
    let dir = client.directory(&policy()).await.expect("directory");
    let token = MailboxToken::generate();
    let excluded: Vec<String> = excluded.iter().map(|s| (*s).to_owned()).collect();
    let composed = compose_report(&dir, &token, concern, &excluded, day_sent).expect("compose");
    send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    token
}

/// The route commitment the reporter's mailbox echoes, as the reporter's client finds it
/// (`None` before any receipt or reply).
pub async fn mailbox_commitment(
    client: &RelayClient,
    dir: &candour_core::directory::VerifiedDirectory,
    token: &MailboxToken,
) -> Option<candour_core::commitment::RouteCommitment> {
    let mut views = Vec::new();
    for entry in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), entry.seq).await.expect("read");
        // As the reporter's client does, a message it refuses carries no weight.
        if let Ok(view) = candour_submit::mailbox::open_reply(dir, token, &bytes) {
            views.push(view);
        }
    }
    match candour_submit::mailbox::follow_up_readers(dir, token, &views) {
        candour_submit::mailbox::FollowUpReaders::Known(route) => route.commitment,
        candour_submit::mailbox::FollowUpReaders::NotYetReceived => None,
    }
}

/// A simple concern of a category.
pub fn concern(category: Category, what: &str) -> Concern {
    Concern { category: Some(category), what: what.to_owned(), ..Default::default() }
}

/// The reporter sends a follow-up to `recipients` with the token alone.
pub async fn follow_up(url: &str, token: &MailboxToken, what: &str, recipients: Vec<String>) {
    let client = RelayClient::new(url, None).expect("client");
    let dir = client.directory(&policy()).await.expect("directory");
    let concern = Concern { what: what.to_owned(), ..Default::default() };
    let composed =
        compose_follow_up(&dir, token, concern, recipients, mailbox_commitment(&client, &dir, token).await, today())
            .expect("compose");
    send(&client, composed.plan(&dir, token), vec![], None).await.expect("send");
}

/// Who the reporter's next follow-up goes to, as their client finds it from the mailbox alone.
pub async fn reporter_route(url: &str, token: &MailboxToken) -> candour_submit::mailbox::FollowUpRoute {
    let client = RelayClient::new(url, None).expect("client");
    let dir = client.directory(&policy()).await.expect("directory");
    let mut views = Vec::new();
    for entry in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), entry.seq).await.expect("read");
        if let Ok(view) = candour_submit::mailbox::open_reply(&dir, token, &bytes) {
            views.push(view);
        }
    }
    match candour_submit::mailbox::follow_up_readers(&dir, token, &views) {
        candour_submit::mailbox::FollowUpReaders::Known(route) => *route,
        candour_submit::mailbox::FollowUpReaders::NotYetReceived => panic!("no receipt in the mailbox"),
    }
}

/// The reporter sends a follow-up as their client would: to the readers the mailbox gives,
/// carrying the reader changes it applied. Returns who it was sealed to.
pub async fn reporter_follows_up(url: &str, token: &MailboxToken, what: &str) -> Vec<String> {
    let client = RelayClient::new(url, None).expect("client");
    let dir = client.directory(&policy()).await.expect("directory");
    let route = reporter_route(url, token).await;
    let composed = candour_submit::compose::compose_follow_up_after(
        &dir,
        token,
        Concern { what: what.to_owned(), ..Default::default() },
        route.readers.clone(),
        route.commitment.clone(),
        route.reader_changes.clone(),
        today(),
    )
    .expect("compose");
    send(&client, composed.plan(&dir, token), vec![], None).await.expect("send");
    route.readers
}

/// Every file under `dir` holding `needle`, read whole; an unreadable file fails the scan.
pub fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path).expect("readable").windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(path);
            }
        }
    }
    found
}

/// A store whose operator can make entries disappear, as someone with access to the relay's
/// disk could: listings and reads skip the hidden ones. (No client can delete anything.)
#[derive(Debug, Default)]
pub struct TamperableStore {
    inner: candour_relay::store::MemoryStore,
    hidden: std::sync::Mutex<std::collections::HashSet<(candour_relay::store::Place, u64)>>,
    /// Entries whose reads fail as a damaged disk's would, and how many reads were tried.
    damaged: std::sync::Mutex<std::collections::HashMap<(candour_relay::store::Place, u64), u32>>,
    /// Entries whose reads serve another entry's bytes at the same place, as an operator who
    /// swapped two files on the relay's disk would.
    swapped: std::sync::Mutex<std::collections::HashMap<(candour_relay::store::Place, u64), u64>>,
}

impl TamperableStore {
    /// A store keeping entries for `days` after their epoch.
    pub fn with_retention(days: u32) -> Self {
        TamperableStore {
            inner: candour_relay::store::MemoryStore::with_retention(candour_relay::store::Retention {
                days,
                epoch_days: candour_relay::store::Retention::DEFAULT.epoch_days,
            }),
            hidden: Default::default(),
            damaged: Default::default(),
            swapped: Default::default(),
        }
    }

    /// Makes every read of an entry's bytes fail, as a damaged disk would: the relay has
    /// already answered 200 with the length, and cuts the body short.
    pub fn damage(&self, place: candour_relay::store::Place, seq: u64) {
        self.damaged.lock().expect("lock").insert((place, seq), 0);
    }

    /// Undoes [`TamperableStore::damage`].
    pub fn repair(&self, place: candour_relay::store::Place, seq: u64) {
        self.damaged.lock().expect("lock").remove(&(place, seq));
    }

    /// How many times the relay started to serve a damaged entry.
    pub fn damaged_reads(&self, place: candour_relay::store::Place, seq: u64) -> u32 {
        self.damaged.lock().expect("lock").get(&(place, seq)).copied().unwrap_or(0)
    }

    /// Hides an entry from every reader.
    pub fn hide(&self, place: candour_relay::store::Place, seq: u64) {
        self.hidden.lock().expect("lock").insert((place, seq));
    }

    /// Makes reads of entry `seq` at `place` serve entry `instead` there.
    pub fn serve_instead(&self, place: candour_relay::store::Place, seq: u64, instead: u64) {
        self.swapped.lock().expect("lock").insert((place, seq), instead);
    }

    fn swapped_for(
        &self,
        place: candour_relay::store::Place,
        seq: candour_relay::store::Seq,
    ) -> candour_relay::store::Seq {
        self.swapped.lock().expect("lock").get(&(place, seq.0)).map_or(seq, |s| candour_relay::store::Seq(*s))
    }

    fn is_hidden(&self, place: candour_relay::store::Place, seq: u64) -> bool {
        self.hidden.lock().expect("lock").contains(&(place, seq))
    }
}

impl candour_relay::store::Store for TamperableStore {
    fn retention(&self) -> candour_relay::store::Retention {
        self.inner.retention()
    }
    fn begin(&self, today: Day) -> Result<candour_relay::store::UploadId, candour_relay::store::StoreError> {
        self.inner.begin(today)
    }
    fn put_chunk(
        &self,
        upload: candour_relay::store::UploadId,
        index: u32,
        chunk: &candour_core::wire::Ciphertext,
    ) -> Result<(), candour_relay::store::StoreError> {
        self.inner.put_chunk(upload, index, chunk)
    }
    fn commit(
        &self,
        upload: candour_relay::store::UploadId,
        place: candour_relay::store::Place,
    ) -> Result<candour_relay::store::EntryInfo, candour_relay::store::StoreError> {
        self.inner.commit(upload, place)
    }
    fn abort(&self, upload: candour_relay::store::UploadId) -> Result<(), candour_relay::store::StoreError> {
        self.inner.abort(upload)
    }
    fn list(
        &self,
        place: candour_relay::store::Place,
        after: Option<candour_relay::store::Seq>,
        limit: usize,
    ) -> Result<Vec<candour_relay::store::EntryInfo>, candour_relay::store::StoreError> {
        Ok(self
            .inner
            .list(place, after, usize::MAX)?
            .into_iter()
            .filter(|e| !self.is_hidden(place, e.seq.0))
            .take(limit)
            .map(|e| match self.inner.info(place, self.swapped_for(place, e.seq)) {
                Ok(Some(served)) => candour_relay::store::EntryInfo { seq: e.seq, ..served },
                _ => e,
            })
            .collect())
    }
    fn info(
        &self,
        place: candour_relay::store::Place,
        seq: candour_relay::store::Seq,
    ) -> Result<Option<candour_relay::store::EntryInfo>, candour_relay::store::StoreError> {
        if self.is_hidden(place, seq.0) {
            return Ok(None);
        }
        let served = self.swapped_for(place, seq);
        Ok(self.inner.info(place, served)?.map(|info| candour_relay::store::EntryInfo { seq, ..info }))
    }
    fn read_chunk(
        &self,
        place: candour_relay::store::Place,
        seq: candour_relay::store::Seq,
        index: u32,
    ) -> Result<Option<candour_core::wire::Ciphertext>, candour_relay::store::StoreError> {
        if self.is_hidden(place, seq.0) {
            return Ok(None);
        }
        if let Some(reads) = self.damaged.lock().expect("lock").get_mut(&(place, seq.0)) {
            if index == 0 {
                *reads += 1;
            }
            return Err(candour_relay::store::StoreError::Corrupt("damaged on purpose"));
        }
        self.inner.read_chunk(place, self.swapped_for(place, seq), index)
    }
    fn purge_expired(&self, today: Day) -> Result<candour_relay::store::PurgeReport, candour_relay::store::StoreError> {
        self.inner.purge_expired(today)
    }
    fn check_writable(&self) -> Result<(), candour_relay::store::StoreError> {
        self.inner.check_writable()
    }
}

/// A relay on loopback over `store`, serving the example directory; shut down on drop.
pub async fn relay_over(store: std::sync::Arc<dyn candour_relay::store::Store>) -> Relay {
    relay_serving(store, fresh_directory()).await
}

pub use fresh::relay_state;

/// A relay on loopback over `store`, serving the signed directory at `directory` (signed by the
/// example root); shut down on drop. Two relays over one store stand for one relay before and
/// after a directory update.
pub async fn relay_serving(store: std::sync::Arc<dyn candour_relay::store::Store>, directory: &Path) -> Relay {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = relay_state(store, directory);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        candour_relay::serve(listener, candour_relay::router(state), async move {
            let _ = stopped.await;
        })
        .await
        .expect("relay serves");
    });
    Relay { url: format!("http://{addr}"), _data: tempfile::tempdir().expect("tmp"), stop: Some(stop) }
}
