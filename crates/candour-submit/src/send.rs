//! Sending: proof of work, then the envelope sealed and streamed in one pass.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;

use candour_core::envelope::{AttachmentMeta, AttachmentSource};

use crate::compose::{ComposeError, SealPlan};
use crate::upload::channel_body;
use candour_client::{ClientError, RelayClient};

/// An attachment ready to seal: already stripped bytes, or a file sent as it is.
#[derive(Debug)]
pub enum AttachmentData {
    /// Bytes in memory (e.g. an image after metadata stripping).
    Bytes(Vec<u8>),
    /// A file streamed from disk; its length is taken when sending starts.
    File(PathBuf),
}

/// One attachment.
#[derive(Debug)]
pub struct Attachment {
    /// Name and media type shown to reviewers.
    pub meta: AttachmentMeta,
    /// The content.
    pub data: AttachmentData,
}

/// Why sending failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The relay could not be reached or refused the envelope.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// Sealing failed (nothing was stored: the upload was abandoned).
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// An attachment could not be read.
    #[error("cannot read attachment {0}: {1}")]
    Attachment(String, std::io::Error),
    /// The sealing thread failed.
    #[error("sealing stopped unexpectedly: {0}")]
    Internal(String),
}

impl SendError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            SendError::Client(e) => e.code(),
            SendError::Compose(e) => e.code(),
            SendError::Attachment(..) => "attachment-unreadable",
            SendError::Internal(_) => "send-internal",
        }
    }
}

/// Solves the relay's proof of work, then seals `plan` with `attachments` while streaming the
/// envelope to the inbox. Returns once the relay has acknowledged durable storage.
pub async fn send(
    client: &RelayClient,
    plan: SealPlan,
    attachments: Vec<Attachment>,
    progress: Option<Box<dyn FnMut(u64) + Send>>,
) -> Result<(), SendError> {
    // The files are opened and measured first: the relay prices its proof of work by the
    // envelope's size, which is known before anything is sealed.
    let mut readers: Vec<(AttachmentMeta, u64, Box<dyn Read + Send>)> = Vec::with_capacity(attachments.len());
    for a in attachments {
        match a.data {
            AttachmentData::Bytes(bytes) => {
                let len = bytes.len() as u64;
                readers.push((a.meta, len, Box::new(std::io::Cursor::new(bytes))));
            }
            AttachmentData::File(path) => {
                let name = path.display().to_string();
                let file = File::open(&path).map_err(|e| SendError::Attachment(name.clone(), e))?;
                let len = file.metadata().map_err(|e| SendError::Attachment(name, e))?.len();
                readers.push((a.meta, len, Box::new(BufReader::with_capacity(64 * 1024, file))));
            }
        }
    }
    let sizes: Vec<(AttachmentMeta, u64)> = readers.iter().map(|(m, len, _)| (m.clone(), *len)).collect();
    let solution = client.solve_challenge(plan.sealed_len_bound(&sizes)).await?;
    let (writer, body) = channel_body(progress);
    let sealing = tokio::task::spawn_blocking(move || -> Result<(), SendError> {
        let mut readers = readers;
        let sources: Vec<AttachmentSource<'_>> = readers
            .iter_mut()
            .map(|(meta, len, reader)| AttachmentSource { meta: meta.clone(), len: *len, reader: reader.as_mut() })
            .collect();
        let writer = plan.seal(sources, writer)?;
        writer.finish().map_err(|e| SendError::Internal(e.to_string()))
    });
    let (submitted, sealed) = tokio::join!(client.submit(&solution, body), sealing);
    // A sealing error explains an upload failure better than the relay's view of it.
    sealed.map_err(|e| SendError::Internal(e.to_string()))??;
    submitted?;
    Ok(())
}
