//! The relay's one clock: Unix seconds for signed-request freshness and challenges, and today's
//! [`Day`] for retention. Never stored beside an entry (docs/design.md §3).

use std::time::{SystemTime, UNIX_EPOCH};

use candour_core::Day;

/// Seconds since the Unix epoch on the relay's clock (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Today on the relay's clock.
pub fn today() -> Day {
    Day::from_unix_seconds(unix_now())
}
