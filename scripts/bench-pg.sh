#!/usr/bin/env bash
# The PostgreSQL store's ingest benchmark (crates/candour-store-pg/tests/bench.rs): durable
# ingest through the store as a ratio to a raw INSERT+commit loop with the same batching, on
# one throwaway server and on a primary with a synchronous standby, both on loopback. Prints one
# line per setup. Needs Debian's postgresql (scripts/test.sh installs it). Not part of the suite:
# it measures, it asserts nothing about time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -q -p candour-store-pg --test bench -- --ignored --nocapture 2>&1 | grep -E '^(one server|primary)|panicked|error'
