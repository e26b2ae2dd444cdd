#!/usr/bin/env bash
# The tracer-overhead benchmark in one command (as root, on an otherwise idle machine):
#   bench/harness/run.sh            # 3 repeats x 5 s: bench/results/ and bench/RESULTS-peers.md
#   bench/harness/run.sh --quick    # 1 repeat x 2 s check: bench/results/quick/
# Other options go to run.py (bench/harness/run.py --help). PROBITY_BENCH_BUILD
# names the Release build directory (default build-release).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${PROBITY_BENCH_BUILD:-$repo/build-release}

"$repo/bench/harness/setup.sh"
"$repo/scripts/install-deps.sh"

mkdir -p "$build"
log="$build/bench-harness-build.log"
echo "run.sh: building probity (Release) in $build"
if ! { cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release &&
       cmake --build "$build" --target probity probity_index -j2; } >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "run.sh: the build failed (whole log: $log)" >&2
  exit 1
fi

bin="$build/bench-harness"
mkdir -p "$bin"
cc -O2 -Wall -Wextra -Wconversion -o "$bin/pb_workload" "$repo/bench/harness/workload.c"
cc -O2 -static -o "$bin/pb_exit" "$repo/bench/harness/exit.c"

exec python3 "$repo/bench/harness/run.py" --probity "$build/bin/probity" --bin-dir "$bin" "$@"
