//! `candour store backup|restore|check` on a real relay's sled data folder
//! (crates/candour-relay/src/backup.rs): refused while the relay runs; taken once it has
//! stopped; restored into a fresh folder whose every entry (inbox, case streams, mailboxes) is
//! the original's, byte for byte and under the same number; and a relay started on the restored
//! folder serves a reviewer starting from nothing and the reporter's mailbox as before.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_relay::store::{read_blob, SledStore, Store};
use candour_review::triage::TriageChange;
use candour_submit::compose::compose_report;
use candour_submit::send::send;

fn candour_store(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.arg("store").args(args);
    common::output_within(cmd, std::time::Duration::from_secs(120))
}

/// Every entry of a data folder: (place, number) to (expiry, bytes).
fn entries(data: &Path) -> BTreeMap<(String, u64), (String, Vec<u8>)> {
    let store = SledStore::open(data).expect("opens");
    let mut out = BTreeMap::new();
    for place in store.places().expect("places") {
        for info in store.list(place, None, usize::MAX).expect("list") {
            let bytes = read_blob(&store, place, info.seq).expect("read").expect("reads back");
            out.insert((format!("{place:?}"), info.seq.0), (info.expires.to_string(), bytes.as_bytes().to_vec()));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_every_entry_under_its_number_and_a_new_relay_serves_it() {
    let relay = common::Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    let dir = client.directory(&common::policy()).await.expect("directory");
    let mut tokens = Vec::new();
    for i in 0..3 {
        let token = MailboxToken::generate();
        let concern = Concern {
            category: Some(Category::HonestyAndIntegrity),
            what: format!("BACKUP-CANARY {i}: cash taken from the property store."),
            ..Default::default()
        };
        let composed = compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
        send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
        tokens.push(token);
    }
    let cache = tempfile::tempdir().expect("cache");
    let review = candour_review::client::ReviewClient::new(&relay.url(), None).expect("client");
    let mut psd1 = candour_review::ReviewSession::open(
        common::reviewer("psd-1"),
        dir.clone(),
        review,
        &cache.path().join("before"),
    )
    .expect("session");
    assert_eq!(psd1.sync().await.expect("sync").receipts, 3);
    let case = candour_review::state::case_ref(&tokens[0].thread_id());
    let change = TriageChange { priority: Some("high".parse().expect("priority")), ..Default::default() };
    psd1.triage(&case, change).await.expect("triage");
    drop(psd1);

    let work = tempfile::tempdir().expect("tmp");
    let data = relay.data.path().join("relay");
    let out = work.path().join("backup");
    let refused =
        candour_store(&["backup", "--data", &data.display().to_string(), "--out", &out.display().to_string()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && said.contains("in use") && said.contains("stop it first"), "{said}");
    assert!(!out.exists(), "a refused backup leaves nothing behind");

    let kept = relay.stop_keeping_data().await;
    let data = kept.path().join("relay");
    let before = entries(&data);
    let made = candour_store(&["backup", "--data", &data.display().to_string(), "--out", &out.display().to_string()]);
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(said.contains(&format!("{} entries", before.len())), "{said}");
    // Three reports, their receipts, the case streams' events.
    assert!(before.len() >= 3 + 3 + 3, "{}", before.len());

    let restored = tempfile::tempdir().expect("tmp");
    let into = restored.path().join("relay");
    let put = candour_store(&["restore", "--from", &out.display().to_string(), "--data", &into.display().to_string()]);
    assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));
    assert_eq!(entries(&into), before, "every entry, byte for byte, under its number and expiry");
    let again =
        candour_store(&["restore", "--from", &out.display().to_string(), "--data", &into.display().to_string()]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // A relay on the restored folder: a reviewer from an empty cache, and the reporters.
    let relay = common::Relay::start_in(restored).await;
    let review = candour_review::client::ReviewClient::new(&relay.url(), None).expect("client");
    let mut fresh =
        candour_review::ReviewSession::open(common::reviewer("psd-1"), dir, review, &cache.path().join("after"))
            .expect("s");
    let synced = fresh.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.receipts), (3, 0), "{synced:?}");
    assert!(synced.tampered.is_empty() && synced.vanished.is_empty(), "{synced:?}");
    let worked = fresh.case(&case).expect("case");
    assert!(worked.events.len() >= 2, "the case's history came back: {}", worked.events.len());
    let client = common::bound_client(&relay.url()).await;
    for token in &tokens {
        assert_eq!(client.mailbox_all(&token.mailbox_id()).await.expect("mailbox").len(), 1, "the receipt");
    }
    let checked = candour_store(&["check", "--json", "--data", &out.display().to_string()]);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&checked.stdout).expect("JSON");
    assert_eq!(summary["entries"], before.len(), "{summary}");
    relay.shutdown().await;
}
