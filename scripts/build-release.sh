#!/usr/bin/env bash
# Builds the `candour` binary for distribution, with the same path remaps as the page's module
# (scripts/build-web.sh), so the binary names no folder of the machine that built it (the cargo
# home, which carries the builder's user name, the checkout, the target folder) and is the same
# wherever it is built from the same source and toolchain (crates/candour-web/BUILD.md).
# Writes target/dist/release/candour (or under CANDOUR_DIST_TARGET_DIR) and prints its SHA-256,
# with its manual pages and shell completions under target/dist/release/share/.
# A plain `cargo build --release`, as the README's first command runs, embeds the cargo home's
# path in panic messages of dependencies; it is meant for running here, not for handing out.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
export CARGO_TARGET_DIR="${CANDOUR_DIST_TARGET_DIR:-$repo/target/dist}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
sep=$'\x1f'
flags="--remap-path-prefix=${cargo_home}=/cargo"
flags+="${sep}--remap-path-prefix=${repo}=/candour"
flags+="${sep}--remap-path-prefix=${CARGO_TARGET_DIR}=/target"
CARGO_ENCODED_RUSTFLAGS="$flags" cargo build --locked --quiet --release --bin candour
out="$CARGO_TARGET_DIR/release/candour"
echo "$(sha256sum "$out" | cut -d' ' -f1)  $out ($(stat -c %s "$out") bytes)"
# The manual pages and shell completions, from the same command definitions as the binary.
share="$CARGO_TARGET_DIR/release/share"
rm -rf "$share" && mkdir -p "$share/completions"
"$out" manpages "$share/man1" >/dev/null
for shell in bash zsh fish; do "$out" completions "$shell" > "$share/completions/candour.$shell"; done
echo "manual pages in $share/man1, completions in $share/completions"
