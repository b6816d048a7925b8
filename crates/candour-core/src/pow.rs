//! Proof of work for anonymous inbox submissions (docs/design.md §1.7, §5).
//!
//! The relay records no IP addresses, so it cannot rate-limit by sender. Instead each anonymous
//! submission carries a solution to a single-use hashcash-style puzzle: find a `counter` such
//! that `SHA-256(POW_CONTEXT || token || counter as 8 bytes little-endian)` starts with
//! `difficulty` zero bits. One solution costs about `2^difficulty` hashes; checking it costs one.
//!
//! # Stateless challenges, priced by size
//! The relay keeps no list of the challenges it hands out (a list that one client could fill,
//! blocking every reporter). A challenge is a [`ChallengeToken`]: random bytes, the largest
//! envelope it admits (`max_bytes`), the difficulty, the issue time, and a MAC by a key only the
//! relay holds, so the relay can check later that it issued the token, unaltered, recently. It
//! remembers only tokens that were *redeemed* (with a valid solution), until they expire: each
//! of those cost a solve, so the work itself bounds that memory.
//!
//! The difficulty grows with `max_bytes` ([`difficulty_for`]): one unit of work per
//! `bytes_per_unit` (4 MiB by default), rounded up to a power of two, so an attacker pays for
//! the disk they ask for. The relay refuses a body longer than the token's `max_bytes`. The
//! solution is not bound to the body, so the relay can refuse a missing or wrong solution from
//! the headers alone, before reading any upload.
//!
//! # Wire form (do not modify: clients compute it)
//! - `POST /v1/inbox/challenge` with `{"max_bytes": n}` (an empty body asks for one unit);
//! - the answer [`Challenge`]: `{"challenge": "<token hex>", "difficulty": d, "max_bytes": n}`;
//! - the token, [`TOKEN_LEN`] bytes as lowercase hex: version (1 byte, [`TOKEN_VERSION`]),
//!   random (16), `max_bytes` (u64 big-endian), difficulty (1), issue time in Unix seconds (u64
//!   big-endian), MAC (16, the relay's own business);
//! - the [`HEADER`] value on the submission: `<token hex>:<counter as 16 lowercase hex digits>`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Domain separation for the puzzle hash.
pub const POW_CONTEXT: &[u8] = b"candour/v2/pow\n";
/// The request header that carries a solved challenge on an inbox submission.
pub const HEADER: &str = "candour-pow";
/// Default difficulty for the first unit of size, in leading zero bits: about two million
/// SHA-256 evaluations on average, roughly a second for WebAssembly in a phone browser and well
/// under one natively.
pub const DEFAULT_DIFFICULTY: u8 = 21;
/// Default bytes bought by one unit of work.
pub const DEFAULT_BYTES_PER_UNIT: u64 = 4 * 1024 * 1024;
/// The highest difficulty a client will attempt; a relay asking for more is refused rather
/// than letting it make a reporter's device spin for hours.
pub const MAX_DIFFICULTY: u8 = 32;
/// The token format this version writes and reads.
pub const TOKEN_VERSION: u8 = 2;
/// Length of a challenge token in bytes.
pub const TOKEN_LEN: usize = 1 + 16 + 8 + 1 + 8 + MAC_LEN;
/// Length of the relay's MAC at the end of a token.
pub const MAC_LEN: usize = 16;

/// The difficulty a relay asks for an envelope of at most `max_bytes`: `base` for the first
/// `bytes_per_unit`, one more bit each time the number of units doubles (rounded up). `None`
/// when that would exceed [`MAX_DIFFICULTY`].
pub fn difficulty_for(base: u8, bytes_per_unit: u64, max_bytes: u64) -> Option<u8> {
    let units = max_bytes.div_ceil(bytes_per_unit.max(1)).max(1);
    let extra = 64 - (units - 1).leading_zeros(); // ceil(log2(units)), 0 for one unit
    let d = u32::from(base) + extra;
    u8::try_from(d).ok().filter(|&d| d <= MAX_DIFFICULTY)
}

/// What a reporter's client asks for: a challenge admitting an envelope of this many bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    /// The most bytes the envelope will take ([`crate::envelope::sealed_len_bound`]).
    pub max_bytes: u64,
}

/// A challenge token, as issued by the relay (see the module docs for its layout).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChallengeToken(pub [u8; TOKEN_LEN]);

impl ChallengeToken {
    /// Assembles a token; the relay computes `mac` over [`ChallengeToken::signed_part`].
    pub fn new(random: [u8; 16], max_bytes: u64, difficulty: u8, issued_unix: u64, mac: [u8; MAC_LEN]) -> Self {
        let mut t = [0u8; TOKEN_LEN];
        t[0] = TOKEN_VERSION;
        t[1..17].copy_from_slice(&random);
        t[17..25].copy_from_slice(&max_bytes.to_be_bytes());
        t[25] = difficulty;
        t[26..34].copy_from_slice(&issued_unix.to_be_bytes());
        t[34..].copy_from_slice(&mac);
        ChallengeToken(t)
    }

    /// The bytes the MAC covers: everything before it.
    pub fn signed_part(&self) -> &[u8] {
        &self.0[..TOKEN_LEN - MAC_LEN]
    }

    /// The random part, which identifies the token once redeemed.
    pub fn random(&self) -> [u8; 16] {
        let mut r = [0u8; 16];
        r.copy_from_slice(&self.0[1..17]);
        r
    }

    /// The largest envelope this token admits.
    pub fn max_bytes(&self) -> u64 {
        u64::from_be_bytes(self.0[17..25].try_into().unwrap_or_default())
    }

    /// The difficulty the solution must meet.
    pub fn difficulty(&self) -> u8 {
        self.0[25]
    }

    /// When the relay issued it (its clock).
    pub fn issued_unix(&self) -> u64 {
        u64::from_be_bytes(self.0[26..34].try_into().unwrap_or_default())
    }

    /// The relay's MAC.
    pub fn mac(&self) -> &[u8] {
        &self.0[TOKEN_LEN - MAC_LEN..]
    }
}

impl fmt::Display for ChallengeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::wire::to_hex(&self.0))
    }
}

impl fmt::Debug for ChallengeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChallengeToken(max {} bytes, difficulty {})", self.max_bytes(), self.difficulty())
    }
}

impl FromStr for ChallengeToken {
    type Err = PowError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = crate::wire::parse_hex::<TOKEN_LEN>(s).map_err(|_| PowError::Malformed)?;
        if bytes[0] != TOKEN_VERSION {
            return Err(PowError::Malformed);
        }
        Ok(ChallengeToken(bytes))
    }
}

impl Serialize for ChallengeToken {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ChallengeToken {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A puzzle as the relay hands it out (`POST /v1/inbox/challenge`). `difficulty` and
/// `max_bytes` repeat what the token says, for clients that do not read the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// The token.
    pub challenge: ChallengeToken,
    /// Required leading zero bits.
    pub difficulty: u8,
    /// The largest envelope the token admits.
    pub max_bytes: u64,
}

impl Challenge {
    /// The answer for a token.
    pub fn for_token(token: ChallengeToken) -> Self {
        Challenge { challenge: token, difficulty: token.difficulty(), max_bytes: token.max_bytes() }
    }
}

/// A solved challenge, as carried in the [`HEADER`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Solution {
    /// The challenge solved.
    pub challenge: ChallengeToken,
    /// The counter that solves it.
    pub counter: u64,
}

/// Why a proof of work was refused or could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PowError {
    /// The header or challenge text is not in the wire form.
    #[error("the proof of work is not in the form <token hex>:<16 hex digits>")]
    Malformed,
    /// The hash does not have enough leading zero bits.
    #[error("the proof of work does not meet the required difficulty")]
    Insufficient,
    /// The relay asked for more work than [`MAX_DIFFICULTY`].
    #[error("the relay asked for difficulty {0}, above the maximum of {MAX_DIFFICULTY}")]
    TooHard(u8),
    /// The challenge's stated difficulty or size is not the token's.
    #[error("the challenge does not match its token")]
    Inconsistent,
}

impl PowError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            PowError::Malformed => "pow-malformed",
            PowError::Insufficient => "pow-insufficient",
            PowError::TooHard(_) => "pow-too-hard",
            PowError::Inconsistent => "pow-inconsistent",
        }
    }
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

/// The number of leading zero bits of the puzzle hash for this token and counter.
pub fn work(token: &ChallengeToken, counter: u64) -> u32 {
    let mut h = Sha256::new();
    h.update(POW_CONTEXT);
    h.update(token.0);
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
    let token = challenge.challenge;
    if challenge.difficulty != token.difficulty() || challenge.max_bytes != token.max_bytes() {
        return Err(PowError::Inconsistent);
    }
    if token.difficulty() > MAX_DIFFICULTY {
        return Err(PowError::TooHard(token.difficulty()));
    }
    let need = u32::from(token.difficulty());
    // A 64-bit counter cannot run out before the heat death of the phone for difficulty <= 32.
    let counter = (0u64..).find(|&n| work(&token, n) >= need).ok_or(PowError::TooHard(token.difficulty()))?;
    Ok(Solution { challenge: token, counter })
}

/// Checks that a solution meets its token's difficulty. Whether the relay issued the token, and
/// whether it is unexpired and unused, is the relay's business, not this function's.
pub fn verify(solution: &Solution) -> Result<(), PowError> {
    if work(&solution.challenge, solution.counter) >= u32::from(solution.challenge.difficulty()) {
        Ok(())
    } else {
        Err(PowError::Insufficient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(difficulty: u8) -> ChallengeToken {
        ChallengeToken::new([7; 16], 16 * 1024 * 1024, difficulty, 1_800_000_000, [9; MAC_LEN])
    }

    #[test]
    fn solve_then_verify_and_round_trip_the_header() {
        let challenge = Challenge::for_token(token(10));
        let solution = solve(&challenge).expect("solvable");
        assert_eq!(verify(&solution), Ok(()));
        let text = solution.to_string();
        assert_eq!(text.parse::<Solution>(), Ok(solution));
        // The same counter almost surely fails a much harder token.
        let harder = Solution { challenge: token(30), ..solution };
        assert_eq!(verify(&harder), Err(PowError::Insufficient));
        for bad in ["", "zz", &text[..text.len() - 1], &text.replace(':', ";"), &text.to_uppercase(), &text[2..]] {
            assert_eq!(bad.parse::<Solution>(), Err(PowError::Malformed), "{bad}");
        }
        assert_eq!(solve(&Challenge::for_token(token(40))), Err(PowError::TooHard(40)));
        assert_eq!(solve(&Challenge { difficulty: 1, ..challenge.clone() }), Err(PowError::Inconsistent));
        assert_eq!(solve(&Challenge { max_bytes: 1 << 40, ..challenge }), Err(PowError::Inconsistent));
    }

    #[test]
    fn the_token_keeps_its_fields() {
        let t = token(21);
        assert_eq!(
            (t.max_bytes(), t.difficulty(), t.issued_unix(), t.random()),
            (16 << 20, 21, 1_800_000_000, [7; 16])
        );
        assert_eq!(t.mac(), &[9; MAC_LEN]);
        assert_eq!(t.signed_part().len(), TOKEN_LEN - MAC_LEN);
        assert_eq!(t.to_string().parse::<ChallengeToken>(), Ok(t));
        let mut other_version = t.0;
        other_version[0] = 1;
        assert_eq!(crate::wire::to_hex(&other_version).parse::<ChallengeToken>(), Err(PowError::Malformed));
    }

    #[test]
    fn work_grows_with_size() {
        let unit = DEFAULT_BYTES_PER_UNIT;
        assert_eq!(difficulty_for(21, unit, 0), Some(21));
        assert_eq!(difficulty_for(21, unit, 16 * 1024), Some(21));
        assert_eq!(difficulty_for(21, unit, unit), Some(21));
        assert_eq!(difficulty_for(21, unit, unit + 1), Some(22));
        assert_eq!(difficulty_for(21, unit, 4 * unit), Some(23));
        assert_eq!(difficulty_for(21, unit, 4 * unit + 1), Some(24));
        assert_eq!(difficulty_for(21, unit, 256 * 1024 * 1024), Some(27));
        assert_eq!(difficulty_for(21, unit, u64::MAX), None);
        assert_eq!(difficulty_for(32, unit, unit + 1), None);
        assert_eq!(difficulty_for(MAX_DIFFICULTY, unit, unit), Some(MAX_DIFFICULTY), "the most is allowed");
    }

    /// The leading zero bits of the 256-bit puzzle hash, counted independently of `work`.
    fn zeros_by_bits(token: &ChallengeToken, counter: u64) -> u32 {
        let mut h = Sha256::new();
        h.update(POW_CONTEXT);
        h.update(token.0);
        h.update(counter.to_le_bytes());
        let digest = h.finalize();
        let high = u128::from_be_bytes(digest[..16].try_into().unwrap_or_default());
        let low = u128::from_be_bytes(digest[16..].try_into().unwrap_or_default());
        if high == 0 {
            128 + low.leading_zeros()
        } else {
            high.leading_zeros()
        }
    }

    /// Exactly at the boundary: `work` counts leading zero bits across byte edges, the solver
    /// returns the first counter that meets the difficulty (not one that beats it), and a
    /// counter with exactly the difficulty's zeros verifies while one bit fewer does not.
    #[test]
    fn the_difficulty_boundary_is_exact() {
        let t = token(6);
        for n in 0..4096 {
            assert_eq!(work(&t, n), zeros_by_bits(&t, n), "counter {n}");
        }
        let first = (0u64..).find(|&n| zeros_by_bits(&t, n) >= 6).unwrap_or_default();
        assert_eq!(solve(&Challenge::for_token(t)).map(|s| s.counter), Ok(first), "the first that meets it");
        let exact = (0u64..).find(|&n| zeros_by_bits(&t, n) == 6).unwrap_or_default();
        assert_eq!(verify(&Solution { challenge: t, counter: exact }), Ok(()), "exactly enough");
        let short = (0u64..).find(|&n| zeros_by_bits(&t, n) == 5).unwrap_or_default();
        assert_eq!(verify(&Solution { challenge: t, counter: short }), Err(PowError::Insufficient), "one bit short");
        // Past the first byte: a counter with at least 9 zeros is counted across the edge.
        let nine = (0u64..).find(|&n| zeros_by_bits(&t, n) >= 9).unwrap_or_default();
        assert_eq!(work(&t, nine), zeros_by_bits(&t, nine));
        assert_eq!(solve(&Challenge::for_token(token(MAX_DIFFICULTY + 1))), Err(PowError::TooHard(MAX_DIFFICULTY + 1)));
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(PowError::Malformed.code(), "pow-malformed");
        assert_eq!(PowError::Insufficient.code(), "pow-insufficient");
        assert_eq!(PowError::TooHard(40).code(), "pow-too-hard");
        assert_eq!(PowError::Inconsistent.code(), "pow-inconsistent");
    }
}
