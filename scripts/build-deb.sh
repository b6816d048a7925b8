#!/usr/bin/env bash
# Builds the Debian package of `candour` (Cargo.toml's [package.metadata.deb]) and checks it:
# stages the binary with its manual pages, shell completions and the systemd unit (pointed at
# /usr/bin/candour) under target/deb-stage, packs them with `cargo deb --no-build`, then lists the
# package with dpkg-deb and runs lintian on it. Prints the package's path last.
#
#   scripts/build-deb.sh                      # the release binary (scripts/build-release.sh)
#   scripts/build-deb.sh target/debug/candour # a binary already built (the test script's check)
#
# Needs cargo-deb (installed here if missing) and lintian.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-}"
if [ -z "$binary" ]; then
  scripts/build-release.sh >&2
  binary="${CANDOUR_DIST_TARGET_DIR:-$PWD/target/dist}/release/candour"
fi
[ -x "$binary" ] || { echo "no binary at $binary" >&2; exit 1; }
command -v cargo-deb >/dev/null || cargo install --locked --quiet cargo-deb

stage=target/deb-stage
rm -rf "$stage" && mkdir -p "$stage/completions"
cp "$binary" "$stage/candour"
strip --strip-unneeded "$stage/candour"
"$stage/candour" manpages "$stage/man1" >/dev/null
"$stage/candour" completions bash > "$stage/completions/candour.bash"
"$stage/candour" completions zsh > "$stage/completions/_candour"
"$stage/candour" completions fish > "$stage/completions/candour.fish"
# The packaged binary lives in /usr/bin, not /usr/local/bin as for a copy installed by hand.
sed 's#/usr/local/bin/candour#/usr/bin/candour#' deploy/candour-relay.service > "$stage/candour-relay.service"
grep -q 'ExecStart=/usr/bin/candour serve' "$stage/candour-relay.service"

out=target/debian
rm -rf "$out"
deb=$(cargo deb --no-build --no-strip --output "$out" --quiet 2>&1 | tail -n 1)
[ -f "$deb" ] || deb=$(ls "$out"/*.deb)
dpkg-deb --info "$deb" >&2
dpkg-deb --contents "$deb" >&2
# Built from this repository, not by Debian's tools: there is no Debian changelog (the commits are
# the history). Any other error or warning fails the build.
lintian --fail-on error,warning --suppress-tags no-changelog "$deb" >&2
echo "$deb"
