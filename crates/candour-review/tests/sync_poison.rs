//! Sync never stops on one bad entry, and never retries it for ever (docs/design.md §1.7): an inbox
//! entry whose bytes the relay cannot serve (a damaged disk) is deferred and said, every entry
//! after it is taken in, later syncs try it again a bounded number of times, and once it can be
//! read it joins its case.

mod common;

use std::sync::Arc;

use candour_core::report::Category;
use candour_relay::store::Place;
use candour_review::session::MAX_DOWNLOAD_ATTEMPTS;
use common::TamperableStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_inbox_entry_is_deferred_retried_a_bounded_number_of_times_and_recovered() {
    let store = Arc::new(TamperableStore::default());
    let relay = common::relay_over(store.clone()).await;
    for what in ["first report", "second report, on a damaged disk", "third report"] {
        common::report(&relay.url, common::concern(Category::HonestyAndIntegrity, what)).await;
    }
    store.damage(Place::Inbox, 2);
    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;

    let first = psd1.sync().await.expect("one bad entry does not stop the sync");
    assert_eq!(first.reports, 2, "the entries around the damaged one are taken in: {first:?}");
    assert_eq!(first.deferred.len(), 1, "{first:?}");
    assert!(first.deferred[0].starts_with("inbox entry 2: its bytes did not arrive whole"), "{first:?}");
    assert_eq!(store.damaged_reads(Place::Inbox, 2), 1);

    // Later syncs try again, up to the limit, then stop downloading it but keep saying so.
    for _ in 1..MAX_DOWNLOAD_ATTEMPTS {
        let again = psd1.sync().await.expect("sync");
        assert_eq!((again.reports, again.deferred.len()), (0, 1), "{again:?}");
    }
    assert_eq!(store.damaged_reads(Place::Inbox, 2), MAX_DOWNLOAD_ATTEMPTS);
    let given_up = psd1.sync().await.expect("sync");
    assert_eq!(store.damaged_reads(Place::Inbox, 2), MAX_DOWNLOAD_ATTEMPTS, "not downloaded again");
    assert_eq!(given_up.deferred.len(), 1);
    assert!(given_up.deferred[0].contains("given up after 3 attempts") && given_up.held_given_up, "{given_up:?}");

    // Survives the session: a new session over the same cache still knows about it.
    drop(psd1);
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    assert!(psd1.contents().deferred.contains_key(&2), "the cache keeps deferred entries");

    // Repaired and asked for: the report joins its case and nothing is deferred any more.
    store.repair(Place::Inbox, 2);
    psd1.retry_deferred();
    let recovered = psd1.sync().await.expect("sync");
    assert_eq!((recovered.reports, recovered.deferred.len()), (1, 0), "{recovered:?}");
    assert_eq!(psd1.cases().count(), 3);
    assert!(psd1.contents().deferred.is_empty());
}

/// An entry longer than the machine's limit is not downloaded, is said with the way to take it
/// in, and is taken in by a sync with a higher limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_over_the_size_limit_waits_for_a_higher_limit() {
    let relay = common::Relay::start().await;
    common::report(&relay.url, common::concern(Category::HonestyAndIntegrity, "an ordinary report")).await;
    common::report(&relay.url, common::concern(Category::PreventConcern, "for Special Branch only")).await;
    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    // Every envelope is at least 16 KiB: a 10 KiB limit defers psd-1's, while the one for
    // another queue is skipped as ever (its header says so), not deferred.
    psd1.set_max_entry_bytes(10 * 1024);
    let small = psd1.sync().await.expect("sync");
    assert_eq!((small.reports, small.skipped, small.deferred.len()), (0, 1, 1), "{small:?}");
    assert!(small.deferred[0].starts_with("inbox entry 1:"), "{small:?}");
    assert!(small.deferred[0].contains("a higher limit takes it in") && small.held_too_large, "{small:?}");
    let again = psd1.sync().await.expect("sync");
    assert_eq!(again.deferred.len(), 1, "still said, never counted as a failed attempt: {again:?}");
    psd1.set_max_entry_bytes(candour_review::session::DEFAULT_MAX_ENTRY_BYTES);
    let taken = psd1.sync().await.expect("sync");
    assert_eq!((taken.reports, taken.deferred.len()), (1, 0), "{taken:?}");
}
