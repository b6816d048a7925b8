//! The AFL++ entry point: `candour-fuzz-afl <target>` fuzzes one target of
//! [`candour_fuzz::TARGETS`]. Built only by `cargo afl build --features afl` (scripts/fuzz.sh),
//! since it links against AFL++'s runtime.
#![forbid(unsafe_code)]

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(target) = candour_fuzz::target(&name) else {
        let names: Vec<&str> = candour_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!("usage: candour-fuzz-afl <target>; targets: {}", names.join(" "));
        std::process::exit(2);
    };
    // `fuzz_nohook`: a panic that the code under test catches itself (the PDF stripper catches
    // lopdf's) is handled behaviour, not a crash; any panic that escapes still aborts, which
    // AFL++ records as a crash.
    afl::fuzz_nohook!(|data: &[u8]| target(data));
}
