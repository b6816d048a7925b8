//! In-memory single-use books: issued proof-of-work challenges and seen request nonces.
//!
//! Both live only in memory and only as long as they are useful (a challenge's lifetime, a
//! nonce's replay window); neither is ever written to storage or logs. A restart forgets them,
//! which is safe: outstanding challenges become unknown (the client asks again) and old signed
//! requests stay refused by their timestamps once the skew window has passed; so that a request
//! signed before a restart cannot be replayed after it, the relay refuses signed requests
//! timestamped before it started.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use candour_core::pow::ChallengeBytes;

use crate::error::ApiError;

/// How long an issued challenge stays valid.
pub const CHALLENGE_TTL: Duration = Duration::from_secs(600);
/// At most this many challenges are outstanding; beyond it the relay answers `busy`.
pub const MAX_OUTSTANDING_CHALLENGES: usize = 100_000;
/// At most this many nonces are remembered; beyond it signed requests answer `busy`.
pub const MAX_REMEMBERED_NONCES: usize = 1_000_000;

/// Challenges issued and not yet used.
#[derive(Debug, Default)]
pub struct ChallengeBook {
    issued: Mutex<HashMap<[u8; 32], Instant>>,
}

impl ChallengeBook {
    /// Issues a fresh random challenge.
    pub fn issue(&self) -> Result<ChallengeBytes, ApiError> {
        let mut issued = self.issued.lock().map_err(|_| ApiError::STORAGE)?;
        let now = Instant::now();
        if issued.len() >= MAX_OUTSTANDING_CHALLENGES {
            issued.retain(|_, at| now.duration_since(*at) < CHALLENGE_TTL);
            if issued.len() >= MAX_OUTSTANDING_CHALLENGES {
                return Err(ApiError::BUSY);
            }
        }
        let bytes: [u8; 32] = rand::random();
        issued.insert(bytes, now);
        Ok(ChallengeBytes(bytes))
    }

    /// Uses up a challenge: true if it was issued, unexpired and unused.
    pub fn redeem(&self, challenge: &ChallengeBytes) -> Result<bool, ApiError> {
        let mut issued = self.issued.lock().map_err(|_| ApiError::STORAGE)?;
        Ok(issued.remove(&challenge.0).is_some_and(|at| at.elapsed() < CHALLENGE_TTL))
    }
}

/// Nonces of signed requests seen within the replay window, with the Unix second after which
/// each can be forgotten.
#[derive(Debug, Default)]
pub struct NonceBook {
    seen: Mutex<HashMap<[u8; 16], u64>>,
}

impl NonceBook {
    /// Whether a nonce has been used (without using it).
    pub fn is_used(&self, nonce: &[u8; 16]) -> Result<bool, ApiError> {
        Ok(self.seen.lock().map_err(|_| ApiError::STORAGE)?.contains_key(nonce))
    }

    /// Records a nonce; false if it was already recorded (a replay racing the original).
    pub fn record(&self, nonce: [u8; 16], forget_after: u64, now: u64) -> Result<bool, ApiError> {
        let mut seen = self.seen.lock().map_err(|_| ApiError::STORAGE)?;
        if seen.len() >= MAX_REMEMBERED_NONCES {
            seen.retain(|_, until| *until >= now);
            if seen.len() >= MAX_REMEMBERED_NONCES {
                return Err(ApiError::BUSY);
            }
        }
        Ok(seen.insert(nonce, forget_after).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_single_use_and_must_be_issued() {
        let book = ChallengeBook::default();
        let issued = book.issue().expect("issue");
        assert_ne!(book.issue().expect("issue"), issued, "fresh randomness each time");
        assert_eq!(book.redeem(&issued), Ok(true));
        assert_eq!(book.redeem(&issued), Ok(false), "a challenge works once");
        assert_eq!(book.redeem(&ChallengeBytes([0; 32])), Ok(false), "only issued challenges work");
    }

    #[test]
    fn nonces_are_remembered_until_they_can_no_longer_pass_the_clock_check() {
        let book = NonceBook::default();
        assert_eq!(book.record([1; 16], 1_300, 1_000), Ok(true));
        assert_eq!(book.is_used(&[1; 16]), Ok(true));
        assert_eq!(book.record([1; 16], 1_300, 1_000), Ok(false));
        assert_eq!(book.is_used(&[2; 16]), Ok(false));
    }
}
