//! Calendar days: the only time-like value Candour stores or sends.
//!
//! Precise times identify people (a report sent at 02:14 from a night shift narrows the field), so
//! the protocol speaks in whole UTC days. `Day` counts days since 1970-01-01 and reads and writes
//! ISO 8601 dates (`2026-11-27`). The civil-date conversion is Howard Hinnant's public-domain
//! `days_from_civil` / `civil_from_days` algorithm.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A UTC calendar day, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

/// A date that is not a valid `YYYY-MM-DD` day between years 1970 and 9999.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date of the form YYYY-MM-DD (years 1970 to 9999): {0:?}")]
pub struct DayParseError(String);

impl Day {
    /// The day containing the given number of seconds since the Unix epoch.
    pub fn from_unix_seconds(seconds: u64) -> Day {
        Day((seconds / 86_400) as i64)
    }

    /// The day `n` days since 1970-01-01.
    pub fn from_days_since_epoch(n: i64) -> Day {
        Day(n)
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        self.0
    }

    /// The day `n` days later (or earlier, for negative `n`).
    pub fn plus_days(self, n: i64) -> Day {
        Day(self.0.saturating_add(n))
    }

    /// Days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Day) -> i64 {
        self.0 - earlier.0
    }

    /// Builds a day from its year, month (1-12) and day of month, if that day exists.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Day> {
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// The (year, month, day of month) of this day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Day {
    type Err = DayParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DayParseError(s.chars().take(40).collect());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let digits = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let (y, m, d) = (digits(0..4), digits(5..7), digits(8..10));
        match (y, m, d) {
            (Some(y), Some(m), Some(d)) => Day::from_ymd(y, m as u32, d as u32).ok_or_else(err),
            _ => Err(err()),
        }
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_days() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(2000, 3, 1), Some(Day(11_017)));
        assert_eq!("2026-11-27".parse::<Day>().map(|d| d.to_string()), Ok("2026-11-27".into()));
        assert_eq!(Day::from_unix_seconds(86_399), Day(0));
        assert_eq!(Day::from_unix_seconds(86_400), Day(1));
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "+026-01-01", "", "2026-01-32", "1969-12-31"]
        {
            assert!(bad.parse::<Day>().is_err(), "{bad} accepted");
        }
        assert!("2024-02-29".parse::<Day>().is_ok());
    }

    proptest! {
        #[test]
        fn round_trips(n in 0i64..2_900_000) {
            let day = Day(n);
            let (y, m, d) = day.ymd();
            prop_assert_eq!(Day::from_ymd(y, m, d), Some(day));
            prop_assert_eq!(day.to_string().parse::<Day>(), Ok(day));
        }
    }
}
