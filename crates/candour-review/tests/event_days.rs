//! Events carry the real day (docs/design.md §6): a reviewer whose computer's date is not the
//! relay's records nothing, and says why in plain words.

mod common;

use std::time::{Duration, SystemTime};

use axum::http::{header, HeaderValue};
use axum::response::Response;
use candour_core::report::Category;
use candour_review::event::ReplyKind;
use candour_review::triage::{Priority, TriageChange};
use tokio::sync::oneshot;

/// The relay's own router, its answers dated `days` days from now: the relay as a reviewer
/// whose clock is that far off meets it (the router and store are the real ones).
async fn relay_dated(
    days: i64,
    store: std::sync::Arc<dyn candour_relay::store::Store>,
) -> (String, oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = common::relay_state(store, common::fresh_directory());
    let shift = Duration::from_secs(days.unsigned_abs() * 86_400);
    let redate = move |mut response: Response| async move {
        let now = SystemTime::now();
        let when = if days >= 0 { now + shift } else { now - shift };
        let date = HeaderValue::from_str(&httpdate::fmt_http_date(when)).expect("date");
        response.headers_mut().insert(header::DATE, date);
        response
    };
    let app = candour_relay::router(state).layer(axum::middleware::map_response(redate));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        candour_relay::serve(listener, app, async move {
            let _ = stopped.await;
        })
        .await
        .expect("relay serves");
    });
    (format!("http://{addr}"), stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_computer_whose_date_is_not_the_relays_records_nothing() {
    let store: std::sync::Arc<dyn candour_relay::store::Store> =
        std::sync::Arc::new(common::TamperableStore::with_retention(90));
    let cache = tempfile::tempdir().expect("cache");
    // One store behind two faces of the relay: its answers dated today, and three days on.
    let (honest, _stop_honest) = relay_dated(0, store.clone()).await;
    let (ahead, _stop_ahead) = relay_dated(3, store).await;
    let token = common::report(&honest, common::concern(Category::UseOfForce, "Kicked a detainee")).await;
    let case = candour_review::state::case_ref(&token.thread_id());

    // A new report needs its automatic receipt, which is dated: a misdated sync reads the
    // report but files none, and says why.
    let mut psd1 = common::session(&ahead, "psd-1", cache.path()).await;
    let synced = psd1.sync().await.expect("sync reads");
    assert_eq!((synced.reports, synced.receipts), (1, 0));
    let held = synced.receipts_held.unwrap_or_default();
    assert!(held.starts_with("1 automatic receipts not filed: this computer's date"), "{held}");
    let other = tempfile::tempdir().expect("cache");
    let mut honest_psd2 = common::session(&honest, "psd-2", other.path()).await;
    honest_psd2.sync().await.expect("files the receipt");

    // With nothing to file, the misdated reviewer syncs and reads, but records nothing.
    let mut psd1 = common::session(&ahead, "psd-1", cache.path()).await;
    let synced = psd1.sync().await.expect("sync");
    assert_eq!((synced.receipts, synced.receipts_held), (0, None));
    let refused = psd1.reply(&case, "Received, thank you.", ReplyKind::Acknowledgement).await.expect_err("misdated");
    assert_eq!(refused.code(), "clock-disagrees", "{refused}");
    assert!(refused.to_string().contains("nothing was recorded"), "{refused}");
    let change = TriageChange { priority: Some(Priority::High), ..Default::default() };
    assert_eq!(psd1.triage(&case, change.clone()).await.expect_err("misdated").code(), "clock-disagrees");
    let state = psd1.case(&case).expect("case").state();
    assert!(state.acknowledged_on.is_none() && state.history.iter().all(|h| !h.what.contains("reply")), "{state:?}");

    // The same reviewer, the relay's day agreeing: recorded, dated today.
    let mut again = common::session(&honest, "psd-1", cache.path()).await;
    again.sync().await.expect("sync");
    again.reply(&case, "Received, thank you.", ReplyKind::Acknowledgement).await.expect("recorded");
    assert_eq!(again.case(&case).expect("case").state().acknowledged_on, Some(common::today()));
}
