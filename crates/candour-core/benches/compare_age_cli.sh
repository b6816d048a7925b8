#!/usr/bin/env bash
# Times the reference Go `age` CLI and Candour's streaming seal/open on the same bytes, in the
# same run, and prints throughput ratios (Candour / Go; goal >= 1.0) and Candour's peak RSS for
# a 1 GiB streamed seal (goal <= 64 MiB). Needs the Debian `age` package.
#
#   crates/candour-core/benches/compare_age_cli.sh [SIZE_MIB] [RSS_MIB]
#
# Defaults: 256 MiB for the throughput comparison, 1024 MiB for the memory measurement.
set -euo pipefail
size_mib=${1:-256}
rss_mib=${2:-1024}
root=$(cd "$(dirname "$0")/../../.." && pwd)
command -v age >/dev/null || { echo "needs the reference age CLI: apt-get install age" >&2; exit 2; }
cargo build --quiet --release -p candour-core --example seal_file --manifest-path "$root/Cargo.toml"
tool="$root/target/release/examples/seal_file"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for i in $(seq 1 12); do age-keygen -o "$tmp/id$i.txt" 2>/dev/null; done
for i in $(seq 1 12); do age-keygen -y "$tmp/id$i.txt"; done > "$tmp/recipients.txt"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$tmp/in.bin"

best() { sort -n | head -1; }
now() { date +%s.%N; }
time_cmd() { local s e; s=$(now); "$@" >/dev/null; e=$(now); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f\n", e - s }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

go_seal=$(for _ in 1 2 3; do time_cmd age -e -R "$tmp/recipients.txt" -o "$tmp/go.age" "$tmp/in.bin"; done | best)
go_open=$(for _ in 1 2 3; do time_cmd age -d -i "$tmp/id12.txt" -o /dev/null "$tmp/go.age"; done | best)
c_seal=$(for _ in 1 2 3; do time_cmd "$tool" seal 12 "$tmp/recipients.txt" "$tmp/in.bin" "$tmp/c.age"; done | best)
c_open=$(for _ in 1 2 3; do time_cmd "$tool" open "$tmp/id12.txt" "$tmp/c.age"; done | best)
# The reference CLI opens Candour envelopes too: check it on the big file.
age -d -i "$tmp/id12.txt" -o /dev/null "$tmp/c.age"

mbps() { div "$size_mib" "$1"; }
echo "size: $size_mib MiB, 12 recipients, best of 3"
echo "go age seal:   $(mbps "$go_seal") MiB/s"
echo "candour seal:  $(mbps "$c_seal") MiB/s   ratio candour/go = $(div "$go_seal" "$c_seal")"
echo "go age open:   $(mbps "$go_open") MiB/s"
echo "candour open:  $(mbps "$c_open") MiB/s   ratio candour/go = $(div "$go_open" "$c_open")"

rm -f "$tmp/in.bin" "$tmp/go.age" "$tmp/c.age"
head -c "$((rss_mib * 1024 * 1024))" /dev/zero > "$tmp/big.bin"
echo "streamed seal of $rss_mib MiB: $("$tool" seal 12 "$tmp/recipients.txt" "$tmp/big.bin" "$tmp/big.age")"
echo "streamed open of $rss_mib MiB: $("$tool" open "$tmp/id12.txt" "$tmp/big.age")"
