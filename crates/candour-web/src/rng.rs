//! Randomness in the browser: the page's `crypto.getRandomValues` seeds a ChaCha generator at
//! the start of every call, and `getrandom` (which `age`, the token and the signing keys draw
//! from) reads that generator.
//!
//! Why this composition is safe: each call starts from 32 fresh bytes of the browser's CSPRNG, and
//! `StdRng` (ChaCha12, rand's cryptographic generator) expands a uniformly random 256-bit seed
//! into a stream indistinguishable from random. A call draws at most a few kilobytes (file keys,
//! nonces, padding, decoy stanzas, a token), far within one seed's safe output. The state is
//! replaced, not mixed, by each seed, and is wiped at the end of the call, so one call's output
//! says nothing about another's. Without a seed, drawing randomness fails: nothing is ever sealed
//! with a predictable key.
//!
//! Why not wasm-bindgen's `js` backend: it needs generated JavaScript glue, and the page's glue
//! is small enough to audit by hand; this keeps the module's only imports at zero.

use std::cell::RefCell;

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

thread_local! {
    static GENERATOR: RefCell<Option<StdRng>> = const { RefCell::new(None) };
}

/// Starts a call's generator from 32 bytes of the page's entropy.
pub fn seed(entropy: [u8; 32]) {
    GENERATOR.with(|g| *g.borrow_mut() = Some(StdRng::from_seed(entropy)));
}

/// Forgets the generator at the end of a call.
pub fn forget() {
    GENERATOR.with(|g| *g.borrow_mut() = None);
}

/// Fills `dest` from the call's generator; `false` if the page gave no seed.
pub fn fill(dest: &mut [u8]) -> bool {
    GENERATOR.with(|g| match g.borrow_mut().as_mut() {
        Some(rng) => {
            rng.fill_bytes(dest);
            true
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
        seed([2; 32]);
        let mut b = [0u8; 32];
        assert!(fill(&mut b));
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
        forget();
    }
}
