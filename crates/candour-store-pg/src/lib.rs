//! The relay's [`Store`] on PostgreSQL: for a relay that must outlive its machine, on a primary
//! with a synchronous standby (deploy/postgresql/README.md), and for one relay serving many
//! forces.
//!
//! It keeps the rules of every store (crates/candour-relay/src/store/mod.rs): opaque
//! ciphertext only, a number per place, commit as the one step that makes an entry visible and
//! durable, uniform retention by epoch. How each maps onto PostgreSQL, and why it is safe:
//!
//! # Durability
//! - **Acknowledged means durable.** Every connection sets `synchronous_commit = on` for
//!   itself, whatever the server's default, and the store refuses to open on a server with
//!   `fsync = off`. A commit then returns only once its WAL record is flushed on the primary and,
//!   where `synchronous_standby_names` names a standby, flushed on that standby too.
//! - **Chunks ride on the commit's flush.** Chunks are written in their own short transactions
//!   with `synchronous_commit = off`: they need not be durable until the entry that makes them
//!   visible is. The WAL is one sequence, and a commit record is flushed (locally and to the
//!   synchronous standby) only together with every record before it, so when the entry's commit
//!   returns, every chunk it names is durable on both machines.
//! - **A crash between chunks.** A chunk whose transaction had not reached the disk when the
//!   server crashed (or failed over) is gone, and with it its count on the upload's row, so the
//!   upload looks shorter than it was. The next chunk the relay sends then arrives out of order
//!   and is refused; and every upload row records `pg_postmaster_start_time()` of the server that
//!   took it, which commit compares with the server it runs on: an upload that began on another
//!   server, or before a restart, is discarded, never committed short. The reporter sends it
//!   again. Leftovers of a relay's own crash are discarded when the store next opens.
//! - **Visibility.** One transaction inserts the entry row (under the place's next number) and
//!   deletes the upload's row. Before it commits, no listing can see the entry; after, the
//!   entry and all its chunks are there.
//!
//! # Numbers
//! The inbox's counter is one row, raised inside the committing transaction: its row lock
//! orders inbox commits, so numbers are handed out in commit order and a reviewer's cursor never
//! skips an entry that commits later (a sequence would hand out numbers before commit, out of
//! order). It never goes back. A case stream or mailbox continues from its newest live entry,
//! found under a transaction-scoped advisory lock on the place, so two relays (or two requests)
//! never give one place a number twice.
//!
//! # Retention, reclamation and what `VACUUM` does
//! Each retention epoch has its own chunk table, `candour_chunks_<first day>`, and its own
//! 256-bit key in `candour_epochs`; every chunk is sealed with XChaCha20-Poly1305 under its
//! epoch's key before it reaches PostgreSQL. When an epoch expires, one transaction deletes its
//! entries, its key row and drops its chunk table; then `VACUUM (FULL)` rewrites the few rows of
//! `candour_epochs` into a new file and plain `VACUUM` marks the deleted entry rows reusable.
//! - `DROP TABLE` unlinks the chunk table's files at once: the space goes back to the file
//!   system, no `VACUUM` needed. The blocks are not overwritten (as with sled's folders).
//! - Plain `VACUUM` does not return space or erase bytes: deleted rows stay in their pages until
//!   reused. `VACUUM FULL` writes a new file and unlinks the old, again without overwriting.
//! - The WAL keeps every chunk and key written until its segment is recycled, and an archive of
//!   WAL or a base backup keeps them as long as it is kept.
//!
//! So bytes of an expired epoch can outlive it on disk, in WAL and in backups; what makes them
//! unrecoverable is that the only copy of their key was the row just deleted, in a table of a
//! few rows rewritten at once. The key itself lingers only where the WAL and backups do, which
//! is why deploy/postgresql/README.md keeps WAL archives and base backups for less than the
//! retention epoch. (And every chunk is age ciphertext to the reviewers to begin with: this
//! layer is about what a reviewer's key, seized later, could still open.)
//!
//! # Uploads that never commit
//! An upload is a row in `candour_uploads` (random 64-bit id, epoch, chunks so far); its
//! chunks are in its epoch's table. Aborting deletes both. A crash leaves them; the store takes
//! a session advisory lock on open and, holding it, discards every upload it finds, so a relay
//! never discards another live relay's uploads. Purging an epoch discards its leftovers too.
//!
//! # What a seized database shows
//! The tables hold what sled holds: per entry its place (area, owner id), number, epoch, length
//! and chunk count; no time finer than the epoch, no address, nothing readable. PostgreSQL adds
//! row versions' transaction ids (`xmin`), which order rows by commit across tables, as sled's
//! log orders them by write (docs/design.md §1.6 accepts arrival order within the inbox).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use candour_core::wire::Ciphertext;
use candour_core::Day;
use candour_relay::store::{EntryInfo, Place, PurgeReport, Retention, Seq, Store, StoreError, UploadId, CHUNK_SIZE};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use postgres::error::SqlState;
use postgres::{Client, NoTls, Transaction};
use rand::RngCore as _;
use zeroize::Zeroizing;

mod schema;

pub use schema::SCHEMA_VERSION;

/// Connections the store keeps open at most. The relay's own limits on uploads in progress
/// bound how many wait for one.
pub const POOL_SIZE: usize = 8;

/// Uploads whose epoch the store remembers at most (each entry is two integers).
const UPLOAD_EPOCHS_KEPT: usize = 4096;

/// How long a caller waits for a free connection before the request fails (`io`).
const POOL_WAIT: Duration = Duration::from_secs(10);

/// How long the readiness check's write may wait for the database (and its synchronous
/// standby) to confirm it.
const READY_DEADLINE: Duration = Duration::from_secs(3);

/// The session advisory lock an open store holds (see "Uploads that never commit").
const OPEN_LOCK: i64 = 0x6361_6e64_6f75_7201;

/// The transaction advisory lock under which an epoch's key and table are created.
const EPOCH_LOCK: i64 = 0x6361_6e64_6f75_7202;

/// Nonce and tag a sealed chunk adds.
const SEAL_OVERHEAD: usize = 24 + 16;

/// Why the store could not be opened: said plainly, for the operator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The connection string does not parse.
    #[error("the store's connection string is not valid: {0}")]
    BadConnectionString(String),
    /// The connection string holds a password, which would then show in configuration dumps.
    #[error("the store's connection string holds a password: put it in store_password_file instead")]
    PasswordInConnectionString,
    /// The password file cannot be read.
    #[error("cannot read the store's password file: {0}")]
    PasswordFile(String),
    /// The server runs with `fsync = off`: nothing it acknowledges is durable.
    #[error("the PostgreSQL server runs with fsync = off, so nothing it acknowledges is durable: refusing it")]
    FsyncOff,
    /// The database's schema is newer than this program knows.
    #[error("the database's schema is version {found}, newer than this relay's {known}: upgrade the relay")]
    SchemaTooNew {
        /// The version the database holds.
        found: i32,
        /// The newest version this program knows.
        known: i32,
    },
    /// The database could not be reached or refused a step.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OpenError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            OpenError::BadConnectionString(_) => "bad-connection-string",
            OpenError::PasswordInConnectionString => "password-in-connection-string",
            OpenError::PasswordFile(_) => "password-file",
            OpenError::FsyncOff => "fsync-off",
            OpenError::SchemaTooNew { .. } => "schema-too-new",
            OpenError::Store(e) => e.code(),
        }
    }
}

/// Maps a database error to a store error by its SQLSTATE alone: PostgreSQL's messages can
/// quote stored values, which must never reach a log.
fn db_error(e: &postgres::Error) -> StoreError {
    match e.code() {
        Some(code) if *code == SqlState::DISK_FULL || *code == SqlState::OUT_OF_MEMORY => StoreError::DiskFull,
        Some(code) => StoreError::Io(format!("database refused a step (SQLSTATE {})", code.code())),
        None if e.is_closed() => StoreError::Io("the database connection closed".into()),
        None => StoreError::Io("the database could not be reached".into()),
    }
}

/// A small pool of blocking clients. A client whose connection has closed is dropped when it
/// comes back, so a restarted or failed-over database is reconnected on the next call.
struct Pool {
    config: postgres::Config,
    idle: Mutex<PoolState>,
    freed: Condvar,
}

struct PoolState {
    idle: Vec<Client>,
    /// Clients handed out or idle.
    open: usize,
}

/// A client on loan from the pool; it goes back on drop unless its connection closed.
struct Lease<'a> {
    pool: &'a Pool,
    client: Option<Client>,
}

impl std::ops::Deref for Lease<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().unwrap_or_else(|| unreachable!("a lease holds its client until dropped"))
    }
}

impl std::ops::DerefMut for Lease<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().unwrap_or_else(|| unreachable!("a lease holds its client until dropped"))
    }
}

impl Lease<'_> {
    /// Closes this client instead of returning it to the pool.
    fn retire(mut self) {
        if self.client.take().is_some() {
            self.pool.lock().open -= 1;
            self.pool.freed.notify_one();
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else { return };
        let mut state = self.pool.lock();
        if client.is_closed() {
            state.open -= 1;
        } else {
            state.idle.push(client);
        }
        drop(state);
        self.pool.freed.notify_one();
    }
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // A panic while holding this lock leaves only a count; carry on with it.
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn connect(&self) -> Result<Client, StoreError> {
        let mut client = self.config.connect(NoTls).map_err(|e| db_error(&e))?;
        // Acknowledged means durable, whatever the server's default (see the crate docs).
        client.batch_execute("SET synchronous_commit TO on").map_err(|e| db_error(&e))?;
        Ok(client)
    }

    /// Drops every idle client: after one turned out closed, the others (idle since before
    /// the database restarted or failed over) are closed too, though they cannot know it until
    /// used.
    fn discard_idle(&self) {
        let mut state = self.lock();
        let stale = state.idle.len();
        state.idle.clear();
        state.open -= stale;
    }

    fn get(&self) -> Result<Lease<'_>, StoreError> {
        let deadline = Instant::now() + POOL_WAIT;
        let mut state = self.lock();
        loop {
            if let Some(client) = state.idle.pop() {
                if client.is_closed() {
                    state.open -= 1;
                    continue;
                }
                return Ok(Lease { pool: self, client: Some(client) });
            }
            if state.open < POOL_SIZE {
                state.open += 1;
                drop(state);
                return match self.connect() {
                    Ok(client) => Ok(Lease { pool: self, client: Some(client) }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(StoreError::Io("every database connection is busy".into()));
            }
            state = self.freed.wait_timeout(state, deadline - now).unwrap_or_else(std::sync::PoisonError::into_inner).0;
        }
    }
}

/// Entries in PostgreSQL (see the crate docs for the layout and why it is safe).
pub struct PgStore {
    retention: Retention,
    pool: Pool,
    /// The connection holding [`OPEN_LOCK`]; re-taken by readiness checks after a restart.
    keeper: Mutex<Option<Client>>,
    /// Epoch keys already read, by the epoch's first day.
    keys: Mutex<HashMap<i64, Zeroizing<[u8; 32]>>>,
    /// The epoch of each upload this store began and has not yet committed or aborted, so a
    /// chunk needs no lookup (at most [`UPLOAD_EPOCHS_KEPT`]; others are looked up).
    uploads: Mutex<HashMap<i64, i64>>,
    /// A call failed as after a restart or failover: the open lock must be checked, and taken
    /// again if its connection is gone, before the next call.
    relock_owed: std::sync::atomic::AtomicBool,
    /// A purge deleted key rows that no `VACUUM (FULL)` has rewritten away yet.
    vacuum_owed: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgStore")
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Closing a client runs the driver's own runtime, which must not start on a thread
        // that drives asynchronous tasks (the relay drops its store there on shutdown): close
        // them on a thread of their own.
        let idle = std::mem::take(&mut self.pool.lock().idle);
        let keeper = self.keeper.get_mut().map(Option::take).unwrap_or_else(|e| e.into_inner().take());
        let _ = std::thread::spawn(move || drop((idle, keeper))).join();
    }
}

/// The chunk table of the epoch starting on day `first` (days since 1970-01-01). Built from
/// a number only, so it is always a plain identifier.
fn chunk_table(first: i64) -> String {
    if first < 0 {
        format!("candour_chunks_m{}", first.unsigned_abs())
    } else {
        format!("candour_chunks_{first}")
    }
}

/// What a chunk's seal is bound to: its upload and its index, so a chunk moved to another
/// upload or position no longer opens.
fn chunk_aad(upload: i64, index: u32) -> [u8; 28] {
    let mut aad = [0u8; 28];
    aad[..16].copy_from_slice(b"candour-pg-chunk");
    aad[16..24].copy_from_slice(&upload.to_be_bytes());
    aad[24..].copy_from_slice(&index.to_be_bytes());
    aad
}

fn area_owner(place: Place) -> (i16, Vec<u8>) {
    match place {
        Place::Inbox => (0, vec![0; 32]),
        Place::Case(id) => (1, id.0.to_vec()),
        Place::Mailbox(addr) => (2, addr.0.to_vec()),
    }
}

/// The advisory lock of one place: its area and the first bytes of its (random) owner id.
fn place_lock(area: i16, owner: &[u8]) -> i64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&owner[..8]);
    i64::from_be_bytes(bytes) ^ i64::from(area)
}

/// The row id of `upload`: ids this store hands out fit in an `i64`, so one that does not was
/// never begun here.
fn upload_row(upload: UploadId) -> Result<i64, StoreError> {
    i64::try_from(upload.0).map_err(|_| StoreError::UnknownUpload)
}

impl PgStore {
    /// Opens the store at `url` (a `postgres://` connection string, several hosts allowed, no
    /// password) with `password` if the database asks for one: creates or upgrades the schema,
    /// takes the open lock and discards uploads a crash left.
    pub fn open(url: &str, password: Option<&[u8]>, retention: Retention) -> Result<PgStore, OpenError> {
        let mut config = postgres::Config::from_str(url).map_err(|_| {
            OpenError::BadConnectionString("see deploy/postgresql/README.md for the form it takes".into())
        })?;
        if config.get_password().is_some() {
            return Err(OpenError::PasswordInConnectionString);
        }
        if let Some(password) = password {
            config.password(password);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        config.application_name("candour-relay");
        let pool = Pool { config, idle: Mutex::new(PoolState { idle: Vec::new(), open: 0 }), freed: Condvar::new() };
        let store = PgStore {
            retention,
            pool,
            keeper: Mutex::new(None),
            keys: Mutex::new(HashMap::new()),
            uploads: Mutex::new(HashMap::new()),
            relock_owed: std::sync::atomic::AtomicBool::new(false),
            vacuum_owed: std::sync::atomic::AtomicBool::new(false),
        };
        {
            let mut client = store.pool.get()?;
            let fsync: String =
                client.query_one("SHOW fsync", &[]).map_err(|e| db_error(&e))?.try_get(0).map_err(|e| db_error(&e))?;
            if fsync != "on" {
                return Err(OpenError::FsyncOff);
            }
            schema::migrate(&mut client)?;
        }
        store.take_open_lock(Duration::from_secs(15))?;
        store.discard_uncommitted()?;
        Ok(store)
    }

    /// Reads a password file: its first line, without the line ending.
    pub fn read_password_file(path: &std::path::Path) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let text = Zeroizing::new(std::fs::read(path).map_err(|e| OpenError::PasswordFile(e.kind().to_string()))?);
        let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Ok(Zeroizing::new(line.to_vec()))
    }

    /// Takes [`OPEN_LOCK`] on a connection of its own. A relay that was just killed may still
    /// hold it for a moment, until the database notices its connection closed, so this waits
    /// up to `wait`; a relay that is alive keeps it.
    fn take_open_lock(&self, wait: Duration) -> Result<(), StoreError> {
        let deadline = Instant::now() + wait;
        loop {
            let mut client = self.pool.connect()?;
            let held: bool = client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&OPEN_LOCK])
                .and_then(|r| r.try_get(0))
                .map_err(|e| db_error(&e))?;
            if held {
                *self.keeper.lock().map_err(|_| poisoned())? = Some(client);
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(StoreError::Io("another relay is using this database".into()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Takes [`OPEN_LOCK`] again if the connection holding it is gone (the database restarted
    /// or failed over), so a second relay opening the database still finds it held.
    fn keep_open_lock(&self) -> Result<(), StoreError> {
        // Asked, not assumed: an idle connection cannot know the server restarted.
        let lost = self
            .keeper
            .lock()
            .map_err(|_| poisoned())?
            .as_mut()
            .is_none_or(|keeper| keeper.simple_query("SELECT 1").is_err());
        if lost {
            self.take_open_lock(Duration::ZERO)?;
        }
        Ok(())
    }

    /// Discards every upload that has no entry: under the open lock, these are a crash's.
    fn discard_uncommitted(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get()?;
        let mut tx = client.transaction().map_err(|e| db_error(&e))?;
        let epochs = epoch_days(&mut tx)?;
        for epoch in epochs {
            let table = chunk_table(epoch);
            tx.execute(
                &format!("DELETE FROM {table} c WHERE NOT EXISTS (SELECT 1 FROM candour_entries e WHERE e.upload = c.upload)"),
                &[],
            )
            .map_err(|e| db_error(&e))?;
        }
        tx.execute("DELETE FROM candour_uploads", &[]).map_err(|e| db_error(&e))?;
        tx.commit().map_err(|e| db_error(&e))
    }

    /// The key of the epoch starting on `first`, creating the epoch (key and chunk table) if
    /// `create` and it does not exist yet.
    fn epoch_key(&self, client: &mut Client, first: i64, create: bool) -> Result<Zeroizing<[u8; 32]>, StoreError> {
        if let Some(key) = self.keys.lock().map_err(|_| poisoned())?.get(&first) {
            return Ok(key.clone());
        }
        let mut tx = client.transaction().map_err(|e| db_error(&e))?;
        let row =
            tx.query_opt("SELECT key FROM candour_epochs WHERE epoch = $1", &[&first]).map_err(|e| db_error(&e))?;
        let stored: Vec<u8> = match row {
            Some(row) => row.try_get(0).map_err(|e| db_error(&e))?,
            None if create => {
                // Two relays (or two requests) creating one epoch: the second waits here and
                // then finds the first one's key.
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EPOCH_LOCK]).map_err(|e| db_error(&e))?;
                let mut fresh = Zeroizing::new(vec![0u8; 32]);
                rand::rngs::OsRng.fill_bytes(&mut fresh);
                tx.execute(
                    "INSERT INTO candour_epochs (epoch, key) VALUES ($1, $2) ON CONFLICT (epoch) DO NOTHING",
                    &[&first, &&fresh[..]],
                )
                .map_err(|e| db_error(&e))?;
                let table = chunk_table(first);
                tx.batch_execute(&format!(
                    "CREATE TABLE IF NOT EXISTS {table} (upload bigint NOT NULL, idx integer NOT NULL, \
                     bytes bytea NOT NULL, PRIMARY KEY (upload, idx)); \
                     ALTER TABLE {table} ALTER COLUMN bytes SET STORAGE EXTERNAL"
                ))
                .map_err(|e| db_error(&e))?;
                tx.query_one("SELECT key FROM candour_epochs WHERE epoch = $1", &[&first])
                    .and_then(|r| r.try_get(0))
                    .map_err(|e| db_error(&e))?
            }
            None => return Err(StoreError::Corrupt("an entry's epoch has no key")),
        };
        tx.commit().map_err(|e| db_error(&e))?;
        let stored = Zeroizing::new(stored);
        let key: [u8; 32] =
            stored.as_slice().try_into().map_err(|_| StoreError::Corrupt("an epoch key is not 32 bytes"))?;
        let key = Zeroizing::new(key);
        self.keys.lock().map_err(|_| poisoned())?.insert(first, key.clone());
        Ok(key)
    }

    /// The listing of a row of `seq, epoch, len, chunks`.
    fn info_of_row(&self, row: &postgres::Row) -> Result<EntryInfo, StoreError> {
        let get = |e: postgres::Error| db_error(&e);
        self.info_of(
            row.try_get(0).map_err(get)?,
            row.try_get(1).map_err(get)?,
            row.try_get(2).map_err(get)?,
            row.try_get(3).map_err(get)?,
        )
    }

    fn info_of(&self, seq: i64, epoch: i64, len: i64, chunks: i32) -> Result<EntryInfo, StoreError> {
        let last = Day::from_days_since_epoch(epoch).plus_days(i64::from(self.retention.epoch_days.max(1)) - 1);
        Ok(EntryInfo {
            seq: Seq(u64::try_from(seq).map_err(|_| StoreError::Corrupt("a negative entry number"))?),
            len: u64::try_from(len).map_err(|_| StoreError::Corrupt("a negative length"))?,
            chunks: u32::try_from(chunks).map_err(|_| StoreError::Corrupt("a negative chunk count"))?,
            expires: self.retention.expires_after(last),
        })
    }

    /// Runs `step` on a pooled connection, and once more on a fresh one if the first turned
    /// out closed (the database restarted or failed over since it was last used). A second run
    /// is safe for every step here: a step that got as far as committing before the connection
    /// dropped finds its upload gone or its chunk counted and refuses, never doubles.
    fn run<T>(&self, mut step: impl FnMut(&mut Client) -> Result<T, StoreError>) -> Result<T, StoreError> {
        if self.relock_owed.load(std::sync::atomic::Ordering::SeqCst) {
            match self.keep_open_lock() {
                Ok(()) => self.relock_owed.store(false, std::sync::atomic::Ordering::SeqCst),
                Err(e) => tracing::warn!(code = e.code(), "could not take the store's open lock again yet"),
            }
        }
        let mut client = self.pool.get()?;
        match step(&mut client) {
            // The driver does not always know its connection closed by the time a call fails,
            // so any failure of the database (never a refusal of the store's own) retires this
            // connection and the idle ones, and the step runs once more on a new one.
            Err(StoreError::Io(_)) => {
                client.retire();
                self.pool.discard_idle();
                // The connection holding the open lock is likely gone with the rest: take it
                // again once the database answers (checked before each call until then).
                self.relock_owed.store(true, std::sync::atomic::Ordering::SeqCst);
                let mut client = self.pool.get()?;
                step(&mut client)
            }
            other => other,
        }
    }

    /// [`PgStore::run`] for a step that is one call of the driver.
    fn read<T>(&self, mut read: impl FnMut(&mut Client) -> Result<T, postgres::Error>) -> Result<T, StoreError> {
        self.run(|client| read(client).map_err(|e| db_error(&e)))
    }

    /// [`Store::begin`] on one connection: one round trip, committed without waiting for the
    /// disk (an upload row lost in a crash makes its next chunk or its commit refused).
    fn begin_in(&self, client: &mut Client, first: i64) -> Result<UploadId, StoreError> {
        self.epoch_key(client, first, true)?;
        // Random ids: an id says nothing about when, or after which other upload, it began.
        loop {
            let id = (rand::rngs::OsRng.next_u64() >> 1) as i64;
            // Two integers formatted into the statement: nothing else reaches its text.
            let answers = client
                .simple_query(&format!(
                    "BEGIN; SET LOCAL synchronous_commit TO off; \
                     INSERT INTO candour_uploads (upload, epoch, chunks, len) SELECT {id}, {first}, 0, 0 \
                     WHERE NOT EXISTS (SELECT 1 FROM candour_entries WHERE upload = {id}) ON CONFLICT DO NOTHING; \
                     COMMIT"
                ))
                .map_err(|e| {
                    // A statement that failed after BEGIN leaves the session's transaction
                    // aborted: end it before the connection goes back to the pool.
                    let _ = client.batch_execute("ROLLBACK");
                    db_error(&e)
                })?;
            let inserted: u64 = answers
                .iter()
                .map(|m| match m {
                    postgres::SimpleQueryMessage::CommandComplete(n) => *n,
                    _ => 0,
                })
                .sum();
            if inserted == 1 {
                let mut uploads = self.uploads.lock().map_err(|_| poisoned())?;
                if uploads.len() < UPLOAD_EPOCHS_KEPT {
                    uploads.insert(id, first);
                }
                return Ok(UploadId(id as u64));
            }
        }
    }

    /// [`Store::put_chunk`] on one connection.
    fn put_chunk_in(
        &self,
        client: &mut Client,
        id: i64,
        idx: i32,
        index: u32,
        chunk: &Ciphertext,
    ) -> Result<(), StoreError> {
        let cached = self.uploads.lock().map_err(|_| poisoned())?.get(&id).copied();
        let epoch: i64 = match cached {
            Some(epoch) => epoch,
            None => client
                .query_opt("SELECT epoch FROM candour_uploads WHERE upload = $1", &[&id])
                .map_err(|e| db_error(&e))?
                .ok_or(StoreError::UnknownUpload)?
                .try_get(0)
                .map_err(|e| db_error(&e))?,
        };
        let key = self.epoch_key(client, epoch, false)?;
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = chunk_aad(id, index);
        let sealed = XChaCha20Poly1305::new(key.as_slice().into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: chunk.as_bytes(), aad: &aad })
            .map_err(|_| StoreError::Io("sealing a chunk failed".into()))?;
        let mut stored = Vec::with_capacity(SEAL_OVERHEAD + chunk.len());
        stored.extend_from_slice(&nonce);
        stored.extend_from_slice(&sealed);
        let len = i64::try_from(chunk.len()).map_err(|_| StoreError::BadChunk("a chunk is too large"))?;
        let mut tx = client.transaction().map_err(|e| db_error(&e))?;
        // Not durable yet: the entry's commit flushes it (see "Durability").
        tx.batch_execute("SET LOCAL synchronous_commit TO off").map_err(|e| db_error(&e))?;
        // Counted and stored in one statement: the chunk is written only if it is the next one.
        let stored_rows = tx
            .execute(
                &format!(
                    "WITH counted AS (UPDATE candour_uploads SET chunks = chunks + 1, len = len + $3 \
                     WHERE upload = $1 AND chunks = $2 RETURNING upload) \
                     INSERT INTO {} (upload, idx, bytes) SELECT upload, $2, $4 FROM counted",
                    chunk_table(epoch)
                ),
                &[&id, &idx, &len, &stored],
            )
            .map_err(|e| db_error(&e))?;
        if stored_rows != 1 {
            drop(tx);
            let known: bool = client
                .query_one("SELECT EXISTS (SELECT 1 FROM candour_uploads WHERE upload = $1)", &[&id])
                .and_then(|r| r.try_get(0))
                .map_err(|e| db_error(&e))?;
            return Err(if known {
                StoreError::BadChunk("chunks must arrive in order")
            } else {
                StoreError::UnknownUpload
            });
        }
        tx.commit().map_err(|e| db_error(&e))
    }

    /// [`Store::purge_expired`] on one connection.
    fn purge_in(&self, client: &mut Client, today: Day) -> Result<PurgeReport, StoreError> {
        let epochs = epoch_days(client)?;
        let span = i64::from(self.retention.epoch_days.max(1));
        let expired: Vec<i64> = epochs
            .into_iter()
            .filter(|first| {
                self.retention.expires_after(Day::from_days_since_epoch(*first).plus_days(span - 1)) <= today
            })
            .collect();
        let mut report = PurgeReport::default();
        if expired.is_empty() {
            return Ok(report);
        }
        let mut tx = client.transaction().map_err(|e| db_error(&e))?;
        // The same lock as creating an epoch: nobody is adding a key or table meanwhile.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EPOCH_LOCK]).map_err(|e| db_error(&e))?;
        for first in &expired {
            let removed =
                tx.execute("DELETE FROM candour_entries WHERE epoch = $1", &[first]).map_err(|e| db_error(&e))?;
            tx.execute("DELETE FROM candour_uploads WHERE epoch = $1", &[first]).map_err(|e| db_error(&e))?;
            tx.execute("DELETE FROM candour_epochs WHERE epoch = $1", &[first]).map_err(|e| db_error(&e))?;
            tx.batch_execute(&format!("DROP TABLE IF EXISTS {}", chunk_table(*first))).map_err(|e| db_error(&e))?;
            report.entries += removed;
            report.epochs += 1;
        }
        self.vacuum_owed.store(true, std::sync::atomic::Ordering::SeqCst);
        tx.commit().map_err(|e| db_error(&e))?;
        {
            let mut keys = self.keys.lock().map_err(|_| poisoned())?;
            for first in &expired {
                keys.remove(first);
            }
        }
        Ok(report)
    }

    /// Rewrites the key table after a purge deleted key rows, so they leave its live file, and
    /// marks deleted entry rows reusable. Owed until it succeeds: a purge whose commit went
    /// through but whose connection dropped before this ran has it done by the next purge.
    fn vacuum_after_purge(&self, client: &mut Client) -> Result<(), StoreError> {
        if !self.vacuum_owed.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(());
        }
        // Neither can run inside a transaction, and several statements in one string would run
        // as one implicit transaction: one call each.
        for vacuum in ["VACUUM (FULL) candour_epochs", "VACUUM candour_entries, candour_uploads"] {
            client.batch_execute(vacuum).map_err(|e| db_error(&e))?;
        }
        self.vacuum_owed.store(false, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Makes the upload an entry of `place` within `tx`; `None` if it began on a server that has
    /// since restarted or failed over.
    fn commit_in(&self, tx: &mut Transaction<'_>, upload: i64, place: Place) -> Result<Option<EntryInfo>, StoreError> {
        let row = tx
            .query_opt(
                "DELETE FROM candour_uploads WHERE upload = $1 \
                 RETURNING epoch, chunks, len, server_start = pg_postmaster_start_time()",
                &[&upload],
            )
            .map_err(|e| db_error(&e))?
            .ok_or(StoreError::UnknownUpload)?;
        let (epoch, chunks, len, same_server): (i64, i32, i64, bool) = (
            row.try_get(0).map_err(|e| db_error(&e))?,
            row.try_get(1).map_err(|e| db_error(&e))?,
            row.try_get(2).map_err(|e| db_error(&e))?,
            row.try_get(3).map_err(|e| db_error(&e))?,
        );
        if !same_server {
            // The server restarted or failed over since this upload began: its last chunks may
            // be lost without a trace (see "Durability"), so it must never become an entry.
            return Ok(None);
        }
        let (area, owner) = area_owner(place);
        let seq: i64 = if place == Place::Inbox {
            tx.query_one(
                "WITH counter AS (UPDATE candour_inbox SET high = high + 1 RETURNING high) \
                 INSERT INTO candour_entries (area, owner, seq, upload, epoch, len, chunks) \
                 SELECT $1, $2, high, $3, $4, $5, $6 FROM counter RETURNING seq",
                &[&area, &owner, &upload, &epoch, &len, &chunks],
            )
            .and_then(|r| r.try_get(0))
            .map_err(|e| db_error(&e))?
        } else {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&place_lock(area, &owner)]).map_err(|e| db_error(&e))?;
            tx.query_one(
                "INSERT INTO candour_entries (area, owner, seq, upload, epoch, len, chunks) \
                 SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6 FROM candour_entries \
                 WHERE area = $1 AND owner = $2 RETURNING seq",
                &[&area, &owner, &upload, &epoch, &len, &chunks],
            )
            .and_then(|r| r.try_get(0))
            .map_err(|e| db_error(&e))?
        };
        self.info_of(seq, epoch, len, chunks).map(Some)
    }
}

/// The first days of every epoch that has a key, oldest first.
fn epoch_days(client: &mut impl postgres::GenericClient) -> Result<Vec<i64>, StoreError> {
    let rows = client.query("SELECT epoch FROM candour_epochs ORDER BY epoch", &[]).map_err(|e| db_error(&e))?;
    rows.iter().map(|r| r.try_get::<_, i64>(0).map_err(|e| db_error(&e))).collect()
}

fn poisoned() -> StoreError {
    StoreError::Io("a writer panicked".into())
}

impl Store for PgStore {
    fn retention(&self) -> Retention {
        self.retention
    }

    fn begin(&self, today: Day) -> Result<UploadId, StoreError> {
        let first = self.retention.epoch_start(today).days_since_epoch();
        self.run(|client| self.begin_in(client, first))
    }

    fn put_chunk(&self, upload: UploadId, index: u32, chunk: &Ciphertext) -> Result<(), StoreError> {
        if chunk.len() > CHUNK_SIZE || chunk.is_empty() {
            return Err(StoreError::BadChunk("a chunk must hold 1 to 65536 bytes"));
        }
        let id = upload_row(upload)?;
        let idx = i32::try_from(index).map_err(|_| StoreError::BadChunk("too many chunks"))?;
        self.run(|client| self.put_chunk_in(client, id, idx, index, chunk))
    }

    fn commit(&self, upload: UploadId, place: Place) -> Result<EntryInfo, StoreError> {
        let id = upload_row(upload)?;
        let committed = self.run(|client| {
            let mut tx = client.transaction().map_err(|e| db_error(&e))?;
            let Some(info) = self.commit_in(&mut tx, id, place)? else { return Ok(None) };
            // Returns once the commit is flushed here and on the synchronous standby.
            tx.commit().map_err(|e| db_error(&e))?;
            Ok(Some(info))
        })?;
        match committed {
            Some(info) => {
                self.uploads.lock().map_err(|_| poisoned())?.remove(&id);
                Ok(info)
            }
            None => {
                self.abort(upload)?;
                Err(StoreError::Io("the database restarted during this upload: it must be sent again".into()))
            }
        }
    }

    fn abort(&self, upload: UploadId) -> Result<(), StoreError> {
        let Ok(id) = i64::try_from(upload.0) else { return Ok(()) };
        self.uploads.lock().map_err(|_| poisoned())?.remove(&id);
        self.run(|client| {
            let mut tx = client.transaction().map_err(|e| db_error(&e))?;
            let row = tx
                .query_opt("DELETE FROM candour_uploads WHERE upload = $1 RETURNING epoch", &[&id])
                .map_err(|e| db_error(&e))?;
            if let Some(row) = row {
                let epoch: i64 = row.try_get(0).map_err(|e| db_error(&e))?;
                tx.execute(&format!("DELETE FROM {} WHERE upload = $1", chunk_table(epoch)), &[&id])
                    .map_err(|e| db_error(&e))?;
            }
            tx.commit().map_err(|e| db_error(&e))
        })
    }

    fn list(&self, place: Place, after: Option<Seq>, limit: usize) -> Result<Vec<EntryInfo>, StoreError> {
        let (area, owner) = area_owner(place);
        let after = i64::try_from(after.map_or(0, |s| s.0)).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.read(|client| {
            client.query(
                "SELECT seq, epoch, len, chunks FROM candour_entries WHERE area = $1 AND owner = $2 AND seq > $3 \
                 ORDER BY seq LIMIT $4",
                &[&area, &owner, &after, &limit],
            )
        })?;
        rows.iter().map(|r| self.info_of_row(r)).collect()
    }

    fn info(&self, place: Place, seq: Seq) -> Result<Option<EntryInfo>, StoreError> {
        let (area, owner) = area_owner(place);
        let Ok(seq) = i64::try_from(seq.0) else { return Ok(None) };
        let row = self.read(|client| {
            client.query_opt(
                "SELECT seq, epoch, len, chunks FROM candour_entries WHERE area = $1 AND owner = $2 AND seq = $3",
                &[&area, &owner, &seq],
            )
        })?;
        row.map(|r| self.info_of_row(&r)).transpose()
    }

    fn read_chunk(&self, place: Place, seq: Seq, index: u32) -> Result<Option<Ciphertext>, StoreError> {
        let (area, owner) = area_owner(place);
        let Ok(seq) = i64::try_from(seq.0) else { return Ok(None) };
        let Ok(idx) = i32::try_from(index) else { return Ok(None) };
        let Some(entry) = self.read(|client| {
            client.query_opt(
                "SELECT upload, epoch FROM candour_entries WHERE area = $1 AND owner = $2 AND seq = $3",
                &[&area, &owner, &seq],
            )
        })?
        else {
            return Ok(None);
        };
        let (upload, epoch): (i64, i64) =
            (entry.try_get(0).map_err(|e| db_error(&e))?, entry.try_get(1).map_err(|e| db_error(&e))?);
        let table = chunk_table(epoch);
        let Some(row) = self.read(|client| {
            client.query_opt(&format!("SELECT bytes FROM {table} WHERE upload = $1 AND idx = $2"), &[&upload, &idx])
        })?
        else {
            return Ok(None);
        };
        let stored: Vec<u8> = row.try_get(0).map_err(|e| db_error(&e))?;
        if stored.len() <= SEAL_OVERHEAD {
            return Err(StoreError::Corrupt("a stored chunk is too short"));
        }
        let key = self.run(|client| self.epoch_key(client, epoch, false))?;
        let aad = chunk_aad(upload, index);
        let plain = XChaCha20Poly1305::new(key.as_slice().into())
            .decrypt(XNonce::from_slice(&stored[..24]), Payload { msg: &stored[24..], aad: &aad })
            .map_err(|_| StoreError::Corrupt("a stored chunk does not open under its epoch's key"))?;
        Ok(Some(Ciphertext::from_sealed_bytes(plain)))
    }

    fn purge_expired(&self, today: Day) -> Result<PurgeReport, StoreError> {
        let report = self.run(|client| self.purge_in(client, today))?;
        self.run(|client| self.vacuum_after_purge(client))?;
        Ok(report)
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        // A standby refuses this write. A primary that lost its synchronous standby holds it in
        // the commit, waiting for the standby (no statement timeout covers that wait). After
        // the deadline the check cancels it; PostgreSQL then keeps the write locally with a
        // warning, so the time it took is what tells: a write that needed the whole deadline
        // was not confirmed durable.
        let started = Instant::now();
        self.read(|client| {
            let token = client.cancel_token();
            let (done, finished) = std::sync::mpsc::channel::<()>();
            let canceller = std::thread::spawn(move || {
                if finished.recv_timeout(READY_DEADLINE).is_err() {
                    let _ = token.cancel_query(NoTls);
                }
            });
            let written = client.execute("UPDATE candour_ready SET writes = writes + 1", &[]);
            let _ = done.send(());
            let _ = canceller.join();
            written
        })?;
        if started.elapsed() >= READY_DEADLINE {
            return Err(StoreError::Io(
                "the database did not confirm a write in time: is its synchronous standby down?".into(),
            ));
        }
        self.keep_open_lock()
    }
}
