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

// ---------------------------------------------------------------------------------------------
// EXIF orientation
// ---------------------------------------------------------------------------------------------

const EXIF_ORIENTATION_TAG: u16 = 0x0112;

/// Reads the Orientation tag (1–8) of IFD0 from a TIFF structure (the body of an EXIF block).
///
/// Orientation is the one EXIF field that changes what a viewer shows: a phone photo is usually
/// stored sideways with orientation 6, and dropping it would display the picture rotated.
/// Anything unexpected yields `None`, so the whole block is simply dropped.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big_endian = match tiff.get(0..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |off: usize| -> Option<u16> {
        let b = tiff.get(off..off.checked_add(2)?)?;
        Some(if big_endian { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) })
    };
    let u32_at = |off: usize| -> Option<u32> {
        let b = tiff.get(off..off.checked_add(4)?)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for i in 0..count {
        let entry = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        if u16_at(entry)? == EXIF_ORIENTATION_TAG {
            // Type 3 is SHORT; the single value sits in the first two bytes of the value field.
            if u16_at(entry + 2)? != 3 || u32_at(entry + 4)? != 1 {
                return None;
            }
            let value = u16_at(entry + 8)?;
            return (1..=8).contains(&value).then_some(value);
        }
    }
    None
}

/// A big-endian TIFF structure holding only IFD0 with the Orientation tag.
fn minimal_exif_tiff(orientation: u16) -> Vec<u8> {
    let mut t = Vec::with_capacity(26);
    t.extend_from_slice(b"MM\x00\x2A");
    t.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after the header
    t.extend_from_slice(&1u16.to_be_bytes()); // one entry
    t.extend_from_slice(&EXIF_ORIENTATION_TAG.to_be_bytes());
    t.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_be_bytes()); // count
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0]); // value field padding
    t.extend_from_slice(&0u32.to_be_bytes()); // no next IFD (so no thumbnail IFD1)
    t
}

/// What to do with an EXIF body: `None` drops it, `Some(body)` writes that minimal body instead.
fn reduce_exif(tiff: &[u8]) -> Option<Vec<u8>> {
    // Orientation 1 is "as stored": dropping it changes nothing on screen.
    exif_orientation(tiff).filter(|&o| o != 1).map(minimal_exif_tiff)
}

// ---------------------------------------------------------------------------------------------
// JPEG
// ---------------------------------------------------------------------------------------------

const EXIF_HEADER: &[u8] = b"Exif\0\0";
const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_HEADER: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const ICC_HEADER: &[u8] = b"ICC_PROFILE\0";
const JFIF_HEADER: &[u8] = b"JFIF\0";
const EXIF_ORIENTATION_KEPT: &str = "EXIF orientation (so the picture is not shown rotated)";

/// The fate of one marker segment.
enum Segment {
    Keep,
    Drop(String),
    /// Write this payload instead of the original one, and report the label as removed.
    Replace(Vec<u8>, &'static str),
}

fn jpeg_segment(marker: u8, payload: &[u8], report: &mut StripReport) -> Segment {
    match marker {
        // APP0: JFIF tells decoders the colour space; anything else in APP0 (JFXX, AVI1, vendor
        // data) does not affect decoding, and JFXX exists to carry a thumbnail.
        0xE0 if payload.starts_with(JFIF_HEADER) && payload.len() >= 14 => {
            // Bytes 12 and 13 are the thumbnail size. A thumbnail is a second copy of the picture
            // that editors often fail to update, so it may show what the reporter cropped out.
            if payload.len() > 14 || payload[12] != 0 || payload[13] != 0 {
                let mut jfif = payload[..12].to_vec();
                jfif.extend_from_slice(&[0, 0]);
                Segment::Replace(jfif, "JFIF thumbnail (APP0)")
            } else {
                Segment::Keep
            }
        }
        0xE0 => Segment::Drop("APP0 extension (JFXX thumbnail or vendor data)".into()),
        0xE1 if payload.starts_with(EXIF_HEADER) => {
            let body = &payload[EXIF_HEADER.len()..];
            match reduce_exif(body) {
                Some(min) if min == body => {
                    report.keep(EXIF_ORIENTATION_KEPT);
                    Segment::Keep
                }
                Some(min) => {
                    report.keep(EXIF_ORIENTATION_KEPT);
                    let mut exif = EXIF_HEADER.to_vec();
                    exif.extend_from_slice(&min);
                    Segment::Replace(exif, "EXIF (APP1)")
                }
                None => Segment::Drop("EXIF (APP1)".into()),
            }
        }
        0xE1 if payload.starts_with(XMP_HEADER) => Segment::Drop("XMP (APP1)".into()),
        0xE1 if payload.starts_with(XMP_EXT_HEADER) => Segment::Drop("extended XMP (APP1)".into()),
        0xE1 => Segment::Drop("APP1 (unrecognised)".into()),
        // APP2: an ICC profile changes how colours render; MPF and FlashPix do not (MPF points at
        // extra images appended after EOI, which are dropped anyway).
        0xE2 if payload.starts_with(ICC_HEADER) => {
            report.keep("ICC colour profile (APP2)");
            Segment::Keep
        }
        0xE2 if payload.starts_with(b"MPF\0") => Segment::Drop("MPF multi-picture index (APP2)".into()),
        0xE2 => Segment::Drop("APP2 (FlashPix or other)".into()),
        0xED => Segment::Drop("IPTC/Photoshop (APP13)".into()),
        // APP14 "Adobe" says whether the components are RGB, YCbCr or YCCK: dropping it can
        // change the colours.
        0xEE if payload.starts_with(b"Adobe") => Segment::Keep,
        0xEE => Segment::Drop("APP14 (non-Adobe)".into()),
        0xE3..=0xEF => Segment::Drop(format!("APP{}", marker - 0xE0)),
        0xFE => Segment::Drop("COM (comment)".into()),
        // Frame, table, restart-interval and scan headers: needed to decode.
        _ => Segment::Keep,
    }
}

/// True for the SOFn markers that start a frame (C4 is DHT, C8 is JPG, CC is DAC).
fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// Reads the next marker code, skipping the 0xFF fill bytes that may precede it.
fn jpeg_marker<R: Read>(inp: &mut Input<R>) -> Result<u8, StripError> {
    if inp.byte()? != 0xFF {
        // Decoders tolerate stray bytes between segments, but they have no business there and
        // could hide data, so refuse rather than guess.
        return Err(malformed(Kind::Jpeg, "unexpected data between segments"));
    }
    let mut marker = inp.byte()?;
    while marker == 0xFF {
        marker = inp.byte()?;
    }
    if marker == 0x00 {
        return Err(malformed(Kind::Jpeg, "invalid marker"));
    }
    Ok(marker)
}

/// Copies entropy-coded data until a marker that ends the scan, and returns that marker.
///
/// Inside a scan 0xFF is always followed by 0x00 (a stuffed data byte) or a restart marker
/// RST0–RST7; any other marker ends the scan. Repeated 0xFF are fill bytes and are dropped, which
/// decoders treat the same way.
fn jpeg_scan<R: Read, W: Write>(inp: &mut Input<R>, out: &mut W) -> Result<u8, StripError> {
    loop {
        let buf = inp.fill()?;
        match buf.iter().position(|&b| b == 0xFF) {
            None => {
                out.write_all(buf)?;
                let n = buf.len();
                inp.inner.consume(n);
            }
            Some(i) => {
                out.write_all(&buf[..i])?;
                inp.inner.consume(i + 1);
                let mut next = inp.byte()?;
                while next == 0xFF {
                    next = inp.byte()?;
                }
                match next {
                    0x00 | 0xD0..=0xD7 => out.write_all(&[0xFF, next])?,
                    marker => return Ok(marker),
                }
            }
        }
    }
}

fn strip_jpeg<R: Read, W: Write>(input: R, output: W) -> Result<StripReport, StripError> {
    let mut inp = Input::new(input, Kind::Jpeg);
    let mut out = BufWriter::with_capacity(64 * 1024, output);
    let mut report = StripReport::default();

    if inp.array::<2>()? != [0xFF, 0xD8] {
        return Err(malformed(Kind::Jpeg, "missing start-of-image marker"));
    }
    out.write_all(&[0xFF, 0xD8])?;

    let mut seen_frame = false;
    let mut seen_scan = false;
    let mut marker = jpeg_marker(&mut inp)?;
    loop {
        match marker {
            0xD9 => {
                if !seen_scan {
                    return Err(malformed(Kind::Jpeg, "no image data before the end-of-image marker"));
                }
                out.write_all(&[0xFF, 0xD9])?;
                // Anything after EOI is ignored by decoders, which makes it a hiding place:
                // phones append depth maps, gain maps and preview images there.
                if inp.has_more()? {
                    report.remove("data after end of image (e.g. a hidden second image)");
                }
                break;
            }
            0xD8 => return Err(malformed(Kind::Jpeg, "second start-of-image marker")),
            0xD0..=0xD7 => return Err(malformed(Kind::Jpeg, "restart marker outside a scan")),
            // TEM has no payload and no meaning outside arithmetic-coding tests; keep it as is.
            0x01 => out.write_all(&[0xFF, 0x01])?,
            _ => {
                let len = usize::from(u16::from_be_bytes(inp.array::<2>()?));
                if len < 2 {
                    return Err(malformed(Kind::Jpeg, "segment length below 2"));
                }
                let mut payload = vec![0u8; len - 2];
                inp.read_exact(&mut payload)?;
                match jpeg_segment(marker, &payload, &mut report) {
                    Segment::Keep => write_segment(&mut out, marker, &payload)?,
                    Segment::Drop(what) => report.remove(what),
                    Segment::Replace(new, what) => {
                        write_segment(&mut out, marker, &new)?;
                        report.remove(what);
                    }
                }
                if is_sof(marker) {
                    seen_frame = true;
                }
                if marker == 0xDA {
                    if !seen_frame {
                        return Err(malformed(Kind::Jpeg, "scan before frame header"));
                    }
                    seen_scan = true;
                    marker = jpeg_scan(&mut inp, &mut out)?;
                    continue;
                }
            }
        }
        marker = jpeg_marker(&mut inp)?;
    }
    finish(out)?;
    Ok(report)
}

fn write_segment<W: Write>(out: &mut W, marker: u8, payload: &[u8]) -> Result<(), StripError> {
    // Payloads come from a 16-bit length or are shorter than the one they replace.
    let len = u16::try_from(payload.len() + 2).map_err(|_| malformed(Kind::Jpeg, "segment too long"))?;
    out.write_all(&[0xFF, marker])?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(payload)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------------

/// Ancillary chunks that affect rendering (colour, transparency, background, HDR, animation)
/// and carry no free text. Everything ancillary not listed here is dropped.
const PNG_KEEP_ANCILLARY: [&[u8; 4]; 11] =
    [b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"cICP", b"mDCV", b"cLLI", b"acTL"];
/// APNG frame chunks: ancillary by the naming rule, but they are the animation's pictures.
const PNG_KEEP_FRAMES: [&[u8; 4]; 2] = [b"fcTL", b"fdAT"];
/// Cap on an eXIf chunk read whole to look for the orientation; bigger ones are just dropped.
const PNG_EXIF_MAX: u32 = 64 * 1024;

fn png_label(ty: &[u8; 4]) -> String {
    match ty {
        b"tEXt" => "tEXt (text, e.g. author)".into(),
        b"zTXt" => "zTXt (compressed text)".into(),
        b"iTXt" => "iTXt (international text, e.g. XMP)".into(),
        b"tIME" => "tIME (last-modified time)".into(),
        b"eXIf" => "eXIf (EXIF)".into(),
        // pHYs does not change the pixels, only the suggested print size, but its value can
        // betray the device (144 dpi is a HiDPI Mac screenshot, for example).
        b"pHYs" => "pHYs (pixel density)".into(),
        b"sPLT" => "sPLT (named suggested palette)".into(),
        b"caBX" => "caBX (C2PA content credentials)".into(),
        // Four ASCII letters, checked by the caller, so safe to show.
        _ => format!("{} (unrecognised ancillary chunk)", String::from_utf8_lossy(ty)),
    }
}

fn strip_png<R: Read, W: Write>(input: R, output: W) -> Result<StripReport, StripError> {
    let mut inp = Input::new(input, Kind::Png);
    let mut out = BufWriter::with_capacity(64 * 1024, output);
    let mut report = StripReport::default();

    if inp.array::<8>()? != PNG_SIGNATURE {
        return Err(malformed(Kind::Png, "missing PNG signature"));
    }
    out.write_all(&PNG_SIGNATURE)?;

    let mut first = true;
    let mut seen_idat = false;
    loop {
        let len = u32::from_be_bytes(inp.array::<4>()?);
        let ty = inp.array::<4>()?;
        if len > 0x7FFF_FFFF {
            return Err(malformed(Kind::Png, "chunk length out of range"));
        }
        if !ty.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed(Kind::Png, "invalid chunk type"));
        }
        if first != (&ty == b"IHDR") {
            return Err(malformed(Kind::Png, "IHDR is not the first chunk, or appears twice"));
        }
        first = false;
        if &ty == b"IEND" && len != 0 {
            return Err(malformed(Kind::Png, "IEND chunk carries data"));
        }
        let critical = ty[0].is_ascii_uppercase();
        let keep = match &ty {
            b"IHDR" | b"PLTE" | b"IEND" => true,
            b"IDAT" => {
                seen_idat = true;
                true
            }
            t if critical => {
                return Err(malformed(Kind::Png, format!("unknown critical chunk {}", String::from_utf8_lossy(t))))
            }
            t => PNG_KEEP_ANCILLARY.contains(&t) || PNG_KEEP_FRAMES.contains(&t),
        };

        let mut crc = crc32fast::Hasher::new();
        crc.update(&ty);
        if keep {
            if &ty == b"iCCP" {
                report.keep("ICC colour profile (iCCP)");
            }
            out.write_all(&len.to_be_bytes())?;
            out.write_all(&ty)?;
            inp.stream(u64::from(len), |piece| {
                crc.update(piece);
                out.write_all(piece)
            })?;
        } else if &ty == b"eXIf" && len <= PNG_EXIF_MAX {
            let mut body = vec![0u8; len as usize];
            inp.read_exact(&mut body)?;
            crc.update(&body);
            let stored = u32::from_be_bytes(inp.array::<4>()?);
            check_crc(&ty, crc.finalize(), stored)?;
            match reduce_exif(&body) {
                Some(min) => {
                    report.keep(EXIF_ORIENTATION_KEPT);
                    if min != body {
                        report.remove(png_label(&ty));
                    }
                    write_png_chunk(&mut out, &ty, &min)?;
                }
                None => report.remove(png_label(&ty)),
            }
            continue;
        } else {
            inp.stream(u64::from(len), |piece| {
                crc.update(piece);
                Ok(())
            })?;
            report.remove(png_label(&ty));
        }
        let stored = u32::from_be_bytes(inp.array::<4>()?);
        check_crc(&ty, crc.finalize(), stored)?;
        if keep {
            out.write_all(&stored.to_be_bytes())?;
        }

        if &ty == b"IEND" {
            if !seen_idat {
                return Err(malformed(Kind::Png, "no image data (IDAT) before IEND"));
            }
            // Decoders stop at IEND, so bytes after it are invisible and can hide anything.
            if inp.has_more()? {
                report.remove("data after end of image (IEND)");
            }
            break;
        }
    }
    finish(out)?;
    Ok(report)
}

fn check_crc(ty: &[u8; 4], computed: u32, stored: u32) -> Result<(), StripError> {
    if computed == stored {
        Ok(())
    } else {
        Err(malformed(Kind::Png, format!("corrupt {} chunk (CRC mismatch)", String::from_utf8_lossy(ty))))
    }
}

fn write_png_chunk<W: Write>(out: &mut W, ty: &[u8; 4], data: &[u8]) -> Result<(), StripError> {
    let len = u32::try_from(data.len()).map_err(|_| malformed(Kind::Png, "chunk too long"))?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(ty);
    crc.update(data);
    out.write_all(&len.to_be_bytes())?;
    out.write_all(ty)?;
    out.write_all(data)?;
    out.write_all(&crc.finalize().to_be_bytes())?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------

const PDF_XMP_LABEL: &str = "XMP metadata stream";

/// Dictionary keys removed wherever they appear, with their report labels.
const PDF_KEYS: [(&[u8], &str); 4] = [
    (b"Metadata", PDF_XMP_LABEL),
    (b"PieceInfo", "PieceInfo (editing application's private data)"),
    (b"LastModified", "LastModified timestamp"),
    // A stored page thumbnail is not what viewers draw for the page (they render thumbnails
    // themselves) and may predate a redaction, like a JPEG's EXIF thumbnail.
    (b"Thumb", "page thumbnail image"),
];

/// The widest field a cross-reference stream's `/W` may give: 8 bytes hold any offset.
const MAX_XREF_FIELD_WIDTH: u64 = 8;

/// Refuses cross-reference stream widths lopdf would act on unchecked: it allocates a buffer
/// of each `/W` width as given (a width of 10^16 aborts the process: no panic to catch), and
/// with widths that are all zero it inserts an entry per `/Index` count without reading a byte.
/// Found by `scripts/fuzz.sh strip_pdf` (seeds/strip_pdf/finding-*). Scans every name in the
/// raw bytes, with `#xx` escapes decoded as PDF names allow, so `/#57` is caught too.
fn pdf_xref_widths_are_bounded(data: &[u8]) -> Result<(), StripError> {
    let is_delimiter = |b: u8| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b);
    let mut i = 0;
    while i < data.len() {
        if data[i] != b'/' {
            i += 1;
            continue;
        }
        // A name: up to the next delimiter, #xx escapes decoded.
        let mut name = Vec::new();
        let mut j = i + 1;
        while j < data.len() && !is_delimiter(data[j]) {
            let hex = |b: u8| (b as char).to_digit(16);
            match (data[j], data.get(j + 1).copied().and_then(hex), data.get(j + 2).copied().and_then(hex)) {
                (b'#', Some(hi), Some(lo)) => {
                    name.push((hi * 16 + lo) as u8);
                    j += 3;
                }
                (b, _, _) => {
                    name.push(b);
                    j += 1;
                }
            }
        }
        i = j;
        if name != b"W" {
            continue;
        }
        // Its value, if a direct array: integers separated by whitespace.
        while i < data.len() && data[i].is_ascii_whitespace() {
            i += 1;
        }
        if data.get(i) != Some(&b'[') {
            continue;
        }
        let end = data[i..].iter().position(|&b| b == b']').map_or(data.len(), |p| i + p);
        let widths: Vec<&[u8]> =
            data[i + 1..end].split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect();
        let mut sum = 0u64;
        for w in &widths {
            let width = std::str::from_utf8(w).ok().and_then(|t| t.parse::<u64>().ok());
            match width {
                Some(width) if width <= MAX_XREF_FIELD_WIDTH => sum += width,
                // Not a plain number (negative, a real, garbage): lopdf refuses those itself.
                None if w.first().is_some_and(|b| !b.is_ascii_digit()) => {}
                _ => {
                    return Err(malformed(
                        Kind::Pdf,
                        format!("a cross-reference stream field width of {} bytes", String::from_utf8_lossy(w)),
                    ))
                }
            }
        }
        if widths.len() >= 3 && sum == 0 {
            return Err(malformed(Kind::Pdf, "a cross-reference stream whose fields are all empty"));
        }
        i = end;
    }
    Ok(())
}

fn strip_pdf<R: Read, W: Write>(input: R, mut output: W) -> Result<StripReport, StripError> {
    let mut data = Vec::new();
    // Read one byte past the limit so "exactly at the limit" and "over it" can be told apart.
    input.take(MAX_PDF_BYTES + 1).read_to_end(&mut data)?;
    if data.len() as u64 > MAX_PDF_BYTES {
        return Err(StripError::TooLarge { limit: MAX_PDF_BYTES });
    }
    if !data.starts_with(b"%PDF-") {
        return Err(malformed(Kind::Pdf, "missing %PDF- header"));
    }
    pdf_xref_widths_are_bounded(&data)?;
    // lopdf is a large parser fed with whatever the reporter picked; a panic in it must not take
    // the client down with an unsent report, so it is caught and treated as a malformed file.
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lopdf::Document::load_mem(&data)));
    let mut doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => return Err(malformed(Kind::Pdf, e.to_string())),
        Err(_) => return Err(malformed(Kind::Pdf, "the PDF parser could not read this file")),
    };
    drop(data);

    // Strings in an encrypted file are encrypted, and lopdf might write it back decrypted or
    // half-decrypted; neither is acceptable, so refuse.
    if doc.trailer.has(b"Encrypt") || doc.encryption_state.is_some() {
        return Err(StripError::EncryptedPdf);
    }
    if doc.catalog().is_err() {
        return Err(malformed(Kind::Pdf, "no document catalog"));
    }

    let mut report = StripReport::default();
    // Objects whose removal is already reported, so the orphan count below does not repeat them.
    let mut accounted = HashSet::new();
    if let Some(info) = doc.trailer.remove(b"Info") {
        report.remove("PDF Info dictionary (author, title, dates, software)");
        accounted.extend(info.as_reference().ok());
    }
    // /ID is a pair of hashes usually derived from the path, time and size of the original
    // file: it can link the attachment to the copy left on the reporter's device.
    if doc.trailer.remove(b"ID").is_some() {
        report.remove("PDF file identifier (/ID)");
    }

    let mut metadata_streams = Vec::new();
    for (id, object) in doc.objects.iter_mut() {
        scrub_object(object, &mut report, &mut accounted, 0)?;
        if let lopdf::Object::Stream(stream) = object {
            if stream.dict.get(b"Type").and_then(lopdf::Object::as_name).ok() == Some(b"Metadata".as_slice()) {
                metadata_streams.push(*id);
            }
        }
    }
    // A metadata stream referenced from somewhere other than a /Metadata key (a name tree, an
    // array) is removed too; by the PDF rules a reference to a missing object reads as null.
    for id in metadata_streams {
        doc.objects.remove(&id);
        if accounted.insert(id) {
            report.remove(PDF_XMP_LABEL);
        }
    }

    // Objects nothing refers to any more: the detached Info and metadata, and left-overs such as
    // an earlier revision's Info dictionary. Viewers never show them, but they are in the file.
    let orphans = prune_unreferenced(&mut doc, &accounted);
    if orphans > 0 {
        report.remove_n("unreferenced object (e.g. from an earlier revision)", orphans);
    }
    // New objects written on save (the cross-reference stream) are numbered after max_id; lower
    // it to what is left so that stripping an already stripped file gives the same bytes.
    doc.max_id = doc.objects.keys().map(|&(number, _)| number).max().unwrap_or(0);

    // Written to memory and read back before anything leaves: a file lopdf reads but rewrites
    // into something it cannot read again (no catalog: found by fuzzing, seeds/strip_pdf/
    // finding-id-000003.pdf) is refused rather than sent broken.
    let mut rewritten = Vec::new();
    doc.save_to(&mut rewritten)?;
    drop(doc);
    let reread = std::panic::catch_unwind(|| lopdf::Document::load_mem(&rewritten).map(|d| d.catalog().is_ok()));
    if !matches!(reread, Ok(Ok(true))) {
        return Err(malformed(Kind::Pdf, "the PDF could not be rewritten into a readable file"));
    }
    let mut out = BufWriter::with_capacity(64 * 1024, &mut output);
    out.write_all(&rewritten)?;
    finish(out)?;
    Ok(report)
}

/// How deeply direct objects may nest before the file is refused. Real documents nest a few
/// levels; the bound keeps a hostile file from exhausting the stack in the recursion below.
const PDF_MAX_DEPTH: usize = 128;

/// Removes the [`PDF_KEYS`] from every dictionary nested in `object`.
/// Removes the [`PDF_KEYS`] from every dictionary nested in `object`, noting in `accounted`
/// the objects those keys referred to.
fn scrub_object(
    object: &mut lopdf::Object,
    report: &mut StripReport,
    accounted: &mut HashSet<lopdf::ObjectId>,
    depth: usize,
) -> Result<(), StripError> {
    if depth > PDF_MAX_DEPTH {
        return Err(malformed(Kind::Pdf, "objects nested too deeply"));
    }
    match object {
        lopdf::Object::Dictionary(dict) => scrub_dict(dict, report, accounted, depth),
        lopdf::Object::Stream(stream) => scrub_dict(&mut stream.dict, report, accounted, depth),
        lopdf::Object::Array(items) => {
            items.iter_mut().try_for_each(|item| scrub_object(item, report, accounted, depth + 1))
        }
        _ => Ok(()),
    }
}

fn scrub_dict(
    dict: &mut lopdf::Dictionary,
    report: &mut StripReport,
    accounted: &mut HashSet<lopdf::ObjectId>,
    depth: usize,
) -> Result<(), StripError> {
    for (key, label) in PDF_KEYS {
        if let Some(value) = dict.remove(key) {
            report.remove(label);
            accounted.extend(value.as_reference().ok());
        }
    }
    dict.iter_mut().try_for_each(|(_, value)| scrub_object(value, report, accounted, depth + 1))
}

/// Deletes every object not reachable from the trailer and returns how many were deleted that
/// are neither in `accounted` nor cross-reference machinery (XRef and object streams, the
/// linearization dictionary), which lopdf regenerates or drops on save anyway.
///
/// lopdf's own `prune_objects` does the same with a linear `Vec::contains` per object, which is
/// quadratic on documents with many objects; a set keeps it linear.
fn prune_unreferenced(doc: &mut lopdf::Document, accounted: &HashSet<lopdf::ObjectId>) -> usize {
    // Iterative walk (explicit stack) so nesting depth cannot overflow the call stack.
    let mut reachable = HashSet::new();
    let mut stack: Vec<&lopdf::Object> = doc.trailer.iter().map(|(_, o)| o).collect();
    while let Some(object) = stack.pop() {
        match object {
            // The guard marks the object as seen; a reference already seen falls through.
            lopdf::Object::Reference(id) if reachable.insert(*id) => {
                if let Some(target) = doc.objects.get(id) {
                    stack.push(target);
                }
            }
            lopdf::Object::Array(items) => stack.extend(items.iter()),
            lopdf::Object::Dictionary(dict) => stack.extend(dict.iter().map(|(_, o)| o)),
            lopdf::Object::Stream(stream) => stack.extend(stream.dict.iter().map(|(_, o)| o)),
            _ => {}
        }
    }
    let mut orphans = 0;
    doc.objects.retain(|id, object| {
        let keep = reachable.contains(id);
        let structural = object
            .type_name()
            .is_ok_and(|t| [b"XRef".as_slice(), b"ObjStm".as_slice(), b"Linearized".as_slice()].contains(&t));
        if !keep && !structural && !accounted.contains(id) {
            orphans += 1;
        }
        keep
    });
    orphans
}
