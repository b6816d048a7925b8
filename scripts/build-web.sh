#!/usr/bin/env bash
# Builds the reporter page's WebAssembly module from source: candour-web for
# wasm32-unknown-unknown, reproducibly (paths remapped, one codegen unit, locked dependencies),
# into crates/candour-web/page/candour.wasm, which the relay embeds. Pass another path to build
# elsewhere (the reproducibility test does). A force pins its own root with
# CANDOUR_PINNED_ROOT=candour-root-... (comma-separated for several).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
out="${1:-crates/candour-web/page/candour.wasm}"

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

export CARGO_TARGET_DIR="${CANDOUR_WEB_TARGET_DIR:-$repo/target/web}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# Flags separated by 0x1f, so paths with spaces survive. The remaps make the output independent
# of where the checkout, the registry and the target folder are; the cfg picks getrandom 0.3's
# page-seeded backend (see crates/candour-web/src/rng.rs).
sep=$'\x1f'
flags="--cfg${sep}getrandom_backend=\"custom\""
flags+="${sep}--remap-path-prefix=${cargo_home}=/cargo"
flags+="${sep}--remap-path-prefix=${repo}=/candour"
flags+="${sep}--remap-path-prefix=${CARGO_TARGET_DIR}=/target"
CARGO_ENCODED_RUSTFLAGS="$flags" cargo build --locked --quiet -p candour-web \
  --target wasm32-unknown-unknown --profile web
mkdir -p "$(dirname "$out")"
cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/candour_web.wasm" "$out"
echo "$(sha256sum "$out" | cut -d' ' -f1)  $out ($(stat -c %s "$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped)"
