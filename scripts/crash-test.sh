#!/usr/bin/env bash
# The relay's crash test at length: SIGKILL at a random moment while eight clients submit, for
# --rounds N rounds (10 in the suite), then a restart that must hold every acknowledged entry
# exactly and nothing half-written. Prints the rounds, acknowledged writes and the data folder.
#
#   scripts/crash-test.sh --rounds 100
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=100
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --rounds=*) rounds="${1#--rounds=}"; shift ;;
    *) echo "usage: $0 [--rounds N]" >&2; exit 2 ;;
  esac
done
case "$rounds" in ''|*[!0-9]*) echo "--rounds takes a whole number" >&2; exit 2 ;; esac
CANDOUR_CRASH_ROUNDS="$rounds" cargo test -p candour-relay --test process crash_test -- --nocapture
