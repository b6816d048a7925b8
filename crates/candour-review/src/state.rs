//! Case state: the deterministic fold of a case's events, and the case file the cache keeps.
//!
//! # The merge rule
//! Events are applied in [`fold_order`]: a topological order of the hash-linked DAG, so an
//! event is always applied after everything its author had seen; events that are concurrent
//! (neither saw the other) are applied in ascending `(day, reviewer id, event hash)`.
//! Each triage field is last-writer-wins in that order, *per field*: two reviewers who change
//! different fields at once both keep their change; if they change the same field, the event
//! later in the order wins, and the history shows both. IOPC criteria are separate fields, one
//! per criterion. Subjects are a set: additions and removals apply in the same order. Notes,
//! replies and escalations only append to the history. The result depends only on the set of
//! events, never on the order the relay served them or on who folds them.

use std::collections::{BTreeMap, BTreeSet};

use candour_core::directory::{Role, VerifiedDirectory};
use candour_core::envelope::AttachmentMeta;
use candour_core::report::Report;
use candour_core::wire::ThreadId;
use candour_core::Day;
use serde::{Deserialize, Serialize};

use crate::event::{fold_order, Action, MissedDuty, ReplyKind, VerifiedEvent};
use crate::link::SubjectKey;
use crate::triage::{
    Assignment, Category, CorruptionCategory, DetrimentRisk, Grading, IopcCriterion, Priority, Status,
};

/// Days allowed to acknowledge a report.
pub const ACKNOWLEDGE_WITHIN_DAYS: i64 = 7;
/// Calendar months allowed to give the reporter feedback.
pub const FEEDBACK_WITHIN_MONTHS: u32 = 3;

/// A report or follow-up as received from the inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// The relay's inbox entry number (to fetch attachments again on request).
    pub seq: u64,
    /// The day the relay said it would remove the entry (absent in caches written before the
    /// relay's uniform retention). Until then, a sync that does not find it says so loudly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Day>,
    /// The document.
    pub report: Report,
    /// Attachment names, media types and lengths (the bytes stay on the relay, encrypted).
    pub attachments: Vec<(AttachmentMeta, u64)>,
    /// What a reviewer should know about how it was routed, found when it arrived
    /// ([`candour_core::routing::check_sealed_to`]): readers outside the usual route for its
    /// category, or no longer in the directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Everything the cache keeps about one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    /// The thread.
    pub thread_id: ThreadId,
    /// The report that opened it (absent if a follow-up arrived first).
    pub report: Option<Received>,
    /// Follow-ups from the same reporter key, in inbox order.
    pub follow_ups: Vec<Received>,
    /// Verified case events, in relay order.
    pub events: Vec<VerifiedEvent>,
    /// How many of the reporter's messages (the report and follow-ups) this reviewer has
    /// opened: the rest are new to them ([`CaseFile::unread`]). Kept in their own encrypted
    /// cache, never on the relay.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub opened: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl CaseFile {
    /// A case known by its thread alone, before anything of it is filed.
    pub fn empty(thread_id: ThreadId) -> CaseFile {
        CaseFile { thread_id, report: None, follow_ups: vec![], events: vec![], opened: 0 }
    }

    /// The reporter's messages here: the report (if it arrived) and the follow-ups.
    pub fn messages(&self) -> usize {
        usize::from(self.report.is_some()) + self.follow_ups.len()
    }

    /// How many of the reporter's messages this reviewer has not opened yet.
    pub fn unread(&self) -> usize {
        self.messages().saturating_sub(self.opened)
    }

    /// The case's short reference ([`case_ref`]).
    pub fn case_ref(&self) -> String {
        case_ref(&self.thread_id)
    }

    /// The case's readers: those the report (or its latest follow-up) was sealed to, or, once
    /// its history has accepted a reader change (a transfer, an added reader), those the latest
    /// such change left.
    pub fn readers(&self) -> Vec<String> {
        match self.reader_changes().last() {
            Some(change) => change.after.clone(),
            None => self.sealed_readers(),
        }
    }

    /// The readers the report (or its latest follow-up) was sealed to.
    fn sealed_readers(&self) -> Vec<String> {
        self.report.as_ref().or(self.follow_ups.last()).map(|r| r.report.sealed_to.clone()).unwrap_or_default()
    }

    /// The readers before any reader change: the route commitment's (format 2), else the
    /// readers the report was sealed to. Reader changes start from them.
    pub fn first_readers(&self) -> Vec<String> {
        match self.route() {
            Some(route) => route.readers,
            None => self.sealed_readers(),
        }
    }

    /// The reviewers the reporter excluded (format 2): never to be made readers.
    pub fn excluded(&self) -> Vec<String> {
        self.route().map(|r| r.excluded).unwrap_or_default()
    }

    /// The reader changes the case's history accepted, in fold order: what every reply and
    /// receipt carries to the reporter, so their follow-ups reach the readers they leave.
    pub fn reader_changes(&self) -> Vec<candour_core::reader_change::ReaderChange> {
        fold_order(&self.events)
            .into_iter()
            .filter(|e| e.refused.is_none())
            .filter_map(|e| e.event.action.reader_change().cloned())
            .collect()
    }

    /// Whether `reviewer` reads the case now (a reader whom a transfer moved it away from does
    /// not, though their cache keeps its history up to the transfer).
    pub fn is_read_by(&self, reviewer: &str) -> bool {
        self.readers().iter().any(|r| r == reviewer)
    }

    /// The reporter's route commitment (format 2): the report's, or the first follow-up's
    /// while the report has not arrived. Replies and receipts echo it.
    pub fn route(&self) -> Option<candour_core::commitment::RouteCommitment> {
        self.report.iter().chain(&self.follow_ups).find_map(|r| r.report.route.clone())
    }

    /// What a format 2 follow-up's `last_seen` shows about the reporter's mailbox, against the
    /// replies this case records: replies sent (on an earlier day) that the reporter had not
    /// seen, or a reply it names that the case has no record of. Either may mean a relay is
    /// withholding or forging mailbox messages. Empty when all is as expected, and for format 1.
    pub fn mailbox_notes(&self, follow_up: &Received) -> Vec<String> {
        let f = &follow_up.report;
        if f.schema != candour_core::report::SCHEMA_VERSION {
            return Vec::new();
        }
        let replies: Vec<(Day, candour_core::commitment::Sha256Hex)> = self
            .events
            .iter()
            .filter(|e| e.refused.is_none())
            .filter_map(|e| match &e.event.action {
                Action::Reply { text, .. } => Some((
                    e.event.day,
                    candour_core::report::seen_reply_digest(&self.thread_id, &e.event.author, e.event.day, text),
                )),
                _ => None,
            })
            .collect();
        // Same-day replies may simply have crossed with it.
        let sent_before = |from: usize| replies[from..].iter().filter(|(day, _)| *day < f.day_sent).count();
        let withheld = |n: usize, read: &str| {
            format!(
                "when the reporter wrote this, their mailbox did not show {n} repl{} sent to them on an earlier day{read}: \
                 the relay may be withholding replies from them",
                if n == 1 { "y" } else { "ies" }
            )
        };
        match &f.last_seen {
            None => match sent_before(0) {
                0 => Vec::new(),
                n => vec![withheld(n, " (it had shown them none)")],
            },
            Some(seen) => match replies.iter().position(|(_, d)| d == seen) {
                None => vec!["it says the reporter had read a reply this case has no record of".to_owned()],
                Some(i) => match sent_before(i + 1) {
                    0 => Vec::new(),
                    n => vec![withheld(n, &format!(" after the one of {} they had read", replies[i].0))],
                },
            },
        }
    }

    /// What a reply written now tells the reporter this reviewer has received from them: how
    /// many distinct messages (report and follow-ups) and the newest, by the day it was sent
    /// (inbox order among the same day). `None` while nothing has arrived.
    pub fn seen_from_reporter(&self) -> Option<candour_core::report::SeenFromReporter> {
        use candour_core::report::seen_report_digest;
        let mut digests = BTreeSet::new();
        let mut newest: Option<&Report> = None;
        for r in self.report.iter().chain(&self.follow_ups).map(|r| &r.report) {
            digests.insert(seen_report_digest(&r.thread_id, r.day_sent, &r.concern.what));
            if newest.is_none_or(|n| r.day_sent >= n.day_sent) {
                newest = Some(r);
            }
        }
        let newest = newest?;
        Some(candour_core::report::SeenFromReporter {
            messages: u32::try_from(digests.len()).unwrap_or(u32::MAX),
            newest_day: newest.day_sent,
            newest: seen_report_digest(&newest.thread_id, newest.day_sent, &newest.concern.what),
        })
    }

    /// The day the reporter sent the report; clocks run from it.
    pub fn day_sent(&self) -> Option<Day> {
        self.report.as_ref().or(self.follow_ups.first()).map(|r| r.report.day_sent)
    }

    /// The queues the case is in: the directory queues of its readers, in directory order.
    pub fn queues(&self, dir: &VerifiedDirectory) -> Vec<String> {
        let readers = self.readers();
        dir.directory()
            .queues
            .iter()
            .filter(|q| dir.queue_members(&q.id).any(|r| readers.contains(&r.id)))
            .map(|q| q.id.clone())
            .collect()
    }

    /// Supervisors who can read this case, in its queues: whom overdue cases escalate to. A
    /// supervisor the reporter excluded cannot read the case and is never named.
    pub fn supervisors(&self, dir: &VerifiedDirectory) -> Vec<String> {
        let readers = self.readers();
        let queues = self.queues(dir);
        dir.directory()
            .reviewers
            .iter()
            .filter(|r| r.role == Role::Supervisor && readers.contains(&r.id))
            .filter(|r| r.queues.iter().any(|q| queues.contains(q)))
            .map(|r| r.id.clone())
            .collect()
    }

    /// The folded state.
    pub fn state(&self) -> CaseState {
        CaseState::fold(self.report.as_ref().map(|r| &r.report), &self.events)
    }
}

/// Why and when an entry was set aside as not a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discarded {
    /// Spam, a test or a duplicate.
    pub reason: crate::event::DiscardReason,
    /// For a duplicate, the case it repeats.
    pub duplicate_of: Option<String>,
    /// The day it was discarded.
    pub on: Day,
    /// Who discarded it.
    pub by: String,
}

/// A supervisor's early disposal of a concluded case (docs/design.md §6 "Disposal").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposal {
    /// The day it was recorded.
    pub on: Day,
    /// The supervisor.
    pub by: String,
    /// Why.
    pub note: String,
}

/// Domain separation for case references.
pub const CASE_REFERENCE_CONTEXT: &[u8] = b"candour/v1/case-reference\n";

/// The short reference of a thread's case: 10 hex digits of SHA-256 of its own context and the
/// thread id. Its own one-way function, not a piece of the relay-visible stream id, so a
/// reference quoted in an email, a meeting or an escalation cannot be matched to a stream by
/// whoever watches the relay.
pub fn case_ref(thread: &ThreadId) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(CASE_REFERENCE_CONTEXT);
    h.update(thread.0);
    let digest = h.finalize();
    candour_core::wire::to_hex(&digest[..5])
}

/// One line of a case's history: who did what, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The day.
    pub day: Day,
    /// The reviewer.
    pub author: String,
    /// The event hash (short).
    pub hash: String,
    /// What happened, in words.
    pub what: String,
}

/// A case's state: the fold of its events over the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseState {
    /// The SOPB category (the reviewer's, else the reporter's).
    pub category: Option<Category>,
    /// The national corruption category.
    pub corruption: Option<CorruptionCategory>,
    /// The 3x5x2 grading.
    pub grading: Option<Grading>,
    /// The status.
    pub status: Status,
    /// The priority.
    pub priority: Priority,
    /// The assignee.
    pub assignee: Option<String>,
    /// The subjects (as written), from the report and triage.
    pub subjects: Vec<String>,
    /// IOPC referral criteria that are ticked.
    pub iopc: Vec<IopcCriterion>,
    /// The detriment-risk assessment.
    pub detriment_risk: Option<DetrimentRisk>,
    /// The sanitised intelligence summary.
    pub summary: Option<String>,
    /// The first day the reporter was sent an acknowledgement or feedback (see
    /// [`CaseState::is_acknowledged`]).
    pub acknowledged_on: Option<Day>,
    /// The first day the reporter was sent feedback.
    pub feedback_on: Option<Day>,
    /// The day a mandatory-referral criterion became ticked with none ticked before: when the
    /// referral duty opened (`None` while none is ticked).
    pub iopc_ticked_on: Option<Day>,
    /// The recorded referral to the IOPC: the day it was made and its reference.
    pub iopc_referral: Option<(Day, String)>,
    /// Set when the entry was discarded as not a report (and not restored since): no clock
    /// runs and the statistics leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discarded: Option<Discarded>,
    /// The day the case was last concluded (closed, or no further action), while it stays so:
    /// the force's retention runs from it (docs/design.md §6 "Disposal").
    pub concluded_on: Option<Day>,
    /// Set when a supervisor disposed of the concluded case early: every reader's tool forgets it.
    pub disposed: Option<Disposal>,
    /// A supervisor's proposal to dispose of the concluded case early, waiting for a second
    /// supervisor; withdrawn if the case is reopened.
    pub disposal_proposed: Option<Disposal>,
    /// Each missed duty already escalated, with the day it first was.
    #[serde(skip)]
    pub escalated: BTreeMap<MissedDuty, Day>,
    /// The event history in fold order.
    pub history: Vec<HistoryEntry>,
}

impl CaseState {
    /// Whether the reporter has been told their report was received: a reply of kind
    /// acknowledgement, or the first feedback, was sent. The one definition the clocks, the
    /// status, the inbox, the charts and the statistics use; a status change, a note, a
    /// closure or the automatic receipt never acknowledges.
    pub fn is_acknowledged(&self) -> bool {
        self.acknowledged_on.is_some()
    }

    /// Applies a reply of `kind` sent on `day` to the clocks, for a report sent on `sent`;
    /// returns how the history marks it when it discharged a duty late (" — 3 days late").
    fn discharge(&mut self, kind: ReplyKind, day: Day, sent: Option<Day>) -> String {
        let mut late = String::new();
        if matches!(kind, ReplyKind::Acknowledgement | ReplyKind::Feedback) && self.acknowledged_on.is_none() {
            self.acknowledged_on = Some(day);
            if self.status == Status::Received {
                self.status = Status::Acknowledged;
            }
            if let Some(days) = sent.map(|s| day.days_since(s.plus_days(ACKNOWLEDGE_WITHIN_DAYS))).filter(|d| *d > 0) {
                late = format!(" (acknowledged {days} days late)");
            }
        }
        if kind == ReplyKind::Feedback && self.feedback_on.is_none() {
            self.feedback_on = Some(day);
            if let Some(days) = sent.map(|s| day.days_since(add_months(s, FEEDBACK_WITHIN_MONTHS))).filter(|d| *d > 0) {
                late = format!("{late} (feedback {days} days late)");
            }
        }
        late
    }

    /// Folds `events` over `report` (see the module docs for the merge rule).
    pub fn fold(report: Option<&Report>, events: &[VerifiedEvent]) -> CaseState {
        let mut subjects: BTreeMap<SubjectKey, String> = BTreeMap::new();
        if let Some(r) = report {
            for s in &r.concern.subjects {
                for (key, label) in SubjectKey::of_subject(s) {
                    subjects.entry(key).or_insert(label);
                }
            }
        }
        let mut state = CaseState {
            category: report.and_then(|r| r.concern.category),
            corruption: None,
            grading: None,
            status: Status::Received,
            priority: Priority::Normal,
            assignee: None,
            subjects: Vec::new(),
            iopc: Vec::new(),
            detriment_risk: None,
            summary: None,
            acknowledged_on: None,
            feedback_on: None,
            iopc_ticked_on: None,
            iopc_referral: None,
            escalated: BTreeMap::new(),
            discarded: None,
            concluded_on: None,
            disposed: None,
            disposal_proposed: None,
            history: Vec::new(),
        };
        let mut iopc: BTreeMap<IopcCriterion, bool> = BTreeMap::new();
        for e in fold_order(events) {
            let day = e.event.day;
            if let Some(why) = &e.refused {
                let what = format!("REFUSED, not applied ({why})");
                state.history.push(HistoryEntry { day, author: e.event.author.clone(), hash: e.hash.short(), what });
                continue;
            }
            let what = match &e.event.action {
                Action::Triage { change } => {
                    let mut parts = Vec::new();
                    if let Some(c) = change.category {
                        state.category = Some(c);
                        parts.push(format!("category {c}"));
                    }
                    if let Some(c) = change.corruption {
                        state.corruption = Some(c);
                        parts.push(format!("corruption category {c}"));
                    }
                    if let Some(g) = change.grading {
                        state.grading = Some(g);
                        parts.push(format!("grading {g}"));
                    }
                    if let Some(s) = change.status {
                        // "Acknowledged" means the reporter was told: only a reply makes it
                        // so, never a status someone sets (docs/design.md §6).
                        if s == Status::Acknowledged && !state.is_acknowledged() {
                            parts.push(format!("status {s} not applied: no acknowledgement was sent to the reporter"));
                        } else {
                            state.status = s;
                            parts.push(format!("status {s}"));
                        }
                    }
                    if let Some(p) = change.priority {
                        state.priority = p;
                        parts.push(format!("priority {p}"));
                    }
                    if let Some(a) = &change.assignee {
                        state.assignee = match a {
                            Assignment::Reviewer(id) => Some(id.clone()),
                            Assignment::Unassigned => None,
                        };
                        parts.push(format!("assignee {}", state.assignee.as_deref().unwrap_or("nobody")));
                    }
                    for s in &change.add_subjects {
                        subjects.insert(SubjectKey::of_text(s), s.clone());
                        parts.push(format!("subject + {s}"));
                    }
                    for s in &change.remove_subjects {
                        subjects.remove(&SubjectKey::of_text(s));
                        parts.push(format!("subject - {s}"));
                    }
                    for (criterion, ticked) in &change.iopc {
                        iopc.insert(*criterion, *ticked);
                        parts.push(format!("IOPC {criterion} {}", if *ticked { "yes" } else { "no" }));
                    }
                    // The referral duty opens when the first criterion is ticked and closes
                    // only by a recorded referral; unticking every criterion withdraws it.
                    match (iopc.values().any(|t| *t), state.iopc_ticked_on) {
                        (true, None) => state.iopc_ticked_on = Some(day),
                        (false, Some(_)) if state.iopc_referral.is_none() => state.iopc_ticked_on = None,
                        _ => {}
                    }
                    if let Some(r) = &change.detriment_risk {
                        state.detriment_risk = Some(r.clone());
                        parts.push(format!("detriment risk {}", r.level));
                    }
                    if let Some(s) = &change.summary {
                        state.summary = Some(s.clone());
                        parts.push("sanitised summary updated".into());
                    }
                    format!("triage: {}", parts.join("; "))
                }
                Action::Note { text } => format!("note: {text}"),
                Action::Reply { reply_kind, text } => {
                    let late = state.discharge(*reply_kind, day, report.map(|r| r.day_sent));
                    format!("reply to reporter ({}){late}: {text}", reply_kind.name())
                }
                Action::Escalation { to, reason, missed, notified } => {
                    if let Some(m) = missed {
                        state.escalated.entry(*m).or_insert(day);
                    }
                    let outside = if notified.is_empty() {
                        String::new()
                    } else {
                        format!("; notice sent outside the unit to {}", notified.join(", "))
                    };
                    let to = if to.is_empty() { "nobody in the unit".to_owned() } else { to.join(", ") };
                    format!("escalated to {to}: {reason}{outside}")
                }
                Action::Discard { reason, duplicate_of, note } => {
                    state.discarded = Some(Discarded {
                        reason: *reason,
                        duplicate_of: duplicate_of.clone(),
                        on: day,
                        by: e.event.author.clone(),
                    });
                    let of = duplicate_of.as_deref().map(|c| format!(" of {c}")).unwrap_or_default();
                    let note = if note.is_empty() { String::new() } else { format!(": {note}") };
                    format!("discarded, not a report ({reason}{of}); every clock stopped{note}")
                }
                Action::Restore { note } => {
                    state.discarded = None;
                    format!("restored as a report, its clocks running again: {note}")
                }
                Action::IdentityRequested { reason } => {
                    format!("asked the identity custodians for the reporter's name and contact: {reason}")
                }
                Action::IdentityAnswered { custodian, granted: true, note } => format!(
                    "{custodian} granted the request: the reporter's name and contact were re-sealed to {} alone: {note}",
                    e.event.author
                ),
                Action::IdentityAnswered { custodian, granted: false, note } => {
                    format!("{custodian} declined the request for the reporter's name and contact: {note}")
                }
                Action::Dispose { note } => {
                    let author = &e.event.author;
                    if !state.status.is_concluded() && state.discarded.is_none() {
                        format!("a disposal recorded while the case was open, so not applied: {note}")
                    } else if let Some(first) = state.disposal_proposed.as_ref().filter(|p| &p.by != author) {
                        // Two supervisors, so no single reviewer can erase a case from every
                        // reader's tool (docs/design.md §6 "Disposal").
                        let by = format!("{} and {author}", first.by);
                        let what = format!("disposed of early, agreed by {by}; every reader's tool forgets the case: {note}");
                        state.disposed = Some(Disposal { on: day, by, note: note.clone() });
                        what
                    } else if state.disposal_proposed.is_some() {
                        format!("the same supervisor again: a disposal needs a second supervisor: {note}")
                    } else {
                        state.disposal_proposed = Some(Disposal { on: day, by: author.clone(), note: note.clone() });
                        format!("proposed early disposal; it takes effect once a second supervisor agrees: {note}")
                    }
                }
                Action::Close { outcome } => {
                    state.status = Status::Closed(*outcome);
                    format!("closed: {outcome}")
                }
                Action::IopcReferral { referred_on, reference } => {
                    state.iopc_referral.get_or_insert_with(|| (*referred_on, reference.clone()));
                    let late = state
                        .iopc_ticked_on
                        .map(|t| referred_on.days_since(t))
                        .filter(|d| *d > 0)
                        .map(|d| format!(", {d} days after a mandatory-referral criterion was ticked"))
                        .unwrap_or_default();
                    format!("referred to the IOPC on {referred_on} (reference {reference}){late}")
                }
                Action::Receipt { recipients } => {
                    format!("automatic receipt filed for the reporter (readers: {})", recipients.join(", "))
                }
                Action::HandOver { leaver, successor, change, note } => {
                    if state.assignee.as_ref() == Some(leaver) {
                        state.assignee = Some(successor.clone());
                    } else if state.assignee.as_ref().is_some_and(|a| change.after.binary_search(a).is_err()) {
                        state.assignee = None;
                    }
                    format!(
                        "{leaver}'s place handed over to {successor}, {leaver} having left: readers now {}; the \
                         report and its history re-sealed to {}: {note}",
                        change.after.join(", "),
                        if change.added().is_empty() { "nobody new".to_owned() } else { change.added().join(", ") }
                    )
                }
                Action::Transfer { queue, change, note } | Action::AddReader { reviewer: queue, change, note } => {
                    // An assignee the case moved away from no longer holds it.
                    if state.assignee.as_ref().is_some_and(|a| change.after.binary_search(a).is_err()) {
                        state.assignee = None;
                    }
                    let removed = change.removed();
                    let gone = if removed.is_empty() {
                        String::new()
                    } else {
                        format!("; {} could read it until now and no longer can", removed.join(", "))
                    };
                    let how = if matches!(e.event.action, Action::Transfer { .. }) {
                        format!("transferred to {queue}")
                    } else {
                        format!("{queue} added as a reader")
                    };
                    format!(
                        "{how}: readers now {}{gone}; the report and its history re-sealed to {}: {note}",
                        change.after.join(", "),
                        change.added().join(", ")
                    )
                }
            };
            if !state.status.is_concluded() && state.discarded.is_none() {
                state.disposal_proposed = None;
            }
            if !state.status.is_concluded() {
                state.concluded_on = None;
            } else if state.concluded_on.is_none() {
                state.concluded_on = Some(day);
            }
            state.history.push(HistoryEntry { day, author: e.event.author.clone(), hash: e.hash.short(), what });
        }
        state.subjects = subjects.into_values().collect::<BTreeSet<_>>().into_iter().collect();
        state.iopc = iopc.into_iter().filter(|(_, t)| *t).map(|(c, _)| c).collect();
        state
    }
}

/// The day `months` calendar months after `day`, clamped to the month's last day.
pub fn add_months(day: Day, months: u32) -> Day {
    let (y, m, d) = day.ymd();
    let total = (m - 1) + months;
    let (year, month) = (y + i64::from(total / 12), total % 12 + 1);
    (0..4).find_map(|back| Day::from_ymd(year, month, d.saturating_sub(back))).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{CaseEvent, EventHash, EVENT_FORMAT};
    use crate::triage::{IopcCriterion, Outcome, TriageChange};

    /// Whoever watches the relay sees stream ids (in request paths and on disk); a case
    /// reference said aloud or written in an escalation must not point at one.
    #[test]
    fn a_case_reference_is_no_part_of_its_stream_id() {
        for n in 0..2000u32 {
            let mut bytes = [0u8; 16];
            bytes[..4].copy_from_slice(&n.to_be_bytes());
            let thread = ThreadId(bytes);
            let reference = case_ref(&thread);
            assert_eq!(reference.len(), 10);
            let stream = candour_core::wire::CaseStreamId::for_thread(&thread).to_string();
            assert!(!stream.contains(&reference), "{reference} is inside {stream}");
        }
        // Frozen: references are written down by people, so the function must not drift.
        assert_eq!(case_ref(&ThreadId([0; 16])), include_str!("../tests/fixtures/case-reference-zero.txt").trim());
    }

    fn event(author: &str, day: i64, parents: Vec<EventHash>, change: TriageChange, seq: u64) -> VerifiedEvent {
        let event = CaseEvent {
            format: EVENT_FORMAT.into(),
            thread_id: ThreadId([1; 16]),
            author: author.into(),
            day: Day::from_days_since_epoch(day),
            directory_version: Some(1),
            parents,
            action: Action::Triage { change },
        };
        let document = serde_json::to_string(&event).expect("json");
        VerifiedEvent { seq, expires: None, hash: EventHash::of(document.as_bytes()), document, event, refused: None }
    }

    #[test]
    fn fold_is_per_field_and_independent_of_serving_order() {
        let root = event("psd-1", 10, vec![], TriageChange { priority: Some(Priority::Low), ..Default::default() }, 1);
        // Concurrent: psd-2 on day 12 and psd-1 on day 11 both change the priority, and each
        // changes one other field.
        let a = event(
            "psd-2",
            12,
            vec![root.hash],
            TriageChange { priority: Some(Priority::High), status: Some(Status::Assessed), ..Default::default() },
            2,
        );
        let b = event(
            "psd-1",
            11,
            vec![root.hash],
            TriageChange { priority: Some(Priority::Urgent), summary: Some("s".into()), ..Default::default() },
            3,
        );
        // A later event that saw both wins over both, whatever its day.
        let c = event("acu-1", 5, vec![a.hash, b.hash], TriageChange::default(), 4);
        let forward = CaseState::fold(None, &[root.clone(), a.clone(), b.clone()]);
        let backward = CaseState::fold(None, &[b.clone(), a.clone(), root.clone()]);
        assert_eq!(forward, backward);
        assert_eq!(forward.priority, Priority::High, "(day 12, psd-2) is after (day 11, psd-1)");
        assert_eq!(forward.status, Status::Assessed);
        assert_eq!(forward.summary.as_deref(), Some("s"));
        let d =
            event("acu-1", 5, vec![c.hash], TriageChange { priority: Some(Priority::Low), ..Default::default() }, 5);
        let merged = CaseState::fold(None, &[root, a, b, c, d]);
        assert_eq!(merged.priority, Priority::Low, "causal order beats the day");
        assert_eq!(merged.history.len(), 5);
    }

    fn act(author: &str, day: i64, parents: Vec<EventHash>, action: Action, seq: u64) -> VerifiedEvent {
        let mut e = event(author, day, parents, TriageChange::default(), seq);
        e.event.action = action;
        e.document = serde_json::to_string(&e.event).expect("json");
        e.hash = EventHash::of(e.document.as_bytes());
        e
    }

    fn report_sent_on(day: i64) -> Report {
        let token = candour_core::token::MailboxToken::from_bytes([7; 16]);
        Report {
            schema: candour_core::report::SCHEMA_VERSION,
            thread_id: ThreadId([1; 16]),
            concern: Default::default(),
            sealed_to: vec!["psd-1".into()],
            reply_recipient: token.reply_identity().to_public().to_string(),
            mailbox: token.mailbox_id().address(),
            reporter_key: token.public_signing_key(),
            day_sent: Day::from_days_since_epoch(day),
            route: None,
            last_seen: None,
            reader_changes: vec![],
        }
    }

    /// The 7-day clock stops only when the reporter is told: a status change, a note, the
    /// automatic receipt, a message and a closure all leave it running, and "acknowledged"
    /// as a status follows the reply instead of standing in for it.
    #[test]
    fn only_telling_the_reporter_acknowledges() {
        let report = report_sent_on(100);
        let status = |s: Status| Action::Triage { change: TriageChange { status: Some(s), ..Default::default() } };
        let reply = |kind: ReplyKind| Action::Reply { reply_kind: kind, text: "t".into() };
        let receipt = act("psd-1", 100, vec![], Action::Receipt { recipients: vec!["psd-1".into()] }, 1);
        let assessed = act("psd-1", 101, vec![receipt.hash], status(Status::Assessed), 2);
        let claimed = act("psd-1", 102, vec![assessed.hash], status(Status::Acknowledged), 3);
        let note = act("psd-1", 103, vec![claimed.hash], Action::Note { text: "n".into() }, 4);
        let message = act("psd-1", 104, vec![note.hash], reply(ReplyKind::Message), 5);
        let silent = [receipt, assessed, claimed, note, message];
        let state = CaseState::fold(Some(&report), &silent);
        assert!(!state.is_acknowledged() && state.acknowledged_on.is_none(), "{state:?}");
        assert_eq!(state.status, Status::Assessed, "a claimed acknowledgement is not applied");
        assert!(state.history[2].what.contains("not applied: no acknowledgement was sent"), "{:?}", state.history);

        let closed = act("psd-1", 105, vec![silent[4].hash], Action::Close { outcome: Outcome::NoCaseToAnswer }, 6);
        let state = CaseState::fold(Some(&report), &[silent.to_vec(), vec![closed]].concat());
        assert!(!state.is_acknowledged(), "closing a case does not tell the reporter");

        // Acknowledged on day 110, three days after the deadline: the status follows, and the
        // history says it was late.
        let ack = act("psd-1", 110, vec![silent[4].hash], reply(ReplyKind::Acknowledgement), 6);
        let state = CaseState::fold(Some(&report), &[silent.to_vec(), vec![ack.clone()]].concat());
        assert_eq!(state.acknowledged_on, Some(Day::from_days_since_epoch(110)));
        assert_eq!((state.status, state.feedback_on), (Status::Assessed, None), "assessed stays assessed");
        let last = state.history.last().map(|h| h.what.clone()).unwrap_or_default();
        assert!(last.contains("(acknowledged 3 days late)"), "{last}");

        // On a case still at "received", the acknowledgement moves the status on; a first
        // feedback discharges both duties.
        let fresh = act("psd-1", 101, vec![], reply(ReplyKind::Feedback), 1);
        let state = CaseState::fold(Some(&report), &[fresh]);
        assert_eq!(state.status, Status::Acknowledged);
        assert_eq!(
            (state.acknowledged_on, state.feedback_on),
            (Some(Day::from_days_since_epoch(101)), state.acknowledged_on)
        );
        let on_time = state.history.last().map(|h| h.what.clone()).unwrap_or_default();
        assert!(!on_time.contains("late"), "{on_time}");
    }

    /// Ticking a mandatory-referral criterion opens a referral duty, owed without delay and
    /// first among the case's duties; only a recorded referral closes it, and a referral dated
    /// after the day it was recorded is refused at sync.
    #[test]
    fn a_ticked_criterion_owes_a_referral_until_one_is_recorded() {
        use crate::clocks::{next_due, Duty};
        use crate::event::{verify_chain, CaseReaders, Retained};
        let report = report_sent_on(100);
        let received = Received { seq: 1, expires: None, report: report.clone(), attachments: vec![], notes: vec![] };
        let file = |events: Vec<VerifiedEvent>| CaseFile {
            thread_id: ThreadId([1; 16]),
            report: Some(received.clone()),
            follow_ups: vec![],
            events,
            opened: 0,
        };
        let tick = |ticked: bool| Action::Triage {
            change: TriageChange { iopc: vec![(IopcCriterion::SeriousCorruption, ticked)], ..Default::default() },
        };
        let day = Day::from_days_since_epoch;
        let ticked = act("psd-1", 102, vec![], tick(true), 1);
        let case = file(vec![ticked.clone()]);
        let due = next_due(&case, &case.state());
        assert_eq!(due, Some((Duty::ReferToIopc, day(102))), "before the 7-day acknowledgement");
        assert!(Duty::ReferToIopc.is_late(day(102), day(102)), "without delay: late the day it is owed");
        assert!(!Duty::Acknowledge.is_late(day(107), day(107)), "day 7 is still in time to acknowledge");

        let referral = |on: i64, seq| {
            act(
                "psd-1",
                105,
                vec![ticked.hash],
                Action::IopcReferral { referred_on: day(on), reference: "2026/012345".into() },
                seq,
            )
        };
        let case = file(vec![ticked.clone(), referral(104, 2)]);
        let state = case.state();
        assert_eq!(state.iopc_referral, Some((day(104), "2026/012345".to_owned())));
        assert_eq!(next_due(&case, &state).map(|d| d.0), Some(Duty::Acknowledge), "the referral duty is done");
        let last = state.history.last().map(|h| h.what.clone()).unwrap_or_default();
        assert!(last.contains("referred to the IOPC on") && last.contains("2 days after"), "{last}");

        // Unticked before any referral: the duty is withdrawn.
        let case = file(vec![ticked.clone(), act("psd-1", 103, vec![ticked.hash], tick(false), 2)]);
        assert_eq!(next_due(&case, &case.state()).map(|d| d.0), Some(Duty::Acknowledge));

        // A referral claimed for a day after it was recorded is kept, marked, never applied.
        let retained = Retained { today: day(105), old_enough: false };
        let dir = example_directory();
        let readers =
            CaseReaders { dir: &dir, thread: &ThreadId([1; 16]), first: &["psd-1".to_owned()], excluded: &[] };
        let chain = verify_chain(vec![ticked.clone(), referral(106, 2)], &[], retained, &readers).expect("chain");
        assert_eq!(chain.refused.len(), 1, "{:?}", chain.refused);
        let case = file(chain.events);
        assert_eq!(next_due(&case, &case.state()).map(|d| d.0), Some(Duty::ReferToIopc));
    }

    /// The example directory, checked against its root on a fixed day inside its validity.
    fn example_directory() -> VerifiedDirectory {
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../keys-example");
        let root = std::fs::read_to_string(base.join("root.pub")).expect("root.pub");
        let policy = candour_core::directory::TrustPolicy {
            roots: vec![root.trim().parse().expect("root key")],
            threshold: 1,
            min_version: 0,
            today: Day::from_ymd(2026, 12, 1).expect("a day"),
        };
        let served = std::fs::read(base.join("directory.json")).expect("directory.json");
        candour_core::directory::verify(&served, &policy).expect("the example directory verifies")
    }
}
