#!/usr/bin/env bash
# Configures and builds Probity into ./build (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
"$(pwd)/scripts/install-deps.sh"
cmake -S . -B build -DPROBITY_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
