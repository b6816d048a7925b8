#!/usr/bin/env bash
# A reviewer's sync of a pooled inbox on PostgreSQL (tests/store_pg.rs): 10,000 envelopes of
# which 9,000 are sealed to other forces' reviewers, against the same 1,000 own reports alone,
# in one run (release build). Prints one line with both times and their ratio. Needs Debian's
# postgresql (scripts/test.sh installs it). Not part of the suite: it asserts nothing about time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -q --test store_pg pooled_inbox_sync -- --ignored --nocapture 2>&1 | grep -E '^pooled sync|panicked|error'
