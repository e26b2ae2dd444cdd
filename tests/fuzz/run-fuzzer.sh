#!/usr/bin/env bash
# Builds the compiler fuzzer in a clang tree of its own and runs it for a
# bounded time over a scratch copy of the committed seed corpus. Exits
# non-zero on any crash, leak, timeout or sanitizer report (libFuzzer's exit
# status); 77 (skipped) when clang is not installed.
#
#   run-fuzzer.sh SOURCE_DIR FUZZ_BUILD_DIR INDEX_FILE [SECONDS]
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 SOURCE_DIR FUZZ_BUILD_DIR INDEX_FILE [SECONDS]" >&2
  exit 2
fi
source_dir=$1
build_dir=$2
index_file=$3
seconds=${4:-60}

if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
  echo "clang is not installed (scripts/install-deps.sh installs it): skipping the fuzzer" >&2
  exit 77
fi
if [[ ! -f $index_file ]]; then
  echo "no catalogue index at $index_file: build the probity_index target first" >&2
  exit 2
fi

CC=clang CXX=clang++ cmake -S "$source_dir" -B "$build_dir" -DPROBITY_FUZZ=ON \
  -DPROBITY_BUILD_TESTS=OFF -DPROBITY_BUILD_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --target compile_fuzzer -j2

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "$source_dir"/tests/fuzz/corpus/* "$corpus"/

# Crash inputs are written next to the fuzz build, named crash-*, leak-*, timeout-*.
PROBITY_INDEX=$index_file "$build_dir"/bin/compile_fuzzer \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -dict="$source_dir"/tests/fuzz/d.dict -artifact_prefix="$build_dir/" -print_final_stats=1 "$corpus"
