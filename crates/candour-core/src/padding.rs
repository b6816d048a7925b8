//! Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
//! Communication with PURBs", PETS 2019, §4) with a 16 KiB floor.
//!
//! The relay sees only an envelope's size. Padding every plaintext up to the next Padmé length
//! leaks O(log log n) bits of its true length and costs at most about 12 % overhead; the floor
//! makes every short report (nearly all of them) exactly the same size.

/// Every padded plaintext is at least this long: a one-line tip and a five-page statement look
/// the same.
pub const PADDING_FLOOR: u64 = 16 * 1024;

/// The padded length of a plaintext of `len` bytes: `max(len, floor)` rounded up with Padmé.
///
/// `E = floor(log2 L)`, `S = floor(log2 E) + 1`, `mask = 2^(E-S) - 1`, result `(L + mask) & !mask`.
/// Never shrinks its input. Saturates rather than overflowing for lengths near `u64::MAX`, which
/// no real envelope reaches.
pub fn padded_len(len: u64) -> u64 {
    let l = len.max(PADDING_FLOOR);
    let e = 63 - u64::from(l.leading_zeros()); // floor(log2 L), L >= 2^14 so E >= 14
    let s = 64 - u64::from(e.leading_zeros()); // floor(log2 E) + 1
    let mask = (1u64 << (e - s)) - 1;
    match l.checked_add(mask) {
        Some(v) => v & !mask,
        None => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn floor_and_known_values() {
        assert_eq!(padded_len(0), PADDING_FLOOR);
        assert_eq!(padded_len(1), PADDING_FLOOR);
        assert_eq!(padded_len(PADDING_FLOOR), PADDING_FLOOR);
        // 16385: E = 14, S = 4, mask = 2^10 - 1, so the next multiple of 1024.
        assert_eq!(padded_len(PADDING_FLOOR + 1), PADDING_FLOOR + 1024);
        // 1 MiB + 1: E = 20, S = 5, mask = 2^15 - 1.
        assert_eq!(padded_len((1 << 20) + 1), (1 << 20) + (1 << 15));
    }

    proptest! {
        #[test]
        fn never_shrinks_and_bounded_overhead(len in 0u64..(1u64 << 42)) {
            let p = padded_len(len);
            prop_assert!(p >= len);
            prop_assert!(p >= PADDING_FLOOR);
            if len <= PADDING_FLOOR {
                prop_assert_eq!(p, PADDING_FLOOR);
            } else {
                // Padmé's worst case is (2^(E-S) - 1) / L < 1/2^(S-1) <= 12 % for L >= 2^14.
                prop_assert!((p - len) as f64 <= 0.12 * len as f64, "len {} padded {}", len, p);
            }
            // Idempotent: a padded length is already on the grid.
            prop_assert_eq!(padded_len(p), p);
        }
    }
}
