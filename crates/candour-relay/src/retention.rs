//! Retention: a background task that removes expired epochs (see [`crate::store`]).
//!
//! Removing an epoch drops its whole database folder; nothing is rewritten and nothing waits
//! for it, so reads and writes carry on throughout.

use std::time::Duration;

use candour_core::Day;

use crate::store::{PurgeReport, SharedStore, StoreError};

/// Removes everything expired on or before `today`.
pub fn purge(store: &SharedStore, today: Day) -> Result<PurgeReport, StoreError> {
    store.purge_expired(today)
}

/// Runs [`purge`] every `interval` until the task is dropped. Failures are logged (without
/// content) and retried at the next interval.
pub async fn run(store: SharedStore, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    loop {
        ticker.tick().await;
        let store = store.clone();
        let result = tokio::task::spawn_blocking(move || purge(&store, crate::clock::today())).await;
        match result {
            Ok(Ok(report)) => tracing::info!(entries = report.entries, epochs = report.epochs, "retention pass"),
            Ok(Err(e)) => tracing::error!(error = e.code(), "retention pass failed"),
            Err(_) => tracing::error!("retention pass panicked"),
        }
    }
}
