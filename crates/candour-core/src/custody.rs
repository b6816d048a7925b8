//! Custodian-held identities (docs/design.md §6 "Custodian-held identities"): a confidential
//! reporter's name and contact sealed to the directory's identity custodians rather than to the
//! case's readers, revealed to one reader only when a custodian grants their request.
//!
//! # Construction, and why it is safe
//! - The reporter's device seals a [`HeldIdentity`] (the thread, the reporter's token key, the
//!   name and contact) as its own envelope, kind [`EnvelopeKind::HeldIdentity`], to the
//!   custodians, at the directory's stanza count, signed by the reporter's token key like the
//!   report itself. The envelope travels as base64 text inside the report
//!   ([`crate::report::Disclosure::Held`]): the readers hold it but no stanza of it is theirs,
//!   and the relay sees one report as always, never a second upload to link.
//! - A reader asks for it with an [`IdentityRequest`] (the case, the reason, the held envelope),
//!   signed by their directory key and sealed to the custodians through the inbox.
//! - A custodian answers with an [`IdentityAnswer`], signed by their directory key and sealed to
//!   the requester alone. A grant carries the held envelope re-sealed to the requester
//!   ([`crate::envelope::reseal`]): the same framed plaintext under a new file key, the
//!   reporter's signature with it. So the requester checks that the name is the one the
//!   reporter of this thread signed ([`open_held`]), not the custodian's invention, and a
//!   custodian who re-sealed another thread's identity is caught by the thread and key checks.
//! - No new primitive: age X25519 stanzas and the envelope's Ed25519 author signature with its
//!   per-kind domain separation, as for every envelope (§3).

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::day::Day;
use crate::envelope::{DiscardAttachments, EnvelopeKind};
use crate::keys::PublicSigningKey;
use crate::message::{open_document, seal_document, OpenDocumentError};
use crate::report::{Document, SCHEMA_VERSION};
use crate::wire::ThreadId;

/// The longest name or contact a reporter may give, in characters.
pub const MAX_IDENTITY_FIELD_CHARS: usize = 500;
/// The longest reason for a request or note on an answer, in characters.
pub const MAX_CUSTODY_NOTE_CHARS: usize = 2000;
/// The largest held envelope, as base64 text: far above any identity at the largest stanza count.
pub const MAX_HELD_CHARS: usize = 64 * 1024;

/// The reporter's name and contact, sealed to the custodians.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldIdentity {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The report's thread.
    pub thread_id: ThreadId,
    /// The reporter's token key: the envelope's signature must be by it.
    pub reporter_key: PublicSigningKey,
    /// Name, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How to make contact safely, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// A case reader's request to a custodian for the reporter's identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRequest {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The case's thread.
    pub thread_id: ThreadId,
    /// The requester's reviewer id (the envelope's signer must be their directory key).
    pub requester: String,
    /// The day it was asked (the requester's checked clock).
    pub day: Day,
    /// Why the requester needs the identity.
    pub reason: String,
    /// The held envelope, as the report carries it.
    pub held: String,
}

/// A custodian's answer to an [`IdentityRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityAnswer {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The case's thread.
    pub thread_id: ThreadId,
    /// Who asked.
    pub requester: String,
    /// The custodian (the envelope's signer must be their directory key).
    pub custodian: String,
    /// The day it was answered.
    pub day: Day,
    /// The custodian's note: why granted or declined.
    pub note: String,
    /// On a grant, the held envelope re-sealed to the requester; absent when declined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted: Option<String>,
}

/// Why a held identity, a request or an answer is not acceptable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CustodyError {
    /// The held envelope is not base64, or too long.
    #[error("the held identity is not an envelope Candour writes (bad encoding or too long)")]
    Encoding,
    /// This key cannot open it, or it does not authenticate.
    #[error("the held identity cannot be opened with this key: {0}")]
    CannotOpen(#[from] OpenDocumentError),
    /// It opened, but holds another kind of document.
    #[error("the held envelope holds a {0}, not an identity")]
    NotAnIdentity(EnvelopeKind),
    /// It is the identity of another thread's reporter.
    #[error("the held identity belongs to another case")]
    OtherThread,
    /// It is not signed by this thread's reporter.
    #[error("the held identity is not signed by this case's reporter")]
    OtherReporter,
    /// Sealing failed.
    #[error("the identity could not be sealed: {0}")]
    Seal(#[from] crate::envelope::SealError),
    /// A field is empty or too long.
    #[error("{0}")]
    Field(String),
}

impl CustodyError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            CustodyError::Encoding => "custody-encoding",
            CustodyError::CannotOpen(_) => "custody-cannot-open",
            CustodyError::NotAnIdentity(_) => "custody-not-an-identity",
            CustodyError::OtherThread => "custody-other-thread",
            CustodyError::OtherReporter => "custody-other-reporter",
            CustodyError::Seal(_) => "custody-seal",
            CustodyError::Field(_) => "custody-field",
        }
    }
}

fn field(what: &str, text: &str, max: usize) -> Result<(), CustodyError> {
    if text.trim().is_empty() || text.chars().count() > max {
        return Err(CustodyError::Field(format!("{what} must be given, in at most {max} characters")));
    }
    Ok(())
}

fn held_ok(held: &str) -> Result<(), CustodyError> {
    if held.is_empty() || held.len() > MAX_HELD_CHARS {
        return Err(CustodyError::Encoding);
    }
    Ok(())
}

impl HeldIdentity {
    /// Checks the fields: at least one given, none too long.
    pub fn check(&self) -> Result<(), CustodyError> {
        if self.schema != SCHEMA_VERSION {
            return Err(CustodyError::Field(format!("unsupported schema version {}", self.schema)));
        }
        let given: Vec<&String> = [&self.name, &self.contact].into_iter().flatten().collect();
        if given.is_empty() {
            return Err(CustodyError::Field("a held identity gives a name or a contact".into()));
        }
        for text in given {
            field("a name or contact", text, MAX_IDENTITY_FIELD_CHARS)?;
        }
        Ok(())
    }
}

impl IdentityRequest {
    /// Checks the fields.
    pub fn check(&self) -> Result<(), CustodyError> {
        if self.schema != SCHEMA_VERSION {
            return Err(CustodyError::Field(format!("unsupported schema version {}", self.schema)));
        }
        field("the requester", &self.requester, 64)?;
        field("the reason", &self.reason, MAX_CUSTODY_NOTE_CHARS)?;
        held_ok(&self.held)
    }
}

impl IdentityAnswer {
    /// Checks the fields.
    pub fn check(&self) -> Result<(), CustodyError> {
        if self.schema != SCHEMA_VERSION {
            return Err(CustodyError::Field(format!("unsupported schema version {}", self.schema)));
        }
        field("the requester", &self.requester, 64)?;
        field("the custodian", &self.custodian, 64)?;
        field("the note", &self.note, MAX_CUSTODY_NOTE_CHARS)?;
        self.granted.as_deref().map_or(Ok(()), held_ok)
    }
}

/// Seals `identity` to the custodians' `recipients` at `stanzas`, signed with the reporter's
/// token key; returns the envelope as base64 text for [`crate::report::Disclosure::Held`].
pub fn seal_held(
    identity: &HeldIdentity,
    recipients: &[age::x25519::Recipient],
    stanzas: usize,
    reporter: &ed25519_dalek::SigningKey,
) -> Result<String, CustodyError> {
    identity.check()?;
    let document = Document::HeldIdentity(identity.clone());
    let sealed = seal_document(recipients, stanzas, &document, vec![], reporter, Vec::new())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sealed))
}

/// The held envelope's bytes.
pub fn held_bytes(held: &str) -> Result<Vec<u8>, CustodyError> {
    held_ok(held)?;
    base64::engine::general_purpose::STANDARD.decode(held).map_err(|_| CustodyError::Encoding)
}

/// Opens a held envelope with `identity` and checks it is the identity of `thread`, signed by
/// the reporter key it names: what a custodian checks before re-sealing it.
pub fn open_held_for_thread(
    identity: &dyn age::Identity,
    held: &str,
    thread: &ThreadId,
) -> Result<HeldIdentity, CustodyError> {
    let bytes = held_bytes(held)?;
    // `open_document` refuses a held identity not signed by the reporter key it names.
    let opened = open_document(identity, &bytes[..], &mut DiscardAttachments)?;
    let held = match opened.document {
        Document::HeldIdentity(h) => h,
        other => return Err(CustodyError::NotAnIdentity(crate::message::envelope_kind(&other))),
    };
    if held.thread_id != *thread {
        return Err(CustodyError::OtherThread);
    }
    Ok(held)
}

/// Opens a held envelope with `identity` and checks it is the identity the reporter of
/// `thread` (token key `reporter_key`) signed: what a requester checks of a grant.
pub fn open_held(
    identity: &dyn age::Identity,
    held: &str,
    thread: &ThreadId,
    reporter_key: &PublicSigningKey,
) -> Result<HeldIdentity, CustodyError> {
    let held = open_held_for_thread(identity, held, thread)?;
    if held.reporter_key != *reporter_key {
        return Err(CustodyError::OtherReporter);
    }
    Ok(held)
}

/// Re-seals a held envelope this `identity` opens to `recipients` (a granted request's
/// requester): the same framed plaintext, the reporter's signature with it, under a new file key.
pub fn reseal_held(
    identity: &dyn age::Identity,
    held: &str,
    recipients: &[age::x25519::Recipient],
    stanzas: usize,
) -> Result<String, CustodyError> {
    let bytes = held_bytes(held)?;
    let resealed = crate::envelope::reseal(identity, &bytes[..], recipients, stanzas, Vec::new())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(resealed))
}
