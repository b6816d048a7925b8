//! The golden envelope: made by format version 1, it must open forever.

use std::fs;
use std::path::Path;

use candour_core::envelope::{AttachmentMeta, CollectAttachments};
use candour_core::message::open_document;
use candour_core::report::Document;

#[test]
fn golden_v1_envelope_still_opens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-v1");
    let identity: age::x25519::Identity =
        fs::read_to_string(dir.join("identity.txt")).expect("identity").trim().parse().expect("parses");
    let sealed = fs::read(dir.join("envelope.age")).expect("envelope");
    let expected: Document = serde_json::from_slice(&fs::read(dir.join("document.json")).expect("doc")).expect("json");
    let mut sink = CollectAttachments::new(1 << 20);
    let opened = open_document(&identity, &sealed[..], &mut sink).expect("golden envelope opens");
    assert_eq!(opened.document, expected);
    assert_eq!(
        sink.collected,
        vec![(
            AttachmentMeta { name: "golden.txt".into(), media_type: "text/plain".into() },
            fs::read(dir.join("golden.txt")).expect("attachment")
        )]
    );
}
