//! The clients' one clock: Unix seconds for request signatures and today's [`Day`] for what a
//! document records, from the device's own clock. The review engine, the desk and the CLI all
//! read it here.

use std::time::{SystemTime, UNIX_EPOCH};

use candour_core::Day;

/// Seconds since the Unix epoch on this device (0 if its clock is before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Today (UTC) on this device.
pub fn today() -> Day {
    Day::from_unix_seconds(unix_now())
}
