//! Live cases are kept on the relay: every action but closure extends the expiry of the case's
//! report, follow-ups and events, so the relay's retention purge never eats an open case.

mod common;

use candour_core::report::Category;
use candour_core::wire::CaseStreamId;
use candour_core::Day;
use candour_review::event::Action;
use candour_review::session::KEEP_LIVE_CASE_DAYS;
use candour_review::triage::TriageChange;
use candour_submit::client::RelayClient;
use common::{reviewer, unix_now, Relay};

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
async fn actions_keep_a_live_case_and_closure_lets_it_age_out() {
    let relay = Relay::start().await;
    let token = common::report(&relay.url, common::concern(Category::DiscreditableConduct, "retention")).await;
    let stream = format!("/v1/cases/{}", CaseStreamId::for_thread(&token.thread_id()));
    let default_expiry = expiries(&relay.url, "/v1/inbox").await;
    let real_today = Day::from_unix_seconds(unix_now());
    let kept = real_today.plus_days(KEEP_LIVE_CASE_DAYS);
    assert!(default_expiry.iter().all(|d| *d < kept), "the relay's default retention is shorter: {default_expiry:?}");

    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    psd1.sync().await.expect("sync");
    let case = psd1.cases().next().expect("a case").case_ref();
    let change = TriageChange { priority: Some("high".parse().expect("priority")), ..Default::default() };
    psd1.triage(&case, change, common::today()).await.expect("triage");
    psd1.record(&case, Action::Note { text: "second action".into() }, common::today()).await.expect("note");
    assert_eq!(expiries(&relay.url, "/v1/inbox").await, vec![kept], "the report is kept");
    assert_eq!(expiries(&relay.url, &stream).await, vec![kept, kept], "every event is kept");

    // Closing records an event but does not extend anything: the case ages out from here.
    psd1.record(&case, Action::Close { outcome: "no-case-to-answer".parse().expect("outcome") }, common::today())
        .await
        .expect("close");
    let after_close = expiries(&relay.url, &stream).await;
    assert_eq!(after_close.len(), 3);
    assert!(after_close[2] < kept, "the closing event keeps the relay's default expiry");
}
