//! Case events: signed, hash-chained, sealed to the case's reviewers (docs/design.md §5 "case streams").
//!
//! # Construction
//! - An event is a JSON document ([`CaseEvent`]) sealed with the core envelope
//!   ([`candour_core::envelope::seal`]) to every reviewer the report was sealed to, with the
//!   directory's constant stanza count. The envelope's author signature (Ed25519 over SHA-256 of
//!   the framed plaintext) is the event's signature: it must verify and be by the directory key
//!   of the reviewer the event names as `author`.
//! - The event's hash is SHA-256 of [`EVENT_HASH_CONTEXT`] and the document's exact JSON bytes
//!   (never re-serialised). Each event names in `parents` the hashes of every head of the case
//!   its author had seen, so the case history is a hash-linked DAG: two reviewers who act at
//!   once both point at the same parent, and whoever acts next names both heads, merging them.
//! - The relay appends in order, so every parent must be served *before* its child. That gives
//!   the named tamper classes: a parent that never appears was **dropped**, one that appears
//!   later was **reordered**, an entry that does not open or whose signature fails was
//!   **altered**, and one signed by a key that is not the named author's was **foreign-signed**.
//!   Dropping the newest event (which nothing references yet) is caught against the encrypted
//!   local cache, which remembers every event it has verified.
//!
//! # Event documents (do not modify either format: they feed signatures and hashes)
//! See [`CaseEvent`]. Format 1: `format`, `thread_id`, `author`, `day`, `parents`, `action`.
//! Format 2 ([`EVENT_FORMAT`], written now) adds `directory_version` after `day`: the directory
//! version the author acted under. A retired key verifies only events made under a version up to
//! its retirement, and an event may not claim an older directory than the events it follows, so
//! a key taken out of use cannot sign new history even on the day it was retired (docs/design.md §5).
//! Both arrive sealed as [`EnvelopeKind::CaseEvent`] envelopes (framing version 2), or as version
//! 1 envelopes from before kinds were named.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use candour_core::directory::Role;
use candour_core::directory::VerifiedDirectory;
use candour_core::envelope::{self, DiscardAttachments, EnvelopeKind, OpenError};
use candour_core::reader_change::ReaderChange;
use candour_core::wire::ThreadId;
use candour_core::Day;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::triage::{Outcome, TriageChange};

/// The `format` field of every case event this version writes: format 2, with the author's
/// directory version.
pub const EVENT_FORMAT: &str = "candour-case-event/2";
/// The first event format, without a directory version: still read, never written.
pub const EVENT_FORMAT_1: &str = "candour-case-event/1";
/// Domain separation for event hashes.
pub const EVENT_HASH_CONTEXT: &[u8] = b"candour-case-event-hash/v1\n";

/// SHA-256 of an event's context and exact JSON bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// Hashes an event document's exact bytes.
    pub fn of(document: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(EVENT_HASH_CONTEXT);
        h.update(document);
        EventHash(h.finalize().into())
    }

    /// The first 12 hex digits, for messages.
    pub fn short(&self) -> String {
        self.to_string()[..12].to_owned()
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventHash({})", self.short())
    }
}

impl Serialize for EventHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The wire's one hex reader: an event hash has one spelling (an upper-case or signed
        // digit, which `from_str_radix` would take, is refused).
        let s = String::deserialize(d)?;
        candour_core::wire::parse_hex::<32>(&s)
            .map(EventHash)
            .map_err(|_| serde::de::Error::custom("an event hash is 64 lowercase hex digits"))
    }
}

candour_core::named_enum!(
    /// What a reply to the reporter was for, so the clocks know which duty it discharged.
    pub ReplyKind, "reply kind", {
        /// Acknowledges receipt (stops the 7-day clock).
        Acknowledgement => "acknowledgement",
        /// Tells the reporter what is being done (stops the 3-month clock).
        Feedback => "feedback",
        /// Anything else (a question, a request for more detail).
        Message => "message",
    }
);

candour_core::named_enum!(
    /// Why an inbox entry is not a report, when a reviewer discards it.
    pub DiscardReason, "discard reason", {
        /// Sent to waste the unit's time, or to bury a real report.
        Spam => "spam",
        /// A test of the channel.
        Test => "test",
        /// The same report again (it is joined to the case it repeats).
        Duplicate => "duplicate",
    }
);

/// What a case event does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", deny_unknown_fields)]
pub enum Action {
    /// Triage changes.
    Triage {
        /// The changes.
        change: TriageChange,
    },
    /// A note for the case file.
    Note {
        /// The note.
        text: String,
    },
    /// A reply was sealed to the reporter and filed in their mailbox.
    Reply {
        /// Its purpose.
        reply_kind: ReplyKind,
        /// The text sent.
        text: String,
    },
    /// The case was escalated to a supervisor (e.g. overdue), and beyond the unit.
    Escalation {
        /// The supervisors told.
        to: Vec<String>,
        /// Why.
        reason: String,
        /// The duty that was missed, and its deadline: recorded so that escalating the same
        /// lateness twice writes one event (absent from escalations recorded before).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        missed: Option<MissedDuty>,
        /// Those outside the handling team a sanitised notice was sealed to (absent from
        /// escalations recorded before notices, and when nobody could be told).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notified: Vec<String>,
    },
    /// The case was closed.
    Close {
        /// The outcome.
        outcome: Outcome,
    },
    /// The case was referred to the Independent Office for Police Conduct: discharges the
    /// referral duty a ticked mandatory-referral criterion opens.
    IopcReferral {
        /// The day the referral was made (at most the event's own day).
        referred_on: Day,
        /// The IOPC's or the force's reference for the referral.
        reference: String,
    },
    /// The entry is not a report (spam, a test, a duplicate): every clock stops and it leaves
    /// the statistics, until a supervisor restores it.
    Discard {
        /// Why.
        reason: DiscardReason,
        /// For a duplicate, the reference of the case it repeats.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duplicate_of: Option<String>,
        /// The reviewer's explanation.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// A supervisor undid a discard: the case is a report again, with its clocks.
    Restore {
        /// Why.
        note: String,
    },
    /// The author asked the identity custodians for the confidential reporter's name and
    /// contact (docs/design.md §6 "Custodian-held identities").
    IdentityRequested {
        /// Why they need it.
        reason: String,
    },
    /// A custodian answered the author's request: granted (the identity was re-sealed to the
    /// author alone) or declined. Recorded by the author's tool when the answer arrives.
    IdentityAnswered {
        /// The custodian.
        custodian: String,
        /// Whether it was granted.
        granted: bool,
        /// The custodian's note.
        note: String,
    },
    /// A supervisor disposed of a concluded case (closed, or set aside as not a report) before
    /// the force's retention ran out (docs/design.md §6 "Disposal"): every reader's tool
    /// forgets it, keeping only a note that it did.
    Dispose {
        /// Why (the force's records decision).
        note: String,
    },
    /// The case was transferred to another queue (docs/design.md §6 "Moving cases"): its
    /// readers became that queue's members (less anyone the reporter excluded or the report
    /// names), and the author's tool re-sealed the report, follow-ups and history to those it
    /// adds. By a supervisor among the readers; the old readers could read the case until then.
    Transfer {
        /// The queue it went to.
        queue: String,
        /// The signed change, as the reporter's client checks it.
        change: ReaderChange,
        /// Why.
        note: String,
    },
    /// One more reviewer was made a reader, and the author's tool re-sealed the case to them.
    AddReader {
        /// The reviewer added.
        reviewer: String,
        /// The signed change, as the reporter's client checks it.
        change: ReaderChange,
        /// Why.
        note: String,
    },
    /// A reviewer who has left the directory gave up their place on the case to a successor
    /// (docs/design.md §6 "Leavers"): by a supervisor among the readers, whose tool re-sealed
    /// the report, follow-ups and history to the successor. The leaver's key could read the
    /// case until then; a case assigned to the leaver passes to the successor.
    HandOver {
        /// The reviewer who left.
        leaver: String,
        /// The reviewer who takes their place.
        successor: String,
        /// The signed change, as the reporter's client checks it.
        change: ReaderChange,
        /// Why.
        note: String,
    },
    /// A reviewer's tool filed the automatic receipt (a
    /// [`Receipt`](candour_core::report::Receipt)) in the reporter's mailbox: when a report
    /// first arrived, or again before the previous one would leave the relay, so the reporter's
    /// follow-ups always find the thread's readers. It stops no clock: only a person's
    /// acknowledgement does.
    Receipt {
        /// The readers named in it.
        recipients: Vec<String>,
    },
}

impl Action {
    /// The signed reader change a transfer, an added reader or a hand-over carries.
    pub fn reader_change(&self) -> Option<&ReaderChange> {
        match self {
            Action::Transfer { change, .. } | Action::AddReader { change, .. } | Action::HandOver { change, .. } => {
                Some(change)
            }
            _ => None,
        }
    }
}

/// Who may act on a case, for [`verify_chain`]: its first readers (the reporter's route
/// commitment's, or a version 1 report's), changed only by the reader changes its history
/// accepts, never to include someone the reporter excluded.
#[derive(Clone, Copy, Debug)]
pub struct CaseReaders<'a> {
    /// The directory the reader changes' authors, keys and roles are checked against.
    pub dir: &'a VerifiedDirectory,
    /// The case's thread.
    pub thread: &'a ThreadId,
    /// The readers before any change.
    pub first: &'a [String],
    /// The reviewers the reporter excluded.
    pub excluded: &'a [String],
}

/// A duty missed and the deadline it missed, as an escalation names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissedDuty {
    /// The duty.
    pub duty: crate::clocks::Duty,
    /// Its deadline.
    pub due: Day,
}

/// One case event: the JSON sealed in an envelope. **Do not modify** within a format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseEvent {
    /// [`EVENT_FORMAT`].
    pub format: String,
    /// The case's thread; an event replayed into another case stream is refused.
    pub thread_id: ThreadId,
    /// The reviewer id of the author; the envelope must be signed by their directory key.
    pub author: String,
    /// The day the author acted: the real day on their device (docs/design.md §6).
    pub day: Day,
    /// The version of the directory the author acted under: present in format 2, absent in 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_version: Option<u64>,
    /// The hashes of the case heads the author had seen; empty only for a first event.
    pub parents: Vec<EventHash>,
    /// What it does.
    pub action: Action,
}

/// An event that opened and verified, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedEvent {
    /// The relay's entry number in the case stream.
    pub seq: u64,
    /// The day the relay said it would remove the entry (absent in caches written before
    /// the relay's uniform retention). After it, the event is kept here but no longer expected
    /// on the relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Day>,
    /// The event's hash.
    pub hash: EventHash,
    /// The exact JSON document, kept so the hash can always be recomputed.
    pub document: String,
    /// The parsed event.
    pub event: CaseEvent,
    /// Why the event is kept in the history but not applied, if it is not: its author is not
    /// one of the case's readers, or its day is before an event it follows or after tomorrow
    /// (see [`verify_chain`]). Its hash links still count, so the events after it verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

impl VerifiedEvent {
    fn label(&self) -> EventLabel {
        EventLabel { seq: self.seq, hash: self.hash.short(), author: self.event.author.clone(), day: self.event.day }
    }
}

/// Names one event in an error: relay entry, author, day and hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLabel {
    /// The relay's entry number.
    pub seq: u64,
    /// The first hex digits of its hash.
    pub hash: String,
    /// Its author.
    pub author: String,
    /// Its day.
    pub day: Day,
}

impl fmt::Display for EventLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "relay entry {} (by {} on {}, hash {})", self.seq, self.author, self.day, self.hash)
    }
}

/// A case stream that fails verification. Every variant names the event at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// An entry does not decrypt, or its signature or framing fails: altered or corrupted.
    #[error("case event at relay entry {seq} has been altered: {reason}")]
    Altered {
        /// The relay's entry number.
        seq: u64,
        /// What failed.
        reason: String,
    },
    /// Signed by a key that is not the directory key of the reviewer it names.
    #[error("case event at relay entry {seq} claims to be by {claimed} but is signed by a foreign key: forged")]
    ForeignSigner {
        /// The relay's entry number.
        seq: u64,
        /// The author it claims.
        claimed: String,
    },
    /// An event of another case replayed into this stream.
    #[error("case event {event} belongs to another case: replayed from elsewhere")]
    WrongCase {
        /// The event.
        event: EventLabel,
    },
    /// A parent an event names never appears in the stream.
    #[error("case event {parent} is missing: it was dropped from the stream (named as a parent by {event})")]
    Dropped {
        /// The event naming it.
        event: EventLabel,
        /// The missing hash (short).
        parent: String,
    },
    /// An event seen in an earlier sync is no longer served.
    #[error("case event {event} verified in an earlier sync is no longer in the stream: it was dropped")]
    DroppedKnown {
        /// The event the cache remembers.
        event: EventLabel,
    },
    /// A parent is served after its child, or entries are out of relay order.
    #[error("case event {event} is served before {parent}, which it follows: the stream was reordered")]
    Reordered {
        /// The event served too early.
        event: EventLabel,
        /// The parent served later (described).
        parent: String,
    },
    /// The same event served twice.
    #[error("case event {event} is served twice: replayed")]
    Duplicate {
        /// The repeated event.
        event: EventLabel,
    },
}

impl ChainError {
    /// A stable, machine-readable name for the tamper class.
    pub fn code(&self) -> &'static str {
        match self {
            ChainError::Altered { .. } => "altered",
            ChainError::ForeignSigner { .. } => "foreign-signed",
            ChainError::WrongCase { .. } => "wrong-case",
            ChainError::Dropped { .. } | ChainError::DroppedKnown { .. } => "dropped",
            ChainError::Reordered { .. } => "reordered",
            ChainError::Duplicate { .. } => "duplicate",
        }
    }
}

/// Why an event could not be sealed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealEventError {
    /// None of the case's reviewers has a usable key in the directory.
    #[error("none of the case's reviewers has an encryption key in the directory")]
    NoReaders,
    /// The envelope could not be built.
    #[error(transparent)]
    Seal(#[from] envelope::SealError),
    /// The event could not be encoded.
    #[error("encoding the case event failed: {0}")]
    Encode(String),
}

impl SealEventError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            SealEventError::NoReaders => "event-no-readers",
            SealEventError::Seal(e) => e.code(),
            SealEventError::Encode(_) => "event-encode",
        }
    }
}

/// Seals `event` to the reviewers `readers` (ids from the directory), signed by `signer`.
/// Returns the envelope and the event's hash.
pub fn seal_event(
    dir: &VerifiedDirectory,
    readers: &[String],
    event: &CaseEvent,
    signer: &SigningKey,
) -> Result<(Vec<u8>, EventHash), SealEventError> {
    let recipients: Vec<age::x25519::Recipient> =
        readers.iter().filter_map(|id| dir.reviewer(id)).filter_map(|r| r.x25519_recipient()).collect();
    if recipients.is_empty() {
        return Err(SealEventError::NoReaders);
    }
    let document = serde_json::to_vec(event).map_err(|e| SealEventError::Encode(e.to_string()))?;
    let hash = EventHash::of(&document);
    let sealed = envelope::seal(
        EnvelopeKind::CaseEvent,
        &recipients,
        dir.directory().stanzas,
        &document,
        vec![],
        signer,
        Vec::new(),
    )?;
    Ok((sealed, hash))
}

/// Opens one case-stream entry and checks its author against the directory and its thread.
pub fn open_event(
    dir: &VerifiedDirectory,
    identity: &dyn age::Identity,
    thread: &ThreadId,
    seq: u64,
    bytes: &[u8],
) -> Result<VerifiedEvent, ChainError> {
    let altered = |reason: String| ChainError::Altered { seq, reason };
    let opened = envelope::open(identity, bytes, &mut DiscardAttachments).map_err(|e| match e {
        OpenError::CannotOpen => altered("it does not decrypt with this reviewer's key".into()),
        other => altered(other.to_string()),
    })?;
    // A version 2 envelope names what its author signed it as: a reply or receipt signed by the
    // same reviewer key never stands in for a case event.
    if let Some(kind) = opened.kind.filter(|k| *k != EnvelopeKind::CaseEvent) {
        return Err(altered(format!("it was signed as a {kind}, not a case event")));
    }
    let document = String::from_utf8(opened.document).map_err(|_| altered("the event is not UTF-8".into()))?;
    let event: CaseEvent =
        serde_json::from_str(&document).map_err(|e| altered(format!("the event does not parse: {e}")))?;
    match (event.format.as_str(), event.directory_version) {
        (EVENT_FORMAT, Some(_)) | (EVENT_FORMAT_1, None) => {}
        (EVENT_FORMAT, None) => return Err(altered("a format 2 event without its directory version".into())),
        (EVENT_FORMAT_1, Some(_)) => return Err(altered("a format 1 event with a directory version".into())),
        (other, _) => return Err(altered(format!("unknown event format {other:?}"))),
    }
    // The author's current key, or one they held before (a rotation, a leaver) for events
    // dated no later than its retirement: history stays verifiable from an empty cache.
    if !dir.signed_by_author(&event.author, &opened.signer, event.day, event.directory_version) {
        return Err(ChainError::ForeignSigner { seq, claimed: event.author.clone() });
    }
    let verified =
        VerifiedEvent { seq, expires: None, hash: EventHash::of(document.as_bytes()), document, event, refused: None };
    if verified.event.thread_id != *thread {
        return Err(ChainError::WrongCase { event: verified.label() });
    }
    Ok(verified)
}

/// What retention may have removed from a case stream, for [`verify_chain`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retained {
    /// Today on the reviewer's real clock.
    pub today: Day,
    /// Whether the case began long enough ago (more than the relay's retention period) that
    /// its earliest events may have expired from the relay: only then may an event name a
    /// parent this reviewer never saw.
    pub old_enough: bool,
}

impl Retained {
    /// Whether a known event may be gone from the relay by retention, not by anyone's hand.
    fn expired(&self, event: &VerifiedEvent) -> bool {
        match event.expires {
            Some(day) => day <= self.today,
            None => self.old_enough,
        }
    }
}

/// A case stream that verified: every event, and what retention has taken from the relay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedChain {
    /// The events known here that retention removed from the relay (kept: they are the case's
    /// history), then the events the relay serves, in relay order.
    pub events: Vec<VerifiedEvent>,
    /// Parents named by served events that this reviewer never saw and that the relay no longer
    /// serves: in a case older than the retention period, expired or removed, which cannot
    /// be told apart. The case is usable, but its history here is incomplete.
    pub missing_history: Vec<String>,
    /// Events kept but not applied, each named with why (see [`VerifiedEvent::refused`]).
    pub refused: Vec<String>,
}

/// Checks the hash links of a case stream as served (in relay order), given the events an
/// earlier sync verified (`known`) and what retention may have removed (`retained`).
///
/// An event of the cache that the relay no longer serves must have reached its expiry day; a
/// parent never seen here may be missing only in a case old enough for retention to have taken
/// it. Anything else missing was dropped by someone.
///
/// Every signature is by a directory reviewer, but not every reviewer may act on a case: an
/// event whose author is not among the case's readers (as the reader changes it follows left
/// them: see [`CaseReaders`]) is refused, and so is a restore of a discarded case by a reader
/// who is not a supervisor, a reader change that does not apply, and an event dated before
/// an event it follows (its parents') or after tomorrow on this reviewer's clock (days are the
/// author's own claim). Refused events stay in the chain, marked, so a reviewer sees them, but
/// are never folded into the case's state.
pub fn verify_chain(
    events: Vec<VerifiedEvent>,
    known: &[VerifiedEvent],
    retained: Retained,
    case: &CaseReaders<'_>,
) -> Result<VerifiedChain, ChainError> {
    let mut position: BTreeMap<EventHash, usize> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        if position.insert(e.hash, i).is_some() {
            return Err(ChainError::Duplicate { event: e.label() });
        }
    }
    let gone: Vec<&VerifiedEvent> = known.iter().filter(|k| !position.contains_key(&k.hash)).collect();
    if let Some(missing) = gone.iter().find(|k| !retained.expired(k)) {
        return Err(ChainError::DroppedKnown { event: missing.label() });
    }
    let expired: BTreeSet<EventHash> = gone.iter().map(|k| k.hash).collect();
    let mut missing_history = Vec::new();
    for (i, e) in events.iter().enumerate() {
        for p in &e.event.parents {
            match position.get(p) {
                None if expired.contains(p) => {}
                None if retained.old_enough => {
                    if !missing_history.contains(&p.short()) {
                        missing_history.push(p.short());
                    }
                }
                None => return Err(ChainError::Dropped { event: e.label(), parent: p.short() }),
                Some(&j) if j >= i => {
                    return Err(ChainError::Reordered { event: e.label(), parent: events[j].label().to_string() })
                }
                Some(_) => {}
            }
        }
    }
    // The relay numbers entries in append order; a stream served out of that order was
    // reordered even where no parent link shows it (two concurrent events).
    if let Some(w) = events.windows(2).find(|w| w[0].seq >= w[1].seq) {
        return Err(ChainError::Reordered { event: w[0].label(), parent: w[1].label().to_string() });
    }
    let mut all: Vec<VerifiedEvent> = gone.into_iter().cloned().collect();
    all.extend(events);
    let days: BTreeMap<EventHash, Day> = all.iter().map(|e| (e.hash, e.event.day)).collect();
    let versions: BTreeMap<EventHash, u64> =
        all.iter().filter_map(|e| Some((e.hash, e.event.directory_version?))).collect();
    let tomorrow = retained.today.plus_days(1);
    let why_refused = refusals(&all, case, tomorrow, &days, &versions);
    let mut refused = Vec::new();
    for e in &mut all {
        e.refused = why_refused.get(&e.hash).cloned();
        if let Some(why) = &e.refused {
            refused.push(format!("{}: not applied: {why}", e.label()));
        }
    }
    Ok(VerifiedChain { events: all, missing_history, refused })
}

/// Why each refused event is refused, by hash. Walks the fold order, so an event is judged by
/// the readers its own past left: its author must be one of the readers as the accepted reader
/// changes among its ancestors left them, and a reader change must start from the readers as
/// every change accepted before it (in fold order) left them, as the reporter's client
/// applies them ([`candour_core::reader_change::apply`]).
fn refusals(
    all: &[VerifiedEvent],
    case: &CaseReaders<'_>,
    tomorrow: Day,
    days: &BTreeMap<EventHash, Day>,
    versions: &BTreeMap<EventHash, u64>,
) -> BTreeMap<EventHash, String> {
    let mut why_refused = BTreeMap::new();
    // For each event, the accepted reader changes among its ancestors, in fold order.
    let mut changes_seen: BTreeMap<EventHash, Vec<EventHash>> = BTreeMap::new();
    let mut accepted: Vec<(EventHash, &ReaderChange)> = Vec::new();
    let mut current: Vec<String> = {
        let mut v = case.first.to_vec();
        v.sort();
        v.dedup();
        v
    };
    for e in fold_order(all) {
        let mut seen: Vec<EventHash> = Vec::new();
        for p in &e.event.parents {
            for h in
                changes_seen.get(p).into_iter().flatten().chain(accepted.iter().map(|(h, _)| h).filter(|h| *h == p))
            {
                if !seen.contains(h) {
                    seen.push(*h);
                }
            }
        }
        // The readers as this event's author knew them: after the latest change they had seen.
        let known_readers: Vec<String> = accepted
            .iter()
            .rev()
            .find(|(h, _)| seen.contains(h))
            .map_or_else(|| sorted(case.first), |(_, c)| c.after.clone());
        let later_parent =
            e.event.parents.iter().filter_map(|p| days.get(p)).max().copied().filter(|p| e.event.day < *p);
        // A format 1 event follows anything; a format 2 one may not claim an older directory
        // than an event it follows (nor may a format 1 event follow a format 2 one).
        let newer_parent = e
            .event
            .parents
            .iter()
            .filter_map(|p| versions.get(p))
            .max()
            .copied()
            .filter(|p| e.event.directory_version.is_none_or(|v| v < *p));
        let supervisor = case.dir.reviewer(&e.event.author).is_some_and(|r| r.role == Role::Supervisor);
        let why = if known_readers.binary_search(&e.event.author).is_err() {
            Some(format!("written by {}, who is not one of the case's readers", e.event.author))
        } else if let Some(parent_day) = later_parent {
            Some(format!("dated {}, before the event it follows ({parent_day})", e.event.day))
        } else if let Some(parent_version) = newer_parent {
            Some(match e.event.directory_version {
                Some(v) => {
                    format!("made under directory version {v}, older than the event it follows ({parent_version})")
                }
                None => format!("an old-format event following one made under directory version {parent_version}"),
            })
        } else if e.event.day > tomorrow {
            Some(format!("dated {}, in the future", e.event.day))
        } else if matches!(e.event.action, Action::Restore { .. }) && !supervisor {
            Some(format!("a discard undone by {}, who is not a supervisor of the case's queues", e.event.author))
        } else if matches!(e.event.action, Action::Dispose { .. }) && !supervisor {
            Some(format!("a disposal recorded by {}, who is not a supervisor", e.event.author))
        } else if let Action::IopcReferral { referred_on, .. } = &e.event.action {
            (*referred_on > e.event.day)
                .then(|| format!("a referral made on {referred_on}, after the day it was recorded ({})", e.event.day))
        } else if let Some(change) = e.event.action.reader_change() {
            if change.author != e.event.author {
                Some(format!("a reader change signed by {} recorded by {}", change.author, e.event.author))
            } else if change.day != e.event.day {
                Some(format!("a reader change dated {} recorded on {}", change.day, e.event.day))
            } else {
                change
                    .verify(case.dir, case.thread, &current, case.excluded)
                    .err()
                    .map(|err| format!("a reader change that does not apply: {err} ({})", err.code()))
            }
        } else {
            None
        };
        changes_seen.insert(e.hash, seen);
        match why {
            Some(why) => {
                why_refused.insert(e.hash, why);
            }
            None => {
                if let Some(change) = e.event.action.reader_change() {
                    current = change.after.clone();
                    accepted.push((e.hash, change));
                }
            }
        }
    }
    why_refused
}

fn sorted(list: &[String]) -> Vec<String> {
    let mut v = list.to_vec();
    v.sort();
    v.dedup();
    v
}

/// The current heads of a verified DAG: events no other event names as a parent.
pub fn heads(events: &[VerifiedEvent]) -> Vec<EventHash> {
    let named: BTreeSet<EventHash> = events.iter().flat_map(|e| e.event.parents.iter().copied()).collect();
    let mut heads: Vec<EventHash> = events.iter().map(|e| e.hash).filter(|h| !named.contains(h)).collect();
    heads.sort();
    heads
}

/// The deterministic fold order: a topological order of the DAG in which, among events whose
/// parents have all been applied, the one with the smallest `(day, author, hash)` comes first.
/// Causal order is always respected; only concurrent events are ordered by that key.
pub fn fold_order(events: &[VerifiedEvent]) -> Vec<&VerifiedEvent> {
    let index: BTreeMap<EventHash, &VerifiedEvent> = events.iter().map(|e| (e.hash, e)).collect();
    let mut waiting: BTreeMap<EventHash, usize> = BTreeMap::new();
    let mut children: BTreeMap<EventHash, Vec<EventHash>> = BTreeMap::new();
    for e in events {
        let parents: BTreeSet<&EventHash> = e.event.parents.iter().filter(|p| index.contains_key(*p)).collect();
        waiting.insert(e.hash, parents.len());
        for p in parents {
            children.entry(*p).or_default().push(e.hash);
        }
    }
    let key = |e: &VerifiedEvent| (e.event.day, e.event.author.clone(), e.hash);
    let mut ready: BTreeSet<(Day, String, EventHash)> =
        events.iter().filter(|e| waiting.get(&e.hash) == Some(&0)).map(key).collect();
    let mut order = Vec::with_capacity(events.len());
    while let Some(next) = ready.pop_first() {
        let Some(&event) = index.get(&next.2) else { continue };
        order.push(event);
        for child in children.get(&next.2).map(Vec::as_slice).unwrap_or_default() {
            if let Some(n) = waiting.get_mut(child) {
                *n -= 1;
                if *n == 0 {
                    if let Some(c) = index.get(child) {
                        ready.insert(key(c));
                    }
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An event hash has one spelling: lowercase hex. Upper case, a sign in a digit pair, or
    /// the wrong length are refused, so two events can never name the same parent differently.
    #[test]
    fn an_event_hash_has_one_spelling() {
        let hash = EventHash([0xab; 32]);
        let text = serde_json::to_string(&hash).expect("serialises");
        assert_eq!(serde_json::from_str::<EventHash>(&text).expect("parses"), hash);
        let lower = "ab".repeat(32);
        for spelling in
            [lower.to_uppercase(), format!("+b{}", &lower[2..]), lower[2..].to_owned(), format!("{lower}00")]
        {
            assert!(serde_json::from_str::<EventHash>(&format!("\"{spelling}\"")).is_err(), "{spelling} parsed");
        }
    }
}
