#!/usr/bin/env bash
# Installs the peers the harness compares Probity with (Debian packages), with
# the project's own installer. Idempotent: offline once they are installed.
set -euo pipefail
exec "$(dirname "$0")/../../scripts/install-deps.sh" bpftrace trace-cmd linux-perf
