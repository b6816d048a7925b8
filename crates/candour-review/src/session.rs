//! A reviewer's working session: their keys, the verified directory, the relay and the
//! encrypted cache. Sync, triage, notes, replies and attachments go through here.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use candour_core::directory::VerifiedDirectory;
use candour_core::envelope::{AttachmentMeta, AttachmentSink, DiscardAttachments, OpenError};
use candour_core::keys::{parse_age_recipient, ReviewerSecret};
use candour_core::message::{open_document, seal_document, OpenDocumentError, OpenedDocument};
use candour_core::report::{Document, Reply, SCHEMA_VERSION};
use candour_core::wire::{CaseStreamId, ThreadId};
use candour_core::Day;
use candour_submit::client::ClientError;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cache::{Cache, CacheContents, CacheError};
use crate::client::{ListedEntry, ReviewClient};
use crate::event::{
    heads, open_event, seal_event, verify_chain, Action, CaseEvent, ChainError, EventHash, ReplyKind, SealEventError,
    VerifiedEvent, EVENT_FORMAT,
};
use crate::state::{case_ref, CaseFile, Received};
use crate::triage::{Assignment, TriageChange};

/// Inbox entries fetched and trial-decrypted per batch: bounds memory (each is at least 16 KiB,
/// and two batches are held at once) while keeping both cores busy.
const INBOX_BATCH: usize = 512;
/// Concurrent inbox downloads. High because each signed read costs a round trip or more
/// (and the relay's streamed bodies can wait on delayed ACKs), while the bytes are small.
const FETCH_CONCURRENCY: usize = 64;
/// Concurrent case-stream listings and reads during sync.
const CONCURRENT_REQUESTS: usize = 32;
/// How long every entry of a case stays on the relay after the last action on it (days):
/// longer than the relay's default retention (365), so an open case worked at least every
/// three months never loses its report or history to a purge.
pub const KEEP_LIVE_CASE_DAYS: i64 = 400;

/// A trial-decryption result for one inbox entry.
type Opened = (u64, Result<OpenedDocument, OpenDocumentError>);

/// Why a reviewer action failed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The relay could not be reached or refused the request.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The local cache could not be read or written.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// The key file's reviewer is not in the directory with these keys.
    #[error("reviewer {0} is not in the verified directory with these keys: ask for the directory to be updated")]
    NotInDirectory(String),
    /// No case matches the reference.
    #[error("no case {0} in the local cache: run `candour review sync` first")]
    UnknownCase(String),
    /// Several cases match the reference prefix.
    #[error("case reference {0} is ambiguous: {1}")]
    AmbiguousCase(String, String),
    /// The case stream failed verification; nothing was written to it.
    #[error("case {case}: {source}")]
    Chain {
        /// The case reference.
        case: String,
        /// The tampering found.
        source: ChainError,
    },
    /// The action was recorded, but the relay refused to extend the case's retention.
    #[error("case {case}: the action was recorded, but extending the case's retention on the relay failed: {source}")]
    Retention {
        /// The case.
        case: String,
        /// The relay's error.
        source: ClientError,
    },
    /// The case has no report from which to reply (only case events).
    #[error("case {0} has no report or follow-up to take the reporter's mailbox from")]
    NoReport(String),
    /// The report's reply recipient does not parse.
    #[error("case {0}: the reporter's reply key is not a valid age recipient")]
    BadReplyRecipient(String),
    /// A case may only be assigned to someone who can read it: never to a reviewer the
    /// reporter excluded, nor to another queue's.
    #[error("case {case} cannot be assigned to {reviewer}: they are not among its readers")]
    AssigneeCannotRead {
        /// The case reference.
        case: String,
        /// The reviewer asked for.
        reviewer: String,
    },
    /// A triage command changes nothing.
    #[error("nothing to change: give at least one triage field")]
    EmptyTriage,
    /// Sealing an event failed.
    #[error(transparent)]
    SealEvent(#[from] SealEventError),
    /// Sealing the reply failed.
    #[error("sealing the reply failed: {0}")]
    SealReply(#[from] candour_core::envelope::SealError),
    /// Saving attachments failed.
    #[error("saving attachments to {path}: {reason}")]
    Attachments {
        /// The folder.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// The case has no such attachment.
    #[error("case {case} has no attachment {index} in inbox entry {entry}")]
    NoAttachment {
        /// The case reference.
        case: String,
        /// The inbox entry asked for.
        entry: u64,
        /// The attachment's index in that entry.
        index: usize,
    },
    /// An inbox entry fetched again (for its attachments) did not open or verify.
    #[error("inbox entry {entry} did not verify when fetched again: {reason}")]
    Refetched {
        /// The inbox entry.
        entry: u64,
        /// What failed.
        reason: String,
    },
    /// A background task failed.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Inbox entries examined.
    pub inbox_entries: usize,
    /// New reports opened.
    pub reports: usize,
    /// Follow-ups that joined their thread.
    pub follow_ups: usize,
    /// Inbox entries this reviewer cannot open (other queues, or excluded): skipped silently.
    pub skipped: usize,
    /// Entries addressed to this reviewer that were refused, with the reason.
    pub rejected: Vec<String>,
    /// New case events verified.
    pub new_events: usize,
    /// Cases whose stream failed verification, with the tampering named. Their last verified
    /// state is kept; nothing is appended to them until this is resolved.
    pub tampered: Vec<(String, String)>,
}

/// A reviewer's session.
pub struct ReviewSession {
    secret: ReviewerSecret,
    identity: Arc<age::x25519::Identity>,
    dir: Arc<VerifiedDirectory>,
    client: ReviewClient,
    cache: Cache,
    contents: CacheContents,
    /// Cases whose stream failed verification in this session: nothing is appended to them.
    tampered: BTreeMap<ThreadId, ChainError>,
}

impl std::fmt::Debug for ReviewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets stay out of logs: only the reviewer and the cache size.
        write!(f, "ReviewSession({}, {} cases)", self.secret.id, self.contents.cases.len())
    }
}

impl ReviewSession {
    /// Opens a session: checks the keys against the directory and loads the cache at
    /// `cache_path`.
    pub fn open(
        secret: ReviewerSecret,
        dir: VerifiedDirectory,
        client: ReviewClient,
        cache_path: &Path,
    ) -> Result<ReviewSession, ReviewError> {
        match dir.reviewer(&secret.id) {
            Some(r)
                if r.signing_key == secret.public_signing_key()
                    && r.x25519_recipient().map(|k| k.to_string()) == Some(secret.recipient().to_string()) => {}
            _ => return Err(ReviewError::NotInDirectory(secret.id.clone())),
        }
        let cache = Cache::new(cache_path, &secret);
        let contents = cache.load()?;
        let identity = Arc::new(secret.identity().clone());
        let dir = Arc::new(dir);
        Ok(ReviewSession { secret, identity, dir, client, cache, contents, tampered: BTreeMap::new() })
    }

    /// This reviewer's id.
    pub fn reviewer_id(&self) -> &str {
        &self.secret.id
    }

    /// The verified directory.
    pub fn directory(&self) -> &VerifiedDirectory {
        &self.dir
    }

    /// The relay client.
    pub fn client(&self) -> &ReviewClient {
        &self.client
    }

    /// The cache's contents.
    pub fn contents(&self) -> &CacheContents {
        &self.contents
    }

    /// Every case this reviewer can read.
    pub fn cases(&self) -> impl Iterator<Item = &CaseFile> {
        self.contents.cases.values()
    }

    /// The case whose reference starts with `reference` (at least 4 hex digits).
    pub fn case(&self, reference: &str) -> Result<&CaseFile, ReviewError> {
        let wanted = reference.trim().to_ascii_lowercase();
        if wanted.len() < 4 {
            return Err(ReviewError::UnknownCase(reference.to_owned()));
        }
        let matches: Vec<&CaseFile> = self.cases().filter(|c| c.case_ref().starts_with(&wanted)).collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(ReviewError::UnknownCase(reference.to_owned())),
            many => Err(ReviewError::AmbiguousCase(
                reference.to_owned(),
                many.iter().map(|c| c.case_ref()).collect::<Vec<_>>().join(", "),
            )),
        }
    }

    /// Pulls new inbox entries and case events, verifies them, and saves the cache.
    pub async fn sync(&mut self) -> Result<SyncReport, ReviewError> {
        let mut report = SyncReport::default();
        self.sync_inbox(&mut report).await?;
        let threads: Vec<ThreadId> = self.contents.cases.keys().copied().collect();
        for chunk in threads.chunks(CONCURRENT_REQUESTS) {
            let mut tasks = JoinSet::new();
            for thread in chunk {
                let Some(case) = self.contents.cases.get(thread) else { continue };
                let (client, dir, identity) = (self.client.clone(), Arc::clone(&self.dir), Arc::clone(&self.identity));
                let key = self.secret.signing_key().clone();
                let (thread, known) = (*thread, case.events.clone());
                tasks.spawn(async move {
                    let fetched = fetch_case(&client, &dir, &identity, &key, &thread, &known).await;
                    (thread, known.len(), fetched)
                });
            }
            while let Some(joined) = tasks.join_next().await {
                let (thread, before, fetched) = joined.map_err(|e| ReviewError::Internal(e.to_string()))?;
                match fetched {
                    Ok(events) => {
                        report.new_events += events.len().saturating_sub(before);
                        self.tampered.remove(&thread);
                        if let Some(case) = self.contents.cases.get_mut(&thread) {
                            case.events = events;
                        }
                    }
                    Err(FetchError::Chain(e)) => {
                        report.tampered.push((case_ref(&thread), e.to_string()));
                        self.tampered.insert(thread, e);
                    }
                    Err(FetchError::Client(e)) => return Err(e.into()),
                }
            }
        }
        self.cache.save(&self.contents)?;
        Ok(report)
    }

    async fn sync_inbox(&mut self, report: &mut SyncReport) -> Result<(), ReviewError> {
        let key = self.secret.signing_key().clone();
        let entries = self.client.inbox_list(&key, self.contents.inbox_after).await?;
        report.inbox_entries = entries.len();
        let fetches = Arc::new(Semaphore::new(FETCH_CONCURRENCY));
        let mut batches = entries.chunks(INBOX_BATCH);
        let mut pending = batches.next().map(|b| self.fetch_inbox(b, &key, &fetches));
        while let Some(mut fetching) = pending.take() {
            let mut blobs: Vec<(u64, Vec<u8>)> = Vec::with_capacity(INBOX_BATCH);
            while let Some(joined) = fetching.join_next().await {
                let (seq, bytes) = joined.map_err(|e| ReviewError::Internal(e.to_string()))?;
                blobs.push((seq, bytes?));
            }
            // The next batch downloads while this one is decrypted.
            pending = batches.next().map(|b| self.fetch_inbox(b, &key, &fetches));
            let mut opened = self.open_inbox(blobs).await?;
            opened.sort_by_key(|(seq, _)| *seq);
            for (seq, result) in opened {
                self.file_inbox_entry(seq, result, report);
                self.contents.inbox_after = Some(seq);
            }
        }
        Ok(())
    }

    /// Starts fetching a batch of inbox entries, at most `FETCH_CONCURRENCY` at once.
    fn fetch_inbox(
        &self,
        batch: &[ListedEntry],
        key: &ed25519_dalek::SigningKey,
        fetches: &Arc<Semaphore>,
    ) -> JoinSet<(u64, Result<Vec<u8>, ClientError>)> {
        let mut tasks = JoinSet::new();
        for entry in batch {
            let (client, key, seq, fetches) = (self.client.clone(), key.clone(), entry.seq, Arc::clone(fetches));
            tasks.spawn(async move {
                // The semaphore is never closed, so acquiring only waits.
                let _permit = fetches.acquire_owned().await;
                (seq, client.inbox_read(&key, seq).await)
            });
        }
        tasks
    }

    /// Trial-decrypts blobs on every core: X25519 against each stanza dominates sync time.
    async fn open_inbox(&self, blobs: Vec<(u64, Vec<u8>)>) -> Result<Vec<Opened>, ReviewError> {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).max(1);
        let per = blobs.len().div_ceil(workers).max(1);
        let mut tasks = JoinSet::new();
        let mut rest = blobs;
        while !rest.is_empty() {
            let tail = rest.split_off(per.min(rest.len()));
            let part = std::mem::replace(&mut rest, tail);
            let identity = Arc::clone(&self.identity);
            tasks.spawn_blocking(move || {
                part.into_iter()
                    .map(|(seq, bytes)| (seq, open_document(identity.as_ref(), &bytes[..], &mut DiscardAttachments)))
                    .collect::<Vec<_>>()
            });
        }
        let mut opened = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            opened.extend(joined.map_err(|e| ReviewError::Internal(e.to_string()))?);
        }
        Ok(opened)
    }

    fn file_inbox_entry(
        &mut self,
        seq: u64,
        result: Result<OpenedDocument, OpenDocumentError>,
        report: &mut SyncReport,
    ) {
        let opened = match result {
            Ok(o) => o,
            Err(OpenDocumentError::Envelope(OpenError::CannotOpen)) => {
                report.skipped += 1;
                return;
            }
            Err(e) => {
                report.rejected.push(format!("inbox entry {seq}: {e}"));
                return;
            }
        };
        let attachments = opened.attachments;
        match opened.document {
            Document::Report(r) => {
                let thread = r.thread_id;
                let received = Received { seq, report: r, attachments };
                match self.contents.cases.get_mut(&thread) {
                    // A follow-up came first: the report must be from the same token holder.
                    Some(case)
                        if case.report.is_none()
                            && case
                                .follow_ups
                                .first()
                                .is_none_or(|f| f.report.reporter_key == received.report.reporter_key) =>
                    {
                        case.report = Some(received)
                    }
                    Some(_) => {
                        report.rejected.push(format!("inbox entry {seq}: a report on an existing thread (a duplicate, or another reporter key): ignored"));
                        return;
                    }
                    None => {
                        self.contents.cases.insert(
                            thread,
                            CaseFile { thread_id: thread, report: Some(received), follow_ups: vec![], events: vec![] },
                        );
                    }
                }
                report.reports += 1;
            }
            Document::FollowUp(f) => {
                let thread = f.thread_id;
                let case = self.contents.cases.entry(thread).or_insert_with(|| CaseFile {
                    thread_id: thread,
                    report: None,
                    follow_ups: vec![],
                    events: vec![],
                });
                // Only the holder of the thread's token may add to it.
                let expected = case.report.as_ref().or(case.follow_ups.first()).map(|r| r.report.reporter_key);
                if expected.is_some_and(|k| k != f.reporter_key) {
                    report.rejected.push(format!(
                        "inbox entry {seq}: a follow-up to case {} signed by a different reporter key: ignored",
                        case.case_ref()
                    ));
                    return;
                }
                case.follow_ups.push(Received { seq, report: f, attachments });
                report.follow_ups += 1;
            }
            Document::Reply(_) => report.rejected.push(format!("inbox entry {seq}: a reply in the inbox: ignored")),
        }
    }

    /// Re-reads and verifies one case's stream now (used before appending, and by tests).
    pub async fn verify_case(&mut self, reference: &str) -> Result<usize, ReviewError> {
        let case = self.case(reference)?;
        let (thread, known, case_ref) = (case.thread_id, case.events.clone(), case.case_ref());
        let events =
            fetch_case(&self.client, &self.dir, &self.identity, self.secret.signing_key(), &thread, &known).await;
        let events = match events {
            Ok(e) => e,
            Err(FetchError::Chain(source)) => {
                self.tampered.insert(thread, source.clone());
                return Err(ReviewError::Chain { case: case_ref, source });
            }
            Err(FetchError::Client(e)) => return Err(e.into()),
        };
        let count = events.len();
        self.tampered.remove(&thread);
        if let Some(case) = self.contents.cases.get_mut(&thread) {
            case.events = events;
        }
        self.cache.save(&self.contents)?;
        Ok(count)
    }

    /// Appends an event to a case, with the heads this reviewer has seen (as of their last
    /// sync) as parents: acting on a stale view is allowed, and the fold merges it. Refused
    /// while the case's stream fails verification.
    pub async fn record(&mut self, reference: &str, action: Action, today: Day) -> Result<EventHash, ReviewError> {
        let case = self.case(reference)?;
        let thread = case.thread_id;
        if let Some(source) = self.tampered.get(&thread) {
            return Err(ReviewError::Chain { case: case.case_ref(), source: source.clone() });
        }
        let event = CaseEvent {
            format: EVENT_FORMAT.to_owned(),
            thread_id: thread,
            author: self.secret.id.clone(),
            day: today,
            parents: heads(&case.events),
            action,
        };
        let (sealed, hash) = seal_event(&self.dir, &case.readers(), &event, self.secret.signing_key())?;
        let stream = CaseStreamId::for_thread(&thread);
        let seq = self.client.case_append(self.secret.signing_key(), &stream, sealed).await?;
        let document = serde_json::to_string(&event).map_err(|e| ReviewError::Internal(e.to_string()))?;
        let closing = matches!(event.action, Action::Close { .. });
        if let Some(case) = self.contents.cases.get_mut(&thread) {
            case.events.push(VerifiedEvent { seq, hash, document, event });
            case.events.sort_by_key(|e| e.seq);
        }
        self.cache.save(&self.contents)?;
        if !closing {
            self.keep_case(&thread).await?;
        }
        Ok(hash)
    }

    /// Extends the relay expiry of every entry of a live case (report, follow-ups, events) to
    /// [`KEEP_LIVE_CASE_DAYS`] from today, so retention never purges a case still being worked.
    ///
    /// Called on every action but closure: open cases are acted on at least every three months
    /// (the feedback duty, and overdue escalations are events too), so they stay; a closed
    /// case ages out on the relay's normal schedule from its last action.
    pub async fn keep_case(&self, thread: &ThreadId) -> Result<usize, ReviewError> {
        let Some(case) = self.contents.cases.get(thread) else { return Ok(0) };
        // The relay's own clock decides what "past" means, so use the real day, not the
        // injected one that drives the duty clocks.
        let until = Day::from_unix_seconds(crate::client::unix_now()).plus_days(KEEP_LIVE_CASE_DAYS);
        let key = self.secret.signing_key();
        let stream = CaseStreamId::for_thread(thread);
        let inbox: Vec<u64> = case.report.iter().chain(case.follow_ups.iter()).map(|r| r.seq).collect();
        let retain = |e: ClientError| ReviewError::Retention { case: case.case_ref(), source: e };
        for seq in &inbox {
            self.client.set_expiry(key, None, *seq, until).await.map_err(retain)?;
        }
        for e in &case.events {
            self.client.set_expiry(key, Some(&stream), e.seq, until).await.map_err(retain)?;
        }
        Ok(inbox.len() + case.events.len())
    }

    /// Records triage changes as one signed case event.
    pub async fn triage(
        &mut self,
        reference: &str,
        change: TriageChange,
        today: Day,
    ) -> Result<EventHash, ReviewError> {
        if change.is_empty() {
            return Err(ReviewError::EmptyTriage);
        }
        if let Some(Assignment::Reviewer(id)) = &change.assignee {
            let case = self.case(reference)?;
            if !case.readers().contains(id) {
                return Err(ReviewError::AssigneeCannotRead { case: case.case_ref(), reviewer: id.clone() });
            }
        }
        self.record(reference, Action::Triage { change }, today).await
    }

    /// Seals a reply to the reporter, files it in their mailbox, and records it on the case.
    pub async fn reply(
        &mut self,
        reference: &str,
        text: &str,
        kind: ReplyKind,
        today: Day,
    ) -> Result<EventHash, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        // Follow-ups carry the same reply key and mailbox (both derive from the token).
        let from = case.report.as_ref().or(case.follow_ups.last()).ok_or(ReviewError::NoReport(case_ref.clone()))?;
        let recipient =
            parse_age_recipient(&from.report.reply_recipient).map_err(|_| ReviewError::BadReplyRecipient(case_ref))?;
        let reply = Document::Reply(Reply {
            schema: SCHEMA_VERSION,
            thread_id: case.thread_id,
            reviewer: self.secret.id.clone(),
            text: text.to_owned(),
            day_sent: today,
            thread_recipients: case.readers(),
        });
        let mailbox = from.report.mailbox;
        let sealed = seal_document(
            &[recipient],
            self.dir.directory().stanzas,
            &reply,
            vec![],
            self.secret.signing_key(),
            vec![],
        )?;
        self.client.mailbox_append(self.secret.signing_key(), &mailbox, sealed).await?;
        self.record(reference, Action::Reply { reply_kind: kind, text: text.to_owned() }, today).await
    }

    /// Fetches a case's report (and follow-ups) again and writes their attachments into
    /// `folder` under sanitised names. Returns the files written. On any failure the files of
    /// the failing envelope are removed (a tampered envelope is only detected at its end).
    pub async fn save_attachments(&self, reference: &str, folder: &Path) -> Result<Vec<PathBuf>, ReviewError> {
        let case = self.case(reference)?;
        let err = |reason: String| ReviewError::Attachments { path: folder.to_owned(), reason };
        std::fs::create_dir_all(folder).map_err(|e| err(e.to_string()))?;
        let mut written = Vec::new();
        for received in case.report.iter().chain(case.follow_ups.iter()).filter(|r| !r.attachments.is_empty()) {
            let bytes = self.client.inbox_read(self.secret.signing_key(), received.seq).await?;
            let mut sink = FolderSink { folder: folder.to_owned(), prefix: received.seq, written: Vec::new() };
            let result = open_document(self.identity.as_ref(), &bytes[..], &mut sink);
            if let Err(e) = result {
                for f in &sink.written {
                    let _ = std::fs::remove_file(f);
                }
                return Err(err(e.to_string()));
            }
            written.extend(sink.written);
        }
        Ok(written)
    }

    /// Fetches one attachment of a case's report or follow-up again and returns its name,
    /// media type and bytes. The bytes are returned only once the whole envelope has verified
    /// (a tampered envelope is only detected at its end), and are never written to disk here.
    pub async fn attachment(
        &self,
        reference: &str,
        entry: u64,
        index: usize,
    ) -> Result<(AttachmentMeta, Vec<u8>), ReviewError> {
        let case = self.case(reference)?;
        let missing = || ReviewError::NoAttachment { case: case.case_ref(), entry, index };
        let received = case.report.iter().chain(case.follow_ups.iter()).find(|r| r.seq == entry).ok_or_else(missing)?;
        if index >= received.attachments.len() {
            return Err(missing());
        }
        let bytes = self.client.inbox_read(self.secret.signing_key(), entry).await?;
        let mut sink = OneAttachment { index, found: None };
        open_document(self.identity.as_ref(), &bytes[..], &mut sink)
            .map_err(|e| ReviewError::Refetched { entry, reason: e.to_string() })?;
        sink.found.ok_or_else(missing)
    }
}

/// Keeps one attachment's bytes in memory.
struct OneAttachment {
    index: usize,
    found: Option<(AttachmentMeta, Vec<u8>)>,
}

impl AttachmentSink for OneAttachment {
    fn attachment(&mut self, index: usize, meta: &AttachmentMeta, len: u64, data: &mut dyn Read) -> io::Result<()> {
        if index == self.index {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(1 << 24));
            data.read_to_end(&mut bytes)?;
            self.found = Some((meta.clone(), bytes));
        }
        Ok(())
    }
}

enum FetchError {
    Chain(ChainError),
    Client(ClientError),
}

/// Lists a case stream, opens the entries not yet verified, and verifies the whole chain.
async fn fetch_case(
    client: &ReviewClient,
    dir: &VerifiedDirectory,
    identity: &age::x25519::Identity,
    key: &ed25519_dalek::SigningKey,
    thread: &ThreadId,
    known: &[VerifiedEvent],
) -> Result<Vec<VerifiedEvent>, FetchError> {
    let stream = CaseStreamId::for_thread(thread);
    let listed = client.case_list(key, &stream).await.map_err(FetchError::Client)?;
    let known_seqs: BTreeSet<u64> = known.iter().map(|e| e.seq).collect();
    let mut events = Vec::with_capacity(listed.len());
    for entry in listed {
        if known_seqs.contains(&entry.seq) {
            if let Some(k) = known.iter().find(|k| k.seq == entry.seq) {
                events.push(k.clone());
            }
            continue;
        }
        let bytes = client.case_read(key, &stream, entry.seq).await.map_err(FetchError::Client)?;
        events.push(open_event(dir, identity, thread, entry.seq, &bytes).map_err(FetchError::Chain)?);
    }
    verify_chain(events, known).map_err(FetchError::Chain)
}

/// Verifies a case stream given as raw relay entries `(seq, envelope)` in served order: opens
/// each, then checks the hash links. The pure core of sync, for audits and tamper tests.
pub fn verify_stream(
    dir: &VerifiedDirectory,
    identity: &age::x25519::Identity,
    thread: &ThreadId,
    entries: &[(u64, Vec<u8>)],
    known: &[VerifiedEvent],
) -> Result<Vec<VerifiedEvent>, ChainError> {
    let events = entries
        .iter()
        .map(|(seq, bytes)| open_event(dir, identity, thread, *seq, bytes))
        .collect::<Result<Vec<_>, _>>()?;
    verify_chain(events, known)
}

/// Writes attachments into a folder as `<inbox entry>-<index>-<sanitised name>`.
struct FolderSink {
    folder: PathBuf,
    prefix: u64,
    written: Vec<PathBuf>,
}

/// A file name safe on every platform: no separators, no leading dots, bounded length.
pub fn sanitise_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "attachment".into()
    } else {
        trimmed.to_owned()
    }
}

impl AttachmentSink for FolderSink {
    fn attachment(&mut self, index: usize, meta: &AttachmentMeta, _len: u64, data: &mut dyn Read) -> io::Result<()> {
        let path = self.folder.join(format!("{}-{}-{}", self.prefix, index, sanitise_file_name(&meta.name)));
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        self.written.push(path);
        io::copy(data, &mut file)?;
        file.sync_all()
    }
}
