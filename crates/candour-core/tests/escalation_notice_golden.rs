//! The escalation notice's envelope (docs/design.md §6), frozen: written once when its fixture
//! folder is missing, then opened and compared on every run.

use std::fs;
use std::path::Path;

use candour_core::envelope::{self, DiscardAttachments, EnvelopeKind};
use candour_core::keys::{PublicSigningKey, ReviewerSecret};
use candour_core::message::{open_document, seal_document};
use candour_core::report::{Document, EscalationNotice, SCHEMA_VERSION};
use candour_core::Day;

fn write_fixture(dir: &Path) {
    use age::secrecy::ExposeSecret as _;
    fs::create_dir_all(dir).expect("fixture folder");
    let author = ReviewerSecret::generate("golden-psd-1");
    let recipient = ReviewerSecret::generate("golden-dcc");
    let due = Day::from_ymd(2026, 12, 8).expect("day");
    let notice = Document::EscalationNotice(EscalationNotice {
        schema: SCHEMA_VERSION,
        case: "C-0123456789".into(),
        queues: vec!["psd".into(), "acu".into()],
        duty: "acknowledge".into(),
        due,
        escalated_on: due.plus_days(3),
        days_late: 3,
        reviewer: "golden-psd-1".into(),
        assignee: Some("golden-psd-2".into()),
        sealed_to: vec!["golden-dcc".into()],
        directory_version: 7,
    });
    let sealed =
        seal_document(&[recipient.recipient()], 4, &notice, vec![], author.signing_key(), Vec::new()).expect("seals");
    fs::write(dir.join("notice.age"), sealed).expect("write");
    fs::write(dir.join("notice.json"), serde_json::to_vec_pretty(&notice).expect("json")).expect("write");
    fs::write(dir.join("identity.txt"), format!("{}\n", recipient.age_identity_text().expose_secret())).expect("write");
    fs::write(dir.join("reviewer.pub"), format!("{}\n", author.public_signing_key())).expect("write");
}

#[test]
fn golden_escalation_notice_opens_as_its_kind_and_signer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-escalation-notice");
    if !dir.join("notice.age").exists() {
        write_fixture(&dir);
    }
    let identity: age::x25519::Identity =
        fs::read_to_string(dir.join("identity.txt")).expect("identity").trim().parse().expect("parses");
    let signer: PublicSigningKey =
        fs::read_to_string(dir.join("reviewer.pub")).expect("key").trim().parse().expect("key parses");
    let sealed = fs::read(dir.join("notice.age")).expect("envelope");
    let expected: Document = serde_json::from_slice(&fs::read(dir.join("notice.json")).expect("doc")).expect("json");
    let framed = envelope::open(&identity, &sealed[..], &mut DiscardAttachments).expect("frame opens");
    assert_eq!(framed.kind, Some(EnvelopeKind::EscalationNotice));
    assert_eq!(framed.signer, signer);
    let opened = open_document(&identity, &sealed[..], &mut DiscardAttachments).expect("golden notice opens");
    assert_eq!(opened.document, expected);
    let Document::EscalationNotice(n) = opened.document else { panic!("a notice") };
    assert_eq!((n.case.as_str(), n.duty.as_str(), n.days_late), ("C-0123456789", "acknowledge", 3));
}
