//! Reading replies and receipts with the mailbox token alone, and finding from them who the
//! reporter's follow-ups go to.
//!
//! A follow-up must reach exactly the report's readers (exclusions included) without the
//! reporter re-entering anything: a stateless client learns them from the mailbox, where the
//! first reviewer tool to open the report files a signed [`Receipt`] naming them, and files it
//! again before it would expire. Until a receipt or reply is there, nothing is sent: routing
//! afresh would forget the report's exclusions ([`follow_up_readers`]).
//!
//! Since document format 2 the receipt and every reply echo the report's route commitment
//! ([`candour_core::commitment`]), which only the token holder can sign. The readers come from
//! it, not from what one reviewer's message says: a reply naming anyone else is shown to the
//! reporter as a proposed addition and not applied, and a reviewer the reporter excluded is
//! never added. Once a commitment has been seen, messages without one carry no weight.

use candour_core::commitment::RouteCommitment;
use candour_core::directory::{Role, VerifiedDirectory};
use candour_core::envelope::{CollectAttachments, OpenError};
use candour_core::message::{open_document, OpenDocumentError};
use candour_core::reader_change::{self, ReaderChange};
use candour_core::report::{Document, Receipt, SeenFromReporter};
use candour_core::token::MailboxToken;
use candour_core::wire::ThreadId;
use candour_core::Day;

/// The largest attachment a reply may carry into memory.
pub const MAX_REPLY_ATTACHMENT: u64 = 64 * 1024 * 1024;

/// What a mailbox message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// A reviewer's words.
    Reply,
    /// The automatic receipt a reviewer's tool filed when the report arrived (or again, to keep
    /// the thread's readers on the relay). It has no text.
    Receipt,
}

/// A verified reply or receipt from a reviewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyView {
    /// A reply or a receipt.
    pub kind: MessageKind,
    /// The thread it answers: the token's format 2 thread, or its format 1 one.
    pub thread_id: ThreadId,
    /// The reviewer's id.
    pub reviewer: String,
    /// Their role: reviewer or supervisor.
    pub role: Role,
    /// The queues they belong to (e.g. `psd`), to show where the reply comes from.
    pub queues: Vec<String>,
    /// The day it was written.
    pub day_sent: Day,
    /// The message (empty for a receipt).
    pub text: String,
    /// Who the reviewer says follow-ups should be sealed to, vouched for by their signature.
    pub thread_recipients: Vec<String>,
    /// The report's route commitment as the message echoes it, checked against the token
    /// (a message echoing one the token did not sign is refused: [`ReplyError::ForgedRoute`]).
    pub route: Option<RouteCommitment>,
    /// The directory version the reviewer's tool held (format 2).
    pub directory_version: Option<u64>,
    /// What the reviewer had received from the reporter when writing it (format 2 replies).
    pub seen: Option<SeenFromReporter>,
    /// The reader changes (transfers, added readers) the message carries, as the case's
    /// history accepted them; each is checked here before it applies ([`follow_up_readers`]).
    pub reader_changes: Vec<ReaderChange>,
    /// Attachments (name, bytes).
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// Why a mailbox entry was not accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Not for this token, or damaged.
    #[error("a message in the mailbox could not be opened with this token")]
    CannotOpen,
    /// Opened, but it is not a reply, or is for another thread.
    #[error("a message in the mailbox is not a reply to this report")]
    NotAReply,
    /// Signed by a key the directory does not give to the reviewer it names.
    #[error("a reply claims to come from {0} but is not signed by their key in the directory: ignore it")]
    ForgedSigner(String),
    /// Echoes a route commitment this token did not sign: the reviewer's tool altered who may
    /// read the report's follow-ups.
    #[error("a message from {0} changes the list of readers your report chose, which no reviewer may do: ignore it")]
    ForgedRoute(String),
    /// The envelope opened but is malformed.
    #[error("a reply is malformed: {0}")]
    Malformed(String),
}

impl ReplyError {
    /// A stable code for logs, tests and the page.
    pub fn code(&self) -> &'static str {
        match self {
            ReplyError::CannotOpen => "cannot-open",
            ReplyError::NotAReply => "not-a-reply",
            ReplyError::ForgedSigner(_) => "forged-signer",
            ReplyError::ForgedRoute(_) => "forged-route",
            ReplyError::Malformed(_) => "malformed",
        }
    }
}

/// Opens one mailbox envelope with the token's reply identity and checks the reviewer's
/// signature against the verified directory.
pub fn open_reply(dir: &VerifiedDirectory, token: &MailboxToken, envelope: &[u8]) -> Result<ReplyView, ReplyError> {
    let identity = token.reply_identity();
    let mut sink = CollectAttachments::new(MAX_REPLY_ATTACHMENT);
    let opened = match open_document(&identity, envelope, &mut sink) {
        Ok(o) => o,
        Err(OpenDocumentError::Envelope(OpenError::CannotOpen)) => return Err(ReplyError::CannotOpen),
        Err(e) => return Err(ReplyError::Malformed(e.to_string())),
    };
    let (kind, thread_id, author, day_sent, text, thread_recipients, route, directory_version, seen, reader_changes) =
        match opened.document {
            Document::Reply(r) => (
                MessageKind::Reply,
                r.thread_id,
                r.reviewer,
                r.day_sent,
                r.text,
                r.thread_recipients,
                r.route,
                r.directory_version,
                r.seen,
                r.reader_changes,
            ),
            Document::Receipt(Receipt {
                thread_id,
                reviewer,
                day_sent,
                thread_recipients,
                route,
                directory_version,
                reader_changes,
                ..
            }) => (
                MessageKind::Receipt,
                thread_id,
                reviewer,
                day_sent,
                String::new(),
                thread_recipients,
                route,
                directory_version,
                None,
                reader_changes,
            ),
            _ => return Err(ReplyError::NotAReply),
        };
    // The token's format 2 thread, or the thread a format 1 report of it began.
    if thread_id != token.thread_id() && thread_id != token.thread_id_v1() {
        return Err(ReplyError::NotAReply);
    }
    // The author's current key, or a key they held before, within its bounds: a reply written
    // before a rotation, or by someone who has since left, is still theirs.
    if !dir.signed_by_author(&author, &opened.signer, day_sent, directory_version) {
        return Err(ReplyError::ForgedSigner(author));
    }
    let (role, queues) = match dir.reviewer(&author) {
        Some(r) => (r.role, r.queues.clone()),
        None => (Role::Reviewer, Vec::new()),
    };
    if let Some(c) = &route {
        if c.verify(&token.public_signing_key(), &token.thread_id()).is_err() {
            return Err(ReplyError::ForgedRoute(author));
        }
    }
    Ok(ReplyView {
        kind,
        thread_id,
        reviewer: author,
        role,
        queues,
        day_sent,
        text,
        thread_recipients,
        route,
        directory_version,
        seen,
        reader_changes,
        attachments: sink.collected.into_iter().map(|(m, b)| (m.name, b)).collect(),
    })
}

/// Drops messages that repeat an earlier one exactly (the same signed reply filed twice, by a
/// reviewer's tool or by a relay replaying it), keeping the first; returns how many went.
pub fn drop_repeats(messages: &mut Vec<ReplyView>) -> usize {
    let before = messages.len();
    let mut kept: Vec<ReplyView> = Vec::with_capacity(before);
    for m in messages.drain(..) {
        if !kept.contains(&m) {
            kept.push(m);
        }
    }
    *messages = kept;
    before - messages.len()
}

/// The line shown under a reply saying what its author had read of the reporter's messages, in
/// English ([`crate::words::seen_line`] in any language).
pub fn seen_line(reply: &ReplyView) -> Option<String> {
    crate::words::seen_line(english(), reply)
}

/// What the reporter should know from the replies' [`SeenFromReporter`]s, in English
/// ([`crate::words::seen_notes`], which says when a reply had read less than an earlier one).
pub fn seen_notes(messages: &[ReplyView]) -> Vec<String> {
    crate::words::seen_notes(english(), messages)
}

fn english() -> candour_l10n::Messages {
    candour_l10n::Messages::new(candour_l10n::Language::English)
}

/// What the reporter is told when messages repeated, in English.
pub fn repeats_note(repeats: usize) -> String {
    crate::words::repeats(english(), repeats)
}

/// Who a follow-up goes to, from the mailbox's verified messages in mailbox order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpReaders {
    /// The thread's readers and what the reporter should be told about them.
    Known(Box<FollowUpRoute>),
    /// No reviewer has received the report yet: nothing may be sent.
    NotYetReceived,
}

/// The readers of the reporter's next follow-up, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpRoute {
    /// Who to seal to: the committed readers still in the directory (or, for a version 1
    /// thread, those the newest message names).
    pub readers: Vec<String>,
    /// The thread the follow-up joins.
    pub thread_id: ThreadId,
    /// The report's route commitment, to echo in the follow-up (`None` for a version 1 thread).
    pub commitment: Option<RouteCommitment>,
    /// Readers a reviewer's message named beyond the commitment: shown, not applied. Each is
    /// (reviewer proposed, reviewer who proposed it).
    pub proposed: Vec<(String, String)>,
    /// Reviewers the reporter excluded whom a message named as readers: refused, always.
    pub refused_excluded: Vec<String>,
    /// Committed readers the current directory no longer lists: follow-ups cannot reach them.
    pub departed: Vec<String>,
    /// Messages that carried no commitment after one had been seen: given no weight.
    pub uncommitted_ignored: usize,
    /// The reader changes applied to the commitment, in order: the follow-up carries them, so
    /// every reader sees why it reached them.
    pub reader_changes: Vec<ReaderChange>,
    /// Reader changes a message carried that did not apply, each with why (shown, never
    /// applied).
    pub refused_changes: Vec<(ReaderChange, reader_change::ReaderChangeError)>,
    /// The newest reply (not receipt) about the thread, by its
    /// [`candour_core::report::seen_reply_digest`]: what the follow-up names as last seen.
    pub last_seen: Option<candour_core::commitment::Sha256Hex>,
}

/// The digest of the newest reply about `thread` among `messages`.
fn newest_reply(messages: &[ReplyView], thread: ThreadId) -> Option<candour_core::commitment::Sha256Hex> {
    messages
        .iter()
        .rev()
        .find(|m| m.kind == MessageKind::Reply && m.thread_id == thread)
        .map(|m| candour_core::report::seen_reply_digest(&thread, &m.reviewer, m.day_sent, &m.text))
}

impl FollowUpRoute {
    /// What to tell the reporter about these readers, in plain words, one line each, in English
    /// ([`crate::words::route_notes`] in any language).
    pub fn notes(&self) -> Vec<String> {
        crate::words::route_notes(english(), self)
    }
}

/// The readers of the reporter's next follow-up. With a route commitment (format 2): its
/// readers still in `dir`, whatever any message says; without one (a version 1 report): those
/// the newest receipt or reply about the format 1 thread names. Never a fresh route: that would
/// forget the report's exclusions.
pub fn follow_up_readers(dir: &VerifiedDirectory, token: &MailboxToken, messages: &[ReplyView]) -> FollowUpReaders {
    let v1_thread = token.thread_id_v1();
    // Every echoed commitment was checked against the token in `open_reply`; the first is
    // the report's (a reporter signs one per token).
    let Some(commitment) = messages.iter().find_map(|m| m.route.clone()) else {
        return legacy_readers(messages, v1_thread);
    };
    // Transfers and added readers: each checked against the directory, the commitment's
    // exclusions and the readers the previous change left (docs/design.md §6 "Moving cases").
    let offered: Vec<ReaderChange> =
        messages.iter().filter(|m| m.route.is_some()).flat_map(|m| m.reader_changes.iter().cloned()).collect();
    let changes = reader_change::apply(dir, &commitment.thread_id, &commitment.readers, &commitment.excluded, &offered);
    let current = &changes.readers;
    // In directory order, as every other list of readers is shown.
    let readers: Vec<String> = dir
        .directory()
        .reviewers
        .iter()
        .filter(|r| current.binary_search(&r.id).is_ok())
        .map(|r| r.id.clone())
        .collect();
    let departed: Vec<String> = current.iter().filter(|id| dir.reviewer(id).is_none()).cloned().collect();
    let mut proposed: Vec<(String, String)> = Vec::new();
    let mut refused_excluded: Vec<String> = Vec::new();
    let mut uncommitted_ignored = 0;
    for m in messages {
        if m.route.is_none() {
            uncommitted_ignored += 1;
            continue;
        }
        // Someone who read the thread before a change is not a proposal: old messages name them.
        let earlier = |id: &String| {
            commitment.readers.binary_search(id).is_ok() || changes.applied.iter().any(|c| c.before.contains(id))
        };
        for id in m.thread_recipients.iter().filter(|id| current.binary_search(id).is_err() && !earlier(id)) {
            if commitment.excluded.binary_search(id).is_ok() {
                if !refused_excluded.contains(id) {
                    refused_excluded.push(id.clone());
                }
            } else if !proposed.iter().any(|(p, by)| p == id && by == &m.reviewer) {
                proposed.push((id.clone(), m.reviewer.clone()));
            }
        }
    }
    let last_seen = newest_reply(messages, commitment.thread_id);
    FollowUpReaders::Known(Box::new(FollowUpRoute {
        readers,
        thread_id: commitment.thread_id,
        last_seen,
        commitment: Some(commitment),
        proposed,
        refused_excluded,
        departed,
        uncommitted_ignored,
        reader_changes: changes.applied,
        refused_changes: changes.refused,
    }))
}

/// Without a commitment, only a format 1 thread may go by the newest message's word. A format 2
/// thread always has one, so a message about it without one (an old reviewer tool, or a reader
/// stripping it) carries no weight: until a message with the commitment arrives, nothing is sent.
fn legacy_readers(messages: &[ReplyView], v1_thread: ThreadId) -> FollowUpReaders {
    let ignored = messages.iter().filter(|m| m.thread_id != v1_thread).count();
    match messages.iter().rev().find(|m| m.thread_id == v1_thread) {
        Some(newest) => FollowUpReaders::Known(Box::new(FollowUpRoute {
            readers: newest.thread_recipients.clone(),
            thread_id: v1_thread,
            commitment: None,
            proposed: vec![],
            refused_excluded: vec![],
            departed: vec![],
            uncommitted_ignored: ignored,
            last_seen: newest_reply(messages, v1_thread),
            reader_changes: vec![],
            refused_changes: vec![],
        })),
        None => FollowUpReaders::NotYetReceived,
    }
}

/// What the reporter is told while no receipt has arrived.
pub const NOT_YET_RECEIVED: &str = "No reviewer has received your report yet, so Candour cannot yet tell who may \
     read more information without asking you again, and it will not guess. Nothing was sent: try again later \
     (a reviewer's tool confirms receipt when it next checks, usually within a day).";
