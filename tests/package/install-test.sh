#!/usr/bin/env bash
# usage: install-test.sh BUILD_DIR SOURCE_DIR COMPILED_INSTALL_INDEX
#
# Builds the Debian package with cpack in BUILD_DIR, checks its control data
# and contents, installs it with `dpkg --root` into a fresh root (never the
# host's dpkg database or /usr), and runs the installed probity there, in a
# chroot holding only the package and the host's copies of the runtime
# packages its Depends names, so that nothing of the build tree can be read.
# Exit 77 (skipped) when not root or a tool is missing.
set -euo pipefail

build=$(realpath "$1")
source_dir=$(realpath "$2")
compiled_install_index=$3  # the last place probity looks (CMAKE_INSTALL_PREFIX/share/probity)
work=$build/package-test
root=$work/root

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[[ $(id -u) -eq 0 ]] || skip "installing into a fresh root (dpkg --root, chroot) needs root"
for tool in cpack dpkg dpkg-deb dpkg-query dpkg-shlibdeps readelf ldd chroot unshare man; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done

rm -rf "$work"
mkdir -p "$work/out" "$root"

step "cpack -G DEB"
(cd "$build" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
debs=("$work/out"/*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "cpack wrote ${#debs[@]} .deb files into $work/out"
deb=${debs[0]}
echo "$deb"

step "dpkg-deb --info"
dpkg-deb --info "$deb"
[[ $(dpkg-deb -f "$deb" Package) == probity ]] || fail "the package is not named probity"
depends=$(dpkg-deb -f "$deb" Depends)
# The package names Depends lists, without versions or alternatives' bars.
depends_names=$(tr ',|' '\n\n' <<<"$depends" | sed -E 's/\(.*\)//; s/[[:space:]]//g' | { grep -v '^$' || true; } | sort -u)
for required in libtraceevent1 libtracefs1 libyaml-cpp0.7; do
  grep -qx "$required" <<<"$depends_names" || fail "Depends lacks $required: $depends"
done

step "dpkg-deb --contents"
dpkg-deb --contents "$deb" | awk '{print $6}' >"$work/contents"
for file in ./usr/bin/probity ./usr/share/probity/probity.idx \
    ./usr/share/probity/catalogue/common.yaml \
    ./usr/share/man/man1/probity.1.gz ./usr/share/man/man5/probity-catalogue.5.gz \
    ./usr/share/man/man7/probity-language.7.gz ./usr/share/man/man7/probity-sched.7.gz \
    ./usr/share/man/man7/probity-diagnostics.7.gz \
    ./usr/share/doc/probity/html/index.html ./usr/share/doc/probity/copyright; do
  grep -qx -- "$file" "$work/contents" || fail "the package does not install ${file#.}"
done
for example in "$source_dir"/docs/manual/examples/*.d; do
  grep -qx -- "./usr/share/doc/probity/examples/${example##*/}" "$work/contents" ||
    fail "the package does not install the example ${example##*/}"
done
for kernel in "$source_dir"/catalogue/data/kernels/*.yaml; do
  grep -qx -- "./usr/share/probity/catalogue/kernels/${kernel##*/}" "$work/contents" ||
    fail "the package does not install the catalogue's kernels/${kernel##*/}"
done
if [[ -d $source_dir/catalogue/data/vendors ]]; then
  grep -q '^\./usr/share/probity/vendors/.' "$work/contents" || fail "catalogue/data/vendors is not installed"
fi
! grep -q '^\./etc/probity/policy' "$work/contents" || fail "the package installs a site policy; sites write their own"
outside=$(grep -v -e '^\./usr/' -e '^\./$' "$work/contents" || true)
[[ -z $outside ]] || fail "the package installs outside /usr: $outside"

dpkg-deb -x "$deb" "$work/extracted"
step "the copyright file is the source tree's LICENSE"
cmp -s "$source_dir/LICENSE" "$work/extracted/usr/share/doc/probity/copyright" ||
  fail "/usr/share/doc/probity/copyright is not the source tree's LICENSE"

step "every shared library the binary needs comes from a package in Depends"
binary=$work/extracted/usr/bin/probity
# Direct NEEDED entries only: those are what dpkg-shlibdeps must cover.
while read -r soname; do
  path=$(ldd "$binary" | awk -v so="$soname" '$1 == so { print $3 }')
  [[ -n $path ]] || fail "ldd does not resolve $soname"
  owner=$(dpkg-query -S "$(realpath "$path")" 2>/dev/null || dpkg-query -S "$path" 2>/dev/null) ||
    fail "no package owns $path ($soname)"
  package=${owner%%:*}
  grep -qx "$package" <<<"$depends_names" || fail "$soname comes from $package, which Depends lacks: $depends"
done < <(readelf -d "$binary" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p')

step "a fresh root: the runtime packages Depends names, copied from this host"
for link in bin lib lib64 sbin; do
  if [[ -L /$link ]]; then ln -s "$(readlink "/$link")" "$root/$link"; fi
done
mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{etc,proc,tmp,var/log} "$root"/var/lib/dpkg/{info,updates,triggers}
chmod 1777 "$root/tmp"
: >"$root/var/lib/dpkg/status"
cp -a /etc/ld.so.conf /etc/ld.so.conf.d "$root/etc/"
# The host's os-release, so that the vendor overlays installed beside the index apply.
for file in /etc/os-release /usr/lib/os-release; do
  if [[ -e $file || -L $file ]]; then mkdir -p "$root${file%/*}" && cp -a "$file" "$root${file%/*}/"; fi
done
# The packages of the whole library closure (ldd), so that the chroot can run
# the binary; only those Depends names are checked by dpkg --install below.
closure=$( { echo "$depends_names"
  ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
    while read -r library; do
      dpkg-query -S "$(realpath "$library")" 2>/dev/null || dpkg-query -S "$library"
    done | sed 's/:.*//'; } | sort -u)
for package in $closure; do
  dpkg-query -W "$package" >/dev/null 2>&1 || fail "Depends names $package, which is not installed on this host"
  dpkg-query -s "$package" >>"$root/var/lib/dpkg/status"
  echo >>"$root/var/lib/dpkg/status"
  list=$root/var/lib/dpkg/info/$(dpkg-query -W -f='${binary:Package}' "$package").list
  dpkg-query -L "$package" | grep -E '^/(usr/)?lib(64)?/' | grep -v '/gconv/' | while read -r file; do
    if [[ -f $file || -L $file ]] && [[ ! -d $file ]]; then
      # The host's directory with /lib and /lib64 resolved, as the root has the same links.
      directory=$root$(realpath "$(dirname "$file")")
      mkdir -p "$directory"
      cp -a "$file" "$directory/"
      echo "$file" >>"$list"
    fi
  done
done
# The loader's cache, by Debian's ldconfig (statically linked).
cp -a /sbin/ldconfig "$root/usr/sbin/ldconfig"
chroot "$root" /usr/sbin/ldconfig

step "dpkg --root --install"
dpkg --root="$root" --log="$work/dpkg.log" --install "$deb" ||
  fail "dpkg --root=$root --install failed (Depends: $depends)"
[[ $(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' probity) == "install ok installed" ]] ||
  fail "dpkg does not record probity as installed in $root"
[[ -x $root/usr/bin/probity && -f $root/usr/share/probity/probity.idx ]] ||
  fail "dpkg --install did not unpack /usr/bin/probity and its index into $root"

# Runs the installed probity in the chroot as nobody, with a private /proc
# (the binary finds its index through /proc/self/exe).
in_root() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin COLUMNS=100 \
    unshare --mount --pid --fork --mount-proc="$root/proc" \
    chroot --userspec=65534:65534 "$root" /usr/bin/probity "$@"
}

step "probity -l sched:sched_switch in the chroot"
in_root -l sched:sched_switch >"$work/list.out" 2>"$work/list.err" ||
  { cat "$work/list.err" >&2; fail "the installed probity -l sched:sched_switch failed"; }
cat "$work/list.out"
grep -qE '(^|[[:space:]])sched([[:space:]]|:).*sched_switch' "$work/list.out" ||
  fail "probity -l sched:sched_switch does not list sched_switch"
in_root -l 'sched:*' >"$work/list-all.out" 2>/dev/null || fail "the installed probity -l 'sched:*' failed"
[[ $(grep -c 'sched_' "$work/list-all.out") -gt 5 ]] || fail "probity -l 'sched:*' lists fewer than 6 sched probes"

step "probity man sched:sched_switch in the chroot"
in_root man sched:sched_switch --kernel 6.18.44-fc-v657 >"$work/man.out" 2>"$work/man.err" ||
  { cat "$work/man.err" >&2; fail "the installed probity man sched:sched_switch failed"; }
head -20 "$work/man.out"
# The tracepoint's fields (include/trace/events/sched.h).
for field in prev_comm prev_pid prev_prio prev_state next_comm next_pid next_prio; do
  grep -qw "$field" "$work/man.out" || fail "probity man sched:sched_switch does not show the field $field"
done
# The installed index gives what the build tree's gives.
# Both describe the same catalogued release: without --kernel the build
# tree's probity, as root, would also list the running kernel, which the
# chroot's (as nobody) cannot read.
COLUMNS=100 "$build/bin/probity" man sched:sched_switch --kernel 6.18.44-fc-v657 --index "$build/catalogue/probity.idx" >"$work/man-build.out" 2>/dev/null
diff -u "$work/man-build.out" "$work/man.out" >&2 ||
  fail "the installed probity man differs from the build tree's"

step "every installed example compiles in the chroot as it is, with no option"
for example in "$root"/usr/share/doc/probity/examples/*.d; do
  in_root -e --kernel 6.18.44-fc-v657 -s "/usr/share/doc/probity/examples/${example##*/}" \
    >/dev/null 2>"$work/example.err" ||
    { cat "$work/example.err" >&2; fail "the installed example ${example##*/} does not compile as it is"; }
done

step "the installed probity reads only its own index"
mv "$root/usr/share/probity/probity.idx" "$work/probity.idx.aside"
if in_root -l sched:sched_switch >/dev/null 2>"$work/noindex.err"; then
  fail "the installed probity listed probes in the chroot without /usr/share/probity/probity.idx"
fi
# Outside the chroot, where the build tree and its index exist, the installed
# binary must still not read them.
# (Unless this host has an index installed where the build's prefix puts it.)
if [[ -e $compiled_install_index ]]; then
  echo "not checked outside the chroot: $compiled_install_index exists on this host"
elif env -u PROBITY_INDEX "$root/usr/bin/probity" -l sched:sched_switch >/dev/null 2>"$work/noindex-host.err"; then
  fail "$root/usr/bin/probity found an index without $root/usr/share/probity/probity.idx (the build tree's?)"
fi
mv "$work/probity.idx.aside" "$root/usr/share/probity/probity.idx"
env -u PROBITY_INDEX "$root/usr/bin/probity" -l sched:sched_switch >/dev/null ||
  fail "$root/usr/bin/probity does not read $root/usr/share/probity/probity.idx beside it"

step "the installed man pages read with man -l"
for page in man1/probity.1 man5/probity-catalogue.5 man7/probity-language.7 man7/probity-sched.7 \
    man7/probity-diagnostics.7; do
  file=$root/usr/share/man/$page.gz
  MANWIDTH=100 man -l "$file" >"$work/page.out" 2>"$work/page.err" || { cat "$work/page.err" >&2; fail "man -l $file failed"; }
  [[ ! -s $work/page.err ]] || { cat "$work/page.err" >&2; fail "man -l $file warned"; }
  grep -q '^NAME' "$work/page.out" || fail "man -l $file has no NAME section"
done
MANWIDTH=100 man -l "$root/usr/share/man/man7/probity-sched.7.gz" >"$work/page.out" 2>/dev/null
grep -q 'sched_switch' "$work/page.out" || fail "probity-sched(7) does not document sched_switch"
MANWIDTH=100 man -l "$root/usr/share/man/man7/probity-diagnostics.7.gz" >"$work/page.out" 2>/dev/null
grep -q 'D_HAZARD_HOT' "$work/page.out" || fail "probity-diagnostics(7) does not document D_HAZARD_HOT"
in_root man D_HAZARD_HOT >"$work/man-tag.out" 2>&1 || { cat "$work/man-tag.out" >&2; fail "probity man D_HAZARD_HOT failed"; }

rm -rf "$root" "$work/extracted"
echo "PASS: $deb installs into a fresh root and runs there"
