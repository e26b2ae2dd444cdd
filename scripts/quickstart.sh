#!/usr/bin/env bash
# README command 1: install everything, build, and run Probity on the live kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
echo
echo "== probity -l 'sched:*'   (the scheduler's probes, checked against this kernel)"
build/bin/probity -l 'sched:*'
echo
echo "== probity -lv sched:sched_switch"
build/bin/probity -lv sched:sched_switch
