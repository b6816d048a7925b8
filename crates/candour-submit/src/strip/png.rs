//! PNG: chunks copied or dropped by type, CRCs checked, the EXIF orientation kept alone.

use super::exif::{reduce_exif, EXIF_ORIENTATION_KEPT};
use super::*;

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

pub(super) fn strip_png<R: Read, W: Write>(input: R, output: W) -> Result<StripReport, StripError> {
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
