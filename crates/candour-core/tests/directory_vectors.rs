//! Directory verification against test-vector files. Each file states its expected outcome
//! (`expect: success` or an error class) above the exact served bytes.

mod common;

use std::fs;
use std::path::Path;

use candour_core::directory::{self, TrustPolicy};
use candour_core::keys::RootSecretKey;
use candour_core::Day;

struct Vector {
    expect: String,
    description: String,
    policy: TrustPolicy,
    served: Vec<u8>,
}

fn parse(text: &[u8]) -> Vector {
    let split = text.windows(2).position(|w| w == b"\n\n").expect("blank line after header");
    let header = std::str::from_utf8(&text[..split]).expect("utf-8 header");
    let (mut expect, mut description, mut roots, mut threshold, mut min_version, mut today) =
        (String::new(), String::new(), Vec::new(), 1, 0, None);
    for line in header.lines() {
        let (k, v) = line.split_once(": ").expect("key: value");
        match k {
            "expect" => expect = v.to_owned(),
            "description" => description = v.to_owned(),
            "root" => roots.push(v.parse().expect("root key")),
            "threshold" => threshold = v.parse().expect("threshold"),
            "min_version" => min_version = v.parse().expect("min_version"),
            "today" => today = Some(v.parse::<Day>().expect("today")),
            other => panic!("unknown vector header {other}"),
        }
    }
    Vector {
        expect,
        description,
        policy: TrustPolicy { roots, threshold, min_version, today: today.expect("today") },
        served: text[split + 2..].to_vec(),
    }
}

#[test]
fn vectors_have_their_stated_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/directory");
    let mut seen = Vec::new();
    for entry in fs::read_dir(&dir).expect("vector dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("vector") {
            continue;
        }
        let v = parse(&fs::read(&path).expect("read"));
        let got = match directory::verify(&v.served, &v.policy) {
            Ok(_) => "success",
            Err(e) => e.code(),
        };
        assert_eq!(got, v.expect, "{}: {}", path.display(), v.description);
        seen.push(v.expect);
    }
    for class in ["success", "bad-signature", "below-threshold", "rolled-back", "expired", "malformed", "invalid"] {
        assert!(seen.iter().any(|s| s == class), "no vector for {class}");
    }
}

#[test]
fn sign_then_verify_round_trips_and_adds_signatures() {
    let unsigned = fs::read(common::keys_example().join("directory.unsigned.json")).expect("unsigned");
    let (a, b) = (RootSecretKey::generate(), RootSecretKey::generate());
    let once = directory::sign(&unsigned, &a).expect("sign");
    let twice = directory::sign(&once, &b).expect("co-sign");
    let again = directory::sign(&twice, &b).expect("re-sign replaces");
    let policy = |threshold| TrustPolicy {
        roots: vec![a.public(), b.public()],
        threshold,
        min_version: 0,
        today: common::today(),
    };
    assert_eq!(directory::verify(&once, &policy(2)).map_err(|e| e.code()).err(), Some("below-threshold"));
    let verified = directory::verify(&twice, &policy(2)).expect("2-of-2");
    assert_eq!(directory::verify(&again, &policy(2)).expect("still 2").directory(), verified.directory());
    let original: directory::Directory = serde_json::from_slice(&unsigned).expect("parses");
    assert_eq!(verified.directory(), &original);
    // The served document embeds the signed bytes verbatim.
    let text = String::from_utf8(twice).expect("utf-8");
    assert!(text.contains(String::from_utf8(unsigned).expect("utf-8").trim()));
}

#[test]
fn the_example_directory_verifies_and_a_wrong_pin_refuses_it() {
    let dir = common::example_directory();
    assert_eq!(dir.directory().reviewers.len(), 10);
    let escalations: Vec<Vec<&str>> = ["psd", "acu", "sb-prevent", "pcc"]
        .iter()
        .map(|q| ids(dir.escalation_recipients(&[(*q).to_owned()])))
        .collect();
    assert_eq!(escalations, [vec!["psd-head", "dcc"], vec!["psd-head", "dcc"], vec!["sb-head"], vec!["pcc-ce"]]);
    let served = fs::read(common::keys_example().join("directory.json")).expect("served");
    let wrong = TrustPolicy {
        roots: vec![RootSecretKey::generate().public()],
        threshold: 1,
        min_version: 0,
        today: common::today(),
    };
    assert_eq!(directory::verify(&served, &wrong).map_err(|e| e.code()).err(), Some("below-threshold"));
    let none = TrustPolicy { roots: vec![], ..wrong };
    assert_eq!(directory::verify(&served, &none).map_err(|e| e.code()).err(), Some("policy"));
}

fn ids(reviewers: Vec<&directory::Reviewer>) -> Vec<&str> {
    reviewers.into_iter().map(|r| r.id.as_str()).collect()
}

/// Escalation leaves the handling team: a queue may escalate only to people in the directory
/// who do not read it, each named once.
#[test]
fn escalation_recipients_are_outside_the_queue_and_known() {
    let unsigned = fs::read(common::keys_example().join("directory.unsigned.json")).expect("unsigned");
    let good: directory::Directory = serde_json::from_slice(&unsigned).expect("parses");
    directory::validate(&good).expect("the example is valid");
    let with = |queue: &str, to: &[&str]| {
        let mut d = good.clone();
        let q = d.queues.iter_mut().find(|q| q.id == queue).expect("queue");
        q.escalate_to = to.iter().map(|s| (*s).to_owned()).collect();
        directory::validate(&d).map_err(|e| e.to_string())
    };
    assert!(with("psd", &["psd-1"]).expect_err("reads psd").contains("must leave the handling team"));
    assert!(with("psd", &["nobody"]).expect_err("unknown").contains("not in the directory"));
    assert!(with("psd", &["dcc", "dcc"]).expect_err("twice").contains("twice"));
    assert!(with("sb-prevent", &["psd-1"]).is_ok(), "another queue's reader may be named");
    assert!(with("psd", &[]).is_ok(), "naming nobody is allowed (the field is optional)");
}

/// One key, one person: a directory giving two reviewers the same signing or encryption key,
/// or a reviewer a weak (small-order) signing key anyone could sign for, is refused even when
/// a pinned root signed it.
#[test]
fn shared_and_weak_reviewer_keys_are_refused() {
    let unsigned = fs::read(common::keys_example().join("directory.unsigned.json")).expect("unsigned");
    let root = RootSecretKey::generate();
    let policy = TrustPolicy { roots: vec![root.public()], threshold: 1, min_version: 0, today: common::today() };
    let outcome = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut doc: serde_json::Value = serde_json::from_slice(&unsigned).expect("json");
        edit(&mut doc);
        let text = serde_json::to_vec(&doc).expect("json");
        // Signing checks consistency too; sign the bytes regardless to test the verifier.
        match directory::sign(&text, &root) {
            Ok(served) => directory::verify(&served, &policy).map(|_| ()).map_err(|e| (e.code(), e.to_string())),
            Err(e) => Err((e.code(), e.to_string())),
        }
    };
    assert_eq!(outcome(&|_| {}), Ok(()), "the example as it is");
    let shared_signing = outcome(&|d| d["reviewers"][1]["signing_key"] = d["reviewers"][0]["signing_key"].clone());
    assert!(
        matches!(&shared_signing, Err((code, m)) if *code == "invalid" && m.contains("same signing key")),
        "{shared_signing:?}"
    );
    let shared_encryption =
        outcome(&|d| d["reviewers"][1]["recipients"][0]["key"] = d["reviewers"][0]["recipients"][0]["key"].clone());
    assert!(
        matches!(&shared_encryption, Err((code, m)) if *code == "invalid" && m.contains("same encryption key")),
        "{shared_encryption:?}"
    );
    // The identity point: a valid encoding, of small order.
    let mut weak = [0u8; 32];
    weak[0] = 1;
    use base64::Engine as _;
    let weak = base64::engine::general_purpose::STANDARD.encode(weak);
    let weak_key = outcome(&|d| d["reviewers"][0]["signing_key"] = serde_json::json!(weak));
    assert!(matches!(&weak_key, Err((code, m)) if *code == "malformed" && m.contains("weak")), "{weak_key:?}");
}
