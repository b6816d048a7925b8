#!/usr/bin/env bash
# Mutation testing with cargo-mutants: which changes to the code no test notices.
#
#   scripts/mutants.sh [FILE...]          (from the project's root)
#
# Installs cargo-mutants if needed (it is not part of ./scripts/test.sh: the default set takes
# hours on two cores). With no FILE, mutates the files the threat model rests on: candour-core's
# request signatures, envelope, routing, padding, proof of work, directory, commitments, page
# manifest, root signatures, reader changes and custodian-held identities, and the relay's
# guards and sled store. Each mutant is built and run against the tests of the crate it is in.
# cargo-mutants works on a copy of the tree, so the checkout is never left mutated. Prints, per
# file, caught / missed / timeouts / unviable and the score (caught over caught plus missed),
# then every missed mutant; the full output stays in target/mutants/. CANDOUR_MUTANTS_LIB_ONLY=1
# runs only each crate's unit tests (much faster; scores then count only what those tests catch).
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
    crates/candour-core/src/reader_change.rs
    crates/candour-core/src/custody.rs
    crates/candour-relay/src/guards.rs
    crates/candour-relay/src/store/sled_store.rs
  )
fi
args=()
packages=()
for file in "${files[@]}"; do
  args+=(--file "$file")
  crate=$(echo "$file" | sed -E 's#crates/([^/]+)/.*#\1#')
  case " ${packages[*]:-} " in *" $crate "*) ;; *) packages+=("$crate") ;; esac
done
for p in "${packages[@]}"; do args+=(--package "$p"); done
if [ "${CANDOUR_MUTANTS_LIB_ONLY:-}" = 1 ]; then args+=(--cargo-test-arg=--lib); fi
out=target/mutants
rm -rf "$out"
mkdir -p "$out"
# One run for every file: the copy is built once. A generous timeout for the slow tests.
cargo mutants --no-shuffle --timeout 300 --jobs 1 --output "$out" "${args[@]}" >"$out/log.txt" 2>&1 || true
dir="$out/mutants.out"
count() { [ -f "$dir/$1.txt" ] && grep -c "^$2:" "$dir/$1.txt" || true; }
printf '%-48s %7s %7s %8s %8s %6s\n' file caught missed timeouts unviable score
for file in "${files[@]}"; do
  caught=$(count caught "$file"); missed=$(count missed "$file")
  timeout=$(count timeout "$file"); unviable=$(count unviable "$file")
  score=$(awk -v c="${caught:-0}" -v m="${missed:-0}" 'BEGIN { if (c + m == 0) print "-"; else printf "%.0f%%", 100 * c / (c + m) }')
  printf '%-48s %7s %7s %8s %8s %6s\n' "$file" "${caught:-0}" "${missed:-0}" "${timeout:-0}" "${unviable:-0}" "$score"
done
if [ -s "$dir/missed.txt" ]; then
  echo
  echo "missed:"
  sed 's/^/  /' "$dir/missed.txt"
fi
