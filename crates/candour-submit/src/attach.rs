//! Preparing one attachment on the reporter's device, the same way for every face (the CLI's
//! files, the page's blobs): the name without its folder, metadata stripped into memory, and a
//! file whose metadata cannot be removed taken only with the reporter's consent. The faces only
//! present the outcome; each adds how its user gives consent to [`UNSTRIPPED_WARNING`].

use std::io::{self, Read};

use candour_core::envelope::AttachmentMeta;
use zeroize::Zeroizing;

use crate::strip::{self, Kind, StripError, StripReport};

/// Why a file cannot simply be stripped and sent, for a face to follow with its own way of
/// consenting ("pass --allow-unstripped", "tick the box").
pub const UNSTRIPPED_WARNING: &str = "metadata cannot be removed from this type of file, and it may reveal who \
                                      made it (author, device, location, dates). Convert it to PDF, JPEG or PNG";

/// Why an attachment cannot be prepared. Nothing of it has been sealed or sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AttachError {
    /// A type whose metadata cannot be removed, and the reporter has not consented to sending
    /// it as it is.
    #[error("{name}: {UNSTRIPPED_WARNING}")]
    Unstripped {
        /// The attachment's own name.
        name: String,
    },
    /// A supported type that could not be stripped (damaged, encrypted, too large).
    #[error("{name}: {source}")]
    Strip {
        /// The attachment's own name.
        name: String,
        /// What went wrong.
        source: StripError,
    },
    /// The file could not be read.
    #[error("reading {name}: {source}")]
    Read {
        /// The attachment's own name.
        name: String,
        /// What went wrong.
        source: io::Error,
    },
}

impl AttachError {
    /// A stable code for logs, tests and the page.
    pub fn code(&self) -> &'static str {
        match self {
            AttachError::Unstripped { .. } => "attachment-unstripped",
            AttachError::Strip { .. } => "attachment-malformed",
            AttachError::Read { .. } => "attachment-unreadable",
        }
    }
}

/// What is sealed for one attachment.
#[derive(Debug)]
pub enum Content {
    /// The stripped copy, in memory.
    Stripped(Zeroizing<Vec<u8>>),
    /// The original, as the reporter consented to: the face sends what it was given (the CLI
    /// streams the file from disk).
    AsIs,
}

/// One attachment, prepared.
#[derive(Debug)]
pub struct Prepared {
    /// The name and media type sealed with it.
    pub meta: AttachmentMeta,
    /// The kind its content was recognised as.
    pub kind: Kind,
    /// What to seal.
    pub content: Content,
    /// What stripping removed and kept (`None` when sent as it is).
    pub report: Option<StripReport>,
}

impl Prepared {
    /// True when it is sent with its metadata, as the reporter consented to.
    pub fn sent_as_is(&self) -> bool {
        matches!(self.content, Content::AsIs)
    }

    /// One line for the reporter: what was removed, or that it goes as it is.
    pub fn note(&self) -> String {
        match &self.report {
            Some(report) => format!("{}: {report}", self.meta.name),
            None => format!("{} is sent as it is; its metadata could not be removed.", self.meta.name),
        }
    }
}

/// The file's own name only: the folder it came from can identify the reporter, and a pasted
/// path may carry either separator.
pub fn own_name(given: &str) -> String {
    match given.rsplit(['/', '\\']).next() {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => "attachment".to_owned(),
    }
}

/// Prepares the attachment called `given_name` (its folder is dropped) from `input`: its kind is
/// told by its content, never its name; a JPEG, PNG or PDF is stripped into memory, anything
/// else is refused unless `allow_unstripped`.
pub fn prepare<R: Read>(given_name: &str, input: R, allow_unstripped: bool) -> Result<Prepared, AttachError> {
    let name = own_name(given_name);
    let (kind, input) = strip::sniff(input).map_err(|source| AttachError::Read { name: name.clone(), source })?;
    let meta = AttachmentMeta { name: name.clone(), media_type: kind.media_type().into() };
    if kind == Kind::Other {
        if !allow_unstripped {
            return Err(AttachError::Unstripped { name });
        }
        return Ok(Prepared { meta, kind, content: Content::AsIs, report: None });
    }
    let mut stripped = Zeroizing::new(Vec::new());
    let report = match strip::strip(kind, input, &mut *stripped) {
        Ok(report) => report,
        Err(StripError::Io(source)) => return Err(AttachError::Read { name, source }),
        Err(source) => return Err(AttachError::Strip { name, source }),
    };
    Ok(Prepared { meta, kind, content: Content::Stripped(stripped), report: Some(report) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_file_s_own_name_is_kept() {
        assert_eq!(own_name("/home/pc1234/Evidence/photo.jpg"), "photo.jpg");
        assert_eq!(own_name(r"C:\Users\pc1234\notes.pdf"), "notes.pdf");
        assert_eq!(own_name("folder/"), "attachment");
        assert_eq!(own_name(""), "attachment");
    }

    #[test]
    fn a_file_that_cannot_be_stripped_needs_consent() {
        let words = b"minutes of the meeting";
        let refused = prepare("minutes.docx", &words[..], false).expect_err("no consent");
        assert_eq!(refused.code(), "attachment-unstripped");
        assert!(refused.to_string().starts_with("minutes.docx: metadata cannot be removed"), "{refused}");
        let taken = prepare("minutes.docx", &words[..], true).expect("consented");
        assert!(taken.sent_as_is() && taken.report.is_none());
        assert_eq!(taken.meta.media_type, "application/octet-stream");
        assert_eq!(taken.note(), "minutes.docx is sent as it is; its metadata could not be removed.");
    }

    #[test]
    fn a_damaged_image_is_refused_with_its_name() {
        // A JPEG's magic bytes and then nothing: recognised, but truncated.
        let refused = prepare("x/photo.jpg", &[0xFF, 0xD8, 0xFF, 0xE0][..], true).expect_err("truncated");
        assert_eq!(refused.code(), "attachment-malformed");
        assert!(refused.to_string().starts_with("photo.jpg: "), "{refused}");
    }
}
