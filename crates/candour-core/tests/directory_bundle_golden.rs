//! The directory bundle of a shared relay (`GET /v1/directories`, docs/design.md §5), frozen:
//! written once when its fixture folder is missing, then read, re-serialised byte for byte and
//! picked from on every run.

use std::fs;
use std::path::Path;

use candour_core::api::{DirectoryBundle, DIRECTORY_BUNDLE_FORMAT};
use candour_core::directory::{self, TrustPolicy};
use candour_core::keys::RootSecretKey;
use candour_core::Day;

fn write_fixture(dir: &Path) {
    fs::create_dir_all(dir).expect("fixture folder");
    let reviewer = candour_core::keys::ReviewerSecret::generate("psd-1");
    let unsigned = serde_json::json!({
        "format": "candour-directory/1", "organisation": "Golden Constabulary", "version": 1,
        "not_after": "2099-12-31", "relay": {"https": "https://relay.invalid"}, "stanzas": 2,
        "queues": [{"id": "psd", "name": "PSD", "independent": true}],
        "reviewers": [{"id": "psd-1", "display_name": "DS Golden", "role": "reviewer", "queues": ["psd"],
            "recipients": [{"kind": "x25519", "key": reviewer.recipient().to_string()}],
            "signing_key": reviewer.public_signing_key().to_string()}],
        "routing": {"rules": [{"queues": ["psd"]}], "fallback_queue": "psd"},
    })
    .to_string();
    let mut directories = Vec::new();
    for seed in [0x11u8, 0x22] {
        let root = RootSecretKey::from_seed(&[seed; 32]);
        let served = directory::sign(unsigned.as_bytes(), &root).expect("signs");
        directories.push(String::from_utf8(served).expect("utf-8"));
        fs::write(dir.join(format!("root-{seed:02x}.pub")), format!("{}\n", root.public())).expect("write");
    }
    let bundle = DirectoryBundle { format: DIRECTORY_BUNDLE_FORMAT.into(), directories };
    fs::write(dir.join("bundle.json"), serde_json::to_vec(&bundle).expect("json")).expect("write");
}

#[test]
fn the_bundle_format_is_frozen() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-directory-bundle");
    if !dir.exists() {
        write_fixture(&dir);
    }
    let bytes = fs::read(dir.join("bundle.json")).expect("bundle.json");
    let bundle: DirectoryBundle = serde_json::from_slice(&bytes).expect("parses");
    assert_eq!(bundle.format, "candour-directories/1");
    assert_eq!(serde_json::to_vec(&bundle).expect("json"), bytes, "the relay writes the bundle as it always did");
    let today = Day::from_ymd(2026, 12, 1).expect("day");
    for (index, seed) in [(0, "11"), (1, "22")] {
        let root = fs::read_to_string(dir.join(format!("root-{seed}.pub"))).expect("root");
        let policy =
            TrustPolicy { roots: vec![root.trim().parse().expect("root")], threshold: 1, min_version: 0, today };
        let (picked, verified) = directory::pick(&bytes, &policy).expect("picks");
        assert_eq!(picked, index);
        assert_eq!(verified.directory().organisation, "Golden Constabulary");
    }
}
