#!/usr/bin/env bash
# README command 1: install everything, build, and run Probity on the live kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
echo
echo "== probity -lv sched:sched_switch   (a probe, its fields and their stability)"
build/bin/probity -lv sched:sched_switch
echo
echo "== the 15 busiest processes by system calls, over 5 seconds"
build/bin/probity -q -n '
  syscalls:sys_enter_* { @calls[execname] = count(); }
  tick-5s {
    trunc(@calls, 15);
    printf("%-24s %10s\n", "PROCESS", "SYSCALLS");
    printa("%-24s %@10d\n", @calls);
    exit(0);
  }'
