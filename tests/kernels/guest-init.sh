#!/bin/sh
# /init of the kernel matrix's initramfs (see run.sh): runs checks.sh on the
# guest's kernel and prints its lines on the serial console between
# "@@kmatrix-begin" and "@@kmatrix-end rc=N" for run.sh to read.
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t tracefs nodev /sys/kernel/tracing || echo "@@kmatrix-log cannot mount tracefs"
mkdir -p /tmp/checks

echo "@@kmatrix-begin"
PROBITY=/usr/bin/probity KMATRIX_LOAD=/usr/bin/kmatrix-load KMATRIX_SCRATCH=/tmp/checks KMATRIX_ALONE=1 \
	sh /usr/share/probity-kmatrix/checks.sh 2>/tmp/checks.err
status=$?
echo "@@kmatrix-end rc=$status"
# A failure's own words: probity's stderr of every run and the script's.
if [ $status -ne 0 ]; then
	for file in /tmp/checks.err /tmp/checks/*.err; do
		sed "s|^|@@kmatrix-log ${file##*/}: |" "$file"
	done
fi
poweroff -f
