//! The report schema, versions 1 and 2, and the other documents an envelope carries.
//!
//! Structs here feed signatures (the envelope's author signature covers their JSON bytes): **do
//! not modify** a field's name or meaning within a schema version; add a new version instead.
//! Every struct rejects unknown fields, so a typo in a `--from` file is an error, not a silently
//! dropped allegation.
//!
//! Version 2 adds fields and changes none, so a version 1 document is byte for byte what it was:
//! - a report's or follow-up's `thread_id` is derived from its `reporter_key`
//!   ([`ThreadId::for_reporter`]), so no other key can claim the thread;
//! - reports and follow-ups carry `route`, the reporter's signed [`RouteCommitment`] (who may
//!   read the thread, whom the reporter excluded, a digest of the readers' keys and the
//!   directory version); a report's `sealed_to` is exactly its readers, a follow-up's a subset;
//! - follow-ups may carry `last_seen`, the digest of the newest reply the reporter's mailbox
//!   showed ([`seen_reply_digest`]);
//! - replies and receipts echo `route` (when the case has one) and carry `directory_version`,
//!   the version of the directory their author's tool held, so history signed by a key later
//!   rotated out can be checked against the right one.
//!
//! Version 1 documents still open; they carry none of these fields.

use serde::{Deserialize, Serialize};

use crate::commitment::{CommitmentError, RouteCommitment, Sha256Hex};
use crate::day::Day;
use crate::keys::PublicSigningKey;
use crate::reader_change::ReaderChange;
use crate::wire::{MailboxAddress, ThreadId};

/// The schema version this crate writes.
pub const SCHEMA_VERSION: u32 = 2;
/// The first schema version, still read: no route commitment, no directory version.
pub const SCHEMA_V1: u32 = 1;

crate::named_enum!(
    /// What a report is about: the ten Standards of Professional Behaviour (Police (Conduct)
    /// Regulations 2020, Schedule 2), a Prevent (radicalisation) concern, a compliment, or other.
    pub Category, "category", {
        /// Standard 1.
        HonestyAndIntegrity => "honesty-and-integrity",
        /// Standard 2.
        AuthorityRespectAndCourtesy => "authority-respect-and-courtesy",
        /// Standard 3.
        EqualityAndDiversity => "equality-and-diversity",
        /// Standard 4.
        UseOfForce => "use-of-force",
        /// Standard 5.
        OrdersAndInstructions => "orders-and-instructions",
        /// Standard 6.
        DutiesAndResponsibilities => "duties-and-responsibilities",
        /// Standard 7.
        Confidentiality => "confidentiality",
        /// Standard 8.
        FitnessForWork => "fitness-for-work",
        /// Standard 9.
        DiscreditableConduct => "discreditable-conduct",
        /// Standard 10.
        ChallengingAndReportingImproperConduct => "challenging-and-reporting-improper-conduct",
        /// A concern that someone is being drawn into terrorism: goes to Special Branch only.
        PreventConcern => "prevent-concern",
        /// Praise for a colleague.
        Compliment => "compliment",
        /// Anything else.
        Other => "other",
    }
);

impl Category {
    /// The title a form shows: the Standard's own name, in words.
    pub fn title(self) -> &'static str {
        match self {
            Category::HonestyAndIntegrity => "Honesty and integrity",
            Category::AuthorityRespectAndCourtesy => "Authority, respect and courtesy",
            Category::EqualityAndDiversity => "Equality and diversity",
            Category::UseOfForce => "Use of force",
            Category::OrdersAndInstructions => "Orders and instructions",
            Category::DutiesAndResponsibilities => "Duties and responsibilities",
            Category::Confidentiality => "Confidentiality",
            Category::FitnessForWork => "Fitness for work",
            Category::DiscreditableConduct => "Discreditable conduct",
            Category::ChallengingAndReportingImproperConduct => "Challenging and reporting improper conduct",
            Category::PreventConcern => "Prevent concern (radicalisation)",
            Category::Compliment => "Compliment",
            Category::Other => "Something else",
        }
    }

    /// A one-line plain-English explanation for a frightened reporter choosing a category.
    pub fn explanation(self) -> &'static str {
        match self {
            Category::HonestyAndIntegrity => "Lying, fiddling records or expenses, taking gifts or favours, abusing the job for personal gain.",
            Category::AuthorityRespectAndCourtesy => "Bullying, harassment, abusing power over the public or colleagues.",
            Category::EqualityAndDiversity => "Treating people unfairly because of race, sex, religion, disability, sexuality or other protected characteristics.",
            Category::UseOfForce => "Force that was unnecessary, unreasonable or disproportionate.",
            Category::OrdersAndInstructions => "Refusing or ignoring lawful orders, or giving unlawful ones.",
            Category::DutiesAndResponsibilities => "Neglecting duties: not recording crimes, not safeguarding the vulnerable, not doing the job.",
            Category::Confidentiality => "Misusing police systems or information: looking people up without reason, leaking to others.",
            Category::FitnessForWork => "Being unfit for duty through drink, drugs or similar.",
            Category::DiscreditableConduct => "Behaviour on or off duty that discredits the police, including criminal conduct.",
            Category::ChallengingAndReportingImproperConduct => "Covering up, or failing to challenge or report, a colleague's misconduct.",
            Category::PreventConcern => "A worry that a colleague is being drawn into terrorism or extremism (goes to Special Branch only).",
            Category::Compliment => "Recognising a colleague's good work: it is passed to them or their line manager, and nothing is investigated.",
            Category::Other => "Something that fits none of the above.",
        }
    }
}

crate::named_enum!(
    /// Whom a concern is about, where that changes who may read it (docs/design.md §7): concerns
    /// about the people who would normally handle it must be routable outside them.
    pub Concerning, "concerning", {
        /// Staff of the Professional Standards Department or Anti-Corruption Unit.
        ProfessionalStandardsStaff => "professional-standards-staff",
        /// A chief officer (ACC and above).
        ChiefOfficer => "chief-officer",
    }
);

/// A person the report is about. Every field is optional free text: reporters write what they
/// know.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Name as the reporter knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Collar or warrant number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collar_number: Option<String>,
    /// Rank or role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Station or team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
}

impl std::fmt::Display for Subject {
    /// The fields the reporter gave, e.g. `PC Example, collar 4021, Response, Central`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [
            self.name.clone(),
            self.collar_number.as_ref().map(|c| format!("collar {c}")),
            self.role.clone(),
            self.station.clone(),
        ]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
        if parts.is_empty() {
            f.write_str("(no details given)")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Whether the reporter stays anonymous or gives contact details in confidence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Disclosure {
    /// No identifying details: follow-up only through the mailbox token.
    #[default]
    Anonymous,
    /// Contact details the reporter chose to give, to be kept confidential.
    Confidential {
        /// Name, if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// How to make contact safely (phone, personal email, "ask for me at..."), if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<String>,
    },
    /// Contact details in confidence, sealed to the directory's identity custodians rather
    /// than to the readers (docs/design.md §6 "Custodian-held identities"): a reader sees that
    /// they are held, and by whom, and asks a custodian for them.
    Held {
        /// The custodians it was sealed to.
        custodians: Vec<String>,
        /// The [`crate::custody::HeldIdentity`] envelope, base64.
        held: String,
    },
}

/// The reporter's own words: what a `--from` file or the web form holds. Field names are the
/// schema's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concern {
    /// The category; required for a new report, optional on a follow-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Whether it concerns PSD/ACU staff or a chief officer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concerning: Vec<Concerning>,
    /// The people it is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    /// What happened.
    pub what: String,
    /// When, in the reporter's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Where, in the reporter's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#where: Option<String>,
    /// Whether, and where, it has been reported elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_elsewhere: Option<String>,
    /// Anonymous, or confidential with contact details.
    #[serde(default)]
    pub disclosure: Disclosure,
}

/// A report or follow-up as sealed: the reporter's words plus what reviewers need to answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The thread (derived from the mailbox token; the same for the report and its follow-ups).
    pub thread_id: ThreadId,
    /// The reporter's words.
    pub concern: Concern,
    /// The reviewer ids this envelope was sealed to, so every reader sees who else can read it.
    pub sealed_to: Vec<String>,
    /// The age recipient (`age1...`) replies are sealed to.
    pub reply_recipient: String,
    /// Where replies are filed on the relay. The hash rather than the secret mailbox id, so a
    /// reviewer can post replies but cannot read the reporter's mailbox.
    pub mailbox: MailboxAddress,
    /// The reporter's token-derived signing key; the envelope's author signature must be by it.
    pub reporter_key: PublicSigningKey,
    /// The UTC day the reporter sent it (no time of day, by design).
    pub day_sent: crate::day::Day,
    /// Version 2: the reporter's signed commitment to who may read the thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteCommitment>,
    /// Version 2, follow-ups: [`seen_reply_digest`] of the newest reply the reporter's mailbox
    /// showed when they wrote it (absent: none). Reviewers compare it with the replies their
    /// case records, so replies a relay withholds from the mailbox become visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Sha256Hex>,
    /// Version 2, follow-ups: the reader changes ([`crate::reader_change`]) the reporter's
    /// client applied to the route commitment to find `sealed_to`, in the order applied, so a
    /// follow-up to a transferred case shows every reader why it went to them. Empty while the
    /// readers are the commitment's, and always in a report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reader_changes: Vec<ReaderChange>,
}

/// Domain separation for [`seen_reply_digest`].
pub const SEEN_REPLY_CONTEXT: &[u8] = b"candour-seen-reply/v2\n";

/// The digest a follow-up's `last_seen` names a reply by: SHA-256 over [`SEEN_REPLY_CONTEXT`]
/// and the reply's thread, author, day and text, each length-prefixed. Both sides compute it
/// from what they hold: the reporter from the reply they opened, reviewers from the reply event
/// its author recorded (which carries the same day and text).
pub fn seen_reply_digest(thread: &ThreadId, author: &str, day: Day, text: &str) -> Sha256Hex {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    h.update(SEEN_REPLY_CONTEXT);
    h.update(thread.0);
    for part in [author, &day.to_string(), text] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    Sha256Hex(h.finalize().into())
}

/// Domain separation for the digest a reply names the reporter's newest message by.
pub const SEEN_REPORT_CONTEXT: &[u8] = b"candour-seen-report/v2\n";

/// The digest a reply's [`SeenFromReporter`] names the reporter's newest message by: SHA-256 over
/// [`SEEN_REPORT_CONTEXT`] and the message's thread, day and text, each length-prefixed, so the
/// reporter's client can compute it for a message it still holds.
pub fn seen_report_digest(thread: &ThreadId, day: Day, what: &str) -> Sha256Hex {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    h.update(SEEN_REPORT_CONTEXT);
    h.update(thread.0);
    for part in [day.to_string().as_str(), what] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    Sha256Hex(h.finalize().into())
}

/// What a reply's author had received from the reporter when writing it (format 2): if the
/// reporter sent more, or a later reply has read fewer than an earlier one, something the
/// reporter sent has not reached that reader (a relay withholding it, or a message crossing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeenFromReporter {
    /// How many distinct messages (the report and follow-ups) the author's tool had opened.
    pub messages: u32,
    /// The day the newest of them was sent.
    pub newest_day: Day,
    /// [`seen_report_digest`] of the newest of them.
    pub newest: Sha256Hex,
}

/// A reviewer's reply to the reporter, sealed to the reporter's reply recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The thread replied to.
    pub thread_id: ThreadId,
    /// The reviewer id of the author (the envelope's signer must be their key).
    pub reviewer: String,
    /// The message to the reporter.
    pub text: String,
    /// The day it was written.
    pub day_sent: Day,
    /// The reviewer ids the reporter's follow-ups should be sealed to: the thread's current
    /// recipients, exclusions included, vouched for by this signed reply. In version 2 the
    /// reporter's client seals to `route` instead and shows anyone extra here as a proposed
    /// addition it does not apply.
    pub thread_recipients: Vec<String>,
    /// Version 2: the report's route commitment, echoed (absent for a version 1 report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteCommitment>,
    /// Version 2 (required there): the version of the directory the author's tool held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_version: Option<u64>,
    /// Version 2: what the author had received from the reporter (absent in replies written
    /// before this field, and in a case whose report has not arrived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<SeenFromReporter>,
    /// Version 2: every reader change the case has accepted, in the order applied, so the
    /// reporter's client can follow a transfer ([`crate::reader_change::apply`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reader_changes: Vec<ReaderChange>,
}

/// The automatic acknowledgement of receipt that the first reviewer tool to open a report files
/// in the reporter's mailbox (ISO 37002's acknowledgement of receipt; the 7-day human
/// acknowledgement is a [`Reply`]). It carries the thread's recipient list, so the reporter's
/// very first follow-up reaches exactly the report's readers without asking them again, and
/// reviewer tools file it again before the last one would expire on the relay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The thread received.
    pub thread_id: ThreadId,
    /// The reviewer whose tool filed it (the envelope's signer must be their key).
    pub reviewer: String,
    /// The day it was filed.
    pub day_sent: Day,
    /// The reviewer ids the reporter's follow-ups should be sealed to: the report's own
    /// `sealed_to`, vouched for by this signed receipt.
    pub thread_recipients: Vec<String>,
    /// Version 2: the report's route commitment, echoed (absent for a version 1 report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteCommitment>,
    /// Version 2 (required there): the version of the directory the author's tool held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_version: Option<u64>,
    /// Version 2: every reader change the case has accepted, as in [`Reply::reader_changes`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reader_changes: Vec<ReaderChange>,
}

/// The longest case reference, queue id, reviewer id or duty name a notice may carry.
pub const MAX_NOTICE_NAME: usize = 64;

/// A sanitised notice that a case is late, sealed by the escalating reviewer's tool to the
/// people the directory names outside the handling team, and filed in the inbox like any other
/// envelope (docs/design.md §6). It names the case only by its reference (never the thread, so
/// it leads to no relay stream) and carries no word of the reporter's: the recipients cannot
/// read the case, only chase those who can.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationNotice {
    /// [`SCHEMA_VERSION`] (notices exist from version 2 on).
    pub schema: u32,
    /// The case's reference, as its readers quote it.
    pub case: String,
    /// The queues the case is handled in.
    pub queues: Vec<String>,
    /// The duty missed, by its stable name (e.g. `acknowledge`, `feedback`, `refer-to-iopc`).
    pub duty: String,
    /// The duty's deadline.
    pub due: Day,
    /// The day the escalation was recorded (the author's checked clock).
    pub escalated_on: Day,
    /// Whole days from the deadline to `escalated_on` (0 for a duty owed on its deadline).
    pub days_late: u32,
    /// The reviewer id who escalated (the envelope's signer must be their key).
    pub reviewer: String,
    /// The reviewer the case is assigned to, if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The reviewer ids it was sealed to.
    pub sealed_to: Vec<String>,
    /// The version of the directory the author's tool held.
    pub directory_version: u64,
}

impl EscalationNotice {
    fn check(&self) -> Result<(), DocumentError> {
        let bad = |why: &str| Err(DocumentError::BadNotice(why.to_owned()));
        if self.schema != SCHEMA_VERSION {
            return Err(DocumentError::Version(self.schema));
        }
        let name_ok = |n: &str| {
            !n.is_empty()
                && n.len() <= MAX_NOTICE_NAME
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        };
        if ![self.case.as_str(), self.duty.as_str(), self.reviewer.as_str()].into_iter().all(name_ok)
            || !self.assignee.as_deref().is_none_or(name_ok)
        {
            return bad("a case reference, duty or reviewer id that is empty, too long or not a plain name");
        }
        for list in [&self.queues, &self.sealed_to] {
            let distinct: std::collections::BTreeSet<&String> = list.iter().collect();
            if list.is_empty() || distinct.len() != list.len() || list.len() > 64 || !list.iter().all(|n| name_ok(n)) {
                return bad("its queues or recipients are empty, repeated or not plain names");
            }
        }
        // Late on the deadline itself is possible (a referral is owed without delay); before it is not.
        if self.escalated_on.days_since(self.due) != i64::from(self.days_late) {
            return bad("its days late do not match its deadline and escalation day");
        }
        Ok(())
    }
}

/// What an envelope's JSON document is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Document {
    /// A new report.
    Report(Report),
    /// More information on an existing thread, from the reporter.
    FollowUp(Report),
    /// A reviewer's reply.
    Reply(Reply),
    /// A reviewer tool's automatic receipt.
    Receipt(Receipt),
    /// A sanitised notice that a case is late, for those outside the handling team.
    EscalationNotice(EscalationNotice),
    /// A confidential reporter's name and contact, for the identity custodians.
    HeldIdentity(crate::custody::HeldIdentity),
    /// A reader's request to the custodians for the reporter's identity.
    IdentityRequest(crate::custody::IdentityRequest),
    /// A custodian's answer to such a request.
    IdentityAnswer(crate::custody::IdentityAnswer),
}

/// Why a document is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// Not valid JSON for the schema (the message names the field).
    #[error("the document does not match the schema: {0}")]
    Schema(String),
    /// A schema version this build does not read.
    #[error("unsupported schema version {0}")]
    Version(u32),
    /// A new report without a category.
    #[error("a report needs a category")]
    MissingCategory,
    /// `what` is empty.
    #[error("the report says nothing about what happened")]
    EmptyWhat,
    /// The envelope was signed by someone other than the reporter the document names.
    #[error("the envelope is not signed by the key the document names")]
    WrongSigner,
    /// A version 1 document carries a field only version 2 has.
    #[error("a version 1 document carries the version 2 field {0}")]
    Version2Field(&'static str),
    /// A version 2 document lacks a field version 2 requires.
    #[error("a version 2 document lacks {0}")]
    MissingField(&'static str),
    /// The route commitment does not verify or does not fit the document.
    #[error("the route commitment is not acceptable: {0}")]
    Route(#[from] CommitmentError),
    /// `sealed_to` names a reviewer twice, or someone outside the committed readers.
    #[error("the document is sealed to {0}, outside its committed readers (or twice)")]
    SealedOutsideRoute(String),
    /// A format 2 report's thread id is not the one its reporter key gives.
    #[error("the thread id is not derived from the reporter's key, so another key may be claiming the thread")]
    ThreadNotFromKey,
    /// A report is not sealed to one of the readers it commits to.
    #[error("the report commits to {0} as a reader but is not sealed to them")]
    CommittedReaderLeftOut(String),
    /// An escalation notice that does not hold together.
    #[error("the escalation notice is not acceptable: {0}")]
    BadNotice(String),
    /// A held identity, identity request or answer that is not acceptable.
    #[error("a custodian-held identity document is not acceptable: {0}")]
    Custody(String),
    /// A follow-up's reader changes do not fit it (or a report carries some).
    #[error("the document's reader changes are not acceptable: {0}")]
    ReaderChanges(String),
}

impl DocumentError {
    /// A stable code for logs, tests and the page.
    pub fn code(&self) -> &'static str {
        match self {
            DocumentError::Schema(_) => "document-schema",
            DocumentError::Version(_) => "document-version",
            DocumentError::MissingCategory => "document-missing-category",
            DocumentError::EmptyWhat => "document-empty-what",
            DocumentError::WrongSigner => "document-wrong-signer",
            DocumentError::Version2Field(_) => "document-version-2-field",
            DocumentError::MissingField(_) => "document-missing-field",
            DocumentError::Route(e) => e.code(),
            DocumentError::SealedOutsideRoute(_) => "document-sealed-outside-route",
            DocumentError::CommittedReaderLeftOut(_) => "document-committed-reader-left-out",
            DocumentError::ThreadNotFromKey => "document-thread-not-from-key",
            DocumentError::BadNotice(_) => "document-bad-escalation-notice",
            DocumentError::Custody(_) => "document-bad-custody",
            DocumentError::ReaderChanges(_) => "document-reader-changes",
        }
    }
}

impl Document {
    /// Parses and checks a document's JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Document, DocumentError> {
        let doc: Document = serde_json::from_slice(bytes).map_err(|e| DocumentError::Schema(e.to_string()))?;
        if let Document::EscalationNotice(n) = &doc {
            n.check()?;
            return Ok(doc);
        }
        let custody = match &doc {
            Document::HeldIdentity(h) => Some(h.check()),
            Document::IdentityRequest(r) => Some(r.check()),
            Document::IdentityAnswer(a) => Some(a.check()),
            _ => None,
        };
        if let Some(checked) = custody {
            checked.map_err(|e| DocumentError::Custody(e.to_string()))?;
            return Ok(doc);
        }
        let schema = match &doc {
            Document::Report(r) | Document::FollowUp(r) => r.schema,
            Document::Reply(r) => r.schema,
            Document::Receipt(r) => r.schema,
            Document::EscalationNotice(n) => n.schema,
            Document::HeldIdentity(h) => h.schema,
            Document::IdentityRequest(r) => r.schema,
            Document::IdentityAnswer(a) => a.schema,
        };
        match schema {
            SCHEMA_V1 => check_v1(&doc)?,
            SCHEMA_VERSION => check_v2(&doc)?,
            other => return Err(DocumentError::Version(other)),
        }
        if let Document::Report(r) = &doc {
            if r.concern.category.is_none() {
                return Err(DocumentError::MissingCategory);
            }
        }
        if let Document::Report(r) | Document::FollowUp(r) = &doc {
            if r.concern.what.trim().is_empty() {
                return Err(DocumentError::EmptyWhat);
            }
        }
        Ok(doc)
    }

    /// The route commitment a document carries, if any.
    pub fn route(&self) -> Option<&RouteCommitment> {
        match self {
            Document::Report(r) | Document::FollowUp(r) => r.route.as_ref(),
            Document::Reply(r) => r.route.as_ref(),
            Document::Receipt(r) => r.route.as_ref(),
            Document::EscalationNotice(_)
            | Document::HeldIdentity(_)
            | Document::IdentityRequest(_)
            | Document::IdentityAnswer(_) => None,
        }
    }

    /// The document as JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising these plain structs cannot fail: no maps with non-string keys.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The thread this document belongs to (none for an escalation notice, which names its
    /// case only by reference).
    pub fn thread_id(&self) -> Option<ThreadId> {
        match self {
            Document::Report(r) | Document::FollowUp(r) => Some(r.thread_id),
            Document::Reply(r) => Some(r.thread_id),
            Document::Receipt(r) => Some(r.thread_id),
            Document::HeldIdentity(h) => Some(h.thread_id),
            Document::IdentityRequest(r) => Some(r.thread_id),
            Document::IdentityAnswer(a) => Some(a.thread_id),
            Document::EscalationNotice(_) => None,
        }
    }
}

fn check_v1(doc: &Document) -> Result<(), DocumentError> {
    if let Document::Report(r) | Document::FollowUp(r) = doc {
        if r.last_seen.is_some() {
            return Err(DocumentError::Version2Field("last_seen"));
        }
    }
    if let Document::Reply(r) = doc {
        if r.seen.is_some() {
            return Err(DocumentError::Version2Field("seen"));
        }
    }
    let changes = match doc {
        Document::Report(r) | Document::FollowUp(r) => !r.reader_changes.is_empty(),
        Document::Reply(r) => !r.reader_changes.is_empty(),
        Document::Receipt(r) => !r.reader_changes.is_empty(),
        Document::EscalationNotice(_)
        | Document::HeldIdentity(_)
        | Document::IdentityRequest(_)
        | Document::IdentityAnswer(_) => false,
    };
    if changes {
        return Err(DocumentError::Version2Field("reader_changes"));
    }
    let (route, version) = match doc {
        Document::Report(r) | Document::FollowUp(r) => (r.route.is_some(), false),
        Document::Reply(r) => (r.route.is_some(), r.directory_version.is_some()),
        Document::Receipt(r) => (r.route.is_some(), r.directory_version.is_some()),
        // Checked on their own (EscalationNotice::check, crate::custody): there is no version 1.
        Document::EscalationNotice(_)
        | Document::HeldIdentity(_)
        | Document::IdentityRequest(_)
        | Document::IdentityAnswer(_) => (false, false),
    };
    if route {
        return Err(DocumentError::Version2Field("route"));
    }
    if version {
        return Err(DocumentError::Version2Field("directory_version"));
    }
    Ok(())
}

/// A version 2 report is sealed to exactly its committed readers, a follow-up to some of them;
/// the commitment must be the reporter's, for this thread. Replies need not carry one (a case
/// begun by a version 1 report has none) but must say which directory their author held.
fn check_v2(doc: &Document) -> Result<(), DocumentError> {
    match doc {
        Document::Report(r) | Document::FollowUp(r) => {
            if r.thread_id != ThreadId::for_reporter(&r.reporter_key) {
                return Err(DocumentError::ThreadNotFromKey);
            }
            let route = r.route.as_ref().ok_or(DocumentError::MissingField("route"))?;
            route.verify(&r.reporter_key, &r.thread_id)?;
            // A follow-up to a transferred case goes to the readers the last change left; the
            // chain itself (signatures, exclusions, each change from the readers before it) is
            // checked by the reviewer's tool against the directory (reader_change::apply).
            if matches!(doc, Document::Report(_)) && !r.reader_changes.is_empty() {
                return Err(DocumentError::ReaderChanges("a report carries none".into()));
            }
            if r.reader_changes.len() > crate::reader_change::MAX_READER_CHANGES {
                return Err(DocumentError::ReaderChanges("too many".into()));
            }
            if r.reader_changes.iter().any(|c| c.thread_id != r.thread_id) {
                return Err(DocumentError::ReaderChanges("one is for another thread".into()));
            }
            let readers = r.reader_changes.last().map_or(&route.readers, |c| &c.after);
            let mut seen = std::collections::BTreeSet::new();
            for id in &r.sealed_to {
                if !seen.insert(id) || readers.binary_search(id).is_err() {
                    return Err(DocumentError::SealedOutsideRoute(id.clone()));
                }
            }
            if matches!(doc, Document::Report(_)) {
                if let Some(missing) = route.readers.iter().find(|id| !seen.contains(id)) {
                    return Err(DocumentError::CommittedReaderLeftOut(missing.clone()));
                }
            }
            if r.sealed_to.is_empty() {
                return Err(DocumentError::MissingField("sealed_to"));
            }
        }
        Document::Reply(Reply { route, directory_version, thread_id, reader_changes, .. })
        | Document::Receipt(Receipt { route, directory_version, thread_id, reader_changes, .. }) => {
            if directory_version.is_none() {
                return Err(DocumentError::MissingField("directory_version"));
            }
            if route.as_ref().is_some_and(|c| &c.thread_id != thread_id) {
                return Err(DocumentError::Route(CommitmentError::OtherThread));
            }
            if !reader_changes.is_empty() && route.is_none() {
                return Err(DocumentError::ReaderChanges("a case without a route commitment has none".into()));
            }
            if reader_changes.len() > crate::reader_change::MAX_READER_CHANGES {
                return Err(DocumentError::ReaderChanges("too many".into()));
            }
            if reader_changes.iter().any(|c| &c.thread_id != thread_id) {
                return Err(DocumentError::ReaderChanges("one is for another thread".into()));
            }
        }
        Document::EscalationNotice(n) => n.check()?,
        Document::HeldIdentity(h) => h.check().map_err(|e| DocumentError::Custody(e.to_string()))?,
        Document::IdentityRequest(r) => r.check().map_err(|e| DocumentError::Custody(e.to_string()))?,
        Document::IdentityAnswer(a) => a.check().map_err(|e| DocumentError::Custody(e.to_string()))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report {
            reader_changes: vec![],
            schema: SCHEMA_V1,
            thread_id: ThreadId([1; 16]),
            concern: Concern {
                category: Some(Category::HonestyAndIntegrity),
                subjects: vec![Subject {
                    name: Some("PC Example".into()),
                    collar_number: Some("1234".into()),
                    ..Default::default()
                }],
                what: "Took cash from a seized wallet".into(),
                when: Some("last Tuesday".into()),
                r#where: Some("custody suite".into()),
                disclosure: Disclosure::Confidential {
                    name: None,
                    contact: Some("ask for me at the front desk".into()),
                },
                ..Default::default()
            },
            sealed_to: vec!["psd-1".into()],
            reply_recipient: "age1example".into(),
            mailbox: MailboxAddress([2; 32]),
            reporter_key: crate::keys::RootSecretKey::from_seed(&[3; 32]).public().0,
            day_sent: Day::from_days_since_epoch(20_000),
            route: None,
            last_seen: None,
        }
    }

    #[test]
    fn documents_round_trip() {
        for doc in [
            Document::Report(sample()),
            Document::FollowUp(Report {
                concern: Concern { category: None, what: "more".into(), ..Default::default() },
                ..sample()
            }),
            Document::Reply(Reply {
                reader_changes: vec![],
                schema: 1,
                thread_id: ThreadId([1; 16]),
                reviewer: "psd-1".into(),
                text: "Thank you".into(),
                day_sent: Day::from_days_since_epoch(20_001),
                thread_recipients: vec!["psd-1".into(), "psd-2".into()],
                route: None,
                directory_version: None,
                seen: None,
            }),
            Document::Receipt(Receipt {
                reader_changes: vec![],
                schema: 1,
                thread_id: ThreadId([1; 16]),
                reviewer: "psd-2".into(),
                day_sent: Day::from_days_since_epoch(20_001),
                thread_recipients: vec!["psd-1".into(), "psd-2".into()],
                route: None,
                directory_version: None,
            }),
        ] {
            assert_eq!(Document::from_json(&doc.to_json()), Ok(doc));
        }
    }

    #[test]
    fn concern_uses_the_documented_field_names() {
        let json = r#"{"category": "honesty-and-integrity", "subjects": [{"name": "PC Example"}], "what": "w", "when": "t", "where": "p"}"#;
        let c: Concern = serde_json::from_str(json).expect("parses");
        assert_eq!(c.category, Some(Category::HonestyAndIntegrity));
        assert_eq!(c.r#where.as_deref(), Some("p"));
        assert_eq!(c.disclosure, Disclosure::Anonymous);
        assert!(serde_json::from_str::<Concern>(r#"{"what": "w", "colour": "red"}"#).is_err());
        assert!(serde_json::from_str::<Concern>(r#"{"what": "w", "category": "littering"}"#).is_err());
    }

    #[test]
    fn rejects_bad_documents() {
        let mut r = sample();
        r.concern.category = None;
        assert_eq!(Document::from_json(&Document::Report(r).to_json()), Err(DocumentError::MissingCategory));
        let mut r = sample();
        r.schema = 3;
        assert_eq!(Document::from_json(&Document::Report(r).to_json()), Err(DocumentError::Version(3)));
        let mut r = sample();
        r.concern.what = "  ".into();
        assert_eq!(Document::from_json(&Document::Report(r).to_json()), Err(DocumentError::EmptyWhat));
        let mut v: serde_json::Value = serde_json::from_slice(&Document::Report(sample()).to_json()).expect("json");
        v["extra"] = serde_json::json!(1);
        assert!(matches!(Document::from_json(v.to_string().as_bytes()), Err(DocumentError::Schema(_))));
        assert!(matches!(Document::from_json(b"{"), Err(DocumentError::Schema(_))));
        // Version 2's fields do not belong in a version 1 document, and version 2 needs them.
        let mut v: serde_json::Value = serde_json::from_slice(&Document::Report(sample()).to_json()).expect("json");
        v["schema"] = serde_json::json!(2);
        assert_eq!(Document::from_json(v.to_string().as_bytes()), Err(DocumentError::ThreadNotFromKey));
        v["thread_id"] = serde_json::json!(ThreadId::for_reporter(&sample().reporter_key).to_string());
        assert_eq!(Document::from_json(v.to_string().as_bytes()), Err(DocumentError::MissingField("route")));
        let reply = Document::Reply(Reply {
            reader_changes: vec![],
            schema: SCHEMA_V1,
            thread_id: ThreadId([1; 16]),
            reviewer: "psd-1".into(),
            text: "t".into(),
            day_sent: Day::from_days_since_epoch(20_001),
            thread_recipients: vec!["psd-1".into()],
            route: None,
            directory_version: Some(4),
            seen: None,
        });
        assert_eq!(Document::from_json(&reply.to_json()), Err(DocumentError::Version2Field("directory_version")));
        let Document::Reply(mut seen_v1) = reply else { unreachable!("built as a reply") };
        seen_v1.directory_version = None;
        seen_v1.seen = Some(SeenFromReporter {
            messages: 1,
            newest_day: seen_v1.day_sent,
            newest: seen_report_digest(&seen_v1.thread_id, seen_v1.day_sent, "w"),
        });
        assert_eq!(Document::from_json(&Document::Reply(seen_v1).to_json()), Err(DocumentError::Version2Field("seen")));
    }

    #[test]
    fn subjects_display_what_was_given() {
        let s = Subject { name: Some("PC Example".into()), collar_number: Some("4021".into()), ..Default::default() };
        assert_eq!(s.to_string(), "PC Example, collar 4021");
        assert_eq!(Subject::default().to_string(), "(no details given)");
    }

    #[test]
    fn category_names_match_serde() {
        for &c in Category::ALL {
            assert_eq!(serde_json::to_string(&c).ok(), Some(format!("\"{}\"", c.name())));
            assert_eq!(c.name().parse::<Category>(), Ok(c));
            assert!(!c.explanation().is_empty());
        }
    }

    fn notice() -> EscalationNotice {
        let due = Day::from_ymd(2026, 3, 1).expect("day");
        EscalationNotice {
            schema: SCHEMA_VERSION,
            case: "C-3f9a21b07c".into(),
            queues: vec!["psd".into()],
            duty: "acknowledge".into(),
            due,
            escalated_on: due.plus_days(4),
            days_late: 4,
            reviewer: "psd-1".into(),
            assignee: Some("psd-2".into()),
            sealed_to: vec!["dcc".into()],
            directory_version: 3,
        }
    }

    #[test]
    fn an_escalation_notice_round_trips_and_has_no_room_for_words() {
        let good = Document::EscalationNotice(notice());
        assert_eq!(Document::from_json(&good.to_json()), Ok(good.clone()));
        assert_eq!(good.thread_id(), None, "a notice leads to no thread");
        assert_eq!(good.route(), None);
        // Every field is a plain name, a day or a number: a reporter's sentence fits nowhere.
        for spoilt in [
            EscalationNotice { case: "PC Smith took the cash".into(), ..notice() },
            EscalationNotice { duty: "x".repeat(MAX_NOTICE_NAME + 1), ..notice() },
            EscalationNotice { assignee: Some("psd 2".into()), ..notice() },
            EscalationNotice { queues: vec![], ..notice() },
            EscalationNotice { sealed_to: vec!["dcc".into(), "dcc".into()], ..notice() },
            EscalationNotice { days_late: 5, ..notice() },
            EscalationNotice { escalated_on: notice().due.plus_days(-1), days_late: 0, ..notice() },
        ] {
            let err = Document::from_json(&Document::EscalationNotice(spoilt.clone()).to_json());
            assert_eq!(err.map_err(|e| e.code()), Err("document-bad-escalation-notice"), "{spoilt:?}");
        }
        let v1 = Document::EscalationNotice(EscalationNotice { schema: SCHEMA_V1, ..notice() });
        assert_eq!(Document::from_json(&v1.to_json()), Err(DocumentError::Version(SCHEMA_V1)));
        let extra = String::from_utf8(good.to_json()).expect("utf-8").replacen('{', r#"{"what": "words", "#, 1);
        assert!(matches!(Document::from_json(extra.as_bytes()), Err(DocumentError::Schema(_))));
    }
}
