//! Reading replies and receipts with the mailbox token alone, and finding from them who the
//! reporter's follow-ups go to.
//!
//! A follow-up must reach exactly the report's readers (exclusions included) without the
//! reporter re-entering anything: a stateless client learns them from the mailbox, where the
//! first reviewer tool to open the report files a signed [`Receipt`] naming them, and files it
//! again before it would expire. Until a receipt or reply is there, nothing is sent: routing
//! afresh would forget the report's exclusions ([`follow_up_readers`]).

use candour_core::directory::{Role, VerifiedDirectory};
use candour_core::envelope::{CollectAttachments, OpenError};
use candour_core::message::{open_document, OpenDocumentError};
use candour_core::report::{Document, Receipt};
use candour_core::token::MailboxToken;
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
    /// Who follow-ups should be sealed to, vouched for by the reviewer's signature.
    pub thread_recipients: Vec<String>,
    /// Attachments (name, bytes).
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// Why a mailbox entry was not accepted.
#[derive(Debug, thiserror::Error)]
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
    /// The envelope opened but is malformed.
    #[error("a reply is malformed: {0}")]
    Malformed(String),
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
    let (kind, thread_id, author, day_sent, text, thread_recipients) = match opened.document {
        Document::Reply(r) => (MessageKind::Reply, r.thread_id, r.reviewer, r.day_sent, r.text, r.thread_recipients),
        Document::Receipt(Receipt { thread_id, reviewer, day_sent, thread_recipients, .. }) => {
            (MessageKind::Receipt, thread_id, reviewer, day_sent, String::new(), thread_recipients)
        }
        _ => return Err(ReplyError::NotAReply),
    };
    if thread_id != token.thread_id() {
        return Err(ReplyError::NotAReply);
    }
    let reviewer = match dir.reviewer(&author) {
        Some(r) if r.signing_key == opened.signer => r,
        _ => return Err(ReplyError::ForgedSigner(author)),
    };
    Ok(ReplyView {
        kind,
        reviewer: author,
        role: reviewer.role,
        queues: reviewer.queues.clone(),
        day_sent,
        text,
        thread_recipients,
        attachments: sink.collected.into_iter().map(|(m, b)| (m.name, b)).collect(),
    })
}

/// Who a follow-up goes to, from the mailbox's verified messages in mailbox order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpReaders {
    /// The thread's readers, as the newest receipt or reply names them.
    Known(Vec<String>),
    /// No reviewer has received the report yet: nothing may be sent.
    NotYetReceived,
}

/// The readers of the reporter's next follow-up: those the newest receipt or reply names.
/// Never a fresh route: that would forget the report's exclusions.
pub fn follow_up_readers(messages: &[ReplyView]) -> FollowUpReaders {
    match messages.last() {
        Some(newest) => FollowUpReaders::Known(newest.thread_recipients.clone()),
        None => FollowUpReaders::NotYetReceived,
    }
}

/// What the reporter is told while no receipt has arrived.
pub const NOT_YET_RECEIVED: &str = "No reviewer has received your report yet, so Candour cannot yet tell who may \
     read more information without asking you again, and it will not guess. Nothing was sent: try again later \
     (a reviewer's tool confirms receipt when it next checks, usually within a day).";
