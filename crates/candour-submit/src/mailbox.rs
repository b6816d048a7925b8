//! Reading replies with the mailbox token alone.

use candour_core::directory::{Role, VerifiedDirectory};
use candour_core::envelope::{CollectAttachments, OpenError};
use candour_core::message::{open_document, OpenDocumentError};
use candour_core::report::Document;
use candour_core::token::MailboxToken;
use candour_core::Day;

/// The largest attachment a reply may carry into memory.
pub const MAX_REPLY_ATTACHMENT: u64 = 64 * 1024 * 1024;

/// A verified reply from a reviewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyView {
    /// The reviewer's id.
    pub reviewer: String,
    /// Their role: reviewer or supervisor.
    pub role: Role,
    /// The queues they belong to (e.g. `psd`), to show where the reply comes from.
    pub queues: Vec<String>,
    /// The day it was written.
    pub day_sent: Day,
    /// The message.
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
    let Document::Reply(reply) = opened.document else { return Err(ReplyError::NotAReply) };
    if reply.thread_id != token.thread_id() {
        return Err(ReplyError::NotAReply);
    }
    let reviewer = match dir.reviewer(&reply.reviewer) {
        Some(r) if r.signing_key == opened.signer => r,
        _ => return Err(ReplyError::ForgedSigner(reply.reviewer.clone())),
    };
    Ok(ReplyView {
        reviewer: reply.reviewer,
        role: reviewer.role,
        queues: reviewer.queues.clone(),
        day_sent: reply.day_sent,
        text: reply.text,
        thread_recipients: reply.thread_recipients,
        attachments: sink.collected.into_iter().map(|(m, b)| (m.name, b)).collect(),
    })
}
