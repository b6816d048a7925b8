//! The relay embeds a WebAssembly module checked into the repository
//! (`crates/candour-web/page/candour.wasm`). This rebuilds it from source with
//! `scripts/build-web.sh` the way another machine would, and requires identical bytes, so what the
//! page runs, and the SHA-256 it shows, is what this source builds: an auditor can do the same.
//!
//! "Another machine" here means everything a build machine may differ in apart from the source
//! and the toolchain (see `crates/candour-web/BUILD.md`):
//! - a cargo home in another folder, whose registry sources were unpacked at another time: the
//!   registry is copied (new creation times) and every source file is then dated 2001, so any
//!   file time that reaches the module changes it;
//! - a target folder in another place, empty, so nothing is reused from an earlier build;
//! - no network (the copied registry must be enough, as `--locked` promises).
//!
//! The module must also name none of the folders it was built in.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cargo_home() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => PathBuf::from(std::env::var_os("HOME").expect("HOME or CARGO_HOME is set")).join(".cargo"),
    }
}

fn run(command: &mut Command) {
    let status = command.status().unwrap_or_else(|e| panic!("{command:?} could not start: {e}"));
    assert!(status.success(), "{command:?} failed with {status}");
}

/// A copy of this machine's cargo registry (index, downloaded crates, unpacked sources) in
/// `home`, with every unpacked file's modification time set to 2001 and every creation time
/// the moment of the copy.
fn copy_registry_with_other_times(from: &Path, home: &Path) {
    // Everything the lock file names, for every target (the module's own wasm32-only crates too),
    // so the offline build below finds it all in the copy.
    run(Command::new(env!("CARGO")).args(["fetch", "--locked", "--quiet"]).current_dir(env!("CARGO_MANIFEST_DIR")));
    let registry = home.join("registry");
    std::fs::create_dir_all(&registry).expect("registry folder");
    for part in ["index", "cache", "src"] {
        let source = from.join("registry").join(part);
        assert!(source.is_dir(), "{} is missing: the suite's earlier builds fill it", source.display());
        // Plain `cp -r`, not `-a`: the copies get new times.
        run(Command::new("cp").arg("-r").arg(&source).arg(&registry));
    }
    run(Command::new("find").arg(registry.join("src")).args([
        "-exec",
        "touch",
        "-h",
        "-d",
        "2001-02-03 04:05:06 UTC",
        "{}",
        "+",
    ]));
}

#[test]
fn the_checked_in_module_is_what_the_source_builds_on_another_machine() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let machine = tempfile::tempdir().expect("tmp");
    let home = machine.path().join("cargo-home");
    let target = machine.path().join("target");
    copy_registry_with_other_times(&cargo_home(), &home);
    let rebuilt = machine.path().join("candour.wasm");
    run(Command::new(repo.join("scripts/build-web.sh"))
        .arg(&rebuilt)
        .env("CARGO_HOME", &home)
        .env("CANDOUR_WEB_TARGET_DIR", &target)
        .env("CARGO_NET_OFFLINE", "true")
        // The default pinned root is the example organisation's, as in the checked-in build.
        .env_remove("CANDOUR_PINNED_ROOT")
        .env_remove("CANDOUR_PINNED_THRESHOLD")
        .env_remove("CANDOUR_MIN_DIRECTORY_VERSION")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS"));
    let checked_in = std::fs::read(repo.join("crates/candour-web/page/candour.wasm")).expect("checked-in module");
    let rebuilt = std::fs::read(&rebuilt).expect("rebuilt module");
    assert_eq!(&rebuilt[..4], b"\0asm");
    assert!(
        checked_in == rebuilt,
        "crates/candour-web/page/candour.wasm ({} bytes) differs from what the source builds on another machine \
         ({} bytes, {} bytes differ): run scripts/build-web.sh and commit the result; if it still differs, \
         something the build machine chose reached the module (crates/candour-web/BUILD.md)",
        checked_in.len(),
        rebuilt.len(),
        checked_in.iter().zip(&rebuilt).filter(|(a, b)| a != b).count() + checked_in.len().abs_diff(rebuilt.len()),
    );
    // The JavaScript build beside it (wasm2js of this same module, gzipped) is reproduced too.
    let checked_in_js =
        std::fs::read(repo.join("crates/candour-web/page/candour-wasm.js.gz")).expect("checked-in build");
    let rebuilt_js = std::fs::read(machine.path().join("candour-wasm.js.gz")).expect("rebuilt JavaScript build");
    assert!(
        checked_in_js == rebuilt_js,
        "crates/candour-web/page/candour-wasm.js.gz ({} bytes) differs from what the source builds ({} bytes): \
         run scripts/build-web.sh and commit the result",
        checked_in_js.len(),
        rebuilt_js.len()
    );
    assert!(candour_relay::web::wasm_js().len() > 1 << 20, "the relay unpacks its embedded JavaScript build");
    // No folder of either build machine is named inside: paths are remapped to /candour,
    // /cargo and /target.
    let text = String::from_utf8_lossy(&rebuilt);
    for folder in [machine.path().to_path_buf(), repo.clone(), cargo_home()] {
        let folder = folder.to_string_lossy().into_owned();
        assert!(!text.contains(&folder), "the module names the build folder {folder}");
    }
}
