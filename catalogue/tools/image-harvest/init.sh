#!/bin/busybox sh
# /init of the initramfs that `probity catalogue harvest --kernel-image` boots
# under qemu. It loads the modules the host listed, records which events each
# one adds and which ones fail, copies every event format file, and writes the
# whole dump as a tar stream to the virtio disk /dev/vda for the host to read.
#
# The host provides:
#   /probity/load-order   one "name required|optional" line per module, in
#                         dependency order; files are /probity/modules/NAME.ko
# Console lines starting with "probity-harvest:" are read by the host.
/bin/busybox mkdir -p /bin /proc /sys /dev /tmp /dump
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
  echo "probity-harvest: error: $*"
  poweroff -f
  sleep 60
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tracefs nodev /sys/kernel/tracing || fail "cannot mount tracefs: is this kernel built with CONFIG_TRACING?"
tracing=/sys/kernel/tracing
[ -d $tracing/events ] || fail "tracefs has no events/ directory"

mkdir -p /dump/events /dump/modules
: > /dump/failed-modules
cat $tracing/available_events > /tmp/before

# Each module's events are those available_events gains when it loads.
while read -r name need; do
  if insmod "/probity/modules/$name.ko" 2> /tmp/insmod-error; then
    cat $tracing/available_events > /tmp/after
    awk 'NR == FNR { seen[$0]; next } !($0 in seen)' /tmp/before /tmp/after > "/dump/modules/$name"
    mv /tmp/after /tmp/before
  else
    reason=$(sed -e 's/^insmod: //' -e "s|^can't insert '[^']*': ||" /tmp/insmod-error | head -n 1)
    # The kernel's own explanation ("Unknown symbol X"), without its timestamp.
    detail=$(dmesg | sed -n -e 's/^\[[ 0-9.]*\] //' -e "/^$name: /p" | tail -n 1)
    [ -n "$detail" ] && reason="$reason ($detail)"
    [ "$need" = required ] && fail "cannot load module $name, needed to write the dump: $reason"
    echo "$name	$reason" >> /dump/failed-modules
  fi
done < /probity/load-order

cd $tracing/events || fail "cannot enter $tracing/events"
# tracefs files report a size of 0, so they are read with cat, never archived directly.
for file in header_page header_event; do
  [ -f $file ] && cat $file > /dump/events/$file
done
for dir in */*/; do
  mkdir -p "/dump/events/$dir"
  cat "${dir}format" > "/dump/events/${dir}format" || fail "cannot read $tracing/events/${dir}format"
  [ -f "${dir}stability" ] && cat "${dir}stability" > "/dump/events/${dir}stability"
done
cd /
uname -r > /dump/release
uname -m > /dump/machine
echo complete > /dump/complete

disk=/dev/vda
tries=0
while [ ! -b $disk ]; do
  tries=$((tries + 1))
  [ $tries -gt 100 ] && fail "no $disk: the kernel found no virtio disk (is virtio_blk built in or in the package?)"
  sleep 0.1
done
tar -c -f $disk -C /dump . || fail "cannot write the dump to $disk"
sync
echo "probity-harvest: dump complete, $(ls /dump/events | wc -l) systems"
poweroff -f
