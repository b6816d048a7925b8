#!/usr/bin/env bash
# Every test and check Candour has, on a fresh machine with only the Rust toolchain: installs
# what the suite needs (the wasm32 target, clippy/rustfmt, cargo-deny, the reference `age` CLI,
# Chromium and chromedriver, PostgreSQL, nginx, lintian, groff, openssl; cargo-deb when the
# package is built), then runs formatting, lints, the wasm32 build of the protocol crate, the
# whole test suite (the browser tests and the rebuild of the page's module included) and the
# check of the Debian package.
# Browser screenshots are written to target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The pinned toolchain (rust-toolchain.toml). Where rustup lacks it by that name but its stable
# toolchain is that very release, the stable one is linked under the pinned name rather than
# downloaded again; otherwise rustup installs it.
pinned=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
if ! rustup toolchain list | grep -q "^$pinned-"; then
  if [ "$(RUSTUP_TOOLCHAIN=stable rustc --version 2>/dev/null | cut -d' ' -f2)" = "$pinned" ]; then
    rustup toolchain link "$pinned" "$(RUSTUP_TOOLCHAIN=stable rustc --print sysroot)"
  else
    rustup toolchain install "$pinned" --profile minimal
  fi
fi

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
# The reference age CLI (interop tests), headless Chromium with its WebDriver (browser tests),
# GNU time (the bounded-memory sync test reads its peak resident size) and aiosmtpd.
missing=()
command -v age >/dev/null || missing+=(age)
# groff reads the generated manual pages (tests/cli_conventions.rs).
command -v groff >/dev/null || missing+=(groff-base)
# Debian's nginx runs deploy/nginx-candour.conf in front of a relay (tests/deploy_nginx.rs), with
# a throwaway certificate from openssl. (Where systemd runs, installing it starts its default site.)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v openssl >/dev/null || missing+=(openssl)
# The Debian package is checked with lintian (scripts/build-deb.sh, after the tests).
command -v lintian >/dev/null || missing+=(lintian)
[ -x /usr/bin/time ] || missing+=(time)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
# wasm2js, for the page's JavaScript build of the module (scripts/build-web.sh).
command -v wasm2js >/dev/null || missing+=(binaryen)
# A real SMTP server on loopback for the alert test (Debian's python3, not another on PATH).
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
# PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup): the PostgreSQL store's tests
# start throwaway primaries and standbys in temporary folders, on loopback, as an unprivileged
# user (crates/candour-store-pg/tests/cluster).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo deny (bans: duplicates and wildcards; licences; sources. Advisories: scripts/advisories.sh)"
command -v cargo-deny >/dev/null || cargo install --locked --quiet cargo-deny
# Not --offline: the crate graph it reads covers every target (Windows crates, the fuzzer's afl),
# which a build on this machine never downloads. These checks fetch no advisory database.
cargo deny check bans licenses sources
echo "== cargo doc (warnings are errors: broken links, links to private items)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet
echo "== candour-core for wasm32-unknown-unknown"
cargo build --quiet -p candour-core --target wasm32-unknown-unknown
# A test process killed half-way (a timeout, ^C) cannot stop the PostgreSQL servers it started:
# stop any that are left, when the suite ends however it ends.
stop_test_servers() {
  for pid_file in "${TMPDIR:-/tmp}"/candour-pg-*/*/postmaster.pid; do
    [ -f "$pid_file" ] || continue
    pid=$(head -n 1 "$pid_file")
    kill -KILL -- "-$pid" "$pid" 2>/dev/null || true
  done
}
trap stop_test_servers EXIT
echo "== cargo test"
cargo test --workspace
echo "== the Debian package: scripts/build-deb.sh on the binary the tests built (dpkg-deb, lintian)"
scripts/build-deb.sh target/debug/candour >/dev/null
