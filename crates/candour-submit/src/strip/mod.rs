//! Removal of identifying metadata from attachments, on the reporter's device, before sealing.
//!
//! A photo or document can name its author even when its visible content does not: a camera
//! serial or model, GPS coordinates, an author field filled in from the force's directory, edit
//! timestamps. This module removes that metadata while leaving what a viewer shows unchanged.
//!
//! # What is removed and what is kept
//!
//! | format | removed | kept (and why) |
//! |---|---|---|
//! | JPEG | APP1 (EXIF, XMP), APP13 (IPTC/Photoshop), COM, APP3–APP12, APP15, APP2 unless ICC, APP0 other than JFIF, the JFIF thumbnail, data after EOI | JFIF APP0 (colour space), ICC profile APP2 (colours), Adobe APP14 (colour transform), every decoding segment, the entropy-coded data byte for byte, and the EXIF orientation alone when it is not "normal" |
//! | PNG | tEXt, zTXt, iTXt, tIME, eXIf, pHYs, sPLT, every other ancillary chunk not on the keep list, data after IEND | critical chunks, tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, bKGD, cICP, mDCV, cLLI, APNG frames (acTL, fcTL, fdAT), and the EXIF orientation alone as a minimal eXIf |
//! | PDF | trailer /Info and /ID, every /Metadata (XMP), /PieceInfo, /LastModified and page /Thumb, objects no longer referenced (superseded revisions, orphans) | everything reachable from the catalog, streams unchanged |
//!
//! The keep lists are allow-lists: an unrecognised JPEG APPn or PNG ancillary chunk is dropped,
//! because a vendor's private chunk is as likely to carry identifying data as a documented one and
//! never affects the pixels. Unknown PNG critical chunks are refused, since we cannot know whether
//! dropping them changes the picture.
//!
//! # Contract
//!
//! * The kind is found from magic bytes ([`detect`], [`sniff`]), never from a file name.
//! * JPEG and PNG are streamed with bounded memory (one JPEG segment, at most 64 KiB, or a 64 KiB
//!   piece of a PNG chunk at a time). PDFs are loaded whole, so their size is capped at
//!   [`MAX_PDF_BYTES`].
//! * Malformed or truncated input gives a [`StripError`], never a panic. Because output is
//!   streamed, **on error the bytes already written to the output are unspecified and must be
//!   discarded**; only an `Ok` output may be sealed.
//! * The [`StripReport`] labels are fixed strings chosen here (at most a four-letter PNG chunk
//!   type comes from the file), so it can be shown or logged without echoing the metadata itself.
//!
//! # Example
//!
//! ```no_run
//! use candour_submit::strip::{sniff, strip, StripError};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let file = std::fs::File::open("photo.jpg")?;
//! let (kind, input) = sniff(file)?;
//! let mut stripped = Vec::new();
//! match strip(kind, input, &mut stripped) {
//!     Ok(report) => println!("{report}"), // e.g. "removed EXIF (APP1), XMP (APP1)"
//!     // Only with the reporter's explicit consent (--allow-unstripped) is such a file sent as is.
//!     Err(StripError::Unsupported) => eprintln!("warning: {}", StripError::Unsupported),
//!     // Never seal `stripped` after an error: it may be incomplete.
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Limits
//!
//! * Metadata embedded *inside* content is not touched: an EXIF block inside a JPEG that is itself
//!   embedded in a PDF, an ICC profile's description text, PDF annotation authors (/T) and
//!   embedded files. The pixels or text themselves can of course identify someone too.
//! * Encrypted PDFs are refused ([`StripError::EncryptedPdf`]).

use std::collections::HashSet;
use std::fmt;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};

/// How many leading bytes [`detect`] needs to recognise every supported kind.
pub const DETECT_LEN: usize = 8;

/// The largest PDF, in bytes, that [`strip`] accepts (256 MiB).
///
/// PDFs are rewritten from a fully parsed document, so the whole file is held in memory (several
/// times over while parsing); the cap keeps a huge or hostile file from exhausting the device.
pub const MAX_PDF_BYTES: u64 = 256 * 1024 * 1024;

/// The kind of an attachment, as told by its leading magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A JPEG/JFIF/EXIF image (`FF D8 FF`).
    Jpeg,
    /// A PNG image (the 8-byte PNG signature).
    Png,
    /// A PDF document (`%PDF-` at offset 0).
    Pdf,
    /// Anything else: its metadata cannot be removed, so the caller must warn before sending it.
    Other,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Jpeg => "JPEG",
            Kind::Png => "PNG",
            Kind::Pdf => "PDF",
            Kind::Other => "unsupported",
        })
    }
}

impl Kind {
    /// The media type sealed with an attachment of this kind (`application/octet-stream` for
    /// anything not recognised).
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Pdf => "application/pdf",
            Kind::Other => "application/octet-stream",
        }
    }
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

/// Tells the kind of a file from its first bytes (give at least [`DETECT_LEN`] when the file
/// has that many; a shorter prefix is never mistaken for a supported kind).
///
/// Only the content counts: a file named `photo.jpg` holding a PDF is a PDF. A PDF header that
/// does not start at offset 0 (which some readers tolerate) gives [`Kind::Other`], so such a
/// file takes the warned, unstripped path rather than a half-understood one.
pub fn detect(prefix: &[u8]) -> Kind {
    if prefix.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if prefix.starts_with(&PNG_SIGNATURE) {
        Kind::Png
    } else if prefix.starts_with(b"%PDF-") {
        Kind::Pdf
    } else {
        Kind::Other
    }
}

/// The reader [`sniff`] hands back: the bytes it read to detect the kind, then the rest.
pub type Sniffed<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Reads up to [`DETECT_LEN`] bytes from `input`, detects the kind, and returns a reader that
/// yields the whole input again, for [`strip`] or, for [`Kind::Other`] after the user agreed,
/// for sending unchanged.
///
/// # Errors
/// Only errors from reading `input`.
pub fn sniff<R: Read>(mut input: R) -> io::Result<(Kind, Sniffed<R>)> {
    let mut prefix = vec![0u8; DETECT_LEN];
    let mut filled = 0;
    // A single read may return fewer bytes than asked for (pipes, network), so loop until the
    // prefix is full or the input ends.
    while filled < DETECT_LEN {
        match input.read(&mut prefix[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    prefix.truncate(filled);
    let kind = detect(&prefix);
    Ok((kind, io::Cursor::new(prefix).chain(input)))
}

/// One kind of metadata that was removed, and how many times it occurred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// What was removed, in words a reporter can read, e.g. `"EXIF (APP1)"`.
    pub what: String,
    /// How many segments, chunks or entries of that kind were removed.
    pub count: usize,
}

/// What [`strip`] removed, and what it deliberately kept that still carries some data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StripReport {
    /// Removed metadata, in the order first met.
    pub removed: Vec<Removed>,
    /// Non-pixel data kept because rendering depends on it (an ICC colour profile, the EXIF
    /// orientation), so the caller can mention it.
    pub kept: Vec<String>,
}

impl StripReport {
    /// True when the input carried nothing that had to be removed.
    pub fn is_clean(&self) -> bool {
        self.removed.is_empty()
    }

    fn remove(&mut self, what: impl Into<String>) {
        self.remove_n(what, 1);
    }

    fn remove_n(&mut self, what: impl Into<String>, count: usize) {
        let what = what.into();
        match self.removed.iter_mut().find(|r| r.what == what) {
            Some(r) => r.count += count,
            None => self.removed.push(Removed { what, count }),
        }
    }

    fn keep(&mut self, what: &str) {
        if !self.kept.iter().any(|k| k == what) {
            self.kept.push(what.to_owned());
        }
    }
}

impl fmt::Display for StripReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.removed.is_empty() {
            f.write_str("no metadata found")?;
        } else {
            f.write_str("removed ")?;
            for (i, r) in self.removed.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                if r.count == 1 {
                    write!(f, "{}", r.what)?;
                } else {
                    write!(f, "{} ×{}", r.what, r.count)?;
                }
            }
        }
        if !self.kept.is_empty() {
            write!(f, "; kept {}", self.kept.join(", "))?;
        }
        Ok(())
    }
}

/// Why an attachment could not be stripped. Whatever the variant, discard any output written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StripError {
    /// The kind is [`Kind::Other`]: there is no stripper for it.
    #[error(
        "metadata cannot be removed from this file type; sent as it is, it may reveal who made it \
         (author, device, location, dates)"
    )]
    Unsupported,
    /// The input ended before the format says it should.
    #[error("the {0} file is truncated: it ends before its end marker")]
    Truncated(Kind),
    /// The input is not a well-formed file of the given kind.
    #[error("the file is not a valid {kind}: {reason}")]
    Malformed {
        /// The kind the input was stripped as.
        kind: Kind,
        /// What is wrong, without quoting the file's content.
        reason: String,
    },
    /// A PDF larger than [`MAX_PDF_BYTES`].
    #[error("the PDF is larger than the {limit}-byte limit for PDF attachments")]
    TooLarge {
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// An encrypted PDF: its metadata cannot be rewritten without decrypting it.
    #[error("the PDF is encrypted or password-protected; save an unprotected copy and attach that")]
    EncryptedPdf,
    /// Reading the input or writing the output failed.
    #[error("could not read or write the attachment: {0}")]
    Io(#[from] io::Error),
}

impl StripError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            StripError::Unsupported => "strip-unsupported",
            StripError::Truncated(_) => "strip-truncated",
            StripError::Malformed { .. } => "strip-malformed",
            StripError::TooLarge { .. } => "strip-too-large",
            StripError::EncryptedPdf => "strip-encrypted-pdf",
            StripError::Io(_) => "strip-io",
        }
    }
}

fn malformed(kind: Kind, reason: impl Into<String>) -> StripError {
    StripError::Malformed { kind, reason: reason.into() }
}

/// Copies `input` to `output` without the metadata of `kind`, and reports what was removed.
///
/// `kind` should come from [`detect`]/[`sniff`]; input that does not match it is malformed.
///
/// # Errors
/// [`StripError::Unsupported`] for [`Kind::Other`] (the caller warns and needs the user's
/// explicit consent to send it unstripped); [`StripError::Truncated`] or
/// [`StripError::Malformed`] for damaged input; [`StripError::TooLarge`] and
/// [`StripError::EncryptedPdf`] for PDFs; [`StripError::Io`] for read/write failures. On any
/// error the output already written must be discarded.
pub fn strip<R: Read, W: Write>(kind: Kind, input: R, output: W) -> Result<StripReport, StripError> {
    match kind {
        Kind::Jpeg => strip_jpeg(input, output),
        Kind::Png => strip_png(input, output),
        Kind::Pdf => strip_pdf(input, output),
        Kind::Other => Err(StripError::Unsupported),
    }
}

/// Buffered input that turns an early end of file into [`StripError::Truncated`].
struct Input<R> {
    inner: BufReader<R>,
    kind: Kind,
}

impl<R: Read> Input<R> {
    fn new(inner: R, kind: Kind) -> Self {
        Self { inner: BufReader::with_capacity(64 * 1024, inner), kind }
    }

    fn eof_is_truncation(&self, e: io::Error) -> StripError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            StripError::Truncated(self.kind)
        } else {
            StripError::Io(e)
        }
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), StripError> {
        self.inner.read_exact(buf).map_err(|e| self.eof_is_truncation(e))
    }

    fn byte(&mut self) -> Result<u8, StripError> {
        let mut b = [0u8; 1];
        self.read_exact(&mut b)?;
        Ok(b[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], StripError> {
        let mut b = [0u8; N];
        self.read_exact(&mut b)?;
        Ok(b)
    }

    /// Refills the buffer if it is empty. `BufReader::fill_buf` does not retry an interrupted
    /// read (as `read_exact` does), and a signal must not abort a stripping run.
    fn refill(&mut self) -> Result<(), StripError> {
        loop {
            match self.inner.fill_buf() {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(StripError::Io(e)),
            }
        }
    }

    /// The next buffered bytes; the end of input is truncation for every caller of this.
    fn fill(&mut self) -> Result<&[u8], StripError> {
        self.refill()?;
        match self.inner.buffer() {
            [] => Err(StripError::Truncated(self.kind)),
            buf => Ok(buf),
        }
    }

    /// Whether anything follows; used only to report trailing data, which is never copied.
    fn has_more(&mut self) -> Result<bool, StripError> {
        self.refill()?;
        Ok(!self.inner.buffer().is_empty())
    }

    /// Reads `len` bytes, passing each piece to `sink`, without holding more than a buffer.
    fn stream(&mut self, mut len: u64, mut sink: impl FnMut(&[u8]) -> io::Result<()>) -> Result<(), StripError> {
        while len > 0 {
            let buf = self.fill()?;
            let n = buf.len().min(usize::try_from(len).unwrap_or(usize::MAX));
            sink(&buf[..n])?;
            self.inner.consume(n);
            len -= n as u64;
        }
        Ok(())
    }
}

/// Flushes a buffered writer, surfacing the error that `Drop` would otherwise swallow.
fn finish<W: Write>(out: BufWriter<W>) -> Result<(), StripError> {
    let mut inner = out.into_inner().map_err(|e| StripError::Io(e.into_error()))?;
    inner.flush()?;
    Ok(())
}

mod exif;
mod jpeg;
mod pdf;
mod png;

use jpeg::strip_jpeg;
use pdf::strip_pdf;
use png::strip_png;
