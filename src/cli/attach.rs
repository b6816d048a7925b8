//! Preparing attachments on the reporter's device (`candour_submit::attach`), presented for the
//! terminal: a file is streamed from disk only when sent as it is.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::Context as _;
use candour_submit::attach::{self, AttachError, Content};
use candour_submit::send::{Attachment, AttachmentData};

/// Strips each file's metadata into memory, or, for types that cannot be stripped, sends the
/// file as it is only if `allow_unstripped` (after a warning).
pub fn prepare(paths: &[PathBuf], allow_unstripped: bool, quiet: bool) -> anyhow::Result<Vec<Attachment>> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let file = File::open(path).with_context(|| format!("opening attachment {}", path.display()))?;
        let prepared = match attach::prepare(&path.to_string_lossy(), BufReader::new(file), allow_unstripped) {
            Ok(prepared) => prepared,
            Err(AttachError::Unstripped { .. }) => anyhow::bail!(
                "{}: {}, or pass --allow-unstripped to send it as it is.",
                path.display(),
                attach::UNSTRIPPED_WARNING
            ),
            Err(e) => return Err(e).with_context(|| format!("removing metadata from {}", path.display())),
        };
        if !quiet {
            let warning = if prepared.sent_as_is() { "Warning: " } else { "" };
            eprintln!("{warning}{}", prepared.note());
        }
        let data = match prepared.content {
            Content::Stripped(mut bytes) => AttachmentData::Bytes(std::mem::take(&mut *bytes)),
            Content::AsIs => AttachmentData::File(path.clone()),
        };
        out.push(Attachment { meta: prepared.meta, data });
    }
    Ok(out)
}
