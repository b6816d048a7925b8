//! The signed statistics export (`candour-stats-export/1`) is a wire form: a merger verifies it
//! byte for byte, and stats ids must join the same case across versions of the tool. One export
//! signed by the example psd-1 key is frozen in `tests/fixtures/`; it is written only when it is
//! missing (a new format gets a new file): `cargo test -p candour-review --test stats_export_golden`.
//! Verified against the committed example directory on a fixed day, so it never depends on
//! the clock.

mod common;

use std::path::PathBuf;

use candour_core::directory::{Role, TrustPolicy};
use candour_core::wire::ThreadId;
use candour_core::Day;
use candour_review::published::{sign_export, stats_id, verify_export, ExportRow, StatsExport, EXPORT_FORMAT};
use candour_review::triage::Category;

const FIXTURE: &str = "stats-export-v1.json";

fn expected() -> StatsExport {
    let row = |byte: u8, category: Category, column: &str, events: u64| ExportRow {
        case: stats_id(&ThreadId([byte; 16])),
        category,
        column: column.into(),
        events,
    };
    let mut rows = vec![
        row(0x11, Category::HonestyAndIntegrity, "written-warning", 4),
        row(0x22, Category::UseOfForce, "reflective-practice", 2),
        row(0x33, Category::Compliment, "passed-to-officer", 1),
    ];
    rows.sort_by(|a, b| a.case.cmp(&b.case));
    StatsExport {
        format: EXPORT_FORMAT.into(),
        organisation: "Example Constabulary (EXAMPLE KEYS: NOT FOR REAL REPORTS)".into(),
        directory_version: 2,
        queue: "psd".into(),
        year: 2026,
        exported_on: Day::from_ymd(2026, 12, 1).expect("day"),
        by: "psd-1".into(),
        role: Role::Supervisor,
        rows,
    }
}

#[test]
fn the_frozen_export_still_verifies_and_reads_the_same() {
    let keys = common::keys_example();
    let served = std::fs::read(keys.join("directory.json")).expect("the committed directory");
    let root = std::fs::read_to_string(keys.join("root.pub")).expect("root.pub");
    let policy = TrustPolicy {
        roots: vec![root.trim().parse().expect("root")],
        threshold: 1,
        min_version: 0,
        today: Day::from_ymd(2026, 12, 1).expect("day"),
    };
    let dir = candour_core::directory::verify(&served, &policy).expect("the committed directory verifies");

    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(FIXTURE);
    let export = expected();
    // Ed25519 signatures are deterministic: the same export signs to the same bytes.
    let signed = sign_export(&export, common::reviewer("psd-1").signing_key()).expect("signs");
    if !path.exists() {
        std::fs::write(&path, &signed).expect("write fixture");
    }
    let frozen = std::fs::read(&path).expect("fixture");
    let verified = verify_export(FIXTURE, &frozen, &dir).expect("the frozen export verifies");
    assert_eq!(verified.export, export, "the frozen export parses to the same rows");
    assert_eq!(String::from_utf8_lossy(&signed), String::from_utf8_lossy(&frozen), "the encoding has not drifted");
    // The stats id of the zero thread, worked out apart (SHA-256 of the context and 16 zero
    // bytes): ids must join across versions.
    assert_eq!(
        stats_id(&ThreadId([0; 16])),
        "f799ccfeb4ba1a972f20b43763441bd3d9e25aab9e9c3d540cbc8c5f97b1e419",
        "the stats id function changed"
    );
}
