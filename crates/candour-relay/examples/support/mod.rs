//! What the relay's benchmarks share: a one-reviewer directory signed by a throwaway root.

use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::keys::{ReviewerSecret, RootSecretKey};

/// A directory with one queue and `reviewer` in it, `stanzas` per envelope, signed by a fresh
/// root: the served bytes and the verified form.
pub fn bench_directory(reviewer: &ReviewerSecret, stanzas: usize) -> (Vec<u8>, VerifiedDirectory) {
    let root = RootSecretKey::generate();
    let doc = serde_json::json!({
        "format": directory::DIRECTORY_FORMAT, "organisation": "Bench", "version": 1, "not_after": "2099-12-31",
        "relay": {"https": "https://relay.invalid"}, "stanzas": stanzas,
        "queues": [{"id": "psd", "name": "PSD", "independent": true}],
        "reviewers": [{"id": "psd-1", "display_name": "R", "role": "reviewer", "queues": ["psd"],
            "recipients": [{"kind": "x25519", "key": reviewer.recipient().to_string()}],
            "signing_key": reviewer.public_signing_key().to_string()}],
        "routing": {"rules": [{"queues": ["psd"]}], "fallback_queue": "psd"},
    });
    let served = directory::sign(doc.to_string().as_bytes(), &root).expect("sign");
    let policy =
        TrustPolicy { roots: vec![root.public()], threshold: 1, min_version: 0, today: candour_relay::clock::today() };
    let verified = directory::verify(&served, &policy).expect("verify");
    (served, verified)
}
