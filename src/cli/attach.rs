//! Preparing attachments on the reporter's device (`candour_submit::attach`), presented for the
//! terminal: a file is streamed from disk only when sent as it is.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::Context as _;
use candour_l10n::Messages;
use candour_submit::attach::{self, AttachError, Content};
use candour_submit::send::{Attachment, AttachmentData};

/// Strips each file's metadata into memory, or, for types that cannot be stripped, sends the
/// file as it is only if `allow_unstripped` (after a warning).
pub fn prepare(
    messages: Messages,
    paths: &[PathBuf],
    allow_unstripped: bool,
    quiet: bool,
) -> anyhow::Result<Vec<Attachment>> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let shown = path.display().to_string();
        let file = File::open(path)
            .with_context(|| messages.format("report-attach-cannot-open", &[("file", shown.as_str().into())]))?;
        let prepared = match attach::prepare(&path.to_string_lossy(), BufReader::new(file), allow_unstripped) {
            Ok(prepared) => prepared,
            Err(AttachError::Unstripped { .. }) => {
                anyhow::bail!("{}", messages.format("report-attach-unstripped", &[("file", shown.into())]))
            }
            Err(e) => {
                return Err(e)
                    .with_context(|| messages.format("report-attach-cannot-strip", &[("file", shown.as_str().into())]))
            }
        };
        if !quiet {
            eprintln!("{}", candour_submit::words::attachment(messages, &prepared));
        }
        let data = match prepared.content {
            Content::Stripped(mut bytes) => AttachmentData::Bytes(std::mem::take(&mut *bytes)),
            Content::AsIs => AttachmentData::File(path.clone()),
        };
        out.push(Attachment { meta: prepared.meta, data });
    }
    Ok(out)
}
