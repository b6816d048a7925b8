#!/usr/bin/env bash
# Fuzzes Candour's parsers with AFL++ (through cargo-afl, on stable Rust), each target for a set
# time from its checked-in seeds, then prints one line per target: executions, crashes, hangs
# and seconds, read from AFL++'s fuzzer_stats. Exits non-zero if any target crashed (or AFL++
# could not run it).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 600 s each, every target)
#
# Targets are the folders of crates/candour-fuzz/seeds/ (see crates/candour-fuzz/README.md).
# Installs cargo-afl (`cargo install cargo-afl`, which also builds AFL++ from its bundled
# source) if it is missing. Builds into target/afl/ (cargo-afl's instrumentation flags would
# otherwise invalidate the normal build) and writes each campaign to target/fuzz/<target>/; the
# previous campaign of a target is kept as target/fuzz/<target>.previous/. Findings are in
# target/fuzz/<target>/default/{crashes,hangs}/. This is not part of scripts/test.sh: the
# bolero harnesses in `cargo test -p candour-fuzz` run the same targets briefly.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

seconds=600
if [ $# -gt 0 ]; then
  case "$1" in
    -h | --help) usage ;;
    '' | *[!0-9]*) ;; # not a number: a target name
    *) seconds=$1; shift ;;
  esac
fi
[ "$seconds" -gt 0 ] || usage

seeds=crates/candour-fuzz/seeds
all=()
for dir in "$seeds"/*/; do all+=("$(basename "$dir")"); done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -d "$seeds/$t" ] || { echo "unknown target $t; targets: ${all[*]}" >&2; exit 2; }
done

# cargo-afl and, for this rustc, AFL++ and its runtime.
if ! cargo afl --version >/dev/null 2>&1; then
  echo "== installing cargo-afl"
  cargo install --locked cargo-afl
fi
# cargo-afl refuses every command but `config` until AFL++'s runtime is built for this rustc
# (`afl-fuzz -h` itself exits 1, so its status says nothing).
help=$(cargo afl fuzz -h 2>&1 || true)
case "$help" in
  *"was not built"*)
    echo "== building AFL++ for this Rust toolchain"
    cargo afl config --build --force
    ;;
esac

echo "== building the AFL++ target binary (release, instrumented)"
export CARGO_TARGET_DIR=target/afl
# Thin LTO over the instrumented build costs minutes and finds nothing more.
export CARGO_PROFILE_RELEASE_LTO=false
cargo afl build --release --quiet -p candour-fuzz --features afl --bin candour-fuzz-afl
bin=target/afl/release/candour-fuzz-afl

# What a container needs: no CPU frequency governor, no core-dump handler, no free core to
# pin to (the machine is shared), no terminal UI. Seeds named crash-* are known findings; AFL++
# skips the ones that still crash instead of refusing to start.
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_IGNORE_SEED_PROBLEMS=1 AFL_NO_WARN_INSTABILITY=1

field() { # field FILE KEY...: the first of the keys present (AFL++ renamed some)
  local file=$1 key value
  shift
  for key in "$@"; do
    value=$(sed -n "s/^$key *: *//p" "$file" 2>/dev/null | head -n1)
    if [ -n "$value" ]; then echo "$value"; return; fi
  done
  echo "?"
}

rows=()
failed=0
for t in "${targets[@]}"; do
  out=target/fuzz/$t
  if [ -d "$out" ]; then rm -rf "$out.previous"; mv "$out" "$out.previous"; fi
  mkdir -p "$out"
  echo "== fuzzing $t for ${seconds}s"
  status=ok
  # -V: stop after this many seconds; -t: a 2 s timeout per input (the machine is shared, so the
  # calibrated default reports false hangs); -m none: no memory limit (Rust reserves address
  # space freely).
  if ! cargo afl fuzz -V "$seconds" -t 2000 -m none -i "$seeds/$t" -o "$out" -- "$bin" "$t" >"$out/afl.log" 2>&1; then
    status="afl-fuzz failed (see $out/afl.log)"
  fi
  stats=$out/default/fuzzer_stats
  if [ ! -f "$stats" ]; then
    [ "$status" != ok ] || status="no fuzzer_stats (see $out/afl.log)"
    rows+=("$(printf '%-16s %12s %8s %6s %8s %10s  %s' "$t" "-" "-" "-" "-" "-" "$status")")
    tail -n 15 "$out/afl.log" >&2 || true
    failed=1
    continue
  fi
  execs=$(field "$stats" execs_done)
  crashes=$(field "$stats" saved_crashes unique_crashes)
  hangs=$(field "$stats" saved_hangs unique_hangs)
  secs=$(field "$stats" run_time)
  if [ "$secs" = "?" ]; then # older AFL++: no run_time
    start=$(field "$stats" start_time) last=$(field "$stats" last_update)
    [ "$start" = "?" ] || [ "$last" = "?" ] || secs=$((last - start))
  fi
  rate=$(field "$stats" execs_per_sec)
  if [ "$crashes" != 0 ]; then
    status="CRASHES in $out/default/crashes/"
    failed=1
  elif [ "$status" != ok ]; then
    failed=1
  fi
  [ "$hangs" = 0 ] || [ "$status" != ok ] || status="hangs in $out/default/hangs/"
  rows+=("$(printf '%-16s %12s %8s %6s %8s %10s  %s' "$t" "$execs" "$crashes" "$hangs" "$secs" "$rate" "$status")")
done

echo
printf '%-16s %12s %8s %6s %8s %10s  %s\n' target execs crashes hangs seconds "execs/s" status
for row in "${rows[@]}"; do echo "$row"; done
exit "$failed"
