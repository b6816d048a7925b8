//! Metadata stripping on generated fixtures: identifying strings are gone, pictures and page
//! content are unchanged, damaged input is refused without panicking, and stripping twice
//! changes nothing more.
//!
//! Every fixture is built here: pixels are encoded with `image`, then metadata segments/chunks
//! are spliced in by hand, so the tests do not depend on what an encoder happens to write.

use std::io::{self, Read};

use candour_submit::strip::{detect, sniff, strip, Kind, StripError, StripReport, DETECT_LEN, MAX_PDF_BYTES};
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use lopdf::{dictionary, Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream};

// ------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------

fn run(kind: Kind, input: &[u8]) -> Result<(Vec<u8>, StripReport), StripError> {
    let mut out = Vec::new();
    let report = strip(kind, input, &mut out)?;
    Ok((out, report))
}

fn run_ok(kind: Kind, input: &[u8]) -> (Vec<u8>, StripReport) {
    run(kind, input).expect("fixture strips")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_absent(out: &[u8], canaries: &[&[u8]]) {
    for canary in canaries {
        assert!(!contains(out, canary), "{} survived stripping", String::from_utf8_lossy(canary));
    }
}

fn removed(report: &StripReport, what_prefix: &str) -> bool {
    report.removed.iter().any(|r| r.what.starts_with(what_prefix))
}

fn decode(bytes: &[u8], format: ImageFormat) -> DynamicImage {
    image::load_from_memory_with_format(bytes, format).expect("image decodes")
}

/// A deterministic test pattern with enough detail to exercise the JPEG entropy coder
/// (including 0xFF bytes that must be stuffed).
fn pattern(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let v = x.wrapping_mul(31) ^ y.wrapping_mul(17) ^ (x * y);
        image::Rgb([(v & 0xFF) as u8, ((x * 255) / width) as u8, ((y * 255) / height) as u8])
    })
}

/// A small xorshift generator: reproducible "random" bytes without a dependency.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// EXIF (TIFF) builder
// ------------------------------------------------------------------------------------------

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;
const UNDEFINED: u16 = 7;

struct Entry {
    tag: u16,
    ty: u16,
    count: u32,
    data: Vec<u8>,
}

fn ascii(tag: u16, s: &str) -> Entry {
    let mut data = s.as_bytes().to_vec();
    data.push(0);
    Entry { tag, ty: ASCII, count: data.len() as u32, data }
}

/// Lays out one big-endian IFD at `start`, its out-of-line values right after it.
fn ifd(entries: &[Entry], start: u32) -> Vec<u8> {
    let table_len = 2 + 12 * entries.len() as u32 + 4;
    let mut table = (entries.len() as u16).to_be_bytes().to_vec();
    let mut extra = Vec::new();
    for e in entries {
        table.extend_from_slice(&e.tag.to_be_bytes());
        table.extend_from_slice(&e.ty.to_be_bytes());
        table.extend_from_slice(&e.count.to_be_bytes());
        if e.data.len() <= 4 {
            let mut inline = e.data.clone();
            inline.resize(4, 0);
            table.extend_from_slice(&inline);
        } else {
            table.extend_from_slice(&(start + table_len + extra.len() as u32).to_be_bytes());
            extra.extend_from_slice(&e.data);
            if extra.len() % 2 == 1 {
                extra.push(0); // TIFF offsets are word-aligned
            }
        }
    }
    table.extend_from_slice(&0u32.to_be_bytes());
    table.extend_from_slice(&extra);
    table
}

const GPS_LATITUDE: [u8; 24] = [0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0x03, 0xE8];

/// A TIFF body with Make, Model, optional Orientation and a GPS IFD (latitude 51° 30' 12.345").
fn exif_tiff(orientation: Option<u16>) -> Vec<u8> {
    let gps_entries = [
        Entry { tag: 0x0001, ty: ASCII, count: 2, data: b"N\0".to_vec() },
        Entry { tag: 0x0002, ty: RATIONAL, count: 3, data: GPS_LATITUDE.to_vec() },
        Entry { tag: 0x001B, ty: UNDEFINED, count: 22, data: b"ASCII\0\0\0GPS-CANARY-XY".to_vec() },
    ];
    let ifd0 = |gps_offset: u32| {
        let mut entries = vec![ascii(0x010F, "CanaryMake"), ascii(0x0110, "CanonFakeModel-CANARY")];
        if let Some(o) = orientation {
            let mut data = o.to_be_bytes().to_vec();
            data.extend_from_slice(&[0, 0]);
            entries.push(Entry { tag: 0x0112, ty: SHORT, count: 1, data });
        }
        entries.push(Entry { tag: 0x8825, ty: LONG, count: 1, data: gps_offset.to_be_bytes().to_vec() });
        ifd(&entries, 8)
    };
    let gps_offset = 8 + ifd0(0).len() as u32;
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&ifd0(gps_offset));
    tiff.extend_from_slice(&ifd(&gps_entries, gps_offset));
    tiff
}

// ------------------------------------------------------------------------------------------
// JPEG fixture
// ------------------------------------------------------------------------------------------

const JPEG_CANARIES: [&[u8]; 9] = [
    b"CanonFakeModel-CANARY",
    b"CanaryMake",
    b"GPS-CANARY-XY",
    &GPS_LATITUDE,
    b"XMP-CANARY-Creator",
    b"COM-CANARY",
    b"IPTC-CANARY",
    b"THUMB-CANARY",
    b"TRAILER-CANARY",
];

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn clean_jpeg() -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&pattern(48, 40))
        .expect("encode JPEG");
    jpeg
}

/// The encoder's JPEG with metadata spliced in after its JFIF APP0 (which gains a thumbnail),
/// plus a trailer after EOI.
fn jpeg_fixture(orientation: Option<u16>) -> Vec<u8> {
    let clean = clean_jpeg();
    assert_eq!(&clean[..4], &[0xFF, 0xD8, 0xFF, 0xE0], "encoder starts with JFIF APP0");
    let app0_end = 4 + usize::from(u16::from_be_bytes([clean[4], clean[5]]));

    // JFIF with a 4x1 RGB thumbnail whose twelve bytes spell a canary.
    let mut jfif_thumb = clean[6..6 + 12].to_vec();
    jfif_thumb.extend_from_slice(&[4, 1]);
    jfif_thumb.extend_from_slice(b"THUMB-CANARY");

    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(orientation));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(
        br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>XMP-CANARY-Creator</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"#,
    );
    let mut iptc = b"Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x10".to_vec();
    iptc.extend_from_slice(b"\x1c\x02\x50\0\x0bIPTC-CANARY");
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend_from_slice(&[0u8; 128]);

    let mut out = vec![0xFF, 0xD8];
    out.extend_from_slice(&segment(0xE0, &jfif_thumb));
    out.extend_from_slice(&segment(0xE1, &exif));
    out.extend_from_slice(&segment(0xE1, &xmp));
    out.extend_from_slice(&segment(0xE2, &icc));
    out.extend_from_slice(&segment(0xED, &iptc));
    out.extend_from_slice(&segment(0xFE, b"COM-CANARY"));
    out.extend_from_slice(&segment(0xE5, b"vendor APP5"));
    out.extend_from_slice(&clean[app0_end..]);
    out.extend_from_slice(b"\xFF\xD8TRAILER-CANARY\xFF\xD9");
    out
}

/// Marker and payload of each segment before the first SOS.
fn jpeg_header_segments(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut segments = Vec::new();
    let mut i = 2;
    while jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA {
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        segments.push((jpeg[i + 1], jpeg[i + 4..i + 2 + len].to_vec()));
        i += 2 + len;
    }
    segments
}

#[test]
fn jpeg_metadata_is_removed_and_pixels_are_unchanged() {
    let input = jpeg_fixture(None);
    for canary in JPEG_CANARIES {
        assert!(contains(&input, canary), "fixture lacks {}", String::from_utf8_lossy(canary));
    }
    let (out, report) = run_ok(Kind::Jpeg, &input);
    assert_absent(&out, &JPEG_CANARIES);

    for what in
        ["EXIF (APP1)", "XMP (APP1)", "IPTC/Photoshop (APP13)", "COM", "APP5", "JFIF thumbnail", "data after end"]
    {
        assert!(removed(&report, what), "report lacks {what}: {report}");
    }
    assert!(report.kept.iter().any(|k| k.contains("ICC")), "{report}");

    let markers: Vec<u8> = jpeg_header_segments(&out).iter().map(|(m, _)| *m).collect();
    assert!(!markers.iter().any(|m| matches!(m, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE)), "{markers:x?}");
    assert!(markers.contains(&0xE0) && markers.contains(&0xE2), "JFIF and ICC kept: {markers:x?}");
    assert!(out.ends_with(&[0xFF, 0xD9]));

    assert_eq!(decode(&input, ImageFormat::Jpeg), decode(&out, ImageFormat::Jpeg));
    // The entropy-coded data is copied verbatim, so the output ends exactly like the encoder's.
    let clean = clean_jpeg();
    let scan = clean.windows(2).position(|w| w == [0xFF, 0xDA]).expect("SOS");
    assert!(out.ends_with(&clean[scan..]));
}

#[test]
fn jpeg_orientation_survives_alone() {
    let input = jpeg_fixture(Some(6));
    let (out, report) = run_ok(Kind::Jpeg, &input);
    assert_absent(&out, &JPEG_CANARIES);
    assert!(removed(&report, "EXIF (APP1)"));
    assert!(report.kept.iter().any(|k| k.contains("orientation")), "{report}");

    let app1: Vec<Vec<u8>> =
        jpeg_header_segments(&out).into_iter().filter(|(m, _)| *m == 0xE1).map(|(_, p)| p).collect();
    let expected =
        b"Exif\0\0MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00";
    assert_eq!(app1, vec![expected.to_vec()]);
    assert_eq!(decode(&input, ImageFormat::Jpeg), decode(&out, ImageFormat::Jpeg));
}

#[test]
fn jpeg_restart_markers_and_fill_bytes_pass_through() {
    // Fill bytes before a marker are legal and decoders skip them; the stripper must too.
    let clean = clean_jpeg();
    let mut input = clean[..2].to_vec();
    input.extend_from_slice(&[0xFF, 0xFF, 0xFF]);
    input.extend_from_slice(&clean[3..]);
    let (out, report) = run_ok(Kind::Jpeg, &input);
    assert!(report.is_clean(), "{report}");
    assert_eq!(out, clean);

    // The encoder writes no restart markers, so replace the scan with synthetic entropy-coded
    // bytes (never decoded here) holding a stuffed 0xFF, an RST0 and fill bytes before EOI.
    let scan = clean.windows(2).position(|w| w == [0xFF, 0xDA]).expect("SOS");
    let sos_len = usize::from(u16::from_be_bytes([clean[scan + 2], clean[scan + 3]]));
    let data_start = scan + 2 + sos_len;
    let mut with_rst = clean[..data_start].to_vec();
    with_rst.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD9]);
    let (out, _) = run_ok(Kind::Jpeg, &with_rst);
    let mut expected = clean[..data_start].to_vec();
    expected.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]);
    assert_eq!(out, expected, "stuffed bytes and RST kept, fill byte before EOI dropped");
}

// ------------------------------------------------------------------------------------------
// PNG fixture
// ------------------------------------------------------------------------------------------

const PNG_CANARIES: [&[u8]; 8] = [
    b"PNG-AUTHOR-CANARY",
    b"ZTXT-CANARY",
    b"ITXT-CANARY",
    b"tIME",
    b"CanonFakeModel-CANARY",
    b"PRIVATE-CANARY",
    b"pHYs",
    b"TRAILER-CANARY",
];

fn chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(ty);
    c.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(ty);
    crc.update(data);
    c.extend_from_slice(&crc.finalize().to_be_bytes());
    c
}

/// A zlib stream with one stored (uncompressed) block, so the canary stays visible in the file.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut z = vec![0x78, 0x01, 0x01];
    let len = data.len() as u16;
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(data);
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    z
}

fn clean_png() -> Vec<u8> {
    let img = RgbaImage::from_fn(37, 23, |x, y| image::Rgba([(x * 7) as u8, (y * 11) as u8, (x ^ y) as u8, 200]));
    let mut png = Vec::new();
    DynamicImage::ImageRgba8(img).write_to(&mut io::Cursor::new(&mut png), ImageFormat::Png).expect("encode PNG");
    png
}

/// Splits a PNG into (type, whole chunk bytes) after the signature.
fn png_chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut i = 8;
    while i + 12 <= png.len() {
        let len = u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]) as usize;
        let ty = [png[i + 4], png[i + 5], png[i + 6], png[i + 7]];
        chunks.push((ty, png[i..i + 12 + len].to_vec()));
        i += 12 + len;
        if &ty == b"IEND" {
            break;
        }
    }
    chunks
}

fn png_fixture(orientation: Option<u16>) -> Vec<u8> {
    let clean = clean_png();
    let ihdr_end = 8 + 25;
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend_from_slice(&zlib_stored(b"ZTXT-CANARY"));
    let mut out = clean[..ihdr_end].to_vec();
    out.extend_from_slice(&chunk(b"gAMA", &45455u32.to_be_bytes()));
    out.extend_from_slice(&chunk(b"tEXt", b"Author\0PNG-AUTHOR-CANARY"));
    out.extend_from_slice(&chunk(b"zTXt", &ztxt));
    out.extend_from_slice(&chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x>ITXT-CANARY</x>"));
    out.extend_from_slice(&chunk(b"tIME", &[0x07, 0xEA, 11, 27, 12, 0, 0]));
    out.extend_from_slice(&chunk(b"eXIf", &exif_tiff(orientation)));
    out.extend_from_slice(&chunk(b"pHYs", &[0, 0, 0x16, 0x25, 0, 0, 0x16, 0x25, 1]));
    out.extend_from_slice(&chunk(b"prVt", b"PRIVATE-CANARY"));
    out.extend_from_slice(&clean[ihdr_end..]);
    out.extend_from_slice(b"TRAILER-CANARY");
    out
}

#[test]
fn png_metadata_is_removed_and_pixels_are_unchanged() {
    let input = png_fixture(None);
    for canary in PNG_CANARIES {
        assert!(contains(&input, canary), "fixture lacks {}", String::from_utf8_lossy(canary));
    }
    let (out, report) = run_ok(Kind::Png, &input);
    assert_absent(&out, &PNG_CANARIES);
    assert_absent(&out, &[b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"prVt"]);
    for what in ["tEXt", "zTXt", "iTXt", "tIME", "eXIf", "pHYs", "prVt", "data after end"] {
        assert!(removed(&report, what), "report lacks {what}: {report}");
    }
    let types: Vec<[u8; 4]> = png_chunks(&out).into_iter().map(|(t, _)| t).collect();
    assert_eq!(types.first(), Some(b"IHDR"));
    assert_eq!(types.last(), Some(b"IEND"));
    assert!(types.contains(b"gAMA"), "rendering chunk kept");
    assert_eq!(decode(&input, ImageFormat::Png), decode(&out, ImageFormat::Png));
    assert!(out.ends_with(&chunk(b"IEND", &[])));
}

#[test]
fn png_orientation_survives_alone() {
    let (out, report) = run_ok(Kind::Png, &png_fixture(Some(8)));
    assert_absent(&out, &PNG_CANARIES);
    let exif: Vec<Vec<u8>> = png_chunks(&out).into_iter().filter(|(t, _)| t == b"eXIf").map(|(_, c)| c).collect();
    let tiff = b"MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00\x00";
    assert_eq!(exif, vec![chunk(b"eXIf", tiff)]);
    assert!(report.kept.iter().any(|k| k.contains("orientation")), "{report}");
}

#[test]
fn png_with_bad_crc_is_refused() {
    let mut input = clean_png();
    // Flip a bit in the last byte of the first IDAT's data.
    let idat = png_chunks(&input).into_iter().take_while(|(t, _)| t != b"IDAT").map(|(_, c)| c.len()).sum::<usize>();
    let idat_len = u32::from_be_bytes([input[8 + idat], input[9 + idat], input[10 + idat], input[11 + idat]]) as usize;
    input[8 + idat + 8 + idat_len - 1] ^= 0x01;
    match run(Kind::Png, &input) {
        Err(StripError::Malformed { kind: Kind::Png, reason }) => assert!(reason.contains("CRC"), "{reason}"),
        other => panic!("expected a CRC error, got {other:?}"),
    }
    // A bad CRC on a chunk that would be dropped is refused too: the file is corrupt.
    let mut input = png_fixture(None);
    let pos = input.windows(17).position(|w| w == b"PNG-AUTHOR-CANARY").expect("tEXt");
    input[pos] ^= 0x20;
    assert!(matches!(run(Kind::Png, &input), Err(StripError::Malformed { .. })));
}

#[test]
fn png_unknown_critical_chunk_is_refused() {
    let clean = clean_png();
    let mut input = clean[..33].to_vec();
    input.extend_from_slice(&chunk(b"ZZZZ", b"?"));
    input.extend_from_slice(&clean[33..]);
    assert!(matches!(run(Kind::Png, &input), Err(StripError::Malformed { .. })));
}

// ------------------------------------------------------------------------------------------
// PDF fixture
// ------------------------------------------------------------------------------------------

const PDF_CANARIES: [&[u8]; 7] = [
    b"THUMB-PDF-CANARY",
    b"PDF-AUTHOR-CANARY",
    b"PDF-PRODUCER-CANARY",
    b"XMP-PDF-CANARY",
    b"PIECEINFO-CANARY",
    b"PAGE-XMP-CANARY",
    b"ORPHAN-CANARY",
];
const PAGE_CONTENT: &[u8] = b"BT /F1 24 Tf 72 720 Td (Visible report text) Tj ET";

fn xmp_stream(canary: &str) -> Stream {
    let xmp = format!(
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{canary}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"#
    );
    Stream::new(dictionary! {"Type" => "Metadata", "Subtype" => "XML"}, xmp.into_bytes()).with_compression(false)
}

fn pdf_fixture() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica"});
    let content_id = doc.add_object(Stream::new(dictionary! {}, PAGE_CONTENT.to_vec()).with_compression(false));
    let page_xmp = doc.add_object(xmp_stream("PAGE-XMP-CANARY"));
    let thumb = doc.add_object(
        Stream::new(
            dictionary! {"Width" => 4, "Height" => 1, "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8},
            b"THUMB-PDF-CANARY".to_vec(),
        )
        .with_compression(false),
    );
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => dictionary! {"Font" => dictionary! {"F1" => font_id}},
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Metadata" => page_xmp,
        "PieceInfo" => dictionary! {"Editor" => dictionary! {"Private" => Object::string_literal("PIECEINFO-CANARY")}},
        "LastModified" => Object::string_literal("D:20261127120000Z"),
        "Thumb" => thumb,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1}),
    );
    let xmp_id = doc.add_object(xmp_stream("XMP-PDF-CANARY"));
    let catalog_id = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id, "Metadata" => xmp_id});
    let info_id = doc.add_object(dictionary! {
        "Author" => Object::string_literal("PDF-AUTHOR-CANARY"),
        "Producer" => Object::string_literal("PDF-PRODUCER-CANARY"),
        "CreationDate" => Object::string_literal("D:20261127120000Z"),
    });
    // An object nothing refers to, as an earlier revision's Info would be after an edit.
    doc.add_object(dictionary! {"Author" => Object::string_literal("ORPHAN-CANARY")});
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ],
    );
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).expect("save PDF fixture");
    pdf
}

fn page_contents(pdf: &[u8]) -> Vec<Vec<u8>> {
    let doc = Document::load_mem(pdf).expect("output parses");
    doc.get_pages()
        .values()
        .map(|&page| {
            let dict = doc.get_dictionary(page).expect("page dictionary");
            let id = dict.get(b"Contents").and_then(Object::as_reference).expect("content reference");
            doc.get_object(id).and_then(Object::as_stream).expect("content stream").content.clone()
        })
        .collect()
}

#[test]
fn pdf_metadata_is_removed_and_content_is_unchanged() {
    let input = pdf_fixture();
    for canary in PDF_CANARIES {
        assert!(contains(&input, canary), "fixture lacks {}", String::from_utf8_lossy(canary));
    }
    let (out, report) = run_ok(Kind::Pdf, &input);
    assert_absent(&out, &PDF_CANARIES);
    for what in [
        "PDF Info dictionary",
        "PDF file identifier",
        "XMP metadata stream",
        "PieceInfo",
        "LastModified",
        "page thumbnail",
    ] {
        assert!(removed(&report, what), "report lacks {what}: {report}");
    }
    assert_eq!(report.removed.iter().find(|r| r.what == "XMP metadata stream").map(|r| r.count), Some(2));

    assert_eq!(page_contents(&input), vec![PAGE_CONTENT.to_vec()]);
    assert_eq!(page_contents(&out), page_contents(&input));
    let doc = Document::load_mem(&out).expect("output parses");
    assert!(!doc.trailer.has(b"Info") && !doc.trailer.has(b"ID"));
    assert!(!doc.catalog().expect("catalog").has(b"Metadata"));
}

/// Appends an incremental update (a new revision) that gives the document a new Info
/// dictionary, leaving the first revision's Info in the file, as editors do.
fn pdf_with_revision() -> Vec<u8> {
    let mut pdf = pdf_fixture();
    let doc = Document::load_mem(&pdf).expect("fixture parses");
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).expect("root").0;
    let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).into_owned();
    let prev: usize = tail
        .split("startxref")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("startxref")
        .parse()
        .expect("number");
    let id = doc.max_id + 1;
    let object_at = pdf.len() + 1;
    pdf.extend_from_slice(format!("\n{id} 0 obj\n<</Author (REV2-CANARY)>>\nendobj\n").as_bytes());
    let xref_at = pdf.len();
    pdf.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{id} 1\n{object_at:010} 00000 n \ntrailer\n<</Size {} /Root {root} 0 R /Info {id} 0 R /Prev {prev}>>\nstartxref\n{xref_at}\n%%EOF\n",
            id + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn pdf_earlier_revisions_are_dropped() {
    let input = pdf_with_revision();
    let parsed = Document::load_mem(&input).expect("revised fixture parses");
    let info = parsed.trailer.get(b"Info").and_then(Object::as_reference).expect("info");
    let author = parsed.get_dictionary(info).and_then(|d| d.get(b"Author")).and_then(Object::as_str).expect("author");
    assert_eq!(author, b"REV2-CANARY", "the update is the live revision");
    assert!(contains(&input, b"PDF-AUTHOR-CANARY"), "the first revision is still in the file");

    let (out, report) = run_ok(Kind::Pdf, &input);
    assert_absent(&out, &PDF_CANARIES);
    assert_absent(&out, &[b"REV2-CANARY"]);
    assert!(removed(&report, "unreferenced object"), "{report}");
    assert_eq!(page_contents(&out), vec![PAGE_CONTENT.to_vec()]);
}

#[test]
fn oversized_pdf_is_refused_before_parsing() {
    let huge = io::Cursor::new(b"%PDF-1.7\n".to_vec()).chain(io::repeat(b' ').take(MAX_PDF_BYTES));
    match strip(Kind::Pdf, huge, io::sink()) {
        Err(StripError::TooLarge { limit }) => assert_eq!(limit, MAX_PDF_BYTES),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn encrypted_pdf_is_refused() {
    // An empty user password is the tricky case: the file opens without asking, so a parser may
    // decrypt it silently. It must still be refused rather than rewritten.
    let mut doc = Document::load_mem(&pdf_fixture()).expect("fixture parses");
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "",
        key_length: 128,
        permissions: Permissions::all(),
    })
    .expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).expect("save");
    assert!(matches!(run(Kind::Pdf, &pdf), Err(StripError::EncryptedPdf)));
}

// ------------------------------------------------------------------------------------------
// Across formats
// ------------------------------------------------------------------------------------------

fn fixtures() -> Vec<(Kind, Vec<u8>)> {
    vec![
        (Kind::Jpeg, jpeg_fixture(Some(6))),
        (Kind::Jpeg, jpeg_fixture(None)),
        (Kind::Png, png_fixture(Some(3))),
        (Kind::Png, png_fixture(None)),
        (Kind::Pdf, pdf_fixture()),
    ]
}

#[test]
fn stripping_is_idempotent() {
    for (kind, input) in fixtures() {
        let (once, first) = run_ok(kind, &input);
        assert!(!first.is_clean());
        let (twice, second) = run_ok(kind, &once);
        assert!(second.is_clean(), "{kind}: second pass removed {second}");
        assert_eq!(once, twice, "{kind}: second pass changed the bytes");
    }
}

#[test]
fn truncated_images_are_refused() {
    for (kind, input) in fixtures().into_iter().filter(|(k, _)| *k != Kind::Pdf) {
        // The images end in a trailer after the end marker; cutting inside it is not damage.
        let end = match kind {
            Kind::Jpeg => input.windows(2).rposition(|w| w == b"TR").expect("trailer") - 2,
            _ => input.len() - b"TRAILER-CANARY".len(),
        };
        for cut in 0..end {
            match run(kind, &input[..cut]) {
                Err(StripError::Truncated(k)) => assert_eq!(k, kind),
                Err(StripError::Malformed { .. }) => {}
                other => panic!("{kind} cut at {cut}/{end}: expected an error, got {other:?}"),
            }
        }
        assert!(run(kind, &input[..end]).is_ok(), "{kind}: cut right after the end marker is whole");
    }
}

#[test]
fn truncated_pdfs_never_panic() {
    // lopdf recovers some damaged PDFs (it can rebuild a cross-reference table), so a cut file
    // may strip fine; what matters is that it never panics and never leaks the canaries.
    let input = pdf_fixture();
    for cut in (0..input.len()).step_by(7) {
        if let Ok((out, _)) = run(Kind::Pdf, &input[..cut]) {
            assert_absent(&out, &PDF_CANARIES);
        }
    }
}

#[test]
fn random_bytes_are_refused() {
    for seed in 1..40u64 {
        let noise = random_bytes(seed, (seed as usize * 97) % 4000);
        for (kind, magic) in [
            (Kind::Jpeg, &b"\xFF\xD8\xFF"[..]),
            (Kind::Png, &b"\x89PNG\r\n\x1a\n"[..]),
            (Kind::Pdf, &b"%PDF-1.4\n"[..]),
        ] {
            let mut input = magic.to_vec();
            input.extend_from_slice(&noise);
            assert!(run(kind, &input).is_err(), "{kind} seed {seed}");
            assert!(run(kind, &noise).is_err(), "{kind} seed {seed} without magic");
        }
    }
}

#[test]
fn wrong_kind_is_malformed_and_other_is_unsupported() {
    assert!(matches!(run(Kind::Jpeg, &clean_png()), Err(StripError::Malformed { kind: Kind::Jpeg, .. })));
    assert!(matches!(run(Kind::Png, &clean_jpeg()), Err(StripError::Malformed { kind: Kind::Png, .. })));
    assert!(matches!(run(Kind::Pdf, &clean_png()), Err(StripError::Malformed { kind: Kind::Pdf, .. })));
    let err = run(Kind::Other, b"PK\x03\x04 a zip or docx").expect_err("other is refused");
    assert!(matches!(err, StripError::Unsupported));
    assert!(err.to_string().contains("metadata cannot be removed"), "{err}");
}

#[test]
fn detect_uses_magic_bytes_only() {
    assert_eq!(detect(&clean_jpeg()), Kind::Jpeg);
    assert_eq!(detect(&clean_png()), Kind::Png);
    assert_eq!(detect(&pdf_fixture()), Kind::Pdf);
    assert_eq!(detect(b"%PDF-"), Kind::Pdf);
    assert_eq!(detect(b""), Kind::Other);
    assert_eq!(detect(b"\xFF\xD8"), Kind::Other, "too short to be sure");
    assert_eq!(detect(&b"\x89PNG\r\n\x1a\n"[..7]), Kind::Other);
    assert_eq!(detect(b" %PDF-1.7"), Kind::Other, "header must be at offset 0");
    assert_eq!(detect(b"PK\x03\x04"), Kind::Other);
    assert_eq!(detect(b"GIF89a"), Kind::Other);
    // DETECT_LEN bytes are enough for every kind.
    assert_eq!(detect(&clean_jpeg()[..DETECT_LEN]), Kind::Jpeg);
    assert_eq!(detect(&clean_png()[..DETECT_LEN]), Kind::Png);
    assert_eq!(detect(&pdf_fixture()[..DETECT_LEN]), Kind::Pdf);
}

#[test]
fn sniff_detects_and_replays_the_whole_input() {
    for (kind, input) in fixtures() {
        // A reader that returns one byte at a time, as a pipe might.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let (found, mut reader) = sniff(Trickle(&input)).expect("sniff");
        assert_eq!(found, kind);
        let mut replay = Vec::new();
        reader.read_to_end(&mut replay).expect("replay");
        assert_eq!(replay, input);
        let mut out = Vec::new();
        let (_, reader) = sniff(Trickle(&input)).expect("sniff");
        strip(found, reader, &mut out).expect("strip from a trickling reader");
        assert_eq!(out, run_ok(kind, &input).0);
    }
    let (kind, _) = sniff(&b"hi"[..]).expect("sniff short");
    assert_eq!(kind, Kind::Other);
}

/// A PDF whose catalog holds an array nested `depth` deep, with a correct cross-reference
/// table: RUSTSEC-2026-0187's proof of concept.
fn deeply_nested_pdf(depth: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for body in
        [format!("<< /Type /Catalog /Pages 2 0 R /X {nested} >>"), "<< /Type /Pages /Kids [] /Count 0 >>".into()]
    {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", offsets.len()).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 3\n0000000000 65535 f \n");
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    pdf
}

/// A crafted PDF nested ten thousand levels deep (about 21 KB) must get an answer, not abort the
/// process: a stack overflow is not a panic, so `catch_unwind` cannot stop it, and on the
/// reporter's device it would take everything typed so far with it. The strip runs in a child
/// process (this test, run again), because the overflow it guards against kills its process.
#[test]
fn a_deeply_nested_pdf_is_answered_and_never_aborts_the_process() {
    const CHILD: &str = "CANDOUR_NESTED_PDF_CHILD";
    let pdf = deeply_nested_pdf(10_380);
    if std::env::var_os(CHILD).is_some() {
        let (kind, input) = sniff(&pdf[..]).expect("sniff");
        assert_eq!(kind, Kind::Pdf);
        let mut out = Vec::new();
        match strip(kind, input, &mut out) {
            Ok(_) => println!("strip answered: stripped"),
            Err(e) => println!("strip answered: {}", e.code()),
        }
        return;
    }
    let child = std::process::Command::new(std::env::current_exe().expect("this test's binary"))
        .args(["--exact", "a_deeply_nested_pdf_is_answered_and_never_aborts_the_process", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success() && stdout.contains("strip answered: "),
        "stripping a nested PDF killed its process ({}): {stdout}{}",
        child.status,
        String::from_utf8_lossy(&child.stderr)
    );
}
