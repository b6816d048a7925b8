//! A reviewer's working session: their keys, the verified directory, the relay and the
//! encrypted cache. Sync, triage, notes, replies and attachments go through here.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use candour_core::directory::VerifiedDirectory;
use candour_core::envelope::{AttachmentMeta, AttachmentSink, DiscardAttachments, OpenError};
use candour_core::keys::{parse_age_recipient, ReviewerSecret};
use candour_core::message::{open_document, seal_document, OpenDocumentError, OpenedDocument};
use candour_core::report::{Document, Receipt, Reply, SCHEMA_VERSION};
use candour_core::wire::{CaseStreamId, ThreadId};
use candour_core::Day;
use candour_submit::client::ClientError;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cache::{Cache, CacheContents, CacheError};
use crate::client::{ListedEntry, RelayPolicy, ReviewClient};
use crate::event::{
    heads, open_event, seal_event, verify_chain, Action, CaseEvent, ChainError, EventHash, ReplyKind, Retained,
    SealEventError, VerifiedChain, VerifiedEvent, EVENT_FORMAT,
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
/// A receipt is filed again this many days before the newest message in the reporter's
/// mailbox would leave the relay, so the thread's recipient list is always there for the
/// reporter's next follow-up (a reviewer's tool must sync at least once in that window).
pub const RENEW_RECEIPT_DAYS_BEFORE: i64 = 30;

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
    /// Inbox entries that are not envelopes of the relay's shape at all (not age, another
    /// stanza count, a length no padded plaintext has): never written by Candour.
    pub malformed: Vec<String>,
    /// Entries addressed to this reviewer that were refused, with the reason.
    pub rejected: Vec<String>,
    /// Inbox entries of cases here that the relay no longer serves before their expiry day:
    /// removed by someone with access to the relay.
    pub vanished: Vec<String>,
    /// Automatic receipts filed in reporters' mailboxes (new reports, and renewals).
    pub receipts: usize,
    /// Cases whose history on the relay is incomplete (older than the retention period, with
    /// events this reviewer never saw gone): usable, but said.
    pub incomplete: Vec<(String, String)>,
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

    /// Pulls new inbox entries and case events, verifies them, files the automatic receipts
    /// that are due, and saves the cache.
    ///
    /// Fails loudly, in the report, about anything missing before its time: a known inbox
    /// entry or case event the relay no longer serves while its expiry day has not come is
    /// `vanished` or tampering (nobody may delete an entry; only retention removes them).
    pub async fn sync(&mut self) -> Result<SyncReport, ReviewError> {
        let mut report = SyncReport::default();
        let today = Day::from_unix_seconds(crate::client::unix_now());
        let policy = self.client.policy().await?;
        self.sync_inbox(&mut report, today).await?;
        let threads: Vec<ThreadId> = self.contents.cases.keys().copied().collect();
        for chunk in threads.chunks(CONCURRENT_REQUESTS) {
            let mut tasks = JoinSet::new();
            for thread in chunk {
                let Some(case) = self.contents.cases.get(thread) else { continue };
                let (client, dir, identity) = (self.client.clone(), Arc::clone(&self.dir), Arc::clone(&self.identity));
                let key = self.secret.signing_key().clone();
                let retained = Retained { today, old_enough: old_enough(case, &policy, today) };
                let (thread, known) = (*thread, case.events.clone());
                tasks.spawn(async move {
                    let fetched = fetch_case(&client, &dir, &identity, &key, &thread, &known, retained).await;
                    (thread, known.len(), fetched)
                });
            }
            while let Some(joined) = tasks.join_next().await {
                let (thread, before, fetched) = joined.map_err(|e| ReviewError::Internal(e.to_string()))?;
                match fetched {
                    Ok(chain) => {
                        report.new_events += chain.events.len().saturating_sub(before);
                        self.tampered.remove(&thread);
                        if !chain.missing_history.is_empty() {
                            report.incomplete.push((
                                case_ref(&thread),
                                format!(
                                    "{} earlier event(s) are no longer on the relay (expired, or removed: Candour \
                                     cannot tell which); a colleague whose cache holds them has the whole history",
                                    chain.missing_history.len()
                                ),
                            ));
                        }
                        if let Some(case) = self.contents.cases.get_mut(&thread) {
                            case.events = chain.events;
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
        self.file_due_receipts(&mut report, &policy, today).await?;
        self.cache.save(&self.contents)?;
        Ok(report)
    }

    async fn sync_inbox(&mut self, report: &mut SyncReport, today: Day) -> Result<(), ReviewError> {
        let key = self.secret.signing_key().clone();
        // The whole listing, not only what is new: it is how an entry removed before its time
        // is noticed. Listings carry numbers and sizes, never contents.
        let listed = self.client.inbox_list(&key, None).await?;
        let present: BTreeMap<u64, ListedEntry> = listed.iter().map(|e| (e.seq, *e)).collect();
        for case in self.contents.cases.values() {
            for r in case.report.iter().chain(case.follow_ups.iter()) {
                let expected = r.expires.is_none_or(|d| d > today);
                let same = present.get(&r.seq).is_some_and(|e| r.expires.is_none() || e.expires == r.expires);
                if expected && !same {
                    report.vanished.push(format!(
                        "inbox entry {} of case {} is no longer on the relay{}: it was removed by someone with \
                         access to the relay; the case is kept here",
                        r.seq,
                        case.case_ref(),
                        r.expires.map(|d| format!(", though it was to be kept until {d}")).unwrap_or_default()
                    ));
                }
            }
        }
        let after = self.contents.inbox_after.unwrap_or(0);
        let entries: Vec<ListedEntry> = listed.into_iter().filter(|e| e.seq > after).collect();
        report.inbox_entries = entries.len();
        let stanzas = self.dir.directory().stanzas;
        let fetches = Arc::new(Semaphore::new(FETCH_CONCURRENCY));
        let mut batches = entries.chunks(INBOX_BATCH);
        let mut pending = batches.next().map(|b| self.fetch_inbox(b, &key, &fetches));
        // Downloads finish in any order; what is said about them is in inbox order.
        let mut malformed = Vec::new();
        while let Some(mut fetching) = pending.take() {
            let mut blobs: Vec<(u64, Vec<u8>)> = Vec::with_capacity(INBOX_BATCH);
            while let Some(joined) = fetching.join_next().await {
                let (seq, bytes) = joined.map_err(|e| ReviewError::Internal(e.to_string()))?;
                let bytes = bytes?;
                // Not an envelope of the relay's shape: never written by Candour. Said apart
                // from "for someone else", and never trial-decrypted.
                match candour_core::shape::check(&bytes, stanzas) {
                    Ok(_) => blobs.push((seq, bytes)),
                    Err(e) => malformed.push((seq, format!("inbox entry {seq}: {e}"))),
                }
            }
            // The next batch downloads while this one is decrypted.
            pending = batches.next().map(|b| self.fetch_inbox(b, &key, &fetches));
            let mut opened = self.open_inbox(blobs).await?;
            opened.sort_by_key(|(seq, _)| *seq);
            for (seq, result) in opened {
                let expires = entries.iter().find(|e| e.seq == seq).and_then(|e| e.expires);
                self.file_inbox_entry(seq, expires, result, report);
            }
        }
        malformed.sort();
        report.malformed.extend(malformed.into_iter().map(|(_, m)| m));
        if let Some(last) = entries.last() {
            self.contents.inbox_after = Some(last.seq);
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
        expires: Option<Day>,
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
                let received = Received { seq, expires, report: r, attachments };
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
                case.follow_ups.push(Received { seq, expires, report: f, attachments });
                report.follow_ups += 1;
            }
            Document::Reply(_) | Document::Receipt(_) => {
                report.rejected.push(format!("inbox entry {seq}: a reviewer's message in the inbox: ignored"))
            }
        }
    }

    /// Re-reads and verifies one case's stream now (used before appending, and by tests).
    pub async fn verify_case(&mut self, reference: &str) -> Result<usize, ReviewError> {
        let case = self.case(reference)?;
        let (thread, known, case_ref) = (case.thread_id, case.events.clone(), case.case_ref());
        let policy = self.client.policy().await?;
        let today = Day::from_unix_seconds(crate::client::unix_now());
        let retained = Retained { today, old_enough: old_enough(case, &policy, today) };
        let events =
            fetch_case(&self.client, &self.dir, &self.identity, self.secret.signing_key(), &thread, &known, retained)
                .await;
        let events = match events {
            Ok(chain) => chain.events,
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
        let (seq, expires) = self.client.case_append(self.secret.signing_key(), &stream, sealed).await?;
        let document = serde_json::to_string(&event).map_err(|e| ReviewError::Internal(e.to_string()))?;
        if let Some(case) = self.contents.cases.get_mut(&thread) {
            // The newest entry of the stream: appended last, never sorted by number (numbers
            // start again in a stream whose every entry has expired).
            case.events.push(VerifiedEvent { seq, expires, hash, document, event });
        }
        self.cache.save(&self.contents)?;
        Ok(hash)
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
        let reply = Document::Reply(Reply {
            schema: SCHEMA_VERSION,
            thread_id: case.thread_id,
            reviewer: self.secret.id.clone(),
            text: text.to_owned(),
            day_sent: today,
            thread_recipients: case.readers(),
        });
        self.file_in_mailbox(reference, &reply).await?;
        self.record(reference, Action::Reply { reply_kind: kind, text: text.to_owned() }, today).await
    }

    /// Seals a document to the reporter of a case and files it in their mailbox.
    async fn file_in_mailbox(&self, reference: &str, document: &Document) -> Result<(), ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        // Follow-ups carry the same reply key and mailbox (both derive from the token).
        let from = case.report.as_ref().or(case.follow_ups.last()).ok_or(ReviewError::NoReport(case_ref.clone()))?;
        let recipient =
            parse_age_recipient(&from.report.reply_recipient).map_err(|_| ReviewError::BadReplyRecipient(case_ref))?;
        let mailbox = from.report.mailbox;
        let sealed = seal_document(
            &[recipient],
            self.dir.directory().stanzas,
            document,
            vec![],
            self.secret.signing_key(),
            vec![],
        )?;
        self.client.mailbox_append(self.secret.signing_key(), &mailbox, sealed).await?;
        Ok(())
    }

    /// Files the automatic receipt of every case that needs one: a report no receipt or reply
    /// has been sent for yet, or whose newest message to the reporter would leave the relay
    /// within [`RENEW_RECEIPT_DAYS_BEFORE`] days. Cases whose stream fails verification are
    /// left alone. The receipt names the case's readers, so the reporter's follow-ups reach
    /// exactly them; recording it as an event tells colleagues' tools not to file another.
    async fn file_due_receipts(
        &mut self,
        report: &mut SyncReport,
        policy: &RelayPolicy,
        today: Day,
    ) -> Result<(), ReviewError> {
        let due: Vec<String> = self
            .contents
            .cases
            .values()
            .filter(|c| !self.tampered.contains_key(&c.thread_id))
            .filter(|c| c.report.is_some() || !c.follow_ups.is_empty())
            .filter(|c| receipt_due(c, policy, today))
            .map(CaseFile::case_ref)
            .collect();
        for reference in due {
            let case = self.case(&reference)?;
            let receipt = Document::Receipt(Receipt {
                schema: SCHEMA_VERSION,
                thread_id: case.thread_id,
                reviewer: self.secret.id.clone(),
                day_sent: today,
                thread_recipients: case.readers(),
            });
            let recipients = case.readers();
            self.file_in_mailbox(&reference, &receipt).await?;
            self.record(&reference, Action::Receipt { recipients }, today).await?;
            report.receipts += 1;
        }
        Ok(())
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
    retained: Retained,
) -> Result<VerifiedChain, FetchError> {
    let stream = CaseStreamId::for_thread(thread);
    let listed = client.case_list(key, &stream).await.map_err(FetchError::Client)?;
    let mut events = Vec::with_capacity(listed.len());
    for entry in listed {
        // The same entry as one verified before: same number and, where known, the same expiry
        // day (numbers start again in a stream whose every entry has expired, never within one
        // epoch).
        let same = known.iter().find(|k| k.seq == entry.seq && (k.expires.is_none() || k.expires == entry.expires));
        if let Some(k) = same {
            let mut k = k.clone();
            k.expires = entry.expires.or(k.expires);
            events.push(k);
            continue;
        }
        let bytes = client.case_read(key, &stream, entry.seq).await.map_err(FetchError::Client)?;
        let mut event = open_event(dir, identity, thread, entry.seq, &bytes).map_err(FetchError::Chain)?;
        event.expires = entry.expires;
        events.push(event);
    }
    verify_chain(events, known, retained).map_err(FetchError::Chain)
}

/// Whether a case began more than the relay's retention period ago, so that its earliest
/// events may have expired from the relay.
fn old_enough(case: &CaseFile, policy: &RelayPolicy, today: Day) -> bool {
    let started = case
        .report
        .iter()
        .chain(case.follow_ups.iter())
        .map(|r| r.report.day_sent)
        .chain(case.events.iter().map(|e| e.event.day))
        .min();
    started.is_none_or(|d| d.plus_days(i64::from(policy.retention_days)) <= today)
}

/// Whether a case's reporter needs a receipt now (see [`ReviewSession::sync`]).
fn receipt_due(case: &CaseFile, policy: &RelayPolicy, today: Day) -> bool {
    let newest = case
        .events
        .iter()
        .filter(|e| matches!(e.event.action, Action::Receipt { .. } | Action::Reply { .. }))
        .map(|e| e.event.day)
        .max();
    match newest {
        None => true,
        Some(day) => day.plus_days(i64::from(policy.retention_days) - RENEW_RECEIPT_DAYS_BEFORE) <= today,
    }
}

/// Verifies a case stream given as raw relay entries `(seq, envelope)` in served order: opens
/// each, then checks the hash links. The pure core of sync, for audits and tamper tests.
pub fn verify_stream(
    dir: &VerifiedDirectory,
    identity: &age::x25519::Identity,
    thread: &ThreadId,
    entries: &[(u64, Vec<u8>)],
    known: &[VerifiedEvent],
    retained: Retained,
) -> Result<VerifiedChain, ChainError> {
    let events = entries
        .iter()
        .map(|(seq, bytes)| open_event(dir, identity, thread, *seq, bytes))
        .collect::<Result<Vec<_>, _>>()?;
    verify_chain(events, known, retained)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{CaseEvent, EventHash};

    fn case_with(actions: &[(Action, i64)]) -> CaseFile {
        let thread = ThreadId([3; 16]);
        let events = actions
            .iter()
            .enumerate()
            .map(|(i, (action, day))| {
                let event = CaseEvent {
                    format: EVENT_FORMAT.into(),
                    thread_id: thread,
                    author: "psd-1".into(),
                    day: Day::from_days_since_epoch(*day),
                    parents: vec![],
                    action: action.clone(),
                };
                let document = serde_json::to_string(&event).unwrap_or_default();
                VerifiedEvent {
                    seq: i as u64 + 1,
                    expires: None,
                    hash: EventHash::of(document.as_bytes()),
                    document,
                    event,
                }
            })
            .collect();
        CaseFile { thread_id: thread, report: None, follow_ups: vec![], events }
    }

    #[test]
    fn a_receipt_is_due_for_a_new_case_and_again_a_month_before_the_last_message_expires() {
        let year = RelayPolicy { retention_days: 365, retention_epoch_days: 28 };
        let receipt = Action::Receipt { recipients: vec!["psd-1".into()] };
        let note = Action::Note { text: "n".into() };
        let reply = Action::Reply { reply_kind: ReplyKind::Message, text: "r".into() };
        let day = |n| Day::from_days_since_epoch(n);
        assert!(receipt_due(&case_with(&[]), &year, day(1000)), "a new case");
        assert!(receipt_due(&case_with(&[(note.clone(), 1000)]), &year, day(1000)), "notes are not messages");
        let filed = case_with(&[(receipt.clone(), 1000)]);
        assert!(!receipt_due(&filed, &year, day(1000)));
        assert!(!receipt_due(&filed, &year, day(1000 + 334)));
        assert!(receipt_due(&filed, &year, day(1000 + 335)), "30 days before a year is up");
        let replied = case_with(&[(receipt, 1000), (reply, 1200)]);
        assert!(!receipt_due(&replied, &year, day(1000 + 335)), "a later reply carries the readers too");
        assert!(receipt_due(&replied, &year, day(1200 + 335)));
    }
}
