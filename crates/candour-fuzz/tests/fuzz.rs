//! Every fuzz target, briefly, inside `cargo test`: first each checked-in seed under
//! `seeds/<target>/` (files named `crash-*` are known findings kept for AFL++ and left out
//! here), then bolero's test engine for a short time on mutations of those seeds and on random
//! bytes. Run longer with `BOLERO_RANDOM_TEST_TIME_MS=60000 cargo test -p candour-fuzz`, or
//! with AFL++ through `scripts/fuzz.sh`.

use std::path::PathBuf;
use std::time::Duration;

/// Time per bolero run (two runs per target) unless `BOLERO_RANDOM_TEST_TIME_MS` says otherwise.
const BUDGET: Duration = Duration::from_millis(400);

/// The seeds of one target, in a stable order, without the known crashes.
fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    let mut seeds: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            path.is_file() && !name.starts_with('.') && !name.starts_with("crash-")
        })
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, bytes)
        })
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// Runs every seed, naming the one that fails.
fn run_seeds(target: fn(&[u8]), seeds: &[(PathBuf, Vec<u8>)]) {
    for (path, bytes) in seeds {
        if std::panic::catch_unwind(|| target(bytes)).is_err() {
            panic!("seed {} fails its target (see the panic above)", path.display());
        }
    }
}

/// One edit of a seed, as bolero generates them: overwrite, insert, remove or cut at a place.
fn mutate(seed: &[u8], edits: &[(u8, u16, u8)]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for &(op, at, byte) in edits {
        let at = if data.is_empty() { 0 } else { usize::from(at) % data.len() };
        match op % 5 {
            0 if !data.is_empty() => data[at] = byte,
            1 => data.insert(at, byte),
            2 if !data.is_empty() => {
                data.remove(at);
            }
            3 => data.truncate(at),
            4 if !data.is_empty() => data[at] ^= 1 << (byte % 8),
            _ => {}
        }
    }
    data
}

macro_rules! fuzz_tests {
    ($($target:ident),+ $(,)?) => {$(
        #[test]
        fn $target() {
            let seeds = seeds(stringify!($target));
            run_seeds(candour_fuzz::$target, &seeds);
            bolero::check!()
                .with_type::<(u16, Vec<(u8, u16, u8)>)>()
                .with_test_time(BUDGET)
                .for_each(|(pick, edits)| {
                    let (_, seed) = &seeds[usize::from(*pick) % seeds.len()];
                    candour_fuzz::$target(&mutate(seed, edits));
                });
            bolero::check!().with_test_time(BUDGET).for_each(|data: &[u8]| candour_fuzz::$target(data));
        }
    )+};
}

fuzz_tests!(
    envelope_open,
    envelope_frame,
    envelope_shape,
    directory,
    token_words,
    signed_request,
    pow_solution,
    case_event,
    api_json,
    strip_jpeg,
    strip_png,
    strip_pdf,
);

#[test]
fn every_target_has_a_test_and_seeds() {
    for (name, _) in candour_fuzz::TARGETS {
        assert!(!seeds(name).is_empty());
    }
    assert_eq!(candour_fuzz::TARGETS.len(), 12, "a new target needs a test in this file");
}
