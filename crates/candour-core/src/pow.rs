//! Proof of work for anonymous inbox submissions (DESIGN §5).
//!
//! The relay records no IP addresses, so it cannot rate-limit by sender. Instead each anonymous
//! submission carries a solution to a fresh, single-use hashcash-style puzzle: find a `counter`
//! such that `SHA-256(POW_CONTEXT || challenge || counter as 8 bytes little-endian)` starts with
//! `difficulty` zero bits. One solution costs about `2^difficulty` hashes; checking it costs one.
//! The solution is not bound to the body, so the relay can refuse a missing or wrong solution
//! from the headers alone, before reading any upload; the relay makes each challenge single use.
//!
//! # Wire form (do not modify: clients in the field compute it)
//! - challenge: 32 random bytes from the relay, as 64 lowercase hex digits;
//! - the [`HEADER`] value on the submission: `<challenge hex>:<counter as 16 lowercase hex digits>`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Domain separation for the puzzle hash.
pub const POW_CONTEXT: &[u8] = b"candour/v1/pow\n";
/// The request header that carries a solved challenge on an inbox submission.
pub const HEADER: &str = "candour-pow";
/// Default difficulty in leading zero bits: about two million SHA-256 evaluations on average,
/// roughly a second for WebAssembly in a phone browser and well under one natively.
pub const DEFAULT_DIFFICULTY: u8 = 21;
/// The highest difficulty a client will attempt; a relay asking for more is refused rather
/// than letting it make a reporter's device spin for hours.
pub const MAX_DIFFICULTY: u8 = 32;

/// A puzzle as the relay hands it out (`GET /v1/inbox/challenge`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// 32 random bytes, hex.
    pub challenge: ChallengeBytes,
    /// Required leading zero bits.
    pub difficulty: u8,
}

/// The 32 random bytes of a challenge.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChallengeBytes(pub [u8; 32]);

impl fmt::Display for ChallengeBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for ChallengeBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChallengeBytes({self})")
    }
}

impl FromStr for ChallengeBytes {
    type Err = PowError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::wire::parse_hex::<32>(s).map(ChallengeBytes).map_err(|_| PowError::Malformed)
    }
}

impl Serialize for ChallengeBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ChallengeBytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A solved challenge, as carried in the [`HEADER`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Solution {
    /// The challenge solved.
    pub challenge: ChallengeBytes,
    /// The counter that solves it.
    pub counter: u64,
}

/// Why a proof of work was refused or could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PowError {
    /// The header or challenge text is not in the wire form.
    #[error("the proof of work is not in the form <64 hex digits>:<16 hex digits>")]
    Malformed,
    /// The hash does not have enough leading zero bits.
    #[error("the proof of work does not meet the required difficulty")]
    Insufficient,
    /// The relay asked for more work than [`MAX_DIFFICULTY`].
    #[error("the relay asked for difficulty {0}, above the maximum of {MAX_DIFFICULTY}")]
    TooHard(u8),
}

impl fmt::Display for Solution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{:016x}", self.challenge, self.counter)
    }
}

impl FromStr for Solution {
    type Err = PowError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (c, n) = s.split_once(':').ok_or(PowError::Malformed)?;
        let counter = crate::wire::parse_hex::<8>(n).map_err(|_| PowError::Malformed)?;
        Ok(Solution { challenge: c.parse()?, counter: u64::from_be_bytes(counter) })
    }
}

/// The number of leading zero bits of the puzzle hash for this challenge and counter.
pub fn work(challenge: &ChallengeBytes, counter: u64) -> u32 {
    let mut h = Sha256::new();
    h.update(POW_CONTEXT);
    h.update(challenge.0);
    h.update(counter.to_le_bytes());
    let digest = h.finalize();
    let mut zeros = 0;
    for byte in digest {
        zeros += byte.leading_zeros();
        if byte != 0 {
            break;
        }
    }
    zeros
}

/// Solves a challenge by counting up from zero. Expected cost `2^difficulty` hashes.
pub fn solve(challenge: &Challenge) -> Result<Solution, PowError> {
    if challenge.difficulty > MAX_DIFFICULTY {
        return Err(PowError::TooHard(challenge.difficulty));
    }
    let need = u32::from(challenge.difficulty);
    // A 64-bit counter cannot run out before the heat death of the phone for difficulty <= 32.
    let counter =
        (0u64..).find(|&n| work(&challenge.challenge, n) >= need).ok_or(PowError::TooHard(challenge.difficulty))?;
    Ok(Solution { challenge: challenge.challenge, counter })
}

/// Checks a solution against the difficulty the relay requires. Whether the challenge was
/// issued by the relay and is unused is the relay's business, not this function's.
pub fn verify(solution: &Solution, difficulty: u8) -> Result<(), PowError> {
    if work(&solution.challenge, solution.counter) >= u32::from(difficulty) {
        Ok(())
    } else {
        Err(PowError::Insufficient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_then_verify_and_round_trip_the_header() {
        let challenge = Challenge { challenge: ChallengeBytes([7; 32]), difficulty: 10 };
        let solution = solve(&challenge).expect("solvable");
        assert_eq!(verify(&solution, 10), Ok(()));
        let text = solution.to_string();
        assert_eq!(text.parse::<Solution>(), Ok(solution));
        // The same counter almost surely fails a much harder difficulty.
        assert_eq!(verify(&solution, 30), Err(PowError::Insufficient));
        for bad in ["", "zz", &text[..text.len() - 1], &text.replace(':', ";"), &text.to_uppercase()] {
            assert_eq!(bad.parse::<Solution>(), Err(PowError::Malformed), "{bad}");
        }
        assert_eq!(solve(&Challenge { difficulty: 40, ..challenge }), Err(PowError::TooHard(40)));
    }
}
