# shellcheck shell=bash
# Sourced by kernel-patches/test.sh and tests/kernels/run.sh: a busybox
# initramfs holding probity, and a kernel booted on it under qemu with a
# time limit. Bash; callers run with set -euo pipefail.

# A busybox-static root in directory $1: every applet linked in /bin, and the
# mount points an /init needs.
guest_root() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
  done
}

# Copies program $2, stripped, to path $3 inside root $1, with the shared
# libraries and the loader ldd lists for it (none for a static program):
# static linking would need static archives of every dependency.
guest_add_program() {
  local root=$1 program=$2 destination=$3 library
  mkdir -p "$root$(dirname "$destination")"
  strip -o "$root$destination" "$program"
  for library in $(ldd "$program" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$library")"
    cp -L "$library" "$root$library"
  done
}

# Packs root $1 into the gzipped newc archive $2.
guest_pack() {
  (cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) >"$2"
}

# Boots kernel $3 on initramfs $4 with command line $5 (the serial console is
# ttyS0), console output to file $2, for at most $1 seconds; further
# arguments go to qemu. KVM when /dev/kvm can be used, else TCG with -cpu max.
# Returns qemu's exit status, 124 when the time ran out.
guest_boot() {
  local seconds=$1 log=$2 kernel=$3 initramfs=$4 append=$5
  shift 5
  local accel=(-accel tcg -cpu max)
  [[ -r /dev/kvm && -w /dev/kvm ]] && accel=(-accel kvm -cpu host)
  timeout "$seconds" qemu-system-x86_64 "${accel[@]}" -nographic -no-reboot "$@" \
    -kernel "$kernel" -initrd "$initramfs" -append "$append" </dev/null >"$log" 2>&1
}
