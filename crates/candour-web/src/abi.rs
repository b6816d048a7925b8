//! The module's exports to the page: two transfer buffers and one call.
//!
//! The page asks for an input buffer of a given size (`candour_input`), writes 32 bytes of
//! `crypto.getRandomValues` and then the request frame into it, calls `candour_call`, and reads
//! the answer through `candour_output_ptr`/`candour_output_len`; `candour_release` wipes both
//! buffers. Pointers are only ever handed out, never taken in, so no Rust code dereferences
//! anything the page chose.
//!
//! Review note (unsafe): the only unsafe construct is `#[no_mangle]`, which makes these names
//! the module's exports; it is unsafe because two items with the same symbol name would clash
//! at link time. Every name here starts with `candour_` and is defined once. The one unsafe
//! block is `__getrandom_v03_custom`, getrandom 0.3's hook (see `rng.rs`), which must turn the
//! pointer getrandom gives it into a slice.
#![allow(unsafe_code)]

use std::cell::RefCell;

use zeroize::Zeroize;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Bytes of entropy at the start of every input.
const SEED: usize = 32;

/// Makes the input buffer `len` bytes long (zeroed) and returns where the page writes it.
#[no_mangle]
pub extern "C" fn candour_input(len: usize) -> *mut u8 {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        input.zeroize();
        input.resize(len, 0);
        input.as_mut_ptr()
    })
}

/// Runs call `op` on the input. Returns 0 when the output holds an answer, 1 when it holds an
/// error (`{"error": {"code", "message"}}` as the frame's JSON).
#[no_mangle]
pub extern "C" fn candour_call(op: u32) -> u32 {
    let result = INPUT.with(|input| {
        let input = input.borrow();
        let Some((seed, request)) = input.split_first_chunk::<SEED>() else {
            return Err(crate::WebError::Request("no entropy given".into()));
        };
        crate::rng::seed(*seed);
        let out = OUTPUT.with(|o| std::mem::take(&mut *o.borrow_mut()));
        crate::call(op, request, out)
    });
    crate::rng::forget();
    let (answer, status) = match result {
        Ok(frame) => (frame, 0),
        Err(e) => (crate::frame::build(&e.to_json(), &[]), 1),
    };
    OUTPUT.with(|o| *o.borrow_mut() = answer);
    INPUT.with(|input| input.borrow_mut().zeroize());
    status
}

/// Where the answer is.
#[no_mangle]
pub extern "C" fn candour_output_ptr() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}

/// How long the answer is.
#[no_mangle]
pub extern "C" fn candour_output_len() -> usize {
    OUTPUT.with(|o| o.borrow().len())
}

/// Wipes both buffers (the page calls it once it has copied the answer out).
#[no_mangle]
pub extern "C" fn candour_release() {
    INPUT.with(|i| i.borrow_mut().zeroize());
    OUTPUT.with(|o| o.borrow_mut().zeroize());
}

/// getrandom 0.3's custom backend (lopdf's generation), fed by the same page-seeded generator.
///
/// # Safety
/// getrandom calls this with `dest` valid for writes of `len` bytes, as its documentation for
/// custom backends requires; nothing else calls it.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(dest: *mut u8, len: usize) -> Result<(), getrandom03::Error> {
    // SAFETY: see the function's contract above: getrandom owns `dest[..len]` for this call.
    let buf = unsafe { std::slice::from_raw_parts_mut(dest, len) };
    if crate::rng::fill(buf) {
        Ok(())
    } else {
        Err(getrandom03::Error::UNSUPPORTED)
    }
}
