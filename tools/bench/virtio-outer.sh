#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Runs inside the nested test host (busybox sh) as its /checks: boots the
# same kernel and initramfs with husk or with QEMU's microvm, once per
# turn of TURNS ("NAME:ROUND ...", from /etc/bench.conf), each with one
# virtio-blk disk (a file in the host's tmpfs) and one virtio-net device
# on tap0, which the host gives 10.0.2.1/24 and where `iobench server`
# listens. The guest's /etc/husk-script measures. Prints one
# "--- bench NAME ROUND" block per run; tools/bench/virtio.sh reads them.

. /etc/bench.conf

disk=/tmp/disk.img
mac=02:00:00:00:02:02
append="console=ttyS0 quiet husk.test=script"

# Waits until tap0 exists (the monitor creates it), then brings it up.
tap_up() {
	tries=0
	while [ $tries -lt 300 ]; do
		if ip link show tap0 >/dev/null 2>&1; then
			ip addr add 10.0.2.1/24 dev tap0
			ip link set tap0 up
			return 0
		fi
		kill -0 "$1" 2>/dev/null || return 1
		usleep 100000
		tries=$((tries + 1))
	done
	return 1
}

run() {
	name=$1 round=$2
	shift 2
	echo "--- bench $name $round"
	timeout -s KILL "$RUN_TIMEOUT" "$@" </dev/null >/tmp/console \
		2>/tmp/stderr &
	pid=$!
	tap_up "$pid" || echo "virtio-bench: tap0 never came up"
	wait "$pid"
	echo "status $?"
	grep -E '^iobench|husk-init: script status' /tmp/console
	# A guest that did not finish: what its console said last.
	grep -q 'husk-init: script status' /tmp/console ||
		tail -n 30 /tmp/console | sed 's/^/console: /'
	tail -n 5 /tmp/stderr
	echo "--- end"
}

run_husk() {
	run husk "$1" husk --kernel /images/vmlinuz \
		--initrd /images/inner.cpio.gz --mem 512M --no-rng \
		--disk "$disk" --net "tap=tap0,mac=$mac" --cmdline "$append"
}

run_qemu() {
	run qemu "$1" qemu-system-x86_64 -M microvm -accel kvm -cpu host \
		-m 512M -smp 1 -nodefaults -no-user-config -display none \
		-serial stdio -no-reboot -L /usr/share/qemu \
		-drive "id=d0,file=$disk,format=raw,if=none" \
		-device virtio-blk-device,drive=d0 \
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
		-device "virtio-net-device,netdev=n0,mac=$mac" \
		-kernel /images/vmlinuz -initrd /images/inner.cpio.gz \
		-append "$append"
}

dd if=/dev/zero of="$disk" bs=1M count="$DISK_MIB" 2>/dev/null
iobench server 5000 &

for turn in $TURNS; do
	"run_${turn%:*}" "${turn#*:}"
done
