//! Documents in envelopes: seal a [`Document`] and open one back, checking the author.

use std::io::{Read, Write};

use ed25519_dalek::SigningKey;

use crate::envelope::{self, AttachmentSink, AttachmentSource, EnvelopeKind, OpenError, SealError};
use crate::keys::PublicSigningKey;
use crate::report::{Document, DocumentError};

/// An opened and checked document.
#[derive(Debug)]
pub struct OpenedDocument {
    /// The document.
    pub document: Document,
    /// The author's verified key. For reports and follow-ups it equals the document's
    /// `reporter_key`; for replies the caller must find it in the directory.
    pub signer: PublicSigningKey,
    /// Metadata and length of each attachment.
    pub attachments: Vec<(envelope::AttachmentMeta, u64)>,
}

/// Why a document could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenDocumentError {
    /// The envelope itself could not be opened.
    #[error(transparent)]
    Envelope(#[from] OpenError),
    /// The envelope opened but the document is unacceptable.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The author sealed and signed it as one kind, but the document is another: someone
    /// reused a signature made for something else.
    #[error("the envelope was signed as a {sealed} but holds a {document}")]
    KindMismatch {
        /// The kind the envelope's framing and signature name.
        sealed: EnvelopeKind,
        /// The kind of document inside.
        document: EnvelopeKind,
    },
}

impl OpenDocumentError {
    /// A stable code for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            OpenDocumentError::Envelope(e) => e.code(),
            OpenDocumentError::Document(e) => e.code(),
            OpenDocumentError::KindMismatch { .. } => "envelope-kind-mismatch",
        }
    }
}

/// The envelope kind a document is sealed as.
pub fn envelope_kind(document: &Document) -> EnvelopeKind {
    match document {
        Document::Report(_) => EnvelopeKind::Report,
        Document::FollowUp(_) => EnvelopeKind::FollowUp,
        Document::Receipt(_) => EnvelopeKind::Receipt,
        Document::Reply(_) => EnvelopeKind::Reply,
        Document::EscalationNotice(_) => EnvelopeKind::EscalationNotice,
        Document::HeldIdentity(_) => EnvelopeKind::HeldIdentity,
        Document::IdentityRequest(_) => EnvelopeKind::IdentityRequest,
        Document::IdentityAnswer(_) => EnvelopeKind::IdentityAnswer,
    }
}

/// Seals a document (see [`envelope::seal`]).
pub fn seal_document<W: Write>(
    recipients: &[age::x25519::Recipient],
    stanzas: usize,
    document: &Document,
    attachments: Vec<AttachmentSource<'_>>,
    signer: &SigningKey,
    output: W,
) -> Result<W, SealError> {
    // The document's JSON is the reporter's words: wiped once sealed.
    let json = zeroize::Zeroizing::new(document.to_json());
    envelope::seal(envelope_kind(document), recipients, stanzas, &json, attachments, signer, output)
}

/// Opens an envelope and parses its document; a report or follow-up must be signed by the
/// reporter key it names.
pub fn open_document<R: Read>(
    identity: &dyn age::Identity,
    input: R,
    sink: &mut dyn AttachmentSink,
) -> Result<OpenedDocument, OpenDocumentError> {
    let opened = envelope::open(identity, input, sink)?;
    // The parsed document is the caller's to keep; the raw JSON is wiped here.
    let raw = zeroize::Zeroizing::new(opened.document);
    let document = Document::from_json(&raw)?;
    // Version 1 framing named no kind; version 2 signed one, and it must be this document's.
    if let Some(sealed) = opened.kind {
        if sealed != envelope_kind(&document) {
            return Err(OpenDocumentError::KindMismatch { sealed, document: envelope_kind(&document) });
        }
    }
    if let Document::Report(r) | Document::FollowUp(r) = &document {
        if r.reporter_key != opened.signer {
            return Err(DocumentError::WrongSigner.into());
        }
    }
    if let Document::HeldIdentity(h) = &document {
        if h.reporter_key != opened.signer {
            return Err(DocumentError::WrongSigner.into());
        }
    }
    Ok(OpenedDocument { document, signer: opened.signer, attachments: opened.attachments })
}
