//! Retention: a background task that purges expired blobs and then reclaims their space.

use std::time::Duration;

use candour_core::Day;

use crate::store::{SharedStore, StoreError};

/// Purges everything expired on or before `today`, then reclaims space so purged and deleted
/// bytes are gone from disk (a store skips the rewrite when nothing was deleted). Returns how
/// many entries were purged.
pub fn purge_and_reclaim(store: &SharedStore, today: Day) -> Result<u64, StoreError> {
    let report = store.purge_expired(today)?;
    store.reclaim()?;
    Ok(report.entries)
}

/// Runs [`purge_and_reclaim`] every `interval` until the task is dropped. Failures are logged
/// (without content) and retried at the next interval.
pub async fn run(store: SharedStore, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    loop {
        ticker.tick().await;
        let store = store.clone();
        let result = tokio::task::spawn_blocking(move || purge_and_reclaim(&store, crate::api::today())).await;
        match result {
            Ok(Ok(n)) => tracing::info!(purged = n, "retention pass"),
            Ok(Err(e)) => tracing::error!(error = %e, "retention pass failed"),
            Err(_) => tracing::error!("retention pass panicked"),
        }
    }
}
