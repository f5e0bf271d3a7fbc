#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Proves that a stock Linux kernel uses husk's virtio-net: inside the
# nested test host of tests/linux/ (QEMU TCG with SVM, see README.md),
# husk boots Debian's cloud kernel with --net tap=tap0; the test host
# gives the tap 10.0.2.1/24, the guest (driven through its shell) gives
# eth0 10.0.2.2/24, pings the host, uploads 2 MiB to it and downloads
# 2 MiB from it with busybox nc; both sides' md5sums must agree.
#
# Environment: O, HUSK, QEMU, LINUX_PACKAGE, OUTER_SMP, HUSK_EXTRA_ARGS as
# for tests/linux/boot.sh; NET_TIMEOUT (seconds for the inner boot,
# default 150). Writes $O/linux/net/ (images and consoles).

set -uo pipefail

NAME=net TAG=nt
CHECKS="driver features mac ping upload download tso-tx tso-rx status quiet"
NET_TIMEOUT=${NET_TIMEOUT:-150}
# shellcheck source=tests/linux/lib.sh
. "$(dirname "$0")/lib.sh"

need_linux
[ -n "$(find "$mods" -name 'tun.ko*' -print -quit)" ] ||
	skip_all "the kernel package has no tun module"

rm -rf "$work"
mkdir -p "$work"

# ---- images ------------------------------------------------------------

"$top/tools/images/mkinitramfs" -o "$work/inner.cpio.gz" -i "$init" \
	-k "$mods" -m virtio_mmio -m virtio_net || {
	echo "not ok - linux net: inner initramfs built"
	exit 1
}

# ---- the test host -----------------------------------------------------

run_host "$NET_TIMEOUT" -m tun

# ---- judging -----------------------------------------------------------

# "nt: WHAT md5 SUM" from the guest and from the host agree.
md5_agree() {
	local a b
	a=$(sed -n -E "s/^nt: $1 md5 ([0-9a-f]{32}) .*/\\1/p" \
		"$work/guest.console" | head -n 1)
	b=$(sed -n -E "s/^nt: $2 md5 ([0-9a-f]{32}) .*/\\1/p" "$console" |
		head -n 1)
	[ -n "$a" ] && [ "$a" = "$b" ]
}
# The virtio feature string has one 0/1 character per bit, bit 0 first:
# CSUM 0, GUEST_CSUM 1, MAC 5, GUEST_TSO4 7, HOST_TSO4 11, MRG_RXBUF 15,
# STATUS 16, VERSION_1 32.
offloads_negotiated() {
	local f b
	f=$(sed -n 's/^nt: features //p' "$work/guest.console" | head -n 1)
	for b in 0 1 5 7 11 15 16 32; do
		[ "${f:$b:1}" = 1 ] || return 1
	done
}
# The tap's counters (/proc/net/dev, host side: rx is what the guest
# sent): frames of more than 1600 bytes on average mean segmentation
# offload worked in that direction.
avg_frame() {
	sed -n 's/^nt: tap0 //p' "$console" | head -n 1 |
		awk -v f="$1" '{ if ($(f + 1) > 0) print int($f / $(f + 1)); else print 0 }'
}
gso_used() {
	local avg
	avg=$(avg_frame "$1")
	echo "# tap0 $2: $avg bytes a frame on average"
	[ "${avg:-0}" -gt 1600 ]
}
check "virtio_net binds the device" said 'driver virtio_net'
check "Linux negotiates MAC, STATUS, MRG_RXBUF, checksum and TSO offloads" \
	offloads_negotiated
check "eth0 has the MAC given to --net" said 'mac 02:00:00:00:02:02'
check "the guest pings the test host's tap address" \
	said 'ping 3 packets transmitted, 3 packets received'
check "2 MiB uploaded with nc arrive intact (md5sum)" \
	md5_agree tx "host got"
check "2 MiB downloaded with nc arrive intact (md5sum)" \
	md5_agree rx host
check "the guest's transmit uses TSO (HOST_TSO4 through the tap)" \
	gso_used 1 rx
check "the guest's receive uses TSO (TUNSETOFFLOAD set)" gso_used 9 tx
check "husk ends with status 0 after the guest's poweroff" status_zero
check "husk prints nothing (no seccomp violation)" husk_quiet
[ "$failures" -eq 0 ]
