//! JPEG: segments copied or dropped by marker, the entropy-coded data byte for byte.

use super::exif::{reduce_exif, EXIF_ORIENTATION_KEPT};
use super::*;

const EXIF_HEADER: &[u8] = b"Exif\0\0";
const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_HEADER: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const ICC_HEADER: &[u8] = b"ICC_PROFILE\0";
const JFIF_HEADER: &[u8] = b"JFIF\0";

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

pub(super) fn strip_jpeg<R: Read, W: Write>(input: R, output: W) -> Result<StripReport, StripError> {
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
