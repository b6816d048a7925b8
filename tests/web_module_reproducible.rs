//! The relay embeds a WebAssembly module checked into the repository
//! (`crates/candour-relay/web/candour.wasm`). This rebuilds it from source with
//! `scripts/build-web.sh` and requires identical bytes, so what the page runs, and the SHA-256 it
//! shows, is what this source builds: an auditor can do the same.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_checked_in_module_is_what_the_source_builds() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).parent().map(|p| p.join("web")).expect("target dir");
    let out = tempfile::tempdir().expect("tmp");
    let rebuilt = out.path().join("candour.wasm");
    let status = Command::new(repo.join("scripts/build-web.sh"))
        .arg(&rebuilt)
        .env("CANDOUR_WEB_TARGET_DIR", &target)
        // The default pinned root is the example organisation's, as in the checked-in build.
        .env_remove("CANDOUR_PINNED_ROOT")
        .env_remove("RUSTFLAGS")
        .status()
        .expect("scripts/build-web.sh runs");
    assert!(status.success(), "the build failed");
    let checked_in = std::fs::read(repo.join("crates/candour-relay/web/candour.wasm")).expect("checked-in module");
    let rebuilt = std::fs::read(&rebuilt).expect("rebuilt module");
    assert!(
        checked_in == rebuilt,
        "crates/candour-relay/web/candour.wasm ({} bytes) differs from what the source builds ({} bytes): \
         run scripts/build-web.sh and commit the result",
        checked_in.len(),
        rebuilt.len()
    );
    assert_eq!(&checked_in[..4], b"\0asm");
}
