#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Runs inside the nested test host (busybox sh) as its /checks: boots the
# same kernel and initramfs with husk and with QEMU's microvm, in turns,
# each under /bin/stamp, and prints one "--- bench NAME ROUND" block per
# run with stamp's line at its end. tools/bench/boot.sh reads them.

. /etc/bench.conf

run() {
	name=$1 round=$2
	shift 2
	echo "--- bench $name $round"
	timeout -s KILL "$BOOT_TIMEOUT" /bin/stamp husk-init: "$@" \
		</dev/null >/tmp/console 2>/tmp/stamp
	tail -n 3 /tmp/console
	grep '^stamp:' /tmp/stamp || echo "stamp: marker_s=none exit_s=none"
	echo "--- end"
}

append="console=ttyS0 quiet husk.test=poweroff"

run_husk() {
	run husk "$1" husk --kernel /images/vmlinuz \
		--initrd /images/inner.cpio.gz --mem 256M --cmdline "$append"
}

run_qemu() {
	run qemu "$1" qemu-system-x86_64 -M microvm -accel kvm -cpu host \
		-m 256M -smp 1 -nodefaults -no-user-config -display none \
		-serial stdio -no-reboot -L /usr/share/qemu \
		-kernel /images/vmlinuz -initrd /images/inner.cpio.gz \
		-append "$append"
}

# Turns alternate which monitor goes first.
i=1
while [ $i -le "$ROUNDS" ]; do
	if [ $((i % 2)) -eq 1 ]; then
		run_husk $i
		run_qemu $i
	else
		run_qemu $i
		run_husk $i
	fi
	i=$((i + 1))
done
