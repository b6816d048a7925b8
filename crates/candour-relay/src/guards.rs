//! Single-use guards that cost the relay no unbounded state: stateless proof-of-work challenges
//! and the replay window of signed requests.
//!
//! # Challenges (docs/design.md §1.7)
//! A challenge is a [`ChallengeToken`] whose last 16 bytes are an HMAC-SHA256 (truncated) by a
//! key drawn at start-up and held only in memory, over the token's version, random bytes, size
//! bound, difficulty and issue time. Issuing one stores nothing, so however many a client asks
//! for, the relay's memory does not grow and no other reporter is turned away. On submission
//! the relay checks the MAC (in constant time), the age of the token and the work, and only
//! then remembers the token's random bytes as redeemed, until the token would have expired
//! anyway. Every remembered token cost its sender a solved puzzle of at least the base
//! difficulty, so the work bounds that memory; a hard cap answers `busy` beyond it. A restart
//! draws a new key: outstanding tokens stop working and clients ask again, which they do
//! anyway after any refusal.
//!
//! Truncating the HMAC to 128 bits is safe here: forging a token means finding a MAC for chosen
//! contents without the key, and each guess costs an HTTP request.
//!
//! # Nonces
//! Nonces of signed requests are remembered for as long as their timestamps are fresh, so a
//! captured request cannot be sent again. They must survive a restart too: a reviewer whose
//! clock runs ahead signs with a timestamp still fresh minutes after a restart. So, where the
//! relay has a data folder, every nonce is also appended to a journal there, written before the
//! request is answered (it survives the process being killed; it is not synced, so a power cut
//! may lose the last ones, which is why the relay also refuses requests signed before it
//! started). The journal holds the 16 random bytes of each nonce and nothing else: no time, no
//! key, no path. It is two files, `nonces-current` and `nonces-previous`, rotated every two skew
//! windows, so it never holds more than the last few minutes of nonces; on start both are read
//! and their nonces refused until two windows have passed.

use std::collections::HashMap;
use std::sync::Mutex;

use candour_core::pow::{ChallengeToken, MAC_LEN};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::ApiError;

/// How long an issued challenge stays valid, seconds.
pub const CHALLENGE_TTL_SECS: u64 = 600;
/// At most this many redeemed challenges are remembered; beyond it submissions answer `busy`
/// (each one cost a solved puzzle: at the default difficulty, about 10^6 of them is a
/// hundred thousand core-seconds of work within ten minutes).
pub const MAX_REDEEMED_CHALLENGES: usize = 1_000_000;
/// At most this many nonces are remembered; beyond it signed requests answer `busy`.
pub const MAX_REMEMBERED_NONCES: usize = 1_000_000;
/// Domain separation for the challenge MAC.
const MAC_CONTEXT: &[u8] = b"candour/v2/pow-challenge-mac\n";

/// Issues and redeems stateless challenges.
pub struct ChallengeIssuer {
    key: Zeroizing<[u8; 32]>,
    redeemed: Mutex<HashMap<[u8; 16], u64>>,
}

impl std::fmt::Debug for ChallengeIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChallengeIssuer(key redacted)")
    }
}

impl Default for ChallengeIssuer {
    fn default() -> Self {
        ChallengeIssuer { key: Zeroizing::new(rand::random()), redeemed: Mutex::new(HashMap::new()) }
    }
}

/// Why a challenge token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not issued by this relay (since its last start), or altered.
    Unknown,
    /// Older than [`CHALLENGE_TTL_SECS`], or from the future.
    Expired,
    /// Already used.
    Used,
}

impl ChallengeIssuer {
    fn mac(&self, signed_part: &[u8]) -> Hmac<Sha256> {
        // HMAC takes keys of any length; 32 bytes cannot fail.
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.key[..]).unwrap_or_else(|_| unreachable!());
        mac.update(MAC_CONTEXT);
        mac.update(signed_part);
        mac
    }

    /// A fresh token for an envelope of at most `max_bytes`, at `difficulty`, issued `now`.
    /// Nothing is stored.
    pub fn issue(&self, max_bytes: u64, difficulty: u8, now: u64) -> ChallengeToken {
        let unsigned = ChallengeToken::new(rand::random(), max_bytes, difficulty, now, [0; MAC_LEN]);
        let tag = self.mac(unsigned.signed_part()).finalize().into_bytes();
        let mut mac = [0u8; MAC_LEN];
        mac.copy_from_slice(&tag[..MAC_LEN]);
        ChallengeToken::new(unsigned.random(), max_bytes, difficulty, now, mac)
    }

    /// Whether this relay issued the token, unaltered, and it is still fresh (without using it).
    pub fn check(&self, token: &ChallengeToken, now: u64) -> Result<(), Refusal> {
        self.mac(token.signed_part()).verify_truncated_left(token.mac()).map_err(|_| Refusal::Unknown)?;
        let issued = token.issued_unix();
        if issued > now.saturating_add(1) || now > issued.saturating_add(CHALLENGE_TTL_SECS) {
            return Err(Refusal::Expired);
        }
        Ok(())
    }

    /// Uses a token up, after [`ChallengeIssuer::check`] and the work were verified.
    pub fn redeem(&self, token: &ChallengeToken, now: u64) -> Result<Result<(), Refusal>, ApiError> {
        let mut redeemed = self.redeemed.lock().map_err(|_| ApiError::STORAGE)?;
        if redeemed.len() >= MAX_REDEEMED_CHALLENGES {
            redeemed.retain(|_, until| *until >= now);
            if redeemed.len() >= MAX_REDEEMED_CHALLENGES {
                return Err(ApiError::BUSY);
            }
        }
        let until = token.issued_unix().saturating_add(CHALLENGE_TTL_SECS);
        Ok(match redeemed.insert(token.random(), until) {
            None => Ok(()),
            Some(_) => Err(Refusal::Used),
        })
    }

    /// How many redeemed tokens are remembered (for tests of the bound).
    #[cfg(test)]
    pub fn remembered(&self) -> usize {
        self.redeemed.lock().map_or(0, |r| r.len())
    }
}

/// Nonces of signed requests seen within the replay window, with the Unix second after which
/// each can be forgotten, and optionally their journal.
#[derive(Debug, Default)]
pub struct NonceBook {
    seen: Mutex<HashMap<[u8; 16], u64>>,
    journal: Option<Mutex<Journal>>,
}

/// The nonce journal's two files (see the module docs).
#[derive(Debug)]
struct Journal {
    dir: std::path::PathBuf,
    current: std::fs::File,
    rotate_at: u64,
    window: u64,
}

const JOURNAL_CURRENT: &str = "nonces-current";
const JOURNAL_PREVIOUS: &str = "nonces-previous";

impl NonceBook {
    /// A book whose nonces survive restarts in `dir`, reading what an earlier run left: its
    /// nonces are refused until `2 * skew` seconds after `now`.
    pub fn journaled(dir: &std::path::Path, skew: u64, now: u64) -> std::io::Result<NonceBook> {
        let window = 2 * skew.max(1);
        let mut seen = HashMap::new();
        for name in [JOURNAL_PREVIOUS, JOURNAL_CURRENT] {
            match std::fs::read(dir.join(name)) {
                Ok(bytes) => {
                    for nonce in bytes.chunks_exact(16) {
                        let mut n = [0u8; 16];
                        n.copy_from_slice(nonce);
                        seen.insert(n, now.saturating_add(window));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        // What the last run saw becomes the previous file; this run starts a current one.
        if dir.join(JOURNAL_CURRENT).exists() {
            std::fs::rename(dir.join(JOURNAL_CURRENT), dir.join(JOURNAL_PREVIOUS))?;
        }
        let current = std::fs::OpenOptions::new().create(true).append(true).open(dir.join(JOURNAL_CURRENT))?;
        let journal = Journal { dir: dir.to_owned(), current, rotate_at: now.saturating_add(window), window };
        Ok(NonceBook { seen: Mutex::new(seen), journal: Some(Mutex::new(journal)) })
    }

    /// Records a nonce; false if it was already recorded (a replay racing the original). With a
    /// journal, the nonce is written to it before this returns.
    ///
    /// A journal that cannot be written (a full disk) refuses the request, unless it only
    /// reads (`reads_only`): the nonce is still refused for the rest of this run, and a read
    /// replayed after a restart would return only ciphertext its signer was sent already, so
    /// reviewers can still read what the relay holds while its disk is full.
    pub fn record(&self, nonce: [u8; 16], forget_after: u64, now: u64, reads_only: bool) -> Result<bool, ApiError> {
        let mut seen = self.seen.lock().map_err(|_| ApiError::STORAGE)?;
        if seen.len() >= MAX_REMEMBERED_NONCES {
            seen.retain(|_, until| *until >= now);
            if seen.len() >= MAX_REMEMBERED_NONCES {
                return Err(ApiError::BUSY);
            }
        }
        if seen.contains_key(&nonce) {
            return Ok(false);
        }
        if let Some(journal) = &self.journal {
            let mut journal = journal.lock().map_err(|_| ApiError::STORAGE)?;
            if let Err(e) = journal.append(&nonce, now) {
                tracing::error!(error = %e.kind(), "cannot write the nonce journal");
                if !reads_only {
                    return Err(ApiError::STORAGE);
                }
            }
        }
        seen.insert(nonce, forget_after);
        Ok(true)
    }
}

impl Journal {
    fn append(&mut self, nonce: &[u8; 16], now: u64) -> std::io::Result<()> {
        use std::io::Write as _;
        if now >= self.rotate_at {
            // Everything in the previous file is older than two windows: gone. The current one
            // becomes the previous, so the last window's nonces are still on disk.
            std::fs::rename(self.dir.join(JOURNAL_CURRENT), self.dir.join(JOURNAL_PREVIOUS))?;
            self.current =
                std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join(JOURNAL_CURRENT))?;
            self.rotate_at = now.saturating_add(self.window);
        }
        self.current.write_all(nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_checked_by_mac_age_and_use() {
        let issuer = ChallengeIssuer::default();
        let now = 1_800_000_000;
        let token = issuer.issue(1 << 20, 21, now);
        assert_eq!((token.max_bytes(), token.difficulty(), token.issued_unix()), (1 << 20, 21, now));
        assert_eq!(issuer.check(&token, now + 5), Ok(()));
        assert_ne!(issuer.issue(1 << 20, 21, now), token, "fresh randomness each time");
        assert_eq!(issuer.remembered(), 0, "issuing stores nothing");
        // Any change to what the MAC covers, or another relay's token, is unknown.
        for field in [1usize, 20, 25, 30] {
            let mut altered = token.0;
            altered[field] ^= 1;
            assert_eq!(issuer.check(&ChallengeToken(altered), now), Err(Refusal::Unknown), "byte {field}");
        }
        assert_eq!(ChallengeIssuer::default().check(&token, now), Err(Refusal::Unknown));
        assert_eq!(issuer.check(&token, now + CHALLENGE_TTL_SECS + 1), Err(Refusal::Expired));
        assert_eq!(issuer.check(&token, now - 5), Err(Refusal::Expired), "issued in the future");
        // The edges of the window: a second of clock step ahead is tolerated, two are not; a
        // token is good through its last second and not one after.
        assert_eq!(issuer.check(&token, now - 1), Ok(()), "issued a second ahead of this clock");
        assert_eq!(issuer.check(&token, now - 2), Err(Refusal::Expired), "issued two seconds ahead");
        assert_eq!(issuer.check(&token, now + CHALLENGE_TTL_SECS), Ok(()), "the last second of its life");
        assert_eq!(issuer.redeem(&token, now), Ok(Ok(())));
        assert_eq!(issuer.redeem(&token, now), Ok(Err(Refusal::Used)), "a token works once");
        assert_eq!(issuer.remembered(), 1);
    }

    #[test]
    fn journaled_nonces_survive_a_restart_and_the_journal_holds_nothing_else() {
        let dir = tempfile::tempdir().expect("tmp");
        let book = NonceBook::journaled(dir.path(), 300, 1_000).expect("journal");
        assert_eq!(book.record([1; 16], 1_300, 1_000, false), Ok(true));
        assert_eq!(book.record([2; 16], 1_300, 1_001, false), Ok(true));
        drop(book);
        let files: Vec<u8> = [JOURNAL_CURRENT, JOURNAL_PREVIOUS]
            .iter()
            .flat_map(|n| std::fs::read(dir.path().join(n)).unwrap_or_default())
            .collect();
        assert_eq!(files, [[1u8; 16], [2u8; 16]].concat(), "sixteen random bytes a request, nothing else");
        let restarted = NonceBook::journaled(dir.path(), 300, 1_002).expect("journal");
        assert_eq!(restarted.record([1; 16], 1_300, 1_002, false), Ok(false), "replayed across a restart");
        assert_eq!(restarted.record([3; 16], 1_300, 1_002, false), Ok(true));
        // Two windows on, the first run's nonces have left the journal.
        assert_eq!(restarted.record([4; 16], 2_300, 1_602, false), Ok(true));
        assert_eq!(restarted.record([5; 16], 2_300, 2_203, false), Ok(true));
        let again = NonceBook::journaled(dir.path(), 300, 2_204).expect("journal");
        assert_eq!(again.record([1; 16], 2_900, 2_204, false), Ok(true), "long forgotten");
        assert_eq!(again.record([5; 16], 2_900, 2_204, false), Ok(false));
    }

    #[test]
    fn a_journal_on_a_full_disk_refuses_writes_but_lets_reads_through() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut book = NonceBook::journaled(dir.path(), 300, 1_000).expect("journal");
        // /dev/full: every write fails with ENOSPC, as on a full disk.
        let full = std::fs::OpenOptions::new().append(true).open("/dev/full").expect("/dev/full");
        if let Some(journal) = book.journal.as_mut() {
            journal.get_mut().expect("lock").current = full;
        }
        assert_eq!(book.record([1; 16], 1_300, 1_000, false), Err(ApiError::STORAGE), "a write fails closed");
        assert_eq!(book.record([1; 16], 1_300, 1_000, true), Ok(true), "a read is served");
        assert_eq!(book.record([1; 16], 1_300, 1_000, true), Ok(false), "and still works once");
    }

    #[test]
    fn nonces_are_remembered_until_they_can_no_longer_pass_the_clock_check() {
        let book = NonceBook::default();
        assert_eq!(book.record([1; 16], 1_300, 1_000, false), Ok(true));
        assert_eq!(book.record([1; 16], 1_300, 1_000, false), Ok(false), "a nonce works once");
        assert_eq!(book.record([2; 16], 1_300, 1_000, false), Ok(true));
    }

    /// A full book forgets only nonces whose requests the clock check would refuse anyway, and
    /// refuses (`busy`) rather than forget one that could still be replayed.
    #[test]
    fn a_full_book_forgets_expired_nonces_and_only_those() {
        let book = NonceBook::default();
        let nonce = |i: u128| i.to_be_bytes();
        for i in 0..MAX_REMEMBERED_NONCES as u128 {
            assert_eq!(book.record(nonce(i), 1_300, 1_000, false), Ok(true));
        }
        assert_eq!(book.record(nonce(u128::MAX), 1_400, 1_300, false), Err(ApiError::BUSY), "none has expired yet");
        assert_eq!(book.record(nonce(0), 1_400, 1_300, false), Err(ApiError::BUSY), "nor can a replay get in");
        // One second after they can no longer pass the clock check, they are forgotten.
        assert_eq!(book.record(nonce(u128::MAX), 1_400, 1_301, false), Ok(true));
        assert_eq!(book.record(nonce(u128::MAX), 1_400, 1_301, false), Ok(false), "the new one is remembered");
        assert_eq!(book.record(nonce(0), 1_400, 1_301, false), Ok(true), "an expired one was forgotten");
    }

    /// The book of redeemed challenges is bounded the same way: when full it forgets only
    /// tokens past their life (which `check` refuses anyway), and otherwise refuses (`busy`)
    /// rather than grow or forget one that could be used again.
    #[test]
    fn a_full_challenge_book_forgets_expired_tokens_and_only_those() {
        let issuer = ChallengeIssuer::default();
        let issued = 1_000;
        {
            let mut redeemed = issuer.redeemed.lock().expect("lock");
            for i in 0..MAX_REDEEMED_CHALLENGES as u128 {
                redeemed.insert(i.to_be_bytes(), issued + CHALLENGE_TTL_SECS);
            }
        }
        let fresh = issuer.issue(1 << 20, 21, issued);
        let last_second = issued + CHALLENGE_TTL_SECS;
        assert_eq!(issuer.redeem(&fresh, last_second), Err(ApiError::BUSY), "none has expired yet");
        assert_eq!(issuer.remembered(), MAX_REDEEMED_CHALLENGES, "the book never grows past its bound");
        let later = issuer.issue(1 << 20, 21, last_second + 1);
        assert_eq!(issuer.redeem(&later, last_second + 1), Ok(Ok(())), "expired tokens were forgotten");
        assert_eq!(issuer.remembered(), 1);
        assert_eq!(issuer.redeem(&later, last_second + 1), Ok(Err(Refusal::Used)));
    }

    /// What an earlier run journaled is refused for two skew windows after the restart (a
    /// request signed just before it may arrive up to a window late, stamped up to a window
    /// ahead), and then forgotten like any other nonce.
    #[test]
    fn journaled_nonces_are_held_for_two_skew_windows() {
        let dir = tempfile::tempdir().expect("tmp");
        let now = 1_000;
        let skew = 300;
        let book = NonceBook::journaled(dir.path(), skew, now).expect("journal");
        assert_eq!(book.record([5; 16], now + skew, now, false), Ok(true));
        drop(book);
        let book = NonceBook::journaled(dir.path(), skew, now).expect("reopens");
        let held: Vec<u64> = book.seen.lock().expect("lock").values().copied().collect();
        assert_eq!(held, vec![now + 2 * skew]);
    }

    /// A journal that exists but cannot be read fails the start: a relay that went on with an
    /// empty book would accept replays of what it had seen.
    #[test]
    fn an_unreadable_journal_is_an_error_not_an_empty_book() {
        for name in [JOURNAL_CURRENT, JOURNAL_PREVIOUS] {
            let dir = tempfile::tempdir().expect("tmp");
            // A folder where the file should be: reading it fails (and not as "not found").
            std::fs::create_dir(dir.path().join(name)).expect("folder");
            assert!(NonceBook::journaled(dir.path(), 300, 1_000).is_err(), "{name} unreadable, yet the relay started");
        }
    }
}
