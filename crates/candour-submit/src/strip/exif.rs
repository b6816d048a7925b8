//! The EXIF orientation: the one EXIF field kept, so a picture is not shown rotated.

/// The TIFF tag of the orientation.
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
pub(super) fn reduce_exif(tiff: &[u8]) -> Option<Vec<u8>> {
    // Orientation 1 is "as stored": dropping it changes nothing on screen.
    exif_orientation(tiff).filter(|&o| o != 1).map(minimal_exif_tiff)
}

/// How the report names the orientation it kept.
pub(super) const EXIF_ORIENTATION_KEPT: &str = "EXIF orientation (so the picture is not shown rotated)";
