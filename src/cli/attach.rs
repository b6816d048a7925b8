//! Preparing attachments on the reporter's device: metadata stripped before anything is sealed.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use candour_core::envelope::AttachmentMeta;
use candour_submit::send::{Attachment, AttachmentData};
use candour_submit::strip::{self, Kind};

/// Strips each file's metadata into memory, or, for types that cannot be stripped, sends the
/// file as it is only if `allow_unstripped` (after a warning).
pub fn prepare(paths: &[PathBuf], allow_unstripped: bool, quiet: bool) -> anyhow::Result<Vec<Attachment>> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let file = File::open(path).with_context(|| format!("opening attachment {}", path.display()))?;
        let (kind, input) = strip::sniff(BufReader::new(file))?;
        let name = display_name(path);
        match kind {
            Kind::Other => {
                if !allow_unstripped {
                    bail!(
                        "{}: metadata cannot be removed from this type of file, and it may reveal who made it \
                         (author, device, location, dates). Convert it to PDF, JPEG or PNG, or pass \
                         --allow-unstripped to send it as it is.",
                        path.display()
                    );
                }
                if !quiet {
                    eprintln!("Warning: {name} is sent as it is; its metadata could not be removed.");
                }
                out.push(Attachment {
                    meta: AttachmentMeta { name, media_type: Kind::Other.media_type().into() },
                    data: AttachmentData::File(path.clone()),
                });
            }
            kind => {
                let mut stripped = Vec::new();
                let report = strip::strip(kind, input, &mut stripped)
                    .with_context(|| format!("removing metadata from {}", path.display()))?;
                if !quiet {
                    eprintln!("{name}: {report}");
                }
                out.push(Attachment {
                    meta: AttachmentMeta { name, media_type: kind.media_type().into() },
                    data: AttachmentData::Bytes(stripped),
                });
            }
        }
    }
    Ok(out)
}

/// The file's own name only: the folder it came from can identify the reporter.
fn display_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "attachment".into())
}
