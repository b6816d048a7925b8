#!/usr/bin/env bash
# Mutation testing with cargo-mutants: which changes to the code no test notices.
#
#   scripts/mutants.sh [FILE...]          (from the project's root)
#
# Installs cargo-mutants if needed (not part of ./scripts/test.sh: a full run takes hours on two
# cores). With no FILE, mutates the files whose logic the threat model rests on: candour-core's
# signatures, envelope, routing, padding, proof of work, directory, commitments and page
# manifest, and the relay's guards and stores. Each mutant runs the owning crate's tests only.
# Prints, per file, caught / missed / timeouts / unviable and the score (caught over caught plus
# missed), and leaves cargo-mutants' full output in target/mutants/<file>/.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
if ! command -v cargo-mutants >/dev/null; then
  cargo install --locked cargo-mutants
fi
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(
    crates/candour-core/src/auth.rs
    crates/candour-core/src/routing.rs
    crates/candour-core/src/padding.rs
    crates/candour-core/src/pow.rs
    crates/candour-core/src/envelope.rs
    crates/candour-core/src/commitment.rs
    crates/candour-core/src/directory.rs
    crates/candour-core/src/page_manifest.rs
    crates/candour-core/src/rootsig.rs
    crates/candour-relay/src/guards.rs
    crates/candour-relay/src/store/sled_store.rs
  )
fi
printf '%-48s %7s %7s %8s %8s %6s\n' file caught missed timeouts unviable score
for file in "${files[@]}"; do
  crate=$(echo "$file" | sed -E 's#crates/([^/]+)/.*#\1#')
  out="target/mutants/$(echo "$file" | tr '/' '_')"
  rm -rf "$out"
  mkdir -p "$out"
  # Unit tests and the crate's own integration tests; a generous timeout for the slow ones.
  cargo mutants --no-shuffle --package "$crate" --file "$file" --output "$out" \
    --timeout 300 --jobs 1 >/dev/null 2>&1 || true
  dir="$out/mutants.out"
  count() { [ -f "$dir/$1.txt" ] && grep -c . "$dir/$1.txt" || echo 0; }
  caught=$(count caught); missed=$(count missed); timeout=$(count timeout); unviable=$(count unviable)
  score=$(awk -v c="$caught" -v m="$missed" 'BEGIN { if (c + m == 0) print "-"; else printf "%.0f%%", 100 * c / (c + m) }')
  printf '%-48s %7s %7s %8s %8s %6s\n' "$file" "$caught" "$missed" "$timeout" "$unviable" "$score"
  if [ -s "$dir/missed.txt" ]; then sed 's/^/    missed: /' "$dir/missed.txt"; fi
done
