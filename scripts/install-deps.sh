#!/usr/bin/env bash
# Installs every package Probity needs to build, test and run, from Debian,
# plus any package named as an argument (bench/harness/setup.sh adds the peers).
# Idempotent: when everything is already installed it does nothing, offline.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libtraceevent-dev libtracefs-dev libyaml-cpp-dev
  bison flex clang
  libgtest-dev libgmock-dev libbenchmark-dev
  liblzma-dev
  # Ed25519 signatures of vendor overlays and compiled objects (OpenSSL's EVP API)
  libssl-dev
  # USDT probes: libelf reads .note.stapsdt; <sys/sdt.h> builds the test program's probes
  libelf-dev systemtap-sdt-dev
  # probity manual: Markdown rendered to man and HTML; its HTML search is tested in headless Chromium
  libcmark-gfm-dev libcmark-gfm-extensions-dev chromium
  # --metrics: prometheus-cpp serves the aggregations; promtool (prometheus) checks them in the tests
  prometheus-cpp-dev prometheus
  # the package test reads the installed man pages with man -l
  man-db
  # probity catalogue harvest --kernel-image: boot a kernel under qemu
  qemu-system-x86 busybox-static cpio xz-utils tar dpkg
)

packages+=("$@")
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root (sudo $0)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
