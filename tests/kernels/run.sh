#!/usr/bin/env bash
# The kernel matrix: runs the live check set (checks.sh) on the host kernel
# and inside Debian's 6.1 and 6.12 kernels booted under qemu with probity in
# the initramfs, and prints one "PASS|FAIL RELEASE CHECK: reason" line per
# kernel and check. Exit status 0 when all passed, 1 when one failed, 77
# (skipped) when not root or qemu cannot be had. See README.md beside it.
#
# usage: tests/kernels/run.sh [--record]
#   --record   also copy the results to tests/kernels/RESULTS.md
# environment:
#   PROBITY_BIN      the probity binary (default: build/bin/probity)
#   PROBITY_INDEX    its catalogue index (default: catalogue/probity.idx in
#                    the binary's build tree)
#   KMATRIX_WORKDIR  scratch directory (default /var/tmp/probity-kmatrix)
#   KMATRIX_DEBS     where the kernel packages are kept and fetched to
#                    (default /var/cache/probity/debs, as in the README)
#   QEMU_TIMEOUT     seconds each guest may run (default 600)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${KMATRIX_WORKDIR:-/var/tmp/probity-kmatrix}
debs=${KMATRIX_DEBS:-/var/cache/probity/debs}
qemu_timeout=${QEMU_TIMEOUT:-600}
probity_bin=${PROBITY_BIN:-$repo/build/bin/probity}
index=${PROBITY_INDEX:-$(dirname "$probity_bin")/../catalogue/probity.idx}
record=false
[[ ${1:-} == --record ]] && record=true
# shellcheck source=scripts/lib/qemu-guest.sh
source "$repo/scripts/lib/qemu-guest.sh"

# The catalogued Debian kernels (apt-get download PACKAGE=VERSION).
guest_kernels=(
  "linux-image-6.1.0-56-amd64=6.1.192-2"
  "linux-image-6.12.117+deb12-amd64=6.12.117-1~deb12u1"
)
checks=(getppid-count signals stack kernel-filter drops teardown)

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 2; }
skip() { printf 'run.sh: skipped: %s\n' "$*"; exit 77; }

[[ $(id -u) -eq 0 ]] || skip "tracing and booting the guests need root"
"$repo/scripts/install-deps.sh" qemu-system-x86 busybox-static cpio >&2 ||
  skip "qemu-system-x86, busybox-static and cpio cannot be installed"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
[[ -x $probity_bin ]] || die "no probity binary at $probity_bin (build it, or set PROBITY_BIN)"
[[ -f $index ]] || die "no catalogue index at $index (build the probity_index target, or set PROBITY_INDEX)"
mkdir -p "$work" "$debs"

# Results: verdict[RELEASE/CHECK], the reason lines, the releases in order.
declare -A verdict seconds
releases=()
details=()
failed=false

# Reads checks.sh's lines (from stdin) for one kernel; $1 names it when it
# printed nothing.
collect() {
  local label=$1 release="" line word check
  while IFS= read -r line; do
    line=${line%$'\r'}
    case $line in
      KERNEL\ *) release=${line#KERNEL }; releases+=("$release") ;;
      TRACEFS\ *) details+=("$release: tracefs ${line#TRACEFS }") ;;
      NOTE\ *) details+=("$release: probity -v: ${line#NOTE }") ;;
      PASS\ * | FAIL\ *)
        word=${line%% *}
        check=${line#* }
        check=${check%%:*}
        verdict[$release/$check]=$word
        details+=("$word $release ${line#* }")
        echo "$word $release ${line#* }"
        ;;
    esac
  done
  if [[ -z $release ]]; then
    releases+=("$label")
    release=$label
  fi
  for check in "${checks[@]}"; do
    if [[ -z ${verdict[$release/$check]:-} ]]; then
      verdict[$release/$check]=FAIL
      details+=("FAIL $release $check: no result")
      echo "FAIL $release $check: no result"
    fi
    [[ ${verdict[$release/$check]} == PASS ]] || failed=true
  done
  last_release=$release
}

# ---------------------------------------------------------------- the host
say "building the workload"
cc -static -O2 -Wall -Wextra -Werror -o "$work/kmatrix-load" "$here/workload.c" ||
  die "cannot build the static workload (is libc6-dev installed?)"

say "running the checks on the host kernel $(uname -r)"
started=$SECONDS
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
rm -rf "$work/host-checks"
set +e
PROBITY=$probity_bin PROBITY_INDEX=$index KMATRIX_LOAD=$work/kmatrix-load KMATRIX_SCRATCH=$work/host-checks \
  sh "$here/checks.sh" 2>"$work/host-checks.err" >"$work/host-checks.out"
set -e
collect host <"$work/host-checks.out"
host_release=$last_release
seconds[$last_release]=$((SECONDS - started))

# ---------------------------------------------------------------- the guests
say "packing the initramfs"
root=$work/initramfs
rm -rf "$root"
guest_root "$root"
guest_add_program "$root" "$probity_bin" /usr/bin/probity
guest_add_program "$root" "$work/kmatrix-load" /usr/bin/kmatrix-load
mkdir -p "$root/usr/share/probity" "$root/usr/share/probity-kmatrix"
cp "$index" "$root/usr/share/probity/probity.idx"
cp "$here/checks.sh" "$root/usr/share/probity-kmatrix/checks.sh"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
guest_pack "$root" "$work/initramfs.cpio.gz"

for spec in "${guest_kernels[@]}"; do
  package=${spec%%=*}
  version=${spec#*=}
  deb=$debs/${package}_${version//:/%3a}_amd64.deb
  if [[ ! -f $deb ]]; then
    say "fetching $package $version into $debs"
    # A machine whose packages all came preinstalled may have no package
    # lists yet: update them once and try again.
    (cd "$debs" && apt-get download "$spec" >&2) ||
      { apt-get update -qq >&2 && (cd "$debs" && apt-get download "$spec" >&2); } || true
  fi
  if [[ ! -f $deb ]]; then
    say "apt-get download $spec failed: the package is not available"
    collect "$package" </dev/null
    details+=("$package: apt-get download $spec failed: the package is not available")
    continue
  fi
  kernel_dir=$work/kernels/$package-$version
  if ! compgen -G "$kernel_dir/boot/vmlinuz-*" >/dev/null; then
    say "unpacking the kernel of $package $version"
    rm -rf "$kernel_dir"
    mkdir -p "$kernel_dir"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kernel_dir" --wildcards './boot/vmlinuz-*'
  fi
  vmlinuz=$(compgen -G "$kernel_dir/boot/vmlinuz-*" | head -n 1)

  say "booting $package $version under qemu (timeout ${qemu_timeout}s)"
  started=$SECONDS
  log=$work/${package}.serial.log
  status=0
  guest_boot "$qemu_timeout" "$log" "$vmlinuz" "$work/initramfs.cpio.gz" \
    "console=ttyS0 panic=-1 loglevel=3 no_timer_check" -smp 2 -m 1024 || status=$?
  ((status == 124)) && say "qemu timed out after ${qemu_timeout}s"
  collect "$package" < <(sed -n '/@@kmatrix-begin/,/@@kmatrix-end/p' "$log")
  seconds[$last_release]=$((SECONDS - started))
  grep -q '@@kmatrix-end rc=0' "$log" || say "serial console log: $log"
done

# ---------------------------------------------------------------- the record
results=$work/RESULTS.md
{
  echo "# tests/kernels/run.sh: last result"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- probity: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "- host: $(nproc) CPUs; qemu-system-x86_64 $(qemu-system-x86_64 --version | awk 'NR == 1 {print $4}')," \
    "$([[ -r /dev/kvm && -w /dev/kvm ]] && echo KVM || echo 'TCG -cpu max'), -smp 2 -m 1024"
  echo "- guests: ${guest_kernels[*]}"
  echo "- verdict: $($failed && echo FAILED || echo 'every check passed on every kernel')"
  echo
  printf '| check |'
  for release in "${releases[@]}"; do
    printf ' %s |' "$release$([[ $release == "$host_release" ]] && echo ' (host)')"
  done
  printf '\n| --- |'
  printf ' :---: |%.0s' "${releases[@]}"
  echo
  for check in "${checks[@]}" seconds; do
    printf '| %s |' "$check"
    for release in "${releases[@]}"; do
      if [[ $check == seconds ]]; then
        printf ' %s |' "${seconds[$release]:-}"
      else
        printf ' %s |' "${verdict[$release/$check]}"
      fi
    done
    echo
  done
  echo
  echo "\`seconds\` includes unpacking and booting a guest."
  echo
  echo '```'
  printf '%s\n' "${details[@]}"
  echo '```'
} >"$results"
say "results: $results"
$record && cp "$results" "$here/RESULTS.md"
$failed && exit 1
exit 0
