//! Retention is the relay's alone, and nobody can make a report disappear quietly (docs/design.md
//! §1.5, §5).
//!
//! - Working a case changes no expiry day: an acted-on report and an ignored one look the same
//!   on the relay, and every entry keeps the uniform expiry of its arrival epoch.
//! - No reviewer, even one the report excludes, can delete an entry or shorten its life.
//! - An entry that disappears before its expiry day (removed by whoever holds the relay's disk)
//!   is reported loudly by every reader's next sync.

mod common;

use std::sync::Arc;

use candour_core::report::Category;
use candour_core::wire::CaseStreamId;
use candour_core::Day;
use candour_relay::store::{Place, Store};
use candour_review::event::Action;
use candour_review::triage::TriageChange;
use common::{reviewer, unix_now, Relay, TamperableStore};

/// The relay's expiry days for a listing path, as a reviewer sees them.
async fn expiries(url: &str, path: &str) -> Vec<Day> {
    let client = common::bound_client(url).await;
    let bytes = client.reviewer_get(reviewer("psd-2").signing_key(), path, unix_now()).await.expect("list");
    let page: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["expires"].as_str().expect("expires").parse().expect("day"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn working_a_case_changes_no_expiry_day() {
    let relay = Relay::start().await;
    let acted = common::report(&relay.url, common::concern(Category::DiscreditableConduct, "acted on")).await;
    let _ignored = common::report(&relay.url, common::concern(Category::DiscreditableConduct, "ignored")).await;
    let before = expiries(&relay.url, "/v1/inbox").await;
    assert_eq!(before.len(), 2);
    assert_eq!(before[0], before[1], "reports of one epoch share an expiry day");
    let real_today = Day::from_unix_seconds(unix_now());
    assert!(before[0] > real_today.plus_days(365), "kept at least the retention period");

    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    psd1.sync().await.expect("sync");
    let case = psd1.cases().find(|c| c.thread_id == acted.thread_id()).expect("the acted-on case").case_ref();
    let change = TriageChange { priority: Some("high".parse().expect("priority")), ..Default::default() };
    psd1.triage(&case, change).await.expect("triage");
    psd1.record(&case, Action::Note { text: "second action".into() }).await.expect("note");
    psd1.reply(&case, "Thank you", candour_review::event::ReplyKind::Acknowledgement).await.expect("reply");
    psd1.sync().await.expect("sync again");

    assert_eq!(expiries(&relay.url, "/v1/inbox").await, before, "acting on a report renews nothing");
    let stream = format!("/v1/cases/{}", CaseStreamId::for_thread(&acted.thread_id()));
    let events = expiries(&relay.url, &stream).await;
    assert!(events.len() >= 4, "receipt, triage, note, reply: {events:?}");
    assert!(events.iter().all(|d| *d == before[0]), "every event keeps its epoch's expiry: {events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reviewer_can_remove_a_report_and_a_vanished_one_is_reported() {
    let store = Arc::new(TamperableStore::default());
    let relay = common::relay_over(store.clone()).await;
    // A report psd-2 must not read.
    let client = common::bound_client(&relay.url).await;
    common::report_excluding(&relay.url, common::concern(Category::HonestyAndIntegrity, "about DS Reilly"), &["psd-2"])
        .await;
    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    let first = psd1.sync().await.expect("sync");
    assert_eq!(first.reports, 1);
    let seq = psd1.cases().next().and_then(|c| c.report.as_ref()).expect("report").seq;

    // psd-2, well signed, tries to delete it or cut its life short: there is no such request.
    let psd2 = reviewer("psd-2");
    for (method, path, body) in [
        (reqwest::Method::DELETE, format!("/v1/inbox/{seq}"), vec![]),
        (reqwest::Method::PUT, format!("/v1/inbox/{seq}/expiry"), br#"{"expires":"2026-12-02"}"#.to_vec()),
    ] {
        let refused = client
            .reviewer_request(psd2.signing_key(), method, &path, body, "application/json", unix_now())
            .await
            .expect_err("refused");
        assert!(
            matches!(&refused, candour_client::ClientError::Relay { code, .. } if code == "method-not-allowed" || code == "not-found"),
            "{refused}"
        );
    }
    let again = psd1.sync().await.expect("sync");
    assert!(again.vanished.is_empty(), "{:?}", again.vanished);
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list").len(), 1);

    // Whoever holds the relay's disk makes it disappear: the next sync says so, loudly, and
    // the case stays in the reviewer's cache.
    store.hide(Place::Inbox, seq);
    let after = psd1.sync().await.expect("sync");
    assert_eq!(after.vanished.len(), 1, "{after:?}");
    assert!(after.vanished[0].contains("no longer on the relay"), "{}", after.vanished[0]);
    assert_eq!(psd1.cases().count(), 1, "the case is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_that_are_not_envelopes_are_reported_apart_from_other_queues() {
    let store = Arc::new(TamperableStore::default());
    let relay = common::relay_over(store.clone()).await;
    common::report(&relay.url, common::concern(Category::Other, "a real report")).await;
    // The relay refuses these at ingest; an old relay, or one whose disk was written to
    // directly, may still serve them.
    let today = common::today();
    let two_stanzas = candour_core::envelope::seal(
        candour_core::envelope::EnvelopeKind::Report,
        &[reviewer("psd-1").recipient()],
        2,
        b"{}",
        vec![],
        &ed25519_dalek::SigningKey::from_bytes(&[9; 32]),
        Vec::new(),
    )
    .expect("seals");
    for junk in [vec![0x42; 20_000], two_stanzas] {
        candour_relay::store::put_blob(
            &*store,
            Place::Inbox,
            &candour_core::wire::Ciphertext::from_sealed_bytes(junk),
            today,
        )
        .expect("put");
    }
    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    let r = psd1.sync().await.expect("sync");
    assert_eq!((r.reports, r.skipped, r.malformed.len()), (1, 0, 2), "{r:?}");
    assert!(r.malformed[0].contains("not an age v1 file"), "{:?}", r.malformed);
    assert!(r.malformed[1].contains("2 X25519 stanzas"), "{:?}", r.malformed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readers_outlive_the_mailboxs_retention() {
    // Entries are kept 30 days: every message to the reporter is within the renewal window,
    // so each sync files the receipt again, as a year-long relay's tools do a month before.
    let store = Arc::new(TamperableStore::with_retention(30));
    let relay = common::relay_over(store.clone()).await;
    let client = common::bound_client(&relay.url).await;
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token =
        common::report_excluding(&relay.url, common::concern(Category::UseOfForce, "kicked a detainee"), &["acu-2"])
            .await;
    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    assert_eq!(psd1.sync().await.expect("sync").receipts, 1);
    assert_eq!(psd1.sync().await.expect("sync").receipts, 1, "renewed before it would expire");
    let mailbox = Place::Mailbox(token.mailbox_id().address());
    let entries = store.list(mailbox, None, 10).expect("list");
    assert_eq!(entries.len(), 2);
    // The first receipt leaves the relay; the renewed one still names the readers.
    store.hide(mailbox, entries[0].seq.0);
    let mut messages = Vec::new();
    for e in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), e.seq).await.expect("read");
        messages.push(candour_submit::mailbox::open_reply(&dir, &token, &bytes).expect("opens"));
    }
    assert_eq!(messages.len(), 1);
    let candour_submit::mailbox::FollowUpReaders::Known(route) =
        candour_submit::mailbox::follow_up_readers(&dir, &token, &messages)
    else {
        panic!("the renewed receipt names the readers");
    };
    assert_eq!(route.readers, ["psd-1", "psd-2", "acu-1"], "acu-2 stays excluded");
    assert_eq!(route.commitment.map(|c| c.excluded), Some(vec!["acu-2".to_owned()]));
}
