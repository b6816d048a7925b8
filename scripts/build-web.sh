#!/usr/bin/env bash
# Builds the reporter page's WebAssembly module from source: candour-web for
# wasm32-unknown-unknown, reproducibly (paths remapped, one codegen unit, locked dependencies),
# into crates/candour-web/page/candour.wasm, which the relay embeds. Pass another path to build
# elsewhere (the reproducibility test does). A force pins its own root with
# CANDOUR_PINNED_ROOT=candour-root-... (comma-separated for several).
#
# Then the same module as JavaScript, for browsers without WebAssembly (Tor Browser's "Safer"
# level): Binaryen's wasm2js translates candour.wasm itself, so both run the same code; the
# output is wrapped into one function that makes a fresh instance (the glue calls it in the
# page's worker, crates/candour-web/page/candour-module.js) and stored gzipped (gzip -9n, no
# name or time) as candour-wasm.js.gz beside the module. The module is built for the original
# WebAssembly feature set (-Ctarget-cpu=mvp), which wasm2js can translate.
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
flags="--cfg${sep}getrandom_backend=\"custom\"${sep}-Ctarget-cpu=mvp"
flags+="${sep}--remap-path-prefix=${cargo_home}=/cargo"
flags+="${sep}--remap-path-prefix=${repo}=/candour"
flags+="${sep}--remap-path-prefix=${CARGO_TARGET_DIR}=/target"
CARGO_ENCODED_RUSTFLAGS="$flags" cargo build --locked --quiet -p candour-web \
  --target wasm32-unknown-unknown --profile web
mkdir -p "$(dirname "$out")"
cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/candour_web.wasm" "$out"
echo "$(sha256sum "$out" | cut -d' ' -f1)  $out ($(stat -c %s "$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped)"

command -v wasm2js >/dev/null || { echo "wasm2js is missing: apt-get install binaryen (./scripts/test.sh installs it)" >&2; exit 1; }
js_out="$(dirname "$out")/candour-wasm.js.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The features Rust's precompiled standard library uses even for an mvp build: wasm2js lowers them.
wasm2js -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals \
  "$out" -o "$work/raw.js"
marker='var retasmFunc = asmFunc('
grep -q "^$marker" "$work/raw.js" || { echo "wasm2js output is not as this script expects (no '$marker')" >&2; exit 1; }
{
  echo "// The sealing module as JavaScript: candour.wasm translated by Binaryen's wasm2js (scripts/build-web.sh)."
  echo "// Each call makes a fresh instance with the module's exports."
  echo "function candourModuleInstance() {"
  sed "/^$marker/,\$d" "$work/raw.js"
  echo "return asmFunc({ abort: function () { throw new Error(\"abort\"); } });"
  echo "}"
} > "$work/candour-wasm.js"
gzip -9n -c "$work/candour-wasm.js" > "$js_out"
echo "$(sha256sum "$work/candour-wasm.js" | cut -d' ' -f1)  $js_out ($(stat -c %s "$work/candour-wasm.js") bytes, $(stat -c %s "$js_out") gzipped)"
