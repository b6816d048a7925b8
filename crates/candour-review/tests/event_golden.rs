//! Case-event formats 1 and 2 are frozen: their JSON encoding and hash rule feed signatures and
//! the hash chain, so a case recorded today must verify forever. A fixture is written only when
//! it is missing (a new format gets a new file): `cargo test -p candour-review --test event_golden`.

use std::path::PathBuf;

use candour_core::report::Category;
use candour_core::wire::ThreadId;
use candour_core::Day;
use candour_review::clocks::Duty;
use candour_review::event::{Action, CaseEvent, EventHash, MissedDuty, ReplyKind, EVENT_FORMAT, EVENT_FORMAT_1};
use candour_review::triage::{Assignment, DetrimentRisk, TriageChange};

/// The format 2 events (directory version 7).
fn events() -> Vec<CaseEvent> {
    events_in(EVENT_FORMAT, Some(7))
}

fn events_in(format: &str, directory_version: Option<u64>) -> Vec<CaseEvent> {
    let thread = ThreadId([0x11; 16]);
    let day = Day::from_ymd(2026, 11, 27).expect("day");
    let base = |parents: Vec<EventHash>, action: Action| CaseEvent {
        format: format.into(),
        thread_id: thread,
        author: "psd-1".into(),
        day,
        directory_version,
        parents,
        action,
    };
    let change = TriageChange {
        category: Some(Category::HonestyAndIntegrity),
        corruption: Some("misuse-of-force-systems".parse().expect("corruption")),
        grading: Some("2BP".parse().expect("grading")),
        status: Some("closed:misconduct".parse().expect("status")),
        priority: Some("high".parse().expect("priority")),
        assignee: Some(Assignment::Reviewer("psd-2".into())),
        add_subjects: vec!["PC 4021 Example".into()],
        remove_subjects: vec!["PC Nobody".into()],
        iopc: vec![
            ("serious-corruption".parse().expect("iopc"), true),
            ("same-incident".parse().expect("iopc"), false),
        ],
        detriment_risk: Some(DetrimentRisk {
            level: "medium".parse().expect("risk"),
            measures: Some("moved shift".into()),
        }),
        summary: Some("Possible misuse of PNC by a response officer.".into()),
    };
    vec![
        base(vec![], Action::Triage { change }),
        base(vec![EventHash([0x22; 32])], Action::Note { text: "Spoke to the duty inspector.".into() }),
        base(
            vec![EventHash([0x22; 32]), EventHash([0x33; 32])],
            Action::Reply { reply_kind: ReplyKind::Acknowledgement, text: "Thank you; we are assessing it.".into() },
        ),
        base(
            vec![],
            Action::Escalation {
                to: vec!["psd-1".into()],
                reason: "acknowledgement overdue".into(),
                missed: None,
                notified: vec![],
            },
        ),
        base(vec![], Action::Close { outcome: "no-case-to-answer".parse().expect("outcome") }),
    ]
}

fn assert_frozen(fixture: &str, events: Vec<CaseEvent>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture);
    let encoded: Vec<String> = events.iter().map(|e| serde_json::to_string(e).expect("encodes")).collect();
    let hashes: Vec<String> = encoded.iter().map(|d| EventHash::of(d.as_bytes()).to_string()).collect();
    let text: String = encoded.iter().zip(&hashes).map(|(d, h)| format!("{h} {d}\n")).collect();
    if !path.exists() {
        std::fs::write(&path, &text).expect("write fixture");
    }
    let frozen = std::fs::read_to_string(&path).expect("fixture");
    assert_eq!(frozen.lines().count(), events.len());
    for (line, expected) in frozen.lines().zip(events) {
        let (hash, document) = line.split_once(' ').expect("hash and document");
        // The frozen bytes still parse to the same event and hash to the frozen value...
        let parsed: CaseEvent = serde_json::from_str(document).expect("frozen event parses");
        assert_eq!(parsed, expected);
        assert_eq!(EventHash::of(document.as_bytes()).to_string(), hash);
    }
    // ...and this build still writes exactly those bytes.
    assert_eq!(text, frozen, "case-event encoding changed; {fixture} must not change");
}

/// The IOPC referral, a kind added to format 2: its own fixture, so the five above stay as
/// they were.
#[test]
fn the_iopc_referral_event_is_frozen() {
    let mut event = events().remove(1);
    event.action = Action::IopcReferral {
        referred_on: Day::from_ymd(2026, 11, 26).expect("day"),
        reference: "2026/012345".into(),
    };
    assert_frozen("case-events-v2-iopc-referral.jsonl", vec![event]);
}

/// An escalation that names the duty it was for (so recording it twice writes one): its own
/// fixture; one without, as recorded before, is in the format 2 file above.
#[test]
fn an_escalation_naming_its_missed_duty_is_frozen() {
    let mut event = events().remove(3);
    event.action = Action::Escalation {
        to: vec!["psd-1".into(), "acu-1".into()],
        reason: "acknowledge due 2026-11-20 is 7 days overdue".into(),
        missed: Some(MissedDuty { duty: Duty::Acknowledge, due: Day::from_ymd(2026, 11, 20).expect("day") }),
        notified: vec![],
    };
    assert_frozen("case-events-v2-escalation-missed.jsonl", vec![event]);
}

/// An escalation that also sealed a notice outside the unit names whom: its own fixture.
#[test]
fn an_escalation_that_notified_outside_the_unit_is_frozen() {
    let mut event = events().remove(3);
    event.action = Action::Escalation {
        to: vec!["psd-1".into()],
        reason: "feedback due 2027-02-20 is 3 days overdue".into(),
        missed: Some(MissedDuty { duty: Duty::Feedback, due: Day::from_ymd(2027, 2, 20).expect("day") }),
        notified: vec!["psd-head".into(), "dcc".into()],
    };
    assert_frozen("case-events-v2-escalation-notified.jsonl", vec![event]);
}

/// Setting an entry aside as not a report, and a supervisor undoing it: their own fixture.
#[test]
fn discard_and_restore_events_are_frozen() {
    use candour_review::event::DiscardReason;
    let (mut discard, mut spam, mut restore) = (events().remove(1), events().remove(1), events().remove(1));
    discard.action = Action::Discard {
        reason: DiscardReason::Duplicate,
        duplicate_of: Some("3f9a21b07c".into()),
        note: "Same officer, same evening.".into(),
    };
    spam.action = Action::Discard { reason: DiscardReason::Spam, duplicate_of: None, note: String::new() };
    restore.action = Action::Restore { note: "A real concern after all.".into() };
    assert_frozen("case-events-v2-discard.jsonl", vec![discard, spam, restore]);
}

/// A reader's request for a custodian-held identity, and the answers their tool records
/// (docs/design.md §6 "Custodian-held identities"): their own fixture.
#[test]
fn identity_request_and_answer_events_are_frozen() {
    let (mut asked, mut granted, mut declined) = (events().remove(1), events().remove(1), events().remove(1));
    asked.action = Action::IdentityRequested { reason: "To take a witness statement in person.".into() };
    granted.action = Action::IdentityAnswered {
        custodian: "pcc-ce".into(),
        granted: true,
        note: "Approved by the Head of PSD.".into(),
    };
    declined.action = Action::IdentityAnswered {
        custodian: "pcc-ce".into(),
        granted: false,
        note: "Not needed for a roster check.".into(),
    };
    assert_frozen("case-events-v2-identity.jsonl", vec![asked, granted, declined]);
}

/// A supervisor's early disposal of a concluded case (docs/design.md §6 "Disposal"): its own
/// fixture.
#[test]
fn dispose_event_is_frozen() {
    let mut dispose = events().remove(1);
    dispose.action = Action::Dispose { note: "Records review: no further policing purpose.".into() };
    assert_frozen("case-events-v2-dispose.jsonl", vec![dispose]);
}

/// A transfer and an added reader, each carrying the signed reader change the reporter's client
/// checks (docs/design.md §6 "Moving cases"): their own fixture.
#[test]
fn transfer_and_add_reader_events_are_frozen() {
    use candour_core::keys::PublicSigningKey;
    use candour_core::reader_change::ReaderChange;
    use candour_core::wire::SignatureHex;
    use ed25519_dalek::Signer as _;
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let (mut transfer, mut add) = (events().remove(1), events().remove(1));
    let signed = |before: &[&str], after: &[&str]| {
        let mut c = ReaderChange {
            thread_id: transfer.thread_id,
            author: transfer.author.clone(),
            signing_key: PublicSigningKey(key.verifying_key()),
            day: transfer.day,
            directory_version: 7,
            before: before.iter().map(|s| (*s).to_owned()).collect(),
            after: after.iter().map(|s| (*s).to_owned()).collect(),
            signature: SignatureHex([0; 64]),
        };
        c.signature = SignatureHex(key.sign(&c.signed_bytes()).to_bytes());
        c
    };
    let moved = signed(&["acu-1", "psd-1", "psd-2"], &["sb-1"]);
    let added = signed(&["acu-1", "psd-1", "psd-2"], &["acu-1", "pcc-1", "psd-1", "psd-2"]);
    transfer.action = Action::Transfer { queue: "sb-prevent".into(), change: moved, note: "A Prevent concern.".into() };
    add.action = Action::AddReader { reviewer: "pcc-1".into(), change: added, note: "The PCC asked.".into() };
    assert_frozen("case-events-v2-reader-change.jsonl", vec![transfer.clone(), add]);
    // A leaver's place handed to their successor (docs/design.md §6 "Leavers"): its own fixture.
    let handed = signed(&["acu-1", "psd-1", "psd-2"], &["acu-1", "psd-1", "psd-3"]);
    let mut hand_over = transfer;
    hand_over.action = Action::HandOver {
        leaver: "psd-2".into(),
        successor: "psd-3".into(),
        change: handed,
        note: "psd-2 left the PSD.".into(),
    };
    assert_frozen("case-events-v2-hand-over.jsonl", vec![hand_over]);
}

#[test]
fn case_event_format_1_is_frozen() {
    assert_frozen("case-events-v1.jsonl", events_in(EVENT_FORMAT_1, None));
}

#[test]
fn case_event_format_2_is_frozen() {
    let events = events();
    assert!(events.iter().all(|e| e.format == "candour-case-event/2" && e.directory_version == Some(7)));
    assert_frozen("case-events-v2.jsonl", events);
}

/// A reviewer's key signs both case events and replies with the one envelope signature, so what
/// keeps one from standing in for the other is that neither parses as the other: every event
/// (frozen above) is refused as a mailbox document, and every kind of document as an event.
#[test]
fn events_and_documents_never_parse_as_each_other() {
    use candour_core::report::Document;
    for (name, count) in [
        ("case-events-v1.jsonl", events().len()),
        ("case-events-v2.jsonl", events().len()),
        ("case-events-v2-iopc-referral.jsonl", 1),
        ("case-events-v2-escalation-missed.jsonl", 1),
        ("case-events-v2-escalation-notified.jsonl", 1),
        ("case-events-v2-discard.jsonl", 3),
        ("case-events-v2-reader-change.jsonl", 2),
        ("case-events-v2-hand-over.jsonl", 1),
        ("case-events-v2-dispose.jsonl", 1),
        ("case-events-v2-identity.jsonl", 3),
    ] {
        let fixture =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name))
                .expect("fixture");
        let mut seen = 0;
        for line in fixture.lines().filter(|l| !l.trim().is_empty()) {
            let (_, document) = line.split_once(' ').expect("hash and document");
            assert!(Document::from_json(document.as_bytes()).is_err(), "an event parsed as a document: {line}");
            seen += 1;
        }
        assert_eq!(seen, count, "{name}");
    }
    for name in ["report", "follow-up", "reply", "receipt"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../candour-core/tests/fixtures/golden-v2/{name}.json"));
        let json = std::fs::read_to_string(path).expect("golden v2 document");
        assert!(Document::from_json(json.as_bytes()).is_ok(), "{name} is a document");
        assert!(serde_json::from_str::<CaseEvent>(&json).is_err(), "the {name} document parsed as an event");
    }
}

/// The same reviewer key signs replies and case events. Under framing version 2 the signature
/// names its kind, so a case event's exact bytes sealed as a reply (or anything but a case
/// event) are refused as a case-stream entry, though the signature itself verifies.
#[test]
fn an_event_signed_as_another_kind_is_refused() {
    use candour_core::envelope::{self, EnvelopeKind};
    use candour_review::event::{open_event, seal_event, ChainError};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys-example");
    let policy = candour_core::directory::TrustPolicy {
        roots: vec![std::fs::read_to_string(root.join("root.pub")).expect("root").trim().parse().expect("root key")],
        threshold: 1,
        min_version: 0,
        today: Day::from_ymd(2026, 12, 1).expect("day"),
    };
    let dir = candour_core::directory::verify(&std::fs::read(root.join("directory.json")).expect("dir"), &policy)
        .expect("example directory verifies");
    let pass = age::secrecy::SecretString::from("candour-example-only".to_owned());
    let file = std::fs::read(root.join("reviewers/psd-1.key")).expect("key file");
    let candour_core::keys::SecretKeyFile::Reviewer(psd1) =
        candour_core::keys::SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks")
    else {
        panic!("psd-1 is a reviewer key")
    };
    let event = events().remove(1);
    let (sealed, _) = seal_event(&dir, &["psd-1".into()], &event, psd1.signing_key()).expect("seals");
    let opened = open_event(&dir, psd1.identity(), &event.thread_id, 1, &sealed).expect("a case event opens");
    assert_eq!(opened.event, event);
    let bytes = serde_json::to_vec(&event).expect("encodes");
    for kind in EnvelopeKind::ALL.into_iter().filter(|k| *k != EnvelopeKind::CaseEvent) {
        let relabelled = envelope::seal(kind, &[psd1.recipient()], 4, &bytes, vec![], psd1.signing_key(), Vec::new())
            .expect("seals");
        match open_event(&dir, psd1.identity(), &event.thread_id, 1, &relabelled) {
            Err(ChainError::Altered { reason, .. }) => assert!(reason.contains("not a case event"), "{kind}: {reason}"),
            other => panic!("an event signed as a {kind} must be refused, got {other:?}"),
        }
    }
}
