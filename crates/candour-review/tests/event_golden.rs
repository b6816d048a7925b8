//! Case-event format 1 is frozen: its JSON encoding and its hash rule feed signatures and the
//! hash chain, so a case recorded today must verify forever. Regenerate the fixture only for a
//! new format: `CANDOUR_UPDATE_GOLDEN=1 cargo test -p candour-review --test event_golden`.

use std::path::PathBuf;

use candour_core::report::Category;
use candour_core::wire::ThreadId;
use candour_core::Day;
use candour_review::event::{Action, CaseEvent, EventHash, ReplyKind, EVENT_FORMAT};
use candour_review::triage::{Assignment, DetrimentRisk, TriageChange};

fn events() -> Vec<CaseEvent> {
    let thread = ThreadId([0x11; 16]);
    let day = Day::from_ymd(2026, 11, 27).expect("day");
    let base = |parents: Vec<EventHash>, action: Action| CaseEvent {
        format: EVENT_FORMAT.into(),
        thread_id: thread,
        author: "psd-1".into(),
        day,
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
        base(vec![], Action::Escalation { to: vec!["psd-1".into()], reason: "acknowledgement overdue".into() }),
        base(vec![], Action::Close { outcome: "no-case-to-answer".parse().expect("outcome") }),
    ]
}

#[test]
fn case_event_format_1_is_frozen() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/case-events-v1.jsonl");
    let encoded: Vec<String> = events().iter().map(|e| serde_json::to_string(e).expect("encodes")).collect();
    let hashes: Vec<String> = encoded.iter().map(|d| EventHash::of(d.as_bytes()).to_string()).collect();
    let text: String = encoded.iter().zip(&hashes).map(|(d, h)| format!("{h} {d}\n")).collect();
    if std::env::var_os("CANDOUR_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).expect("write fixture");
    }
    let frozen = std::fs::read_to_string(&path).expect("fixture");
    for (line, expected) in frozen.lines().zip(events()) {
        let (hash, document) = line.split_once(' ').expect("hash and document");
        // The frozen bytes still parse to the same event and hash to the frozen value...
        let parsed: CaseEvent = serde_json::from_str(document).expect("frozen event parses");
        assert_eq!(parsed, expected);
        assert_eq!(EventHash::of(document.as_bytes()).to_string(), hash);
    }
    // ...and this build still writes exactly those bytes.
    assert_eq!(text, frozen, "case-event encoding changed; format 1 must not change");
}

/// A reviewer's key signs both case events and replies with the one envelope signature, so what
/// keeps one from standing in for the other is that neither parses as the other: every event
/// (frozen above) is refused as a mailbox document, and every kind of document as an event.
#[test]
fn events_and_documents_never_parse_as_each_other() {
    use candour_core::report::Document;
    let fixture =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/case-events-v1.jsonl"))
            .expect("fixture");
    let mut seen = 0;
    for line in fixture.lines().filter(|l| !l.trim().is_empty()) {
        assert!(Document::from_json(line.as_bytes()).is_err(), "an event parsed as a document: {line}");
        seen += 1;
    }
    assert_eq!(seen, events().len());
    for name in ["report", "follow-up", "reply", "receipt"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../candour-core/tests/fixtures/golden-v2/{name}.json"));
        let json = std::fs::read_to_string(path).expect("golden v2 document");
        assert!(Document::from_json(json.as_bytes()).is_ok(), "{name} is a document");
        assert!(serde_json::from_str::<CaseEvent>(&json).is_err(), "the {name} document parsed as an event");
    }
}
