//! Documents in envelopes: seal a [`Document`] and open one back, checking the author.

use std::io::{Read, Write};

use ed25519_dalek::SigningKey;

use crate::envelope::{self, AttachmentSink, AttachmentSource, OpenError, SealError};
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
pub enum OpenDocumentError {
    /// The envelope itself could not be opened.
    #[error(transparent)]
    Envelope(#[from] OpenError),
    /// The envelope opened but the document is unacceptable.
    #[error(transparent)]
    Document(#[from] DocumentError),
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
    envelope::seal(recipients, stanzas, &json, attachments, signer, output)
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
    if let Document::Report(r) | Document::FollowUp(r) = &document {
        if r.reporter_key != opened.signer {
            return Err(DocumentError::WrongSigner.into());
        }
    }
    Ok(OpenedDocument { document, signer: opened.signer, attachments: opened.attachments })
}
