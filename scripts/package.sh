#!/usr/bin/env bash
# Builds Probity's Debian package into ./build and prints its path.
# Install it with: apt install ./build/probity_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >&2
deb_dir=$(pwd)/build
(cd build && cpack -G DEB --config CPackConfig.cmake -B "$deb_dir") >&2
ls -t "$deb_dir"/probity_*.deb | head -1
