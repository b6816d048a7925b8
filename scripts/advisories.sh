#!/usr/bin/env bash
# The RustSec advisories against Cargo.lock, with cargo deny (deny.toml's [advisories]).
#
#   scripts/advisories.sh [LOCAL-ADVISORY-DB]
#
# Needs RustSec's advisory database, a git repository: fetched fresh from GitHub by default; on
# a machine that cannot reach GitHub, pass a local clone or mirror of it (a folder, bare or
# not), which is cloned and used as it is. Not part of ./scripts/test.sh, which runs offline
# and checks bans, licences and sources. Fails if the database cannot be had: an advisory
# check that did not run never passes.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
command -v cargo-deny >/dev/null || cargo install --locked cargo-deny
if [ $# -eq 0 ]; then
  exec cargo deny check advisories
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
# cargo deny keeps the default database in a folder named after its URL's hash.
git clone --quiet --depth 1 "file://$(realpath "$1")" "$home/advisory-db-3157b0e258782691"
echo "advisory database: $1 at $(git -C "$home/advisory-db-3157b0e258782691" log -1 --format='%h, %cd' --date=short)"
config="$home/deny.toml"
sed "s#^\[advisories\]#[advisories]\ndb-path = \"$home\"#" deny.toml >"$config"
cargo deny --offline --config "$config" check advisories
