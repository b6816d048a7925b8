//! Retention is the relay's alone, and nobody can make a report disappear quietly (DESIGN
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
use candour_submit::client::RelayClient;
use common::{reviewer, unix_now, Relay, TamperableStore};

/// The relay's expiry days for a listing path, as a reviewer sees them.
async fn expiries(url: &str, path: &str) -> Vec<Day> {
    let client = RelayClient::new(url, None).expect("client");
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
    psd1.triage(&case, change, common::today()).await.expect("triage");
    psd1.record(&case, Action::Note { text: "second action".into() }, common::today()).await.expect("note");
    psd1.reply(&case, "Thank you", candour_review::event::ReplyKind::Acknowledgement, common::today())
        .await
        .expect("reply");
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
    let client = RelayClient::new(&relay.url, None).expect("client");
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = candour_core::token::MailboxToken::generate();
    let composed = candour_submit::compose::compose_report(
        &dir,
        &token,
        common::concern(Category::HonestyAndIntegrity, "about DS Reilly"),
        &["psd-2".into()],
        common::today(),
    )
    .expect("compose");
    candour_submit::send::send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
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
            matches!(&refused, candour_submit::client::ClientError::Relay { code, .. } if code == "method-not-allowed" || code == "not-found"),
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
