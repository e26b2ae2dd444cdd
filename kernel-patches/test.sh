#!/usr/bin/env bash
# Proves the kernel-patches series end to end: unpacks Debian's
# linux-source-6.12, applies the series, builds a small kernel and the
# example provider module, boots them under qemu (TCG) with a busybox
# initramfs holding probity, and judges from the serial console that the
# kernel declares the catalogue's stability levels in tracefs, that the
# module's events appear with theirs, and that probity harvests them and
# gives them precedence. Prints PASS/FAIL lines; exits non-zero on any FAIL.
#
# usage: kernel-patches/test.sh [--record]
#   --record   also copy the results to kernel-patches/RESULTS.md
# environment:
#   PROBITY_KPATCH_WORKDIR  scratch directory (default /var/tmp/probity-kpatch;
#                           needs about 4 GB; wiped and rebuilt on every run)
#   JOBS                    parallel make jobs (default: number of CPUs)
#   QEMU_TIMEOUT            seconds the guest may run (default 1800)
#   PROBITY_BIN             a probity binary to use instead of building one
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=${PROBITY_KPATCH_WORKDIR:-/var/tmp/probity-kpatch}
jobs=${JOBS:-$(nproc)}
qemu_timeout=${QEMU_TIMEOUT:-1800}
record=false
[[ ${1:-} == --record ]] && record=true
tarball=/usr/src/linux-source-6.12.tar.xz
# shellcheck source=scripts/lib/qemu-guest.sh
source "$repo/scripts/lib/qemu-guest.sh"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 2; }

declare -A seconds
phase_start=0
begin() { say "$1"; phase_start=$SECONDS; }
finish() { seconds[$1]=$((SECONDS - phase_start)); }

# ---------------------------------------------------------------- packages
kernel_packages=(linux-source-6.12 bc libelf-dev libssl-dev flex bison cpio busybox-static
                 qemu-system-x86 kmod)
python3 -c 'import yaml' 2>/dev/null || kernel_packages+=(python3-yaml)
"$repo/scripts/install-deps.sh" "${kernel_packages[@]}" || die "cannot install the packages it needs"
[[ -f $tarball ]] || die "$tarball is missing after installing linux-source-6.12"
source_version=$(dpkg-query -W -f='${Version}' linux-source-6.12)

mkdir -p "$work"
free_kb=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
((free_kb > 4 * 1024 * 1024)) || die "$work has $((free_kb / 1024)) MB free; 4 GB needed"
rm -rf "${work:?}"/{linux-source-6.12,build,example-provider,probity-build,initramfs,initramfs.cpio.gz,serial.log}

# ---------------------------------------------------------------- kernel
begin "unpacking $tarball ($source_version)"
tar -xf "$tarball" -C "$work"
finish unpack
src=$work/linux-source-6.12
kernel_version=$(make -s -C "$src" kernelversion)

begin "applying the series"
applied=()
while read -r patch; do
  [[ -z $patch || $patch == \#* ]] && continue
  if ! output=$(patch -d "$src" -p1 --fuzz=0 --no-backup-if-mismatch < "$here/$patch" 2>&1); then
    printf '%s\n' "$output" >&2
    echo "FAIL: $patch applies to linux-source-6.12 $source_version"
    exit 1
  fi
  if grep -q -E '^Hunk #' <<<"$output"; then  # applied elsewhere or with fuzz
    printf '%s\n' "$output" >&2
    echo "FAIL: $patch applies cleanly (no offset) to linux-source-6.12 $source_version"
    exit 1
  fi
  applied+=("PASS: $patch applies cleanly to linux-source-6.12 $source_version")
  echo "${applied[-1]}"
done < "$here/series"
finish apply

begin "configuring (tinyconfig + kernel.config)"
build=$work/build
make -s -C "$src" O="$build" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$here/kernel.config" >/dev/null
make -s -C "$src" O="$build" olddefconfig
while read -r option; do
  grep -qx "$option" "$build/.config" || die "kernel.config: $option did not survive olddefconfig"
done < <(grep -E '^CONFIG_' "$here/kernel.config")
finish configure

begin "building the kernel (make -j$jobs)"
nice -n 10 make -s -C "$src" O="$build" -j"$jobs" >"$work/kernel-build.log" 2>&1 ||
  { tail -30 "$work/kernel-build.log" >&2; die "kernel build failed (log: $work/kernel-build.log)"; }
finish kernel

begin "building the example provider module"
cp -r "$here/example-provider" "$work/example-provider"
make -s -C "$work/example-provider" KDIR="$build" >"$work/module-build.log" 2>&1 ||
  { cat "$work/module-build.log" >&2; die "module build failed"; }
finish module

# ---------------------------------------------------------------- probity
if [[ -n ${PROBITY_BIN:-} ]]; then
  begin "using probity $PROBITY_BIN"
  probity_bin=$PROBITY_BIN
else
  begin "building probity"
  cmake -S "$repo" -B "$work/probity-build" \
    -DPROBITY_BUILD_TESTS=OFF -DPROBITY_BUILD_BENCHMARKS=OFF >"$work/probity-build.log" 2>&1
  nice -n 10 cmake --build "$work/probity-build" --target probity -j"$jobs" >>"$work/probity-build.log" 2>&1 ||
    { tail -30 "$work/probity-build.log" >&2; die "probity build failed"; }
  probity_bin=$work/probity-build/bin/probity
fi
finish probity

# ---------------------------------------------------------------- initramfs
begin "packing the initramfs"
root=$work/initramfs
guest_root "$root"
guest_add_program "$root" "$probity_bin" /bin/probity
mkdir -p "$root/catalogue"
cp -r "$repo/catalogue/data/." "$root/catalogue/"
cp "$work/example-provider/probity_example.ko" "$root/"
cp "$here/guest-init.sh" "$root/init"
guest_pack "$root" "$work/initramfs.cpio.gz"
finish initramfs

# ---------------------------------------------------------------- boot
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can miss
# its ticks and panic the guest ("IO-APIC + timer doesn't work!").
begin "booting under qemu (timeout ${qemu_timeout}s)"
qemu_status=0
guest_boot "$qemu_timeout" "$work/serial.log" "$build/arch/x86/boot/bzImage" "$work/initramfs.cpio.gz" \
  "console=ttyS0 panic=-1 loglevel=4 no_timer_check" -m 2048 || qemu_status=$?
finish boot
((qemu_status == 124)) && say "qemu timed out after ${qemu_timeout}s"

# ---------------------------------------------------------------- verdict
set +e
verdict=$(python3 "$here/check.py" "$work/serial.log" "$repo/catalogue/data")
check_status=$?
set -e
printf '%s\n' "$verdict"
((check_status == 0)) || say "serial console log: $work/serial.log"

results=$work/RESULTS.md
{
  echo "# kernel-patches/test.sh: last result"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- kernel: Debian linux-source-6.12 $source_version (Linux $kernel_version), tinyconfig + kernel.config"
  echo "- host: $(nproc) CPUs, make -j$jobs; qemu-system-x86_64 $(qemu-system-x86_64 --version | awk 'NR == 1 {print $4}') TCG -cpu max"
  echo "- verdict: $( ((check_status == 0)) && echo 'every check passed' || echo 'FAILED')"
  echo
  echo "| phase | seconds |"
  echo "| --- | ---: |"
  for phase in unpack apply configure kernel module probity initramfs boot; do
    echo "| $phase | ${seconds[$phase]:-} |"
  done
  echo "| total | $SECONDS |"
  echo
  echo '```'
  printf '%s\n' "${applied[@]}"
  grep -E '^(PASS|FAIL)' <<<"$verdict"
  echo '```'
} >"$results"
say "results: $results"
$record && cp "$results" "$here/RESULTS.md"
exit "$check_status"
