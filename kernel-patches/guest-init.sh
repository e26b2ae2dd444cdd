#!/bin/sh
# /init of the test initramfs (see test.sh). Prints what it finds on the
# serial console as "@@ <tag> ..." lines; test.sh judges them on the host.
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tracefs nodev /sys/kernel/tracing
T=/sys/kernel/tracing
say() { echo "@@ $*"; }
now() { cut -d' ' -f1 /proc/uptime; }

say boot "$(uname -r)" uptime="$(now)"

insmod /probity_example.ko
say insmod rc=$?

# Every event directory: its stability file, or its absence.
for dir in "$T"/events/*/*/; do
	event=${dir%/}; name=${event##*/}; system=${event%/*}; system=${system##*/}
	[ -f "$event/format" ] || continue
	if [ -f "$event/stability" ]; then
		say stability "$system:$name" $(tr '\n' ' ' < "$event/stability")
	else
		say nostability "$system:$name"
	fi
done

# The example module's events appear and fire.
echo 1 > "$T/events/probity_example/enable"
echo 7 > /sys/module/probity_example/parameters/fire
echo 0 > "$T/events/probity_example/enable"
grep -o 'probity_example_[a-z]*: .*' "$T/trace" | while read -r line; do say trace "$line"; done

# Probity reads the kernel's declarations and gives them precedence.
start=$(now)
probity catalogue harvest -o /catalogue/kernels > /harvest.log 2>&1
say harvest rc=$? seconds="$(echo "$(now) $start" | awk '{print $1 - $2}')"
sed 's/^/@@ harvest-log /' /harvest.log
for file in /catalogue/kernels/"$(uname -r)".yaml; do
	[ -f "$file" ] || continue
	echo "@@ harvest-begin"
	cat "$file"
	echo "@@ harvest-end"
done

start=$(now)
probity catalogue build --source /catalogue -o /probity.idx > /build.log 2>&1
say index rc=$? seconds="$(echo "$(now) $start" | awk '{print $1 - $2}')"
sed 's/^/@@ index-log /' /build.log

for probe in sched:sched_switch sched:sched_stat_runtime irq:tasklet_entry \
	     raw_syscalls:sys_enter probity_example:probity_example_debug; do
	echo "@@ list-begin $probe"
	probity -lv "$probe" --index /probity.idx 2>&1
	echo "@@ list-end $probe rc=$?"
done

say done uptime="$(now)"
# No ACPI in this kernel: reboot, which qemu -no-reboot turns into an exit.
reboot -f
