//! PDF: the document rewritten without its /Info, /ID, XMP and unreferenced objects.

use super::*;

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
    // PDF's white space includes NUL, which ASCII's does not: lopdf ends a name at a NUL and
    // reads the value after it, so this scan must too (a fuzzed `/W\0[...]` got past it once).
    let is_space = |b: u8| matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ');
    let is_delimiter = |b: u8| is_space(b) || b"()<>[]{}/%".contains(&b);
    // White space and comments (`%` to the end of the line), as the PDF parser skips them.
    let skip_space = |mut i: usize| loop {
        while i < data.len() && is_space(data[i]) {
            i += 1;
        }
        if data.get(i) != Some(&b'%') {
            return i;
        }
        while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
            i += 1;
        }
    };
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
        // Its value, if a direct array: integers separated by white space (or comments).
        i = skip_space(i);
        if data.get(i) != Some(&b'[') {
            continue;
        }
        // Up to the closing bracket, comments left out (a `]` inside one does not close it).
        let mut inside = Vec::new();
        let mut end = i + 1;
        while end < data.len() && data[end] != b']' {
            if data[end] == b'%' {
                while end < data.len() && data[end] != b'\n' && data[end] != b'\r' {
                    end += 1;
                }
            } else {
                inside.push(data[end]);
                end += 1;
            }
        }
        let widths: Vec<&[u8]> = inside.split(|&b| is_space(b)).filter(|w| !w.is_empty()).collect();
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

pub(super) fn strip_pdf<R: Read, W: Write>(input: R, mut output: W) -> Result<StripReport, StripError> {
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
