#!/usr/bin/env bash
# README command 2: build everything and run the whole test suite.
# Tests that need root and tracefs mount it themselves; run as root so they run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
