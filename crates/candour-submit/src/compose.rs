//! Composing a report or follow-up: routing, the preview of who can read it, and the sealed
//! envelope. No network here: `crate::send` (over `candour_client`) sends what this builds.

use std::fmt;
use std::io::Write;

use candour_core::commitment::{CommitmentError, RouteCommitment};
use candour_core::conflicts::{text_conflicts, Conflict};
use candour_core::custody::HeldIdentity;
use candour_core::directory::{Role, VerifiedDirectory};
use candour_core::envelope::{AttachmentSource, SealError};
use candour_core::message::seal_document;
use candour_core::reader_change::{self, ReaderChange};
use candour_core::report::{Category, Concern, Disclosure, Document, Report, SCHEMA_V1, SCHEMA_VERSION};
use candour_core::routing::{route, Route, RouteError};
use candour_core::token::MailboxToken;
use candour_core::wire::ThreadId;
use candour_core::Day;
use ed25519_dalek::SigningKey;

/// Why a report cannot be composed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    /// A new report needs a category.
    #[error("choose a category for the report")]
    MissingCategory,
    /// Nothing was said about what happened.
    #[error("say what happened (the `what` field is empty)")]
    EmptyWhat,
    /// Routing failed (unknown excluded reviewer, everyone excluded...).
    #[error(transparent)]
    Route(#[from] RouteError),
    /// A follow-up names reviewers the directory does not list.
    #[error("the thread's recipient {0} is not in the current directory")]
    UnknownRecipient(String),
    /// A follow-up names a reviewer twice.
    #[error("{0} is named twice as a reader")]
    RepeatedRecipient(String),
    /// The reporter asked to leave out someone who is not among the report's readers.
    #[error("{0} is not among your report's readers, so there is nothing to leave out")]
    NotAReader(String),
    /// Leaving readers out would leave nobody to read the follow-up.
    #[error("not sent: that leaves nobody to read it")]
    NobodyLeft,
    /// A follow-up names a reviewer outside the readers the report committed to.
    #[error("{0} is not among the readers your report committed to, so a follow-up cannot go to them")]
    OutsideCommitment(String),
    /// The route commitment could not be made, or is not this token's.
    #[error(transparent)]
    Commitment(#[from] CommitmentError),
    /// Sealing failed.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// A reader change the follow-up was to carry does not apply.
    #[error("a change of your report's readers does not check out: {0}")]
    ReaderChange(reader_change::ReaderChangeError),
    /// The reporter gave a name or contact, and every identity custodian is someone they
    /// excluded: nobody is left to hold it.
    #[error(
        "not sent: your name and contact would be held by the identity custodians ({0}), and you excluded them \
         all. Send without them, or include a custodian"
    )]
    NoCustodian(String),
    /// The name and contact could not be sealed for the custodians.
    #[error("your name and contact could not be sealed for the custodians: {0}")]
    Custody(candour_core::custody::CustodyError),
}

impl ComposeError {
    /// A stable code for logs, tests and the page.
    pub fn code(&self) -> &'static str {
        match self {
            ComposeError::MissingCategory => "missing-category",
            ComposeError::EmptyWhat => "empty-what",
            ComposeError::Route(e) => e.code(),
            ComposeError::UnknownRecipient(_) => "unknown-recipient",
            ComposeError::OutsideCommitment(_) => "outside-commitment",
            ComposeError::RepeatedRecipient(_) => "repeated-recipient",
            ComposeError::NotAReader(_) => "not-a-reader",
            ComposeError::NobodyLeft => "nobody-left",
            ComposeError::Commitment(e) => e.code(),
            ComposeError::Seal(_) => "seal-failed",
            ComposeError::ReaderChange(e) => e.code(),
            ComposeError::NoCustodian(_) => "no-custodian",
            ComposeError::Custody(e) => e.code(),
        }
    }
}

/// A report or follow-up ready to seal: the document and who will read it.
#[derive(Debug)]
pub struct Composed {
    /// The document to seal.
    pub document: Document,
    /// The reviewers it is sealed to (and, for a new report, the route that chose them).
    pub readers: Readers,
}

/// Who will be able to read an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readers {
    /// A new report, routed by category and exclusions.
    Routed(Route),
    /// A follow-up, sealed to the thread's recipients.
    Thread(Vec<String>),
}

impl Readers {
    /// The reviewer ids.
    pub fn reviewer_ids(&self) -> &[String] {
        match self {
            Readers::Routed(r) => &r.reviewers,
            Readers::Thread(ids) => ids,
        }
    }
}

/// Composes a new report for the holder of `token`.
pub fn compose_report(
    dir: &VerifiedDirectory,
    token: &MailboxToken,
    concern: Concern,
    excluded: &[String],
    today: Day,
) -> Result<Composed, ComposeError> {
    let category = concern.category.ok_or(ComposeError::MissingCategory)?;
    if concern.what.trim().is_empty() {
        return Err(ComposeError::EmptyWhat);
    }
    let mut concern = concern;
    hold_identity(dir, token, &mut concern, excluded)?;
    let route = route(dir, category, &concern.concerning, excluded)?;
    // The reporter's own word on who may read the thread (crate::compose's caller shows it):
    // follow-ups go to these readers whatever a reviewer's reply later says.
    let commitment = RouteCommitment::sign(dir, token.thread_id(), &route.reviewers, excluded, &token.signing_key())?;
    let report = report(token, token.thread_id(), concern, route.reviewers.clone(), Some(commitment), today);
    Ok(Composed { document: Document::Report(report), readers: Readers::Routed(route) })
}

/// Who a follow-up will go to, before it is composed: the report's readers less those the
/// reporter leaves out, and where the message seems to name one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpAddress {
    /// The readers it goes to: never more than the report's, never none.
    pub readers: Vec<String>,
    /// Readers the message's words seem to name (docs/design.md §7): the face asks before
    /// sending to them.
    pub conflicts: Vec<Conflict>,
}

impl FollowUpAddress {
    /// The readers the conflicts name, for the face to offer leaving out.
    pub fn named_readers(&self) -> Vec<String> {
        self.conflicts.iter().filter_map(|c| c.reviewer().map(str::to_owned)).collect()
    }
}

/// Addresses a follow-up: `readers` are the thread's (from
/// [`crate::mailbox::follow_up_readers`]), of which the reporter leaves out `leave_out`. A
/// follow-up is never routed afresh (which would forget the report's exclusions), so leaving
/// out anyone who is not a reader, or everyone, is refused. The CLI and the page both call
/// this, and call it again with the named readers when the reporter chooses to leave them out.
pub fn address_follow_up(
    dir: &VerifiedDirectory,
    mut readers: Vec<String>,
    leave_out: &[String],
    text: &str,
) -> Result<FollowUpAddress, ComposeError> {
    if let Some(stranger) = leave_out.iter().find(|id| !readers.contains(id)) {
        return Err(ComposeError::NotAReader(stranger.clone()));
    }
    readers.retain(|r| !leave_out.contains(r));
    if readers.is_empty() {
        return Err(ComposeError::NobodyLeft);
    }
    let conflicts = text_conflicts(dir, text, &readers);
    Ok(FollowUpAddress { readers, conflicts })
}

/// Composes a follow-up to the thread of `token`, sealed to `recipients`: the readers the
/// report committed to (see [`crate::mailbox::follow_up_readers`]), perhaps fewer. `route` is
/// that commitment, echoed in the follow-up; it must be this token's, and every recipient one
/// of its readers. A thread begun by a version 1 report has no commitment (`None`): its
/// follow-ups are version 1 documents sealed to the recipients the newest reply named.
pub fn compose_follow_up(
    dir: &VerifiedDirectory,
    token: &MailboxToken,
    concern: Concern,
    recipients: Vec<String>,
    route: Option<RouteCommitment>,
    today: Day,
) -> Result<Composed, ComposeError> {
    compose_follow_up_after(dir, token, concern, recipients, route, Vec::new(), today)
}

/// [`compose_follow_up`] to a thread whose readers changed: `reader_changes` are those
/// [`crate::mailbox::follow_up_readers`] applied (a transfer, an added reader), carried in the
/// follow-up, and every recipient must be one of the readers they leave. Each change is checked
/// again here against the directory and the commitment's exclusions.
pub fn compose_follow_up_after(
    dir: &VerifiedDirectory,
    token: &MailboxToken,
    concern: Concern,
    recipients: Vec<String>,
    route: Option<RouteCommitment>,
    reader_changes: Vec<ReaderChange>,
    today: Day,
) -> Result<Composed, ComposeError> {
    if concern.what.trim().is_empty() {
        return Err(ComposeError::EmptyWhat);
    }
    if recipients.is_empty() {
        return Err(ComposeError::NobodyLeft);
    }
    if let Some(c) = &route {
        c.verify(&token.public_signing_key(), &token.thread_id())?;
    }
    let readers = match &route {
        Some(c) => {
            let applied = reader_change::apply(dir, &c.thread_id, &c.readers, &c.excluded, &reader_changes);
            if let Some((_, why)) = applied.refused.into_iter().next() {
                return Err(ComposeError::ReaderChange(why));
            }
            Some(applied.readers)
        }
        None if !reader_changes.is_empty() => {
            return Err(ComposeError::ReaderChange(reader_change::ReaderChangeError::NotCanonical))
        }
        None => None,
    };
    for id in &recipients {
        if let Some(readers) = &readers {
            if readers.binary_search(id).is_err() {
                return Err(ComposeError::OutsideCommitment(id.clone()));
            }
        }
        if dir.reviewer(id).is_none() {
            return Err(ComposeError::UnknownRecipient(id.clone()));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(twice) = recipients.iter().find(|id| !seen.insert(*id)) {
        return Err(ComposeError::RepeatedRecipient(twice.clone()));
    }
    // A format 2 thread is the commitment's (bound to the token's key); a format 1 thread is
    // the one its report began.
    let thread = route.as_ref().map_or_else(|| token.thread_id_v1(), |c| c.thread_id);
    let mut concern = concern;
    let excluded = route.as_ref().map(|c| c.excluded.clone()).unwrap_or_default();
    if route.is_some() {
        hold_identity(dir, token, &mut concern, &excluded)?;
    }
    let mut report = report(token, thread, concern, recipients.clone(), route, today);
    report.reader_changes = reader_changes;
    Ok(Composed { document: Document::FollowUp(report), readers: Readers::Thread(recipients) })
}

/// Where the directory names identity custodians, seals a confidential reporter's name and
/// contact to them (less any the reporter excluded) in place of the plain details, so the
/// case's readers hold only ciphertext they cannot open (docs/design.md §6 "Custodian-held
/// identities"). Without custodians the details go to the readers, as the reporter is told.
fn hold_identity(
    dir: &VerifiedDirectory,
    token: &MailboxToken,
    concern: &mut Concern,
    excluded: &[String],
) -> Result<(), ComposeError> {
    let Disclosure::Confidential { name, contact } = &concern.disclosure else { return Ok(()) };
    let custodians: Vec<String> =
        dir.directory().custodians.iter().filter(|c| !excluded.contains(c)).cloned().collect();
    if dir.directory().custodians.is_empty() {
        return Ok(());
    }
    if custodians.is_empty() {
        return Err(ComposeError::NoCustodian(dir.directory().custodians.join(", ")));
    }
    let recipients: Vec<age::x25519::Recipient> =
        custodians.iter().filter_map(|id| dir.reviewer(id)).filter_map(|r| r.x25519_recipient()).collect();
    let identity = HeldIdentity {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        reporter_key: token.public_signing_key(),
        name: name.clone(),
        contact: contact.clone(),
    };
    let held = candour_core::custody::seal_held(&identity, &recipients, dir.directory().stanzas, &token.signing_key())
        .map_err(ComposeError::Custody)?;
    concern.disclosure = Disclosure::Held { custodians, held };
    Ok(())
}

fn report(
    token: &MailboxToken,
    thread_id: ThreadId,
    concern: Concern,
    sealed_to: Vec<String>,
    route: Option<RouteCommitment>,
    today: Day,
) -> Report {
    Report {
        schema: if route.is_some() { SCHEMA_VERSION } else { SCHEMA_V1 },
        thread_id,
        concern,
        sealed_to,
        reply_recipient: token.reply_identity().to_public().to_string(),
        mailbox: token.mailbox_id().address(),
        reporter_key: token.public_signing_key(),
        day_sent: today,
        route,
        last_seen: None,
        reader_changes: Vec::new(),
    }
}

/// Everything needed to seal, owned, so sealing can run on another thread while the envelope
/// streams to the relay.
pub struct SealPlan {
    recipients: Vec<age::x25519::Recipient>,
    stanzas: usize,
    document: Document,
    signer: SigningKey,
}

impl std::fmt::Debug for SealPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealPlan({} recipients, {} stanzas)", self.recipients.len(), self.stanzas)
    }
}

impl SealPlan {
    /// The most bytes the envelope can take with attachments of these metadata and lengths
    /// (what the relay's proof of work is asked for).
    pub fn sealed_len_bound(&self, attachments: &[(candour_core::envelope::AttachmentMeta, u64)]) -> u64 {
        candour_core::envelope::sealed_len_bound(self.document.to_json().len(), attachments, self.stanzas)
    }

    /// Seals the document and attachments into `output`.
    pub fn seal<W: Write>(&self, attachments: Vec<AttachmentSource<'_>>, output: W) -> Result<W, ComposeError> {
        Ok(seal_document(&self.recipients, self.stanzas, &self.document, attachments, &self.signer, output)?)
    }
}

impl Composed {
    /// Names, in a format 2 follow-up, the newest reply the reporter's mailbox showed
    /// ([`crate::mailbox::FollowUpRoute::last_seen`]), so the readers can tell if replies were
    /// withheld from it. Anything else is left as it is.
    pub fn with_last_seen(mut self, last_seen: Option<candour_core::commitment::Sha256Hex>) -> Composed {
        if let Document::FollowUp(r) = &mut self.document {
            if r.schema == SCHEMA_VERSION {
                r.last_seen = last_seen;
            }
        }
        self
    }

    /// The sealing plan: the readers' keys, the stanza count and the token's signing key.
    pub fn plan(&self, dir: &VerifiedDirectory, token: &MailboxToken) -> SealPlan {
        let recipients = self
            .readers
            .reviewer_ids()
            .iter()
            .filter_map(|id| dir.reviewer(id))
            .filter_map(|r| r.x25519_recipient())
            .collect();
        SealPlan {
            recipients,
            stanzas: dir.directory().stanzas,
            document: self.document.clone(),
            signer: token.signing_key(),
        }
    }

    /// What to show the reporter before sending.
    pub fn preview(&self, dir: &VerifiedDirectory) -> Preview {
        let readers = self
            .readers
            .reviewer_ids()
            .iter()
            .filter_map(|id| dir.reviewer(id))
            .map(|r| PreviewReader {
                id: r.id.clone(),
                display_name: r.display_name.clone(),
                queues: r.queues.clone(),
                supervisor: r.role == Role::Supervisor,
            })
            .collect();
        let english = candour_l10n::Messages::new(candour_l10n::Language::English);
        let queues = match &self.readers {
            Readers::Routed(route) => route
                .queues
                .iter()
                .map(|q| (q.clone(), dir.queue(q).map(|q| q.name.clone()).unwrap_or_default()))
                .collect(),
            Readers::Thread(_) => Vec::new(),
        };
        let fallback = crate::words::fallback(english, dir, self);
        let disclosure = match &self.document {
            Document::Report(r) | Document::FollowUp(r) => Some(&r.concern.disclosure),
            _ => None,
        };
        let identity = crate::words::identity(english, dir, disclosure);
        Preview { queues, readers, fallback, identity }
    }
}

/// Who will be able to read a report, for the reporter to confirm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// (queue id, queue name).
    pub queues: Vec<(String, String)>,
    /// Each reader.
    pub readers: Vec<PreviewReader>,
    /// The fallback warning, if exclusions emptied a queue.
    pub fallback: Option<String>,
    /// Who reads the reporter's name and contact, if they gave any (docs/design.md §6
    /// "Custodian-held identities").
    pub identity: Option<String>,
}

/// One person who will be able to read the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewReader {
    /// Reviewer id.
    pub id: String,
    /// Name as the directory gives it.
    pub display_name: String,
    /// Their queues.
    pub queues: Vec<String>,
    /// Whether they supervise.
    pub supervisor: bool,
}

impl fmt::Display for Preview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.queues.is_empty() {
            let names: Vec<String> = self.queues.iter().map(|(id, name)| format!("{name} ({id})")).collect();
            writeln!(f, "Goes to: {}", names.join(", "))?;
        }
        writeln!(f, "Only these people will be able to read it:")?;
        for r in &self.readers {
            writeln!(f, "  - {} [{}]", r.display_name, r.id)?;
        }
        if let Some(warning) = &self.fallback {
            writeln!(f, "Note: {warning}")?;
        }
        if let Some(identity) = &self.identity {
            writeln!(f, "Note: {identity}")?;
        }
        Ok(())
    }
}

/// The categories with their plain-English explanations, for prompts and help.
pub fn category_help() -> String {
    Category::ALL.iter().map(|c| format!("  {}\n      {}\n", c.name(), c.explanation())).collect()
}
