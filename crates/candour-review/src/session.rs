//! A reviewer's working session: their keys, the verified directory, the relay and the
//! encrypted cache. Sync, triage, notes, replies and attachments go through here.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use candour_client::ClientError;
use candour_core::directory::{Role, VerifiedDirectory};
use candour_core::envelope::{AttachmentMeta, AttachmentSink, DiscardAttachments, OpenError};
use candour_core::keys::{parse_age_recipient, PublicSigningKey, ReviewerSecret};
use candour_core::message::{open_document, seal_document, OpenDocumentError, OpenedDocument};
use candour_core::report::{Disclosure, Document, EscalationNotice, Receipt, Reply, SCHEMA_VERSION};
use candour_core::routing::check_sealed_to;
use candour_core::wire::{CaseStreamId, ThreadId};
use candour_core::Day;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cache::{Cache, CacheContents, CacheError, DeferredEntry, SeenDirectory};
use crate::client::{DownloadFailure, EntryReader, ListedEntry, RelayPolicy, ReviewClient};
use crate::clocks::{overdue, Overdue};
use crate::escalation::ReceivedEscalation;
use crate::event::{
    heads, open_event, seal_event, verify_chain, Action, CaseEvent, CaseReaders, ChainError, DiscardReason, EventHash,
    ReplyKind, Retained, SealEventError, VerifiedChain, VerifiedEvent, EVENT_FORMAT,
};
use crate::keyring::KeyRing;
use crate::state::{case_ref, CaseFile, Received};
use crate::triage::{Assignment, Status, TriageChange};

/// Inbox entries started but not yet filed, at most: finished entries wait to be filed in
/// inbox order, so this bounds what waits behind a slow one.
const INBOX_WINDOW: usize = 512;
/// Bytes of opened documents waiting to be filed, at most (each counted as the least of its
/// entry's length and the largest document an envelope holds). With [`INBOX_WINDOW`] and
/// [`FETCH_CONCURRENCY`] this bounds sync's memory whatever the inbox holds.
const INBOX_DOCUMENT_BUDGET: u64 = 64 << 20;
/// Concurrent inbox downloads, each read as it arrives and trial-decrypted on its own blocking
/// thread. High because each signed read costs a round trip or more (and the relay's streamed
/// bodies can wait on delayed ACKs), while what each holds is small.
const FETCH_CONCURRENCY: usize = 32;
/// By default sync downloads no inbox entry longer than this; longer ones are deferred and
/// said (see [`ReviewSession::set_max_entry_bytes`]). Downloads are streamed, so the limit is on
/// time and bandwidth, not memory: an attacker can encrypt large junk to every reviewer.
pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 64 << 20;
/// Syncs that try to download an inbox entry whose bytes do not arrive whole before it is
/// left alone (and said) until asked again ([`ReviewSession::retry_deferred`]).
pub const MAX_DOWNLOAD_ATTEMPTS: u32 = 3;
/// The longest case-stream entry: an event is a document (at most 1 MiB) padded and sealed.
pub const MAX_EVENT_ENTRY_BYTES: u64 = 2 << 20;
/// Concurrent case-stream listings and reads during sync.
const CONCURRENT_REQUESTS: usize = 32;
/// A receipt is filed again this many days before the newest message in the reporter's
/// mailbox would leave the relay, so the thread's recipient list is always there for the
/// reporter's next follow-up (a reviewer's tool must sync at least once in that window).
pub const RENEW_RECEIPT_DAYS_BEFORE: i64 = 30;

/// What became of one inbox entry's download.
enum Fetched {
    /// Downloaded (as far as needed) and trial-decrypted.
    Opened(Box<Result<OpenedDocument, OpenDocumentError>>),
    /// Not an envelope of the relay's shape.
    Malformed(candour_core::shape::ShapeError),
    /// For this reviewer, but longer than this machine's limit: not downloaded past its header.
    TooLarge,
    /// age's header is for this reviewer but the contents do not authenticate.
    Forged,
    /// The relay answered for this entry but its bytes did not arrive whole.
    Failed(ClientError),
    /// The relay could not be asked at all: the sync stops and is tried again later.
    Unreachable(ClientError),
}

/// Why a reviewer action failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    #[error("no case {0} in the local cache: sync first to fetch new cases")]
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
    /// A status of "acknowledged" asked for before the reporter was sent an acknowledgement.
    #[error(
        "case {0}: the reporter has not been told their report was received. Send a reply of kind \
         acknowledgement; the status follows"
    )]
    AcknowledgeByReply(String),
    /// A compliment closed with a misconduct outcome, or an allegation with a compliment's.
    #[error(
        "case {case} cannot close as {outcome}: a compliment closes as passed-to-officer, \
         passed-to-line-manager or recorded, and anything else only with the other outcomes{}",
        category.map(|c| format!(" (its category is {c})")).unwrap_or_default()
    )]
    OutcomeNotForCategory {
        /// The case.
        case: String,
        /// The outcome asked for.
        outcome: crate::triage::Outcome,
        /// The case's category, if set.
        category: Option<crate::triage::Category>,
    },
    /// An IOPC referral that cannot be recorded as given.
    #[error("the IOPC referral cannot be recorded: {0}")]
    BadReferral(String),
    /// A discard or restore that cannot be recorded as asked.
    #[error("case {case}: {why}")]
    Discard {
        /// The case.
        case: String,
        /// Why, in plain words.
        why: String,
    },
    /// A request for, or answer about, a held identity that cannot be made as asked.
    #[error("{case}: {why}")]
    Custody {
        /// The case, or the request.
        case: String,
        /// Why, in plain words.
        why: String,
    },
    /// A disposal that cannot be made as asked.
    #[error("case {case} cannot be disposed of: {why}")]
    Dispose {
        /// The case.
        case: String,
        /// Why, in plain words.
        why: String,
    },
    /// A transfer or added reader that cannot be made as asked.
    #[error("case {case} cannot be passed on: {why}")]
    Move {
        /// The case.
        case: String,
        /// Why, in plain words.
        why: String,
    },
    /// A transfer moved the case away from this reviewer: they can read its history up to
    /// then, and do nothing more with it.
    #[error(
        "case {0} was transferred away from you: you can read its history up to the transfer, and act on it no more"
    )]
    PassedOn(String),
    /// Only a supervisor of the case's queues may undo a discard.
    #[error("case {0}: only a supervisor of the case's queues who can read it may restore a discarded entry")]
    RestoreNeedsSupervisor(String),
    /// This device's day and the relay's differ by more than a day: events would be misdated.
    #[error(
        "this computer's date ({device}) is not the relay's ({relay}): nothing was recorded. Correct the \
         computer's clock; an event is always dated with the real day"
    )]
    ClockDisagrees {
        /// This device's day.
        device: Day,
        /// The relay's day.
        relay: Day,
    },
    /// The relay's answers carry no date to check this device's against.
    #[error("the relay's answers carry no date, so this computer's cannot be checked: nothing was recorded")]
    RelayDayUnknown,
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
    /// Writing envelopes out as they are (`export_raw`) failed.
    #[error("writing envelopes into {path}: {reason}")]
    ExportRaw {
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
    /// The directory is older than one this reviewer's tool accepted before.
    #[error(
        "refusing directory version {offered}: this tool has already accepted version {seen}, so it has been \
         rolled back (by the relay or whoever supplied it); ask the organisation for the current directory"
    )]
    DirectoryRolledBack {
        /// The newest version accepted before.
        seen: u64,
        /// The version offered now.
        offered: u64,
    },
    /// A different directory with the version this tool accepted before: one of the two is a
    /// fork shown to some people and not others.
    #[error(
        "refusing directory version {version}: it differs from the version {version} this tool accepted before, so \
         someone is showing different directories to different people; report it to the organisation"
    )]
    DirectoryForked {
        /// The version both claim.
        version: u64,
    },
}

impl ReviewError {
    /// A stable code for logs, tests and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            ReviewError::Client(_) => "relay",
            ReviewError::Cache(_) => "cache",
            ReviewError::NotInDirectory(_) => "not-in-directory",
            ReviewError::UnknownCase(_) => "unknown-case",
            ReviewError::AmbiguousCase(..) => "ambiguous-case",
            ReviewError::Chain { .. } => "case-stream-tampered",
            ReviewError::Move { .. } => "case-move-refused",
            ReviewError::PassedOn(_) => "case-passed-on",
            ReviewError::NoReport(_) => "no-report",
            ReviewError::BadReplyRecipient(_) => "bad-reply-recipient",
            ReviewError::AssigneeCannotRead { .. } => "assignee-cannot-read",
            ReviewError::EmptyTriage => "empty-triage",
            ReviewError::AcknowledgeByReply(_) => "acknowledge-by-reply",
            ReviewError::ClockDisagrees { .. } => "clock-disagrees",
            ReviewError::BadReferral(_) => "bad-referral",
            ReviewError::Discard { .. } => "cannot-discard",
            ReviewError::Dispose { .. } => "cannot-dispose",
            ReviewError::Custody { .. } => "custody-refused",
            ReviewError::RestoreNeedsSupervisor(_) => "restore-needs-supervisor",
            ReviewError::OutcomeNotForCategory { .. } => "outcome-not-for-category",
            ReviewError::RelayDayUnknown => "relay-day-unknown",
            ReviewError::SealEvent(_) => "seal-event",
            ReviewError::SealReply(_) => "seal-reply",
            ReviewError::Attachments { .. } => "attachments",
            ReviewError::ExportRaw { .. } => "export-raw",
            ReviewError::NoAttachment { .. } => "no-attachment",
            ReviewError::Refetched { .. } => "refetched",
            ReviewError::Internal(_) => "internal",
            ReviewError::DirectoryRolledBack { .. } => "directory-rolled-back",
            ReviewError::DirectoryForked { .. } => "directory-forked",
        }
    }
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
    /// Reports and follow-ups taken in whose readers a reviewer should ask about: outside the
    /// usual route for the category, or no longer in the directory.
    pub flagged: Vec<String>,
    /// Inbox entries of cases here that the relay no longer serves before their expiry day:
    /// removed by someone with access to the relay.
    pub vanished: Vec<String>,
    /// Automatic receipts filed in reporters' mailboxes (new reports, and renewals).
    pub receipts: usize,
    /// Escalation notices received: other teams' late cases this reviewer is to chase.
    pub escalations: usize,
    /// Why receipts that are due were not filed (this computer's date is not the relay's);
    /// the next sync with a right clock files them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipts_held: Option<String>,
    /// Cases whose history on the relay is incomplete (older than the retention period, with
    /// events this reviewer never saw gone): usable, but said.
    pub incomplete: Vec<(String, String)>,
    /// New case events verified.
    pub new_events: usize,
    /// Cases whose stream failed verification, with the tampering named. Their last verified
    /// state is kept; nothing is appended to them until this is resolved.
    pub tampered: Vec<(String, String)>,
    /// Inbox entries not taken in yet, with why: longer than this machine's limit, or their
    /// bytes did not arrive whole. Kept and tried again by later syncs (see
    /// [`crate::cache::DeferredEntry`]).
    pub deferred: Vec<String>,
    /// Some entry is held for being longer than this machine downloads: a face says how to
    /// raise the limit (the CLI's `--max-entry-mib`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub held_too_large: bool,
    /// Some entry's download was given up after repeated failures: a face says how to retry
    /// (the CLI's `--retry-deferred`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub held_given_up: bool,
    /// Cases this sync forgot under the force's records rule or a supervisor's disposal:
    /// reference and why.
    pub forgotten: Vec<Forgotten>,
    /// Identity requests received (custodians).
    pub identity_requests: usize,
    /// Custodians' answers received to this reviewer's requests.
    pub identity_answers: usize,
    /// Cases due to be forgotten but kept because the reporter wrote after they were
    /// concluded: reference and what to do.
    pub kept: Vec<(String, String)>,
}

/// A case a reviewer's tool forgot (docs/design.md §6 "Disposal").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Forgotten {
    /// The case reference.
    pub case: String,
    /// Why.
    pub why: String,
    /// Saved attachment files removed with it.
    pub files_removed: usize,
    /// Saved files that could not be removed, and why: the reviewer must remove them.
    pub files_left: Vec<(PathBuf, String)>,
}

/// A reviewer's session.
pub struct ReviewSession {
    secret: ReviewerSecret,
    identity: Arc<KeyRing>,
    dir: Arc<VerifiedDirectory>,
    client: ReviewClient,
    cache: Cache,
    contents: CacheContents,
    /// Cases whose stream failed verification in this session: nothing is appended to them.
    tampered: BTreeMap<ThreadId, ChainError>,
    /// Inbox entries longer than this are not downloaded by sync.
    max_entry_bytes: u64,
    /// Reporter's envelopes this sync found sealed to other readers: filed only if their case's
    /// history holds a reader change that makes this reviewer a reader (a transfer's copies).
    passed_on_pending: Vec<(u64, Option<Day>, OpenedDocument)>,
    /// Whether such envelopes are held for that check (false while it runs: then they are
    /// refused as the reporter did not send them to this reviewer).
    holding_passed_on: bool,
}

/// The longest note a discard or restore may carry.
pub const MAX_DISCARD_NOTE_CHARS: usize = 2000;

/// What [`ReviewSession::escalate_if_overdue`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Escalated {
    /// Nothing is late.
    NotOverdue,
    /// This lateness was escalated before, on `on`: nothing new was recorded.
    Already {
        /// What is late.
        late: Overdue,
        /// When it was first escalated.
        on: Day,
    },
    /// The escalation was recorded as this event.
    Recorded {
        /// What is late.
        late: Overdue,
        /// The event.
        hash: EventHash,
        /// Who outside the unit the notice was sealed to, and who was passed over.
        outside: crate::escalation::OutsideRecipients,
    },
}

/// The longest IOPC referral reference recorded (theirs are short, e.g. `2026/012345`).
pub const MAX_REFERRAL_REFERENCE_CHARS: usize = 100;

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
        Self::open_with_retired(secret, Vec::new(), dir, client, cache_path)
    }

    /// Opens a session that can also decrypt with `retired` identities: this reviewer's keys
    /// from before a rotation, so reports and case events sealed to them still open. They are
    /// never used to sign or to be sealed to.
    pub fn open_with_retired(
        secret: ReviewerSecret,
        retired: Vec<age::x25519::Identity>,
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
        // Every request this session signs names the relay of the directory it trusts.
        client.relay().bind(&dir);
        let cache = Cache::new(cache_path, &secret);
        let mut contents = cache.load()?;
        // Never go back: a directory older than one seen before, or a different one under the
        // same version, is refused (the relay, or whoever feeds the tool its directory, may be
        // hostile). A newer one is remembered at once.
        let offered = SeenDirectory {
            version: dir.directory().version,
            signed_sha256: candour_core::commitment::Sha256Hex(dir.signed_sha256()),
        };
        match contents.directory {
            Some(seen) if seen.version > offered.version => {
                return Err(ReviewError::DirectoryRolledBack { seen: seen.version, offered: offered.version })
            }
            Some(seen) if seen.version == offered.version && seen.signed_sha256 != offered.signed_sha256 => {
                return Err(ReviewError::DirectoryForked { version: seen.version })
            }
            Some(seen) if seen == offered => {}
            _ => {
                contents.directory = Some(offered);
                cache.save(&contents)?;
            }
        }
        let identity = Arc::new(KeyRing::new(secret.identity().clone(), retired));
        let dir = Arc::new(dir);
        let mut session = ReviewSession {
            secret,
            identity,
            dir,
            client,
            cache,
            contents,
            tampered: BTreeMap::new(),
            passed_on_pending: Vec::new(),
            holding_passed_on: true,
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
        };
        // A case past the force's retention is forgotten before anything can show it.
        session.forget_due(candour_client::clock::today())?;
        Ok(session)
    }

    /// Sets the longest inbox entry sync downloads ([`DEFAULT_MAX_ENTRY_BYTES`] unless set);
    /// longer ones are deferred and said, and taken in by a later sync with a higher limit.
    pub fn set_max_entry_bytes(&mut self, bytes: u64) {
        self.max_entry_bytes = bytes;
    }

    /// Makes the next sync try again every deferred inbox entry, whatever its attempts so far.
    pub fn retry_deferred(&mut self) {
        for deferred in self.contents.deferred.values_mut() {
            deferred.attempts = 0;
        }
    }

    /// This reviewer's id.
    pub fn reviewer_id(&self) -> &str {
        &self.secret.id
    }

    /// This reviewer's directory signing key, for what the session signs in their name
    /// (a statistics export: [`crate::published::export_queue`]).
    pub(crate) fn signing_key(&self) -> &ed25519_dalek::SigningKey {
        self.secret.signing_key()
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

    /// Every case this reviewer reads: not those a transfer moved away from them
    /// ([`ReviewSession::passed_on`]).
    pub fn cases(&self) -> impl Iterator<Item = &CaseFile> {
        self.contents.cases.values().filter(|c| c.is_read_by(&self.secret.id) || c.readers().is_empty())
    }

    /// The cases a transfer moved away from this reviewer: their cache keeps the history up to
    /// the transfer, but they are no longer readers, and no inbox, clock or figure counts them.
    pub fn passed_on(&self) -> impl Iterator<Item = &CaseFile> {
        self.contents.cases.values().filter(|c| !c.is_read_by(&self.secret.id) && !c.readers().is_empty())
    }

    /// The case whose reference starts with `reference` (at least 4 hex digits).
    pub fn case(&self, reference: &str) -> Result<&CaseFile, ReviewError> {
        let wanted = reference.trim().to_ascii_lowercase();
        if wanted.len() < 4 {
            return Err(ReviewError::UnknownCase(reference.to_owned()));
        }
        let matches: Vec<&CaseFile> =
            self.contents.cases.values().filter(|c| c.case_ref().starts_with(&wanted)).collect();
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
        let today = Day::from_unix_seconds(candour_client::clock::unix_now());
        let policy = self.client.policy().await?;
        self.sync_inbox(&mut report, today).await?;
        self.file_passed_on(&mut report, &policy, today).await?;
        let threads: Vec<ThreadId> = self.contents.cases.keys().copied().collect();
        for chunk in threads.chunks(CONCURRENT_REQUESTS) {
            let mut tasks = JoinSet::new();
            for thread in chunk {
                let Some(case) = self.contents.cases.get(thread) else { continue };
                let (client, dir, identity) = (self.client.clone(), Arc::clone(&self.dir), Arc::clone(&self.identity));
                let key = self.secret.signing_key().clone();
                let retained = Retained { today, old_enough: old_enough(case, &policy, today) };
                let (thread, known, scope) = (*thread, case.events.clone(), CaseScope::of(case, &self.secret.id));
                tasks.spawn(async move {
                    let fetched = fetch_case(&client, &dir, &identity, &key, &thread, &known, retained, &scope).await;
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
                        report.flagged.extend(chain.refused.iter().map(|r| format!("case {}: {r}", case_ref(&thread))));
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
        self.record_identity_answers(&mut report).await?;
        self.file_due_receipts(&mut report, &policy, today).await?;
        (report.forgotten, report.kept) = self.forget_due_and_kept(today)?;
        self.cache.save(&self.contents)?;
        Ok(report)
    }

    /// Forgets every case a supervisor disposed of, and every case concluded longer ago than
    /// the force's records rule keeps it (docs/design.md §6 "Disposal"): the case file, the
    /// attachment files this tool saved for it, and the previous copy of the cache that still
    /// held it. What is left is its reference, the day and why. A case whose reporter wrote
    /// after it was concluded is kept (see [`SyncReport::kept`]): nothing the reporter sent
    /// is forgotten unread. `today` is the device's day ([`ReviewSession::sync`] and opening a
    /// session pass it); the relay's copies follow the relay's own retention.
    pub fn forget_due(&mut self, today: Day) -> Result<Vec<Forgotten>, ReviewError> {
        Ok(self.forget_due_and_kept(today)?.0)
    }

    /// [`ReviewSession::forget_due`], and the cases kept because their reporter wrote after.
    fn forget_due_and_kept(&mut self, today: Day) -> Result<ForgottenAndKept, ReviewError> {
        let mut due: Vec<(ThreadId, String)> = Vec::new();
        let mut kept = Vec::new();
        for (thread, case) in self.contents.cases.iter().filter(|(t, _)| !self.tampered.contains_key(*t)) {
            match disposal_due(case, &self.dir, today) {
                Some(DueDisposal { kept: Some(why), .. }) => kept.push((case.case_ref(), why)),
                Some(DueDisposal { why, kept: None }) => due.push((*thread, why)),
                None => {}
            }
        }
        let mut forgotten = Vec::new();
        for (thread, why) in due {
            let case = case_ref(&thread);
            self.contents.cases.remove(&thread);
            self.contents.identity_answers.remove(&thread);
            let mut removed = 0;
            let mut left = Vec::new();
            for path in self.contents.saved.remove(&thread).unwrap_or_default() {
                match std::fs::remove_file(&path) {
                    Ok(()) => removed += 1,
                    // Already gone (moved or deleted by the reviewer): nothing left to remove.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => left.push((path, e.to_string())),
                }
            }
            self.contents.disposed.push(crate::cache::DisposedCase {
                case: case.clone(),
                on: today,
                why: why.clone(),
                files_left: left.iter().map(|(p, _)| p.clone()).collect(),
            });
            forgotten.push(Forgotten { case, why, files_removed: removed, files_left: left });
        }
        if !forgotten.is_empty() {
            // Twice: the first save keeps the copy it replaces as `.previous`, which still held
            // the cases; the second replaces that copy with one that does not.
            self.cache.save(&self.contents)?;
            self.cache.save(&self.contents)?;
        }
        Ok((forgotten, kept))
    }

    /// Records a supervisor's early disposal of a concluded case (closed, or set aside as not
    /// a report), said why, as the force's records policy asks (docs/design.md §6
    /// "Disposal"). The first supervisor's proposes it; a second supervisor's makes it take
    /// effect: the case is forgotten here (returned) and by every other reader's tool at its
    /// next sync. Empty while only proposed.
    pub async fn dispose(&mut self, reference: &str, note: &str) -> Result<Vec<Forgotten>, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let refuse = |why: String| ReviewError::Dispose { case: case_ref.clone(), why };
        if !self.dir.reviewer(&self.secret.id).is_some_and(|r| r.role == Role::Supervisor) {
            return Err(refuse("only a supervisor can dispose of a case before the force's retention ends".into()));
        }
        let state = case.state();
        if !state.status.is_concluded() && state.discarded.is_none() {
            return Err(refuse(format!(
                "it is still open ({}): only a closed case, or one set aside as not a report, is disposed of",
                state.status
            )));
        }
        if state.disposal_proposed.as_ref().is_some_and(|p| p.by == self.secret.id) {
            return Err(refuse("you proposed it already: a second supervisor must agree".into()));
        }
        let note = note.trim();
        if note.is_empty() || note.chars().count() > MAX_DISCARD_NOTE_CHARS {
            return Err(refuse(format!("say why, in at most {MAX_DISCARD_NOTE_CHARS} characters")));
        }
        self.record(&case_ref, Action::Dispose { note: note.to_owned() }).await?;
        let today = self.event_day().await?;
        self.forget_due(today)
    }

    /// What this tool has forgotten, oldest first (docs/design.md §6 "Disposal").
    pub fn disposed(&self) -> &[crate::cache::DisposedCase] {
        &self.contents.disposed
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
        // Entries deferred by earlier syncs come again, unless given up on; gone ones are said.
        let mut work: Vec<ListedEntry> = Vec::new();
        let deferred: Vec<(u64, DeferredEntry)> =
            self.contents.deferred.iter().map(|(seq, d)| (*seq, d.clone())).collect();
        for (seq, d) in deferred {
            match present.get(&seq) {
                None => {
                    self.contents.deferred.remove(&seq);
                    if d.expires.is_none_or(|day| day > today) {
                        report.vanished.push(format!(
                            "inbox entry {seq}, not yet taken in ({}), is no longer on the relay: it was removed by \
                             someone with access to the relay",
                            d.reason
                        ));
                    }
                }
                Some(e) if d.attempts < MAX_DOWNLOAD_ATTEMPTS => work.push(*e),
                Some(_) => {
                    report.deferred.push(format!(
                        "inbox entry {seq}: {}; given up after {} attempts (a sync that retries held entries \
                         tries again)",
                        d.reason, d.attempts
                    ));
                    report.held_given_up = true;
                }
            }
        }
        let after = self.contents.inbox_after.unwrap_or(0);
        let new: Vec<ListedEntry> = listed.into_iter().filter(|e| e.seq > after).collect();
        report.inbox_entries = new.len();
        let newest = new.last().map(|e| e.seq);
        work.extend(new);
        work.sort_by_key(|e| e.seq);
        work.dedup_by_key(|e| e.seq);

        let fetches = Arc::new(Semaphore::new(FETCH_CONCURRENCY));
        // A window over `work`: entries start in order, finish in any order, and are filed in
        // order; at most INBOX_WINDOW entries and INBOX_DOCUMENT_BUDGET bytes wait at once.
        let bound = |e: &ListedEntry| e.len.min(u64::from(candour_core::envelope::MAX_DOCUMENT_LEN));
        let mut tasks: JoinSet<(usize, Fetched)> = JoinSet::new();
        let mut finished: BTreeMap<usize, Fetched> = BTreeMap::new();
        let (mut started, mut filed, mut waiting) = (0usize, 0usize, 0u64);
        let mut cut_off = Vec::new();
        while filed < work.len() {
            while started < work.len()
                && started - filed < INBOX_WINDOW
                && (started == filed || waiting + bound(&work[started]) <= INBOX_DOCUMENT_BUDGET)
            {
                let entry = work[started];
                waiting += bound(&entry);
                let (index, whole) = (started, entry.len <= self.max_entry_bytes);
                let download = self.download(&key, entry, whole, Some(Arc::clone(&fetches)));
                tasks.spawn(async move { (index, download.await) });
                started += 1;
            }
            while let Some(fetched) = finished.remove(&filed) {
                let entry = work[filed];
                waiting -= bound(&entry);
                filed += 1;
                match fetched {
                    Fetched::Unreachable(e) => cut_off.push((entry, e)),
                    other => self.file_fetched(entry, other, report),
                }
            }
            if filed < work.len() && !finished.contains_key(&filed) {
                let joined = tasks.join_next().await.ok_or_else(|| ReviewError::Internal("a fetch was lost".into()))?;
                let (index, fetched) = joined.map_err(|e| ReviewError::Internal(e.to_string()))?;
                finished.insert(index, fetched);
            }
        }
        // Downloads whose connection failed: once more, one at a time. If the relay answers a
        // small question but this entry's download fails again, the entry is the trouble (it
        // is deferred, and counted); if the relay answers nothing, the sync stops and nothing
        // is lost (the cursor stays, and the next sync asks again).
        for (entry, _) in cut_off {
            let whole = entry.len <= self.max_entry_bytes;
            let fetched = match self.download(&key, entry, whole, None).await {
                Fetched::Unreachable(e) => match self.client.inbox_entry(&key, entry.seq).await {
                    Ok(_) => Fetched::Failed(e),
                    Err(unreachable) => return Err(unreachable.into()),
                },
                other => other,
            };
            self.file_fetched(entry, fetched, report);
        }
        if let Some(newest) = newest {
            self.contents.inbox_after = Some(newest);
        }
        Ok(())
    }

    /// Downloads an inbox entry as it arrives and trial-decrypts it on a blocking thread (see
    /// [`open_streamed`]), holding a permit of `fetches` if given.
    fn download(
        &self,
        key: &ed25519_dalek::SigningKey,
        entry: ListedEntry,
        whole: bool,
        fetches: Option<Arc<Semaphore>>,
    ) -> impl std::future::Future<Output = Fetched> + Send + 'static {
        let (client, key, identity) = (self.client.clone(), key.clone(), Arc::clone(&self.identity));
        let stanzas = self.dir.directory().stanzas;
        async move {
            // The semaphore is never closed, so acquiring only waits.
            let _permit = match fetches {
                Some(f) => f.acquire_owned().await.ok(),
                None => None,
            };
            let reader = client.inbox_stream(&key, entry);
            tokio::task::spawn_blocking(move || open_streamed(reader, entry.len, stanzas, &identity, whole))
                .await
                .unwrap_or_else(|e| Fetched::Failed(ClientError::Protocol(e.to_string())))
        }
    }

    /// Files one inbox entry's download: into a case, or as malformed, or deferred.
    fn file_fetched(&mut self, entry: ListedEntry, fetched: Fetched, report: &mut SyncReport) {
        let seq = entry.seq;
        let mut defer = |reason: String, counts: bool| {
            let d = self.contents.deferred.entry(seq).or_insert_with(|| DeferredEntry {
                attempts: 0,
                len: entry.len,
                expires: entry.expires,
                reason: String::new(),
            });
            if counts {
                d.attempts += 1;
            }
            d.reason = reason.clone();
            report.deferred.push(format!("inbox entry {seq}: {reason}; kept to try again"));
        };
        match fetched {
            Fetched::TooLarge => {
                defer(
                    format!(
                        "{} MiB, longer than this machine downloads ({} MiB; a sync with a higher limit takes it in)",
                        entry.len.div_ceil(1 << 20),
                        self.max_entry_bytes >> 20
                    ),
                    false,
                );
                report.held_too_large = true;
            }
            Fetched::Failed(e) => defer(format!("its bytes did not arrive whole ({e})"), true),
            Fetched::Unreachable(_) => {}
            Fetched::Malformed(e) => {
                self.contents.deferred.remove(&seq);
                report.malformed.push(format!("inbox entry {seq}: {e}"));
            }
            Fetched::Forged => {
                self.contents.deferred.remove(&seq);
                report.rejected.push(format!(
                    "inbox entry {seq}: addressed to this reviewer, but its contents do not authenticate (forged, \
                     or altered after it was sealed)"
                ));
            }
            Fetched::Opened(result) => {
                self.contents.deferred.remove(&seq);
                self.file_inbox_entry(seq, entry.expires, *result, report);
            }
        }
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
        if let Document::EscalationNotice(notice) = opened.document {
            self.file_escalation(seq, notice, &opened.signer, report);
            return;
        }
        let OpenedDocument { document, signer, attachments } = opened;
        let opened = match document {
            Document::IdentityRequest(request) => {
                self.file_identity_request(seq, request, &signer, report);
                return;
            }
            Document::IdentityAnswer(answer) => {
                self.file_identity_answer(seq, answer, &signer, report);
                return;
            }
            document => OpenedDocument { document, signer, attachments },
        };
        // The reporter's signature covers the readers it names, not the envelope's recipients:
        // refuse what the reporter did not send to this reviewer (docs/design.md §7).
        let (sealed_to, category, concerning) = match &opened.document {
            Document::Report(r) => (r.sealed_to.clone(), r.concern.category, r.concern.concerning.clone()),
            Document::FollowUp(f) => {
                let reported = self.contents.cases.get(&f.thread_id).and_then(|c| c.report.as_ref());
                (
                    f.sealed_to.clone(),
                    reported.and_then(|r| r.report.concern.category),
                    reported.map(|r| r.report.concern.concerning.clone()).unwrap_or_default(),
                )
            }
            Document::Reply(_)
            | Document::Receipt(_)
            | Document::EscalationNotice(_)
            | Document::IdentityRequest(_)
            | Document::IdentityAnswer(_) => {
                report.rejected.push(format!("inbox entry {seq}: a reviewer's message in the inbox: ignored"));
                return;
            }
            Document::HeldIdentity(_) => {
                report.rejected.push(format!(
                    "inbox entry {seq}: a reporter's held identity on its own, outside any report: ignored"
                ));
                return;
            }
        };
        // A copy a transfer re-sealed to this reviewer names the readers the reporter sealed it
        // to: it is filed only where the case's history makes this reviewer a reader.
        let thread = opened.document.thread_id();
        let passed_on = !sealed_to.contains(&self.secret.id)
            && opened.document.route().is_some()
            && thread.is_some_and(|t| self.contents.cases.get(&t).is_some_and(|c| c.is_read_by(&self.secret.id)));
        if self.holding_passed_on
            && !sealed_to.contains(&self.secret.id)
            && opened.document.route().is_some()
            && !passed_on
        {
            self.passed_on_pending.push((seq, expires, opened));
            return;
        }
        let attachments = opened.attachments;
        let mut sealed_to = sealed_to;
        if passed_on {
            sealed_to.push(self.secret.id.clone());
        }
        let passed_on_note =
            passed_on.then(|| "re-sealed to this reviewer when the case was passed on to them".to_owned());
        let notes = match check_sealed_to(&self.dir, &self.secret.id, &sealed_to, category, &concerning) {
            Ok(mut found) => {
                let mut notes = Vec::new();
                // Readers a transfer or an added reader brought in are where the case's own
                // history put them, not outside its route.
                let brought_in: Vec<String> = thread
                    .and_then(|t| self.contents.cases.get(&t))
                    .map(|c| c.reader_changes().iter().flat_map(|ch| ch.added()).collect())
                    .unwrap_or_default();
                found.outside_route.retain(|id| !brought_in.contains(id));
                if !found.outside_route.is_empty() {
                    notes.push(format!(
                        "sealed to {} as well, outside the queues this directory routes its category to",
                        found.outside_route.join(", ")
                    ));
                }
                if !found.unknown.is_empty() {
                    notes.push(format!("sealed to {} as well, no longer in the directory", found.unknown.join(", ")));
                }
                notes
            }
            Err(e) => {
                report.rejected.push(format!("inbox entry {seq}: {e} ({})", e.code()));
                return;
            }
        };
        let mut notes = notes;
        notes.extend(passed_on_note);
        if let (Document::FollowUp(f), Some(route)) = (&opened.document, opened.document.route()) {
            if !f.reader_changes.is_empty() {
                // The reporter's client applied these to find its readers: they must hold under
                // this directory as they did under the reporter's.
                let applied = candour_core::reader_change::apply(
                    &self.dir,
                    &f.thread_id,
                    &route.readers,
                    &route.excluded,
                    &f.reader_changes,
                );
                if let Some((_, why)) = applied.refused.first() {
                    notes.push(format!("a reader change it names does not apply here: {why} ({})", why.code()));
                } else if let Some(outside) = f.sealed_to.iter().find(|id| !applied.readers.contains(id)) {
                    notes.push(format!("sealed to {outside}, whom no reader change it names made a reader"));
                }
            }
        }
        if let Some(route) = opened.document.route() {
            // The commitment binds the readers' keys as the reporter's directory gave them: under
            // the same version they must be this directory's, or one of the two was forged.
            if route.directory_version == self.dir.directory().version && !route.matches_keys(&self.dir) {
                notes.push(format!(
                    "sealed under reader keys that differ from directory version {}: the reporter's copy of the directory \
                     may have been forged",
                    route.directory_version
                ));
            }
            let thread = opened.document.thread_id();
            if let Some(earlier) = thread.and_then(|t| self.contents.cases.get(&t)).and_then(CaseFile::route) {
                if &earlier != route {
                    notes.push("its route commitment differs from the one this case already has".to_owned());
                }
            }
        }
        if !notes.is_empty() {
            report.flagged.push(format!("inbox entry {seq}: {}", notes.join("; ")));
        }
        match opened.document {
            Document::Report(r) => {
                let thread = r.thread_id;
                let received = Received { seq, expires, report: r, attachments, notes };
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
                            CaseFile {
                                thread_id: thread,
                                report: Some(received),
                                follow_ups: vec![],
                                events: vec![],
                                opened: 0,
                            },
                        );
                    }
                }
                report.reports += 1;
            }
            Document::FollowUp(f) => {
                let thread = f.thread_id;
                let case = self.contents.cases.entry(thread).or_insert_with(|| CaseFile::empty(thread));
                // Only the holder of the thread's token may add to it.
                let expected = case.report.as_ref().or(case.follow_ups.first()).map(|r| r.report.reporter_key);
                if expected.is_some_and(|k| k != f.reporter_key) {
                    report.rejected.push(format!(
                        "inbox entry {seq}: a follow-up to case {} signed by a different reporter key: ignored",
                        case.case_ref()
                    ));
                    return;
                }
                // The same signed follow-up again (its envelope submitted a second time, by a
                // reader or a relay replaying it) is one message, not two: said, not added.
                if let Some(first) = case.follow_ups.iter().find(|x| x.report == f && x.attachments == attachments) {
                    report.flagged.push(format!(
                        "inbox entry {seq}: the same follow-up as inbox entry {} again (a replay): not added twice",
                        first.seq
                    ));
                    return;
                }
                case.follow_ups.push(Received { seq, expires, report: f, attachments, notes });
                report.follow_ups += 1;
            }
            // Refused above.
            Document::Reply(_)
            | Document::Receipt(_)
            | Document::EscalationNotice(_)
            | Document::HeldIdentity(_)
            | Document::IdentityRequest(_)
            | Document::IdentityAnswer(_) => {}
        }
    }

    /// Keeps a request for a reporter's identity addressed to this custodian, once checked;
    /// the same request again is kept once.
    fn file_identity_request(
        &mut self,
        seq: u64,
        request: candour_core::custody::IdentityRequest,
        signer: &PublicSigningKey,
        report: &mut SyncReport,
    ) {
        if let Err(e) = crate::custody::check_request(&self.dir, &self.secret.id, &request, signer) {
            report.rejected.push(format!("inbox entry {seq}: an identity request refused: {e} ({})", e.code()));
            return;
        }
        if let Some(first) = self.contents.identity_requests.iter().find(|r| r.request == request) {
            report.flagged.push(format!(
                "inbox entry {seq}: the same identity request as inbox entry {} again: kept once",
                first.seq
            ));
            return;
        }
        let case = case_ref(&request.thread_id);
        self.contents.identity_requests.push(crate::custody::ReceivedIdentityRequest {
            seq,
            request,
            case,
            answered: None,
        });
        report.identity_requests += 1;
    }

    /// Keeps a custodian's answer to this reviewer's request, once checked: from a custodian,
    /// to a request this reviewer recorded on a case they hold, and, if granted, carrying the
    /// identity this case's reporter signed. The next sync records it on the case's history.
    fn file_identity_answer(
        &mut self,
        seq: u64,
        answer: candour_core::custody::IdentityAnswer,
        signer: &PublicSigningKey,
        report: &mut SyncReport,
    ) {
        let refuse = |report: &mut SyncReport, e: crate::custody::CustodyRefused| {
            report.rejected.push(format!("inbox entry {seq}: an identity answer refused: {e} ({})", e.code()));
        };
        if let Err(e) = crate::custody::check_answer(&self.dir, &self.secret.id, &answer, signer) {
            return refuse(report, e);
        }
        let me = self.secret.id.clone();
        let Some(case) = self.contents.cases.get(&answer.thread_id) else {
            return refuse(report, crate::custody::CustodyRefused::NotAsked);
        };
        let asked = case
            .events
            .iter()
            .any(|e| e.event.author == me && matches!(e.event.action, Action::IdentityRequested { .. }));
        let Some(reported) = case.report.as_ref().filter(|_| asked) else {
            return refuse(report, crate::custody::CustodyRefused::NotAsked);
        };
        // A name granted for a case this reviewer no longer reads is not theirs to hold.
        if !case.is_read_by(&me) {
            return refuse(report, crate::custody::CustodyRefused::MovedAway);
        }
        let revealed = match &answer.granted {
            None => None,
            Some(held) => match candour_core::custody::open_held(
                self.identity.as_ref(),
                held,
                &answer.thread_id,
                &reported.report.reporter_key,
            ) {
                Ok(h) => Some(crate::custody::Revealed { name: h.name, contact: h.contact }),
                Err(e) => {
                    return refuse(
                        report,
                        crate::custody::CustodyRefused::NotTheReporters(format!("{e} ({})", e.code())),
                    )
                }
            },
        };
        let answers = self.contents.identity_answers.entry(answer.thread_id).or_default();
        if answers.iter().any(|a| a.seq == seq) {
            return;
        }
        answers.push(crate::custody::ReceivedAnswer {
            seq,
            custodian: answer.custodian,
            day: answer.day,
            note: answer.note,
            revealed,
            recorded: false,
        });
        report.identity_answers += 1;
    }

    /// Records on each case every custodian's answer not yet in its history. Run once the
    /// cases' streams are read: a grant for a case a transfer has since moved away from this
    /// reviewer is dropped, name and all, and said.
    async fn record_identity_answers(&mut self, report: &mut SyncReport) -> Result<(), ReviewError> {
        let me = self.secret.id.clone();
        let moved: Vec<ThreadId> = self
            .contents
            .identity_answers
            .keys()
            .filter(|t| self.contents.cases.get(t).is_some_and(|c| !c.is_read_by(&me)))
            .copied()
            .collect();
        for thread in moved {
            if let Some(answers) = self.contents.identity_answers.remove(&thread) {
                for a in answers.iter().filter(|a| !a.recorded) {
                    let e = crate::custody::CustodyRefused::MovedAway;
                    report.rejected.push(format!(
                        "inbox entry {}: an identity answer refused: {e} ({})",
                        a.seq,
                        e.code()
                    ));
                }
            }
        }
        let pending: Vec<(ThreadId, usize, Action)> = self
            .contents
            .identity_answers
            .iter()
            .flat_map(|(thread, answers)| {
                answers.iter().enumerate().filter(|(_, a)| !a.recorded).map(|(i, a)| {
                    let action = Action::IdentityAnswered {
                        custodian: a.custodian.clone(),
                        granted: a.revealed.is_some(),
                        note: a.note.clone(),
                    };
                    (*thread, i, action)
                })
            })
            .collect();
        for (thread, index, action) in pending {
            if self.tampered.contains_key(&thread) || !self.contents.cases.contains_key(&thread) {
                continue;
            }
            match self.record(&case_ref(&thread), action).await {
                Ok(_) => {}
                // Moved away from this reviewer since they asked: nothing more can be recorded
                // on it by them (the answer stays in their cache), and sync must not fail for it.
                Err(ReviewError::PassedOn(_)) => {}
                Err(e) => return Err(e),
            }
            if let Some(a) = self.contents.identity_answers.get_mut(&thread).and_then(|v| v.get_mut(index)) {
                a.recorded = true;
            }
        }
        Ok(())
    }

    /// Asks the identity custodians for a confidential reporter's name and contact, said why
    /// (docs/design.md §6 "Custodian-held identities"): recorded on the case first, so nothing
    /// reaches a custodian that the history does not show, then sealed to the custodians the
    /// report's identity was sealed to.
    pub async fn request_identity(&mut self, reference: &str, reason: &str) -> Result<EventHash, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let refuse = |why: String| ReviewError::Custody { case: case_ref.clone(), why };
        let Some(Disclosure::Held { custodians, held }) = case.report.as_ref().map(|r| &r.report.concern.disclosure)
        else {
            return Err(refuse("its reporter's name and contact are not held by a custodian".into()));
        };
        let (custodians, held) = (custodians.clone(), held.clone());
        let thread = case.thread_id;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > candour_core::custody::MAX_CUSTODY_NOTE_CHARS {
            return Err(refuse(format!(
                "say why you need it, in at most {} characters",
                candour_core::custody::MAX_CUSTODY_NOTE_CHARS
            )));
        }
        let to: Vec<String> = custodians.into_iter().filter(|c| self.dir.directory().custodians.contains(c)).collect();
        if to.is_empty() {
            return Err(refuse("no custodian it was sealed to is a custodian in the directory now".into()));
        }
        let hash = self.record(&case_ref, Action::IdentityRequested { reason: reason.to_owned() }).await?;
        let request = candour_core::custody::IdentityRequest {
            schema: SCHEMA_VERSION,
            thread_id: thread,
            requester: self.secret.id.clone(),
            day: self.event_day().await?,
            reason: reason.to_owned(),
            held,
        };
        self.file_in_inbox(&Document::IdentityRequest(request), &to).await?;
        Ok(hash)
    }

    /// The identity requests this custodian has received, oldest first.
    pub fn identity_requests(&self) -> &[crate::custody::ReceivedIdentityRequest] {
        &self.contents.identity_requests
    }

    /// Answers an identity request (named by its inbox entry), as its custodian: a grant
    /// re-seals the reporter's own held envelope to the requester alone; a refusal says why.
    pub async fn answer_identity(&mut self, seq: u64, grant: bool, note: &str) -> Result<(), ReviewError> {
        let refuse = |why: String| ReviewError::Custody { case: format!("request {seq}"), why };
        let Some(index) = self.contents.identity_requests.iter().position(|r| r.seq == seq) else {
            return Err(refuse("there is no such identity request".into()));
        };
        let received = self.contents.identity_requests[index].clone();
        if received.answered.is_some() {
            return Err(refuse("it was answered already".into()));
        }
        let note = note.trim();
        if note.is_empty() || note.chars().count() > candour_core::custody::MAX_CUSTODY_NOTE_CHARS {
            return Err(refuse("say why".into()));
        }
        let request = &received.request;
        let Some(recipient) = self.dir.reviewer(&request.requester).and_then(|r| r.x25519_recipient()) else {
            return Err(refuse(format!("{} is no longer in the directory", request.requester)));
        };
        let granted = if grant {
            // Opened first: only the identity of the thread asked about is passed on.
            candour_core::custody::open_held_for_thread(self.identity.as_ref(), &request.held, &request.thread_id)
                .map_err(|e| {
                    refuse(format!("it does not carry the identity of the case it names: {e} ({})", e.code()))
                })?;
            let stanzas = self.dir.directory().stanzas;
            Some(
                candour_core::custody::reseal_held(self.identity.as_ref(), &request.held, &[recipient], stanzas)
                    .map_err(|e| refuse(e.to_string()))?,
            )
        } else {
            None
        };
        let day = self.event_day().await?;
        let answer = candour_core::custody::IdentityAnswer {
            schema: SCHEMA_VERSION,
            thread_id: request.thread_id,
            requester: request.requester.clone(),
            custodian: self.secret.id.clone(),
            day,
            note: note.to_owned(),
            granted,
        };
        self.file_in_inbox(&Document::IdentityAnswer(answer), std::slice::from_ref(&request.requester)).await?;
        self.contents.identity_requests[index].answered = Some((day, grant));
        self.cache.save(&self.contents)?;
        Ok(())
    }

    /// The custodians' answers to this reviewer's requests on a case.
    pub fn identity_answers(&self, reference: &str) -> Result<&[crate::custody::ReceivedAnswer], ReviewError> {
        let thread = self.case(reference)?.thread_id;
        Ok(self.contents.identity_answers.get(&thread).map_or(&[], Vec::as_slice))
    }

    /// The reporter's name and contact, if a custodian granted this reviewer's request.
    pub fn revealed_identity(&self, reference: &str) -> Option<&crate::custody::Revealed> {
        if !self.case(reference).ok()?.is_read_by(&self.secret.id) {
            return None;
        }
        self.identity_answers(reference).ok()?.iter().rev().find_map(|a| a.revealed.as_ref())
    }

    /// Keeps an escalation notice addressed to this reviewer, once checked (see
    /// [`crate::escalation::check_received`]); the same lateness noticed again is kept once.
    fn file_escalation(
        &mut self,
        seq: u64,
        notice: EscalationNotice,
        signer: &PublicSigningKey,
        report: &mut SyncReport,
    ) {
        match crate::escalation::check_received(&self.dir, &self.secret.id, &notice, signer) {
            Ok(duty) => {
                let same = |r: &&ReceivedEscalation| {
                    r.notice.case == notice.case && r.notice.duty == notice.duty && r.notice.due == notice.due
                };
                if let Some(first) = self.contents.escalations.iter().find(same) {
                    report.flagged.push(format!(
                        "inbox entry {seq}: the escalation of case {} for {} due {} again (first as inbox entry {}): \
                         kept once",
                        notice.case, notice.duty, notice.due, first.seq
                    ));
                    return;
                }
                self.contents.escalations.push(ReceivedEscalation { seq, notice, duty, seen: false });
                report.escalations += 1;
            }
            Err(e) => {
                report.rejected.push(format!("inbox entry {seq}: an escalation notice refused: {e} ({})", e.code()))
            }
        }
    }

    /// Escalation notices received, oldest first.
    pub fn escalations(&self) -> &[ReceivedEscalation] {
        &self.contents.escalations
    }

    /// Marks every escalation notice received as seen, and saves the cache.
    pub fn mark_escalations_seen(&mut self) -> Result<(), ReviewError> {
        if self.contents.escalations.iter().any(|e| !e.seen) {
            self.contents.escalations.iter_mut().for_each(|e| e.seen = true);
            self.cache.save(&self.contents)?;
        }
        Ok(())
    }

    /// Files the reporter's envelopes this sync found sealed to other readers where their case's
    /// history makes this reviewer a reader: the copies a transfer or an added reader re-sealed
    /// to them (docs/design.md §6 "Moving cases"). The case's stream is verified first, exactly
    /// as at any sync; anything its history does not explain is refused as not sent to them.
    async fn file_passed_on(
        &mut self,
        report: &mut SyncReport,
        policy: &RelayPolicy,
        today: Day,
    ) -> Result<(), ReviewError> {
        let pending = std::mem::take(&mut self.passed_on_pending);
        for (seq, expires, opened) in pending {
            let (Some(thread), Some(route)) = (opened.document.thread_id(), opened.document.route().cloned()) else {
                continue;
            };
            let known = self.contents.cases.get(&thread);
            if !known.is_some_and(|c| c.is_read_by(&self.secret.id)) {
                let events = known.map(|c| c.events.clone()).unwrap_or_default();
                let sent = match &opened.document {
                    Document::Report(r) | Document::FollowUp(r) => r.day_sent,
                    _ => today,
                };
                let old_enough = sent.plus_days(i64::from(policy.retention_days)) <= today;
                let scope = CaseScope {
                    first: route.readers.clone(),
                    excluded: route.excluded.clone(),
                    me: self.secret.id.clone(),
                };
                let key = self.secret.signing_key().clone();
                let fetched = fetch_case(
                    &self.client,
                    &self.dir,
                    &self.identity,
                    &key,
                    &thread,
                    &events,
                    Retained { today, old_enough },
                    &scope,
                )
                .await;
                match fetched {
                    Ok(chain) => {
                        let case = self.contents.cases.entry(thread).or_insert_with(|| CaseFile::empty(thread));
                        let was = std::mem::replace(&mut case.events, chain.events);
                        if !case.is_read_by(&self.secret.id) {
                            case.events = was;
                            if case.report.is_none() && case.follow_ups.is_empty() {
                                self.contents.cases.remove(&thread);
                            }
                        }
                    }
                    Err(FetchError::Chain(e)) => {
                        report.tampered.push((case_ref(&thread), e.to_string()));
                    }
                    Err(FetchError::Client(e)) => return Err(e.into()),
                }
            }
            // Filed now if the history made this reviewer a reader; refused otherwise.
            self.holding_passed_on = false;
            self.file_inbox_entry(seq, expires, Ok(opened), report);
            self.holding_passed_on = true;
        }
        Ok(())
    }

    /// Re-reads and verifies one case's stream now (used before appending, and by tests).
    pub async fn verify_case(&mut self, reference: &str) -> Result<usize, ReviewError> {
        let case = self.case(reference)?;
        let (thread, known, case_ref, scope) =
            (case.thread_id, case.events.clone(), case.case_ref(), CaseScope::of(case, &self.secret.id));
        let policy = self.client.policy().await?;
        let today = Day::from_unix_seconds(candour_client::clock::unix_now());
        let retained = Retained { today, old_enough: old_enough(case, &policy, today) };
        let key = self.secret.signing_key();
        let events = fetch_case(&self.client, &self.dir, &self.identity, key, &thread, &known, retained, &scope).await;
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
    ///
    /// The event is dated by [`ReviewSession::event_day`]: the real day, never one the
    /// reviewer chooses.
    pub async fn record(&mut self, reference: &str, action: Action) -> Result<EventHash, ReviewError> {
        let case = self.case(reference)?;
        let closing = match &action {
            Action::Close { outcome } => Some((*outcome, None)),
            Action::Triage { change } => match change.status {
                Some(Status::Closed(outcome)) => Some((outcome, change.category)),
                _ => None,
            },
            _ => None,
        };
        if let Some((outcome, new_category)) = closing {
            let category = new_category.or(case.state().category);
            if !outcome.fits(category) {
                return Err(ReviewError::OutcomeNotForCategory { case: case.case_ref(), outcome, category });
            }
        }
        if !case.is_read_by(&self.secret.id) && !case.readers().is_empty() {
            return Err(ReviewError::PassedOn(case.case_ref()));
        }
        let today = self.event_day().await?;
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
            directory_version: Some(self.dir.directory().version),
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
            case.events.push(VerifiedEvent { seq, expires, hash, document, event, refused: None });
        }
        self.cache.save(&self.contents)?;
        Ok(hash)
    }

    /// The day an event or reply is dated: this device's, checked against the relay's (the
    /// `Date` of its latest answer) to within a day either way, for time zones and a midnight
    /// between the two. A `--today` moves views and deadlines only (docs/design.md §6): an
    /// acknowledgement cannot be dated back into the 7-day window.
    pub async fn event_day(&self) -> Result<Day, ReviewError> {
        if self.client.relay().relay_day().is_none() {
            // No answer yet in this session: any answer carries the relay's day.
            self.client.policy().await?;
        }
        let device = candour_client::clock::today();
        match self.client.relay().relay_day() {
            Some(relay) if device.days_since(relay).abs() <= 1 => Ok(device),
            Some(relay) => Err(ReviewError::ClockDisagrees { device, relay }),
            None => Err(ReviewError::RelayDayUnknown),
        }
    }

    /// Marks every message of the case as opened by this reviewer (the desk's case page and
    /// `show` call it), so the inbox's "new" marker clears until the reporter writes again.
    pub fn mark_opened(&mut self, reference: &str) -> Result<(), ReviewError> {
        let thread = self.case(reference)?.thread_id;
        if let Some(case) = self.contents.cases.get_mut(&thread) {
            if case.opened != case.messages() {
                case.opened = case.messages();
                self.cache.save(&self.contents)?;
            }
        }
        Ok(())
    }

    /// Escalates the case's missed duty, if it is late on the real day (a day given to the
    /// views cannot make a case late): seals the sanitised notice to those the directory names
    /// outside the handling team (see [`crate::escalation::outside_recipients`]) and files it
    /// in the inbox, then records the escalation naming the case's supervisors and whom the
    /// notice went to. Idempotent: a lateness already escalated (the same duty and deadline)
    /// writes nothing again. The notice goes first, so a failure leaves nothing recorded and a
    /// second attempt sends it again, which its recipients' tools keep once. Both the CLI's
    /// `overdue --record` and the desk call this, so an escalation reads the same whoever
    /// records it.
    pub async fn escalate_if_overdue(&mut self, reference: &str) -> Result<Escalated, ReviewError> {
        let day = self.event_day().await?;
        let case = self.case(reference)?;
        let Some(late) = overdue(&self.dir, [case], day).into_iter().next() else {
            return Ok(Escalated::NotOverdue);
        };
        if let Some(on) = late.escalated_on {
            return Ok(Escalated::Already { late, on });
        }
        let outside = crate::escalation::outside_recipients(&self.dir, case);
        if !outside.to.is_empty() {
            let notice =
                crate::escalation::notice(&late, &outside.to, &self.secret.id, day, self.dir.directory().version);
            self.file_in_inbox(&Document::EscalationNotice(notice), &outside.to).await?;
        }
        let hash = self.record(&late.case, late.escalation()).await?;
        Ok(Escalated::Recorded { late, hash, outside })
    }

    /// Seals a reviewer's document to directory reviewers `to` (padded to the directory's
    /// stanza count like every envelope) and submits it to the inbox with proof of work, as a
    /// reporter's tool would: the relay cannot tell it from a report.
    async fn file_in_inbox(&self, document: &Document, to: &[String]) -> Result<(), ReviewError> {
        let recipients: Vec<age::x25519::Recipient> =
            to.iter().filter_map(|id| self.dir.reviewer(id)).filter_map(|r| r.x25519_recipient()).collect();
        if recipients.len() != to.len() {
            return Err(ReviewError::Internal("a recipient has no key in the directory".into()));
        }
        self.client.inbox_submit(self.seal_signed(&recipients, document)?).await?;
        Ok(())
    }

    /// Seals a document of this reviewer's, signed with their key, at the directory's stanza
    /// count.
    fn seal_signed(&self, recipients: &[age::x25519::Recipient], document: &Document) -> Result<Vec<u8>, ReviewError> {
        Ok(seal_document(
            recipients,
            self.dir.directory().stanzas,
            document,
            vec![],
            self.secret.signing_key(),
            vec![],
        )?)
    }

    /// Records the case's referral to the IOPC, made on `referred_on` under `iopc_reference`:
    /// discharges the referral duty. The referral's day is the reviewer's word (it is made
    /// through the IOPC's own channel), but never after the real day the event is dated with.
    pub async fn refer_to_iopc(
        &mut self,
        reference: &str,
        referred_on: Day,
        iopc_reference: &str,
    ) -> Result<EventHash, ReviewError> {
        let iopc_reference = iopc_reference.trim();
        if iopc_reference.is_empty()
            || iopc_reference.chars().count() > MAX_REFERRAL_REFERENCE_CHARS
            || iopc_reference.chars().any(char::is_control)
        {
            return Err(ReviewError::BadReferral(format!(
                "give the referral's reference, one line of at most {MAX_REFERRAL_REFERENCE_CHARS} characters"
            )));
        }
        let today = self.event_day().await?;
        if referred_on > today {
            return Err(ReviewError::BadReferral(format!("{referred_on} is after today ({today})")));
        }
        let action = Action::IopcReferral { referred_on, reference: iopc_reference.to_owned() };
        self.record(reference, action).await
    }

    /// Sets an entry aside as not a report (spam, a test, a duplicate of `duplicate_of`): every
    /// clock stops and the statistics leave it out; the history keeps it, and a supervisor can
    /// restore it. A duplicate must name another case this reviewer can read, and is joined to
    /// it.
    pub async fn discard(
        &mut self,
        reference: &str,
        reason: DiscardReason,
        duplicate_of: Option<&str>,
        note: &str,
    ) -> Result<EventHash, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let refuse = |why: String| Err(ReviewError::Discard { case: case_ref.clone(), why });
        if let Some(d) = case.state().discarded {
            return refuse(format!("already discarded ({}) on {} by {}", d.reason, d.on, d.by));
        }
        let duplicate_of = match (reason, duplicate_of) {
            (DiscardReason::Duplicate, Some(other)) => {
                let other = self.case(other)?.case_ref();
                if other == case_ref {
                    return refuse("a case cannot repeat itself".into());
                }
                Some(other)
            }
            (DiscardReason::Duplicate, None) => return refuse("a duplicate must name the case it repeats".into()),
            (_, Some(_)) => return refuse("only a duplicate names another case".into()),
            (_, None) => None,
        };
        let note = note.trim();
        if note.chars().count() > MAX_DISCARD_NOTE_CHARS {
            return refuse(format!("the note is longer than {MAX_DISCARD_NOTE_CHARS} characters"));
        }
        self.record(&case_ref, Action::Discard { reason, duplicate_of, note: note.to_owned() }).await
    }

    /// Transfers a case to another queue (docs/design.md §6 "Moving cases"): its readers become
    /// the queue's members, less anyone the reporter excluded or the case names, and the
    /// report, follow-ups and history are re-sealed to those it adds. A supervisor's act among
    /// the readers, said why. Readers it leaves out lose the case from their inbox and clocks
    /// (they could read it until now, and the history says so).
    pub async fn transfer(&mut self, reference: &str, queue: &str, note: &str) -> Result<Moved, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let refuse = |why: String| ReviewError::Move { case: case_ref.clone(), why };
        if self.dir.queue(queue).is_none() {
            return Err(refuse(format!("there is no queue {queue} in the directory")));
        }
        let members: Vec<String> = self.dir.queue_members(queue).map(|r| r.id.clone()).collect();
        let excluded = case.excluded();
        let named = crate::escalation::named_in_case(&self.dir, case, &members);
        let mut passed_over = Vec::new();
        let mut after = Vec::new();
        for id in members {
            if excluded.contains(&id) {
                passed_over.push((id, "excluded by the reporter".to_owned()));
            } else if named.contains(&id) {
                passed_over.push((id, "named in the report".to_owned()));
            } else {
                after.push(id);
            }
        }
        if after.is_empty() {
            return Err(refuse(format!(
                "nobody in {queue} may read it ({})",
                passed_over.iter().map(|(id, why)| format!("{id}: {why}")).collect::<Vec<_>>().join("; ")
            )));
        }
        self.move_case(reference, after, MoveKind::Transfer(queue.to_owned()), note, passed_over).await
    }

    /// Makes one more reviewer a reader of a case and re-seals the report, follow-ups and
    /// history to them (docs/design.md §6 "Moving cases"); said why. Never someone the
    /// reporter excluded or the case names.
    pub async fn add_reader(&mut self, reference: &str, reviewer: &str, note: &str) -> Result<Moved, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let refuse = |why: String| ReviewError::Move { case: case_ref.clone(), why };
        if case.excluded().iter().any(|e| e == reviewer) {
            return Err(refuse(format!("the reporter excluded {reviewer}: they can never read it")));
        }
        if !crate::escalation::named_in_case(&self.dir, case, &[reviewer.to_owned()]).is_empty() {
            return Err(refuse(format!("the report names {reviewer}: they may not read it")));
        }
        let mut after = current_readers(case);
        if after.iter().any(|r| r == reviewer) {
            return Err(refuse(format!("{reviewer} already reads it")));
        }
        after.push(reviewer.to_owned());
        self.move_case(reference, after, MoveKind::AddReader(reviewer.to_owned()), note, Vec::new()).await
    }

    /// Hands a leaver's place on a case to their successor (docs/design.md §6 "Leavers"): the
    /// leaver, no longer in the directory, stops being a reader; the successor becomes one, with
    /// the report, follow-ups and history re-sealed to them; a case assigned to the leaver is
    /// assigned to the successor. A supervisor's act (it removes a reader), said why.
    pub async fn hand_over(
        &mut self,
        reference: &str,
        leaver: &str,
        successor: &str,
        note: &str,
    ) -> Result<Moved, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let refuse = |why: String| ReviewError::Move { case: case_ref.clone(), why };
        let mut after = current_readers(case);
        if !after.iter().any(|r| r == leaver) {
            return Err(refuse(format!("{leaver} does not read it, so has no place on it to hand over")));
        }
        if self.dir.reviewer(leaver).is_some() {
            return Err(refuse(format!(
                "{leaver} is still in the directory: a place is handed over once the directory no longer lists its \
                 holder (to move the case, transfer it)"
            )));
        }
        if self.dir.reviewer(successor).is_none() {
            return Err(refuse(format!("there is no reviewer {successor} in the directory")));
        }
        if case.excluded().iter().any(|e| e == successor) {
            return Err(refuse(format!("the reporter excluded {successor}: they can never read it")));
        }
        if !crate::escalation::named_in_case(&self.dir, case, &[successor.to_owned()]).is_empty() {
            return Err(refuse(format!("the report names {successor}: they may not read it")));
        }
        after.retain(|r| r != leaver);
        if !after.iter().any(|r| r == successor) {
            after.push(successor.to_owned());
        }
        let how = MoveKind::HandOver { leaver: leaver.to_owned(), successor: successor.to_owned() };
        self.move_case(reference, after, how, note, Vec::new()).await
    }

    /// Signs the reader change, records it, re-seals the history, report and follow-ups to the
    /// readers it adds, and files a receipt carrying it for the reporter. Nothing is recorded
    /// until every inbox entry to pass on has been fetched and re-sealed, so a report gone from
    /// the relay stops the move before it starts.
    async fn move_case(
        &mut self,
        reference: &str,
        after: Vec<String>,
        how: MoveKind,
        note: &str,
        passed_over: Vec<(String, String)>,
    ) -> Result<Moved, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let refuse = |why: String| ReviewError::Move { case: case_ref.clone(), why };
        if case.route().is_none() {
            return Err(refuse(
                "it was sent by an older version of Candour, without the reporter's signed list of readers, so its readers cannot be changed"
                    .into(),
            ));
        }
        let Some(report) = case.report.clone() else {
            return Err(refuse("its report has not arrived here, and only the report can be passed on".into()));
        };
        if !case.is_read_by(&self.secret.id) {
            return Err(ReviewError::PassedOn(case_ref));
        }
        let note = note.trim().to_owned();
        if note.is_empty() {
            return Err(refuse("say why: the history keeps the reason with the move".into()));
        }
        let thread = case.thread_id;
        let before = current_readers(case);
        let follow_ups = case.follow_ups.clone();
        let excluded = case.excluded();
        let today = self.event_day().await?;
        let change = candour_core::reader_change::ReaderChange::sign(
            &self.dir,
            thread,
            &self.secret.id,
            self.secret.signing_key(),
            today,
            &before,
            &after,
            &excluded,
        )
        .map_err(|e| refuse(format!("{e} ({})", e.code())))?;
        let added = change.added();
        let recipients: Vec<age::x25519::Recipient> =
            added.iter().filter_map(|id| self.dir.reviewer(id)).filter_map(|r| r.x25519_recipient()).collect();
        let stanzas = self.dir.directory().stanzas;
        // The reporter's own envelopes, byte for byte under a new file key: the new readers
        // check the reporter's signature themselves.
        let mut inbox_copies = Vec::new();
        // A change that only removes readers (a transfer to a queue whose members already read
        // the case, a hand-over to a reader) has nobody to re-seal to.
        let to_copy = if recipients.is_empty() { 0 } else { 1 + follow_ups.len() };
        for received in std::iter::once(&report).chain(&follow_ups).take(to_copy) {
            // Downloaded once, opened and compared with what this case filed from that entry
            // (a relay serving another envelope sealed to this reviewer there would otherwise
            // pass another case on), then re-sealed from the same bytes.
            let mut reader = self.refetch(received.seq).await?;
            let (identity, to, expected) = (Arc::clone(&self.identity), recipients.clone(), received.report.clone());
            let seq = received.seq;
            let copy = tokio::task::spawn_blocking(move || {
                let mut bytes = Vec::new();
                reader.read_to_end(&mut bytes).map_err(|e| ReviewError::Refetched {
                    entry: seq,
                    // The download's own reason (cut short, too long, refused) says more.
                    reason: reader.failure().map_or_else(|| e.to_string(), |f| f.error.to_string()),
                })?;
                let opened = open_document(identity.as_ref(), &bytes[..], &mut DiscardAttachments)
                    .map_err(|e| ReviewError::Refetched { entry: seq, reason: e.to_string() })?;
                let same = matches!(&opened.document, Document::Report(r) | Document::FollowUp(r) if *r == expected);
                if !same {
                    return Err(ReviewError::Refetched {
                        entry: seq,
                        reason: "the relay served another document than this case filed from it".into(),
                    });
                }
                Ok(candour_core::envelope::reseal(identity.as_ref(), &bytes[..], &to, stanzas, Vec::new())?)
            })
            .await
            .map_err(|e| ReviewError::Internal(e.to_string()))??;
            inbox_copies.push(copy);
        }
        let action = match how {
            MoveKind::Transfer(queue) => Action::Transfer { queue, change: change.clone(), note },
            MoveKind::AddReader(reviewer) => Action::AddReader { reviewer, change: change.clone(), note },
            MoveKind::HandOver { leaver, successor } => {
                Action::HandOver { leaver, successor, change: change.clone(), note }
            }
        };
        let hash = self.record(reference, action).await?;
        // The history, the move included, in relay order so every parent comes first.
        let key = self.secret.signing_key().clone();
        let stream = CaseStreamId::for_thread(&thread);
        let seqs: Vec<u64> = self.case(reference)?.events.iter().map(|e| e.seq).collect();
        let listed: Vec<u64> = self.client.case_list(&key, &stream).await?.into_iter().map(|e| e.seq).collect();
        let mut history_copied = 0;
        let mut history_gone = 0;
        for seq in seqs.into_iter().filter(|_| !recipients.is_empty()) {
            if !listed.contains(&seq) {
                history_gone += 1;
                continue;
            }
            let bytes = self.client.case_read(&key, &stream, seq).await?;
            // Opened and checked as at sync, so only this case's own events are passed on.
            open_event(&self.dir, self.identity.as_ref(), &thread, seq, &bytes)
                .map_err(|e| ReviewError::Chain { case: case_ref.clone(), source: e })?;
            let copy =
                candour_core::envelope::reseal(self.identity.as_ref(), &bytes[..], &recipients, stanzas, Vec::new())?;
            self.client.case_append(&key, &stream, copy).await?;
            history_copied += 1;
        }
        for copy in inbox_copies {
            self.client.inbox_submit(copy).await?;
        }
        // The reporter's next follow-up goes to the new readers: a receipt carries the change.
        let case = self.case(reference)?;
        let receipt = Document::Receipt(Receipt {
            schema: SCHEMA_VERSION,
            thread_id: thread,
            reviewer: self.secret.id.clone(),
            day_sent: today,
            thread_recipients: change.after.clone(),
            route: case.route(),
            directory_version: Some(self.dir.directory().version),
            reader_changes: case.reader_changes(),
        });
        self.file_in_mailbox_unchecked(reference, &receipt).await?;
        Ok(Moved {
            event: hash,
            readers: change.after.clone(),
            added,
            removed: change.removed(),
            passed_over,
            history_copied,
            history_gone,
            messages_copied: to_copy,
        })
    }

    /// Undoes a discard: the entry is a report again, with its clocks. A supervisor's act, and
    /// said why.
    pub async fn restore(&mut self, reference: &str, note: &str) -> Result<EventHash, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        if !self.dir.reviewer(&self.secret.id).is_some_and(|r| r.role == Role::Supervisor) {
            return Err(ReviewError::RestoreNeedsSupervisor(case_ref));
        }
        if case.state().discarded.is_none() {
            return Err(ReviewError::Discard { case: case_ref, why: "it was not discarded".into() });
        }
        let note = note.trim();
        if note.is_empty() || note.chars().count() > MAX_DISCARD_NOTE_CHARS {
            return Err(ReviewError::Discard {
                case: case_ref,
                why: format!("say why it is restored, in at most {MAX_DISCARD_NOTE_CHARS} characters"),
            });
        }
        self.record(&case_ref, Action::Restore { note: note.to_owned() }).await
    }

    /// Records triage changes as one signed case event.
    pub async fn triage(&mut self, reference: &str, change: TriageChange) -> Result<EventHash, ReviewError> {
        if change.is_empty() {
            return Err(ReviewError::EmptyTriage);
        }
        if change.status == Some(Status::Acknowledged) {
            let case = self.case(reference)?;
            if !case.state().is_acknowledged() {
                return Err(ReviewError::AcknowledgeByReply(case.case_ref()));
            }
        }
        if let Some(Assignment::Reviewer(id)) = &change.assignee {
            let case = self.case(reference)?;
            if !case.readers().contains(id) {
                return Err(ReviewError::AssigneeCannotRead { case: case.case_ref(), reviewer: id.clone() });
            }
        }
        self.record(reference, Action::Triage { change }).await
    }

    /// Seals a reply to the reporter, files it in their mailbox, and records it on the case.
    pub async fn reply(&mut self, reference: &str, text: &str, kind: ReplyKind) -> Result<EventHash, ReviewError> {
        let today = self.event_day().await?;
        let case = self.case(reference)?;
        let reply = Document::Reply(Reply {
            schema: SCHEMA_VERSION,
            thread_id: case.thread_id,
            reviewer: self.secret.id.clone(),
            text: text.to_owned(),
            day_sent: today,
            thread_recipients: case.readers(),
            route: case.route(),
            directory_version: Some(self.dir.directory().version),
            seen: case.seen_from_reporter(),
            reader_changes: case.reader_changes(),
        });
        self.file_in_mailbox(reference, &reply).await?;
        self.record(reference, Action::Reply { reply_kind: kind, text: text.to_owned() }).await
    }

    /// Seals a document to the reporter of a case and files it in their mailbox; refused once
    /// a transfer has moved the case away from this reviewer.
    async fn file_in_mailbox(&self, reference: &str, document: &Document) -> Result<(), ReviewError> {
        let case = self.case(reference)?;
        if !case.is_read_by(&self.secret.id) && !case.readers().is_empty() {
            return Err(ReviewError::PassedOn(case.case_ref()));
        }
        self.file_in_mailbox_unchecked(reference, document).await
    }

    /// [`ReviewSession::file_in_mailbox`] without the reader check: the receipt a transfer
    /// files is its author's last act on a case it may have left.
    async fn file_in_mailbox_unchecked(&self, reference: &str, document: &Document) -> Result<(), ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        // Follow-ups carry the same reply key and mailbox (both derive from the token).
        let from = case.report.as_ref().or(case.follow_ups.last()).ok_or(ReviewError::NoReport(case_ref.clone()))?;
        let recipient =
            parse_age_recipient(&from.report.reply_recipient).map_err(|_| ReviewError::BadReplyRecipient(case_ref))?;
        let mailbox = from.report.mailbox;
        let sealed = self.seal_signed(&[recipient], document)?;
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
        if due.is_empty() {
            return Ok(());
        }
        // A receipt is dated: with this computer's date not the relay's, none is filed, but
        // the sync itself (reading what arrived) still stands.
        match self.event_day().await {
            Ok(_) => {}
            Err(e @ (ReviewError::ClockDisagrees { .. } | ReviewError::RelayDayUnknown)) => {
                report.receipts_held = Some(format!("{} automatic receipts not filed: {e}", due.len()));
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        for reference in due {
            let case = self.case(&reference)?;
            let receipt = Document::Receipt(Receipt {
                schema: SCHEMA_VERSION,
                thread_id: case.thread_id,
                reviewer: self.secret.id.clone(),
                day_sent: today,
                thread_recipients: case.readers(),
                route: case.route(),
                directory_version: Some(self.dir.directory().version),
                reader_changes: case.reader_changes(),
            });
            let recipients = case.readers();
            self.file_in_mailbox(&reference, &receipt).await?;
            self.record(&reference, Action::Receipt { recipients }).await?;
            report.receipts += 1;
        }
        Ok(())
    }

    /// Fetches a case's report (and follow-ups) again and writes their attachments into
    /// `folder` (created readable by this user alone) as files only this user can read, named
    /// as `names` says (see [`saved_file_name`]). Returns the files written. On any failure the files of
    /// the failing envelope are removed (a tampered envelope is only detected at its end).
    /// Entries are read as they arrive: memory stays small whatever their size.
    pub async fn save_attachments(
        &mut self,
        reference: &str,
        folder: &Path,
        names: SavedNames,
    ) -> Result<Vec<PathBuf>, ReviewError> {
        let case = self.case(reference)?;
        let case_ref = case.case_ref();
        let err = |reason: String| ReviewError::Attachments { path: folder.to_owned(), reason };
        create_private_folder(folder).map_err(|e| err(e.to_string()))?;
        let mut written = Vec::new();
        for received in case.report.iter().chain(case.follow_ups.iter()).filter(|r| !r.attachments.is_empty()) {
            let sink = FolderSink {
                folder: folder.to_owned(),
                case: case_ref.clone(),
                entry: received.seq,
                names,
                written: Vec::new(),
            };
            let (sink, result) = self.open_refetched(received.seq, sink).await?;
            if let Err(reason) = result {
                for f in &sink.written {
                    let _ = std::fs::remove_file(f);
                }
                return Err(err(reason));
            }
            written.extend(sink.written);
        }
        // Remembered, so that disposing of the case removes them too.
        if !written.is_empty() {
            let thread = case.thread_id;
            self.contents.saved.entry(thread).or_default().extend(written.iter().cloned());
            self.cache.save(&self.contents)?;
        }
        Ok(written)
    }

    /// Writes the reporter's envelopes of the cases this reviewer reads (or of `reference`
    /// alone) into `folder` (made readable by this user alone) exactly as the relay keeps them,
    /// one `<case>-<entry>.age` file each: ciphertext, which the reference `age` tool opens with
    /// the reviewer's key file alone (docs/emergency-decryption.md). A file appears only once
    /// its envelope has arrived whole (written under a temporary name, then renamed). Returns
    /// the files written.
    pub async fn export_raw(&self, reference: Option<&str>, folder: &Path) -> Result<Vec<PathBuf>, ReviewError> {
        let err = |reason: String| ReviewError::ExportRaw { path: folder.to_owned(), reason };
        let cases: Vec<&CaseFile> = match reference {
            Some(r) => vec![self.case(r)?],
            None => self.cases().collect(),
        };
        let wanted: Vec<(String, u64)> = cases
            .iter()
            .flat_map(|c| c.report.iter().chain(c.follow_ups.iter()).map(move |r| (c.case_ref(), r.seq)))
            .collect();
        create_private_folder(folder).map_err(|e| err(e.to_string()))?;
        let mut written = Vec::new();
        for (case, seq) in wanted {
            let path = folder.join(format!("{case}-{seq}.age"));
            let partial = folder.join(format!(".{case}-{seq}.age.partial"));
            // What an interrupted export left.
            let _ = std::fs::remove_file(&partial);
            let mut reader = self.refetch(seq).await?;
            let target = partial.clone();
            let copied = tokio::task::spawn_blocking(move || -> io::Result<()> {
                let mut file = private_file(&target)?;
                let result = io::copy(&mut reader, &mut file).and_then(|_| file.sync_all());
                match (result, reader.failure()) {
                    (_, Some(failure)) => Err(io::Error::other(failure.error.to_string())),
                    (result, None) => result,
                }
            })
            .await
            .map_err(|e| ReviewError::Internal(e.to_string()))?;
            if let Err(e) = copied.and_then(|()| std::fs::rename(&partial, &path)) {
                let _ = std::fs::remove_file(&partial);
                return Err(err(format!("entry {seq} of case {case}: {e}")));
            }
            written.push(path);
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
        let (sink, result) = self.open_refetched(entry, OneAttachment { index, found: None }).await?;
        result.map_err(|reason| ReviewError::Refetched { entry, reason })?;
        sink.found.ok_or_else(missing)
    }

    /// Downloads an inbox entry of a case here again and opens it into `sink`, off the async
    /// threads (opening streams through the whole envelope). The inner result says why the
    /// envelope did not open, naming a failed download rather than its symptom.
    async fn open_refetched<S: AttachmentSink + Send + 'static>(
        &self,
        seq: u64,
        mut sink: S,
    ) -> Result<(S, Result<(), String>), ReviewError> {
        let mut reader = self.refetch(seq).await?;
        let identity = Arc::clone(&self.identity);
        tokio::task::spawn_blocking(move || {
            let result = open_document(identity.as_ref(), &mut reader, &mut sink)
                .map(|_| ())
                .map_err(|e| reader.failure().map_or_else(|| e.to_string(), |f| f.error.to_string()));
            (sink, result)
        })
        .await
        .map_err(|e| ReviewError::Internal(e.to_string()))
    }

    /// Starts downloading again an inbox entry of a case here.
    async fn refetch(&self, seq: u64) -> Result<EntryReader, ReviewError> {
        let key = self.secret.signing_key();
        let listed = self.client.inbox_entry(key, seq).await?.ok_or_else(|| ReviewError::Refetched {
            entry: seq,
            reason: "the relay no longer has it (a sync says why)".into(),
        })?;
        Ok(self.client.inbox_stream(key, listed))
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

/// What a transfer or an added reader did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The event recording it.
    pub event: EventHash,
    /// The case's readers now.
    pub readers: Vec<String>,
    /// The readers added, to whom everything was re-sealed.
    pub added: Vec<String>,
    /// The readers it was moved away from.
    pub removed: Vec<String>,
    /// Members of the queue left out, each with why (excluded by the reporter, named in it).
    pub passed_over: Vec<(String, String)>,
    /// Case events re-sealed to the new readers.
    pub history_copied: usize,
    /// Case events retention had already taken from the relay: not passed on.
    pub history_gone: usize,
    /// The reporter's messages (report and follow-ups) re-sealed to the new readers.
    pub messages_copied: usize,
}

/// The readers a reader change starts from: those the latest accepted change left, else the
/// route commitment's.
fn current_readers(case: &CaseFile) -> Vec<String> {
    case.reader_changes().last().map(|c| c.after.clone()).unwrap_or_else(|| case.first_readers())
}

/// How a case's readers change.
enum MoveKind {
    /// To another queue's members.
    Transfer(String),
    /// One reviewer more.
    AddReader(String),
    /// A leaver's place to their successor.
    HandOver { leaver: String, successor: String },
}

enum FetchError {
    Chain(ChainError),
    Client(ClientError),
}

/// Who may read a case before its history is checked: what [`fetch_case`] needs of the case
/// file, owned so it can travel to a task.
#[derive(Clone, Debug)]
struct CaseScope {
    first: Vec<String>,
    excluded: Vec<String>,
    me: String,
}

impl CaseScope {
    fn of(case: &CaseFile, me: &str) -> CaseScope {
        CaseScope { first: case.first_readers(), excluded: case.excluded(), me: me.to_owned() }
    }
}

/// Lists a case stream, opens the entries not yet verified, and verifies the whole chain.
///
/// An entry this reviewer's key does not open is tampering, except where the history explains
/// it (docs/design.md §6 "Moving cases"): after a reader change this reviewer can read, entries
/// may be the copies sealed to the readers it added, or, once it moved the case away from this
/// reviewer, the new readers' events; and before the first entry this reviewer can open, the
/// history as it stood before a reader change that made them a reader.
// Each argument is one independent input of the check; bundling them would only rename them.
#[allow(clippy::too_many_arguments)]
async fn fetch_case(
    client: &ReviewClient,
    dir: &VerifiedDirectory,
    identity: &KeyRing,
    key: &ed25519_dalek::SigningKey,
    thread: &ThreadId,
    known: &[VerifiedEvent],
    retained: Retained,
    scope: &CaseScope,
) -> Result<VerifiedChain, FetchError> {
    let stream = CaseStreamId::for_thread(thread);
    let listed = client.case_list(key, &stream).await.map_err(FetchError::Client)?;
    let mut events = Vec::with_capacity(listed.len());
    // For each entry in served order: the index of its event, or None where it is not for us.
    let mut served: Vec<(u64, Option<usize>)> = Vec::with_capacity(listed.len());
    for entry in listed {
        // The same entry as one verified before: same number and, where known, the same expiry
        // day (numbers start again in a stream whose every entry has expired, never within one
        // epoch).
        let same = known.iter().find(|k| k.seq == entry.seq && (k.expires.is_none() || k.expires == entry.expires));
        if let Some(k) = same {
            let mut k = k.clone();
            k.expires = entry.expires.or(k.expires);
            served.push((entry.seq, Some(events.len())));
            events.push(k);
            continue;
        }
        // Only reviewers write case streams; an entry longer than any event is tampering, and
        // is never downloaded.
        if entry.len > MAX_EVENT_ENTRY_BYTES {
            return Err(FetchError::Chain(ChainError::Altered {
                seq: entry.seq,
                reason: format!(
                    "the entry is {} bytes, longer than any case event ({MAX_EVENT_ENTRY_BYTES})",
                    entry.len
                ),
            }));
        }
        let bytes = client.case_read(key, &stream, entry.seq).await.map_err(FetchError::Client)?;
        if !sealed_to(identity, &bytes) {
            served.push((entry.seq, None));
            continue;
        }
        let mut event = open_event(dir, identity, thread, entry.seq, &bytes).map_err(FetchError::Chain)?;
        event.expires = entry.expires;
        served.push((entry.seq, Some(events.len())));
        events.push(event);
    }
    let readers = CaseReaders { dir, thread, first: &scope.first, excluded: &scope.excluded };
    let chain = verify_chain(events, known, retained, &readers).map_err(FetchError::Chain)?;
    check_foreign_entries(&chain, &served, &scope.me).map_err(FetchError::Chain)?;
    Ok(chain)
}

/// Whether age's header says `bytes` are sealed to `identity` (its MAC is checked with the
/// file key, so a stanza cannot be faked for one reader without the others).
fn sealed_to(identity: &KeyRing, bytes: &[u8]) -> bool {
    age::Decryptor::new(bytes)
        .ok()
        .filter(|d| !d.is_scrypt())
        .is_some_and(|d| d.decrypt(std::iter::once(identity as &dyn age::Identity)).is_ok())
}

/// Checks that every entry of a case stream this reviewer cannot open is explained by a reader
/// change in the verified history (see [`fetch_case`]).
fn check_foreign_entries(chain: &VerifiedChain, served: &[(u64, Option<usize>)], me: &str) -> Result<(), ChainError> {
    // `chain.events` holds the events retention took from the relay first, then the served ones.
    let offset = chain.events.len() - served.iter().filter(|(_, i)| i.is_some()).count();
    let accepted_change = |i: usize| {
        chain.events.get(offset + i).filter(|e| e.refused.is_none()).and_then(|e| e.event.action.reader_change())
    };
    let first_open = served.iter().position(|(_, i)| i.is_some());
    let made_me_a_reader = served
        .iter()
        .filter_map(|(_, i)| accepted_change((*i)?))
        .any(|c| c.before.binary_search(&me.to_owned()).is_err() && c.after.binary_search(&me.to_owned()).is_ok());
    let mut change_seen = false;
    for (position, (seq, index)) in served.iter().enumerate() {
        match index {
            Some(i) => change_seen |= accepted_change(*i).is_some(),
            None => {
                let before_my_time = made_me_a_reader && first_open.is_none_or(|f| position < f);
                if !change_seen && !before_my_time {
                    return Err(ChainError::Altered {
                        seq: *seq,
                        reason: "it does not decrypt with this reviewer's key".into(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Reads an inbox entry as it arrives: its visible header first (checked for the relay's
/// shape, never trial-decrypted if it is not), then age's header, which tells at once whether
/// it is for this reviewer; only then the rest, attachments discarded. Runs on a blocking
/// thread; dropping the reader early stops the download.
///
/// Without `whole`, only as far as age's header: an entry for someone else is skipped as usual,
/// one for this reviewer is [`Fetched::TooLarge`].
fn open_streamed(mut reader: EntryReader, len: u64, stanzas: usize, identity: &KeyRing, whole: bool) -> Fetched {
    let mut prefix = Vec::with_capacity(1024);
    let header = loop {
        match candour_core::shape::check_prefix(&prefix, stanzas, Some(len)) {
            Ok(Some(_)) => break Ok(()),
            Err(e) => break Err(e),
            Ok(None) => {}
        }
        let mut piece = [0u8; 1024];
        match reader.read(&mut piece) {
            Ok(0) => break Err(candour_core::shape::ShapeError::NotAge("the header is incomplete")),
            Ok(n) => prefix.extend_from_slice(&piece[..n]),
            Err(_) => break Ok(()), // the failure is read below
        }
    };
    if let Some(e) = reader.failure() {
        return classify(e);
    }
    if let Err(e) = header {
        return Fetched::Malformed(e);
    }
    // age's header alone says whether the entry is for this reviewer (its MAC is checked
    // with the file key): for someone else, nothing more is downloaded.
    let for_me = age::Decryptor::new(&prefix[..])
        .ok()
        .filter(|d| !d.is_scrypt())
        .is_some_and(|d| d.decrypt(std::iter::once(identity as &dyn age::Identity)).is_ok());
    if !for_me {
        return Fetched::Opened(Box::new(Err(OpenDocumentError::Envelope(OpenError::CannotOpen))));
    }
    if !whole {
        return Fetched::TooLarge;
    }
    let opened = open_document(identity, io::Cursor::new(prefix).chain(&mut reader), &mut DiscardAttachments);
    if let Some(e) = reader.failure() {
        return classify(e);
    }
    match opened {
        // For this reviewer, yet it does not open: forged or damaged after it was sealed.
        Err(OpenDocumentError::Envelope(OpenError::CannotOpen)) => Fetched::Forged,
        other => Fetched::Opened(Box::new(other)),
    }
}

/// A failed download: the entry's own (tried again later) or the relay's (the sync stops).
fn classify(failure: DownloadFailure) -> Fetched {
    if failure.answered {
        Fetched::Failed(failure.error)
    } else {
        Fetched::Unreachable(failure.error)
    }
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

/// What a pass of forgetting did: the cases forgotten, and those kept because their reporter
/// wrote after (reference and why).
type ForgottenAndKept = (Vec<Forgotten>, Vec<(String, String)>);

/// A case due to be forgotten today (docs/design.md §6 "Disposal").
struct DueDisposal {
    /// Why: two supervisors' early disposal, or the force's retention run out since it was
    /// concluded (or set aside as not a report, whichever is later).
    why: String,
    /// Set when the reporter wrote after the day the disposal counts from: the case is kept,
    /// and this says why.
    kept: Option<String>,
}

/// Whether a case is due to be forgotten today; its state is folded once, and only where a
/// records rule or a disposal could apply.
fn disposal_due(case: &CaseFile, dir: &VerifiedDirectory, today: Day) -> Option<DueDisposal> {
    let rule = dir.directory().records.map(|r| r.keep_concluded_days);
    if rule.is_none() && !case.events.iter().any(|e| matches!(e.event.action, Action::Dispose { .. })) {
        return None;
    }
    let state = case.state();
    let (why, since) = match (state.disposed, rule) {
        (Some(d), _) => (format!("disposed of early by {} on {}: {}", d.by, d.on, d.note), d.on),
        (None, Some(keep)) => {
            let since = state.concluded_on.into_iter().chain(state.discarded.map(|d| d.on)).max()?;
            if since.plus_days(i64::from(keep)) > today {
                return None;
            }
            (format!("concluded on {since}, and the force keeps a concluded case {keep} days"), since)
        }
        (None, None) => return None,
    };
    let later = case.report.iter().chain(&case.follow_ups).map(|r| r.report.day_sent).filter(|d| *d > since).max();
    let kept = later.map(|later| {
        format!(
            "due to be disposed of, but the reporter wrote on {later}, after it was concluded or disposed of on \
             {since}: it is kept; reopen it, or close it again and dispose of it"
        )
    });
    Some(DueDisposal { why, kept })
}

/// Whether a case's reporter needs a receipt now (see [`ReviewSession::sync`]).
fn receipt_due(case: &CaseFile, policy: &RelayPolicy, today: Day) -> bool {
    let newest = case
        .events
        .iter()
        // A reader change files a receipt with it (docs/design.md §6 "Moving cases").
        .filter(|e| {
            matches!(
                e.event.action,
                Action::Receipt { .. }
                    | Action::Reply { .. }
                    | Action::Transfer { .. }
                    | Action::AddReader { .. }
                    | Action::HandOver { .. }
            )
        })
        .map(|e| e.event.day)
        .max();
    match newest {
        None => true,
        Some(day) => day.plus_days(i64::from(policy.retention_days) - RENEW_RECEIPT_DAYS_BEFORE) <= today,
    }
}

/// Verifies a case stream given as raw relay entries `(seq, envelope)` in served order: opens
/// each, then checks the hash links and who may act (`readers`: the case's). The pure core of
/// sync, for audits and tamper tests.
pub fn verify_stream(
    dir: &VerifiedDirectory,
    identity: &dyn age::Identity,
    thread: &ThreadId,
    entries: &[(u64, Vec<u8>)],
    known: &[VerifiedEvent],
    retained: Retained,
    readers: &[String],
) -> Result<VerifiedChain, ChainError> {
    let events = entries
        .iter()
        .map(|(seq, bytes)| open_event(dir, identity, thread, *seq, bytes))
        .collect::<Result<Vec<_>, _>>()?;
    verify_chain(events, known, retained, &CaseReaders { dir, thread, first: readers, excluded: &[] })
}

/// Writes attachments into a folder as `<inbox entry>-<index>-<sanitised name>`.
struct FolderSink {
    folder: PathBuf,
    case: String,
    entry: u64,
    names: SavedNames,
    written: Vec<PathBuf>,
}

/// How saved and downloaded attachments are named.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SavedNames {
    /// `CASE-ENTRY-INDEX.ext`: the reporter's own file name is left out, since phones put
    /// dates, places and people's names in them; only a plain extension is kept.
    #[default]
    Neutral,
    /// `CASE-ENTRY-INDEX-NAME`: the reporter's file name, sanitised, when a reviewer asks.
    Original,
}

/// The name an attachment is saved or offered under (see [`SavedNames`]).
pub fn saved_file_name(case: &str, entry: u64, index: usize, meta: &AttachmentMeta, names: SavedNames) -> String {
    match names {
        SavedNames::Original => format!("{case}-{entry}-{index}-{}", sanitise_file_name(&meta.name)),
        SavedNames::Neutral => format!("{case}-{entry}-{index}.{}", plain_extension(meta)),
    }
}

/// A short extension that says what kind of file it is and nothing more: the name's own if it
/// is 1 to 5 letters or digits, else one for the media type, else `bin`.
fn plain_extension(meta: &AttachmentMeta) -> String {
    let own = meta.name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    if let Some(ext) = own.filter(|e| (1..=5).contains(&e.len()) && e.chars().all(|c| c.is_ascii_alphanumeric())) {
        return ext;
    }
    match meta.media_type.as_str() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        _ => "bin",
    }
    .to_owned()
}

/// Creates `folder` (and any missing parents) readable by this user alone on Unix.
fn create_private_folder(folder: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
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

/// A new file readable by this user alone, whatever the umask; never one that exists already.
fn private_file(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

impl AttachmentSink for FolderSink {
    fn attachment(&mut self, index: usize, meta: &AttachmentMeta, _len: u64, data: &mut dyn Read) -> io::Result<()> {
        let path = self.folder.join(saved_file_name(&self.case, self.entry, index, meta, self.names));
        // Decrypted evidence: readable by this user alone.
        let mut file = private_file(&path)?;
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
                    directory_version: Some(1),
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
                    refused: None,
                }
            })
            .collect();
        CaseFile { thread_id: thread, report: None, follow_ups: vec![], events, opened: 0 }
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
