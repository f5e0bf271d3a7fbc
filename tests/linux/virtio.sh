#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Proves that a stock Linux kernel uses husk's virtio devices: inside the
# nested test host of tests/linux/ (QEMU TCG with SVM, see README.md),
# husk boots Debian's cloud kernel with two disks and the entropy device;
# the guest (driven through its shell) mounts an ext4 image made here on
# virtio-blk, writes files, syncs and powers off, is refused a write to
# the read-only disk and reads /dev/hwrng. Afterwards this script reads
# the files back from the image with debugfs, without mounting it.
#
# The test host's two QEMU disks are the image files; inside it they are
# /dev/vda and /dev/vdb, which husk serves to its guest as block devices.
#
# Environment: O, HUSK, QEMU, LINUX_PACKAGE, OUTER_SMP, HUSK_EXTRA_ARGS as
# for tests/linux/boot.sh; VIRTIO_TIMEOUT (seconds for the inner boot,
# default 90). Writes $O/linux/virtio/ (images and consoles).

set -uo pipefail

NAME=virtio TAG=vt CHECKS="ext4 ro hwrng"
VIRTIO_TIMEOUT=${VIRTIO_TIMEOUT:-90}
# shellcheck source=tests/linux/lib.sh
. "$(dirname "$0")/lib.sh"

for tool in mkfs.ext4 debugfs e2fsck; do
	command -v "$tool" >/dev/null || PATH=$PATH:/sbin:/usr/sbin
	command -v "$tool" >/dev/null ||
		skip_all "$tool not found (install e2fsprogs)"
done
need_linux

rm -rf "$work"
mkdir -p "$work/ro-files"

# ---- images ------------------------------------------------------------

echo husk-ro-file >"$work/ro-files/ro.txt"
mkfs.ext4 -q -F "$work/rw.img" 64M || skip_all "mkfs.ext4 failed"
mkfs.ext4 -q -F -d "$work/ro-files" "$work/ro.img" 16M ||
	skip_all "mkfs.ext4 -d failed"
cp "$work/ro.img" "$work/ro.orig"

"$top/tools/images/mkinitramfs" -o "$work/inner.cpio.gz" -i "$init" \
	-k "$mods" -m virtio_mmio -m virtio_blk -m virtio_rng || {
	echo "not ok - linux virtio: inner initramfs built"
	exit 1
}

# ---- the test host -----------------------------------------------------

run_host "$VIRTIO_TIMEOUT" -d "$work/rw.img" -d "$work/ro.img"

# ---- judging -----------------------------------------------------------

file_is() {
	[ "$(debugfs -R "cat $1" "$work/rw.img" 2>/dev/null)" = "$2" ]
}
big_md5_matches() {
	local want got
	want=$(sed -n -E 's/^vt: md5 ([0-9a-f]{32}) .*/\1/p' \
		"$work/guest.console" | head -n 1)
	debugfs -R "dump /big.bin $work/big.bin" "$work/rw.img" \
		>/dev/null 2>&1
	got=$(md5sum <"$work/big.bin" 2>/dev/null | cut -d' ' -f1)
	[ -n "$want" ] && [ "$want" = "$got" ]
}
fsck_clean() {
	e2fsck -fn "$work/rw.img" >"$work/e2fsck.log" 2>&1
}
# The virtio feature string has one 0/1 character per bit, bit 0 first.
ring_features() {
	local f
	f=$(sed -n 's/^vt: vda features //p' "$work/guest.console" | head -n 1)
	[ "${f:28:1}" = 1 ] && [ "${f:29:1}" = 1 ] && [ "${f:32:1}" = 1 ]
}
ro_write_failed() {
	said 'ro write [1-9]'
}

check "the guest mounts the ext4 image on virtio-blk" said 'mounted rw'
check "husk ends with status 0 after the guest's poweroff" status_zero
check "husk prints nothing (no seccomp violation)" husk_quiet
check "a file the guest wrote is in the image (debugfs)" \
	file_is /hello.txt husk-file-ok
check "2 MiB the guest wrote match its md5sum (debugfs)" big_md5_matches
check "the image is a clean ext4 file system afterwards" fsck_clean
check "Linux negotiates VERSION_1, INDIRECT_DESC and EVENT_IDX" \
	ring_features
sed -n 's/^vt: read time /# guest: 64 MiB read from vda (dd bs=1M) in /p' \
	"$work/guest.console"
check "the ro disk is read-only in the guest" said 'vdb ro 1'
check "the guest reads the ro disk's serial" said 'vdb serial husk-ro-disk'
check "the guest reads a file from the ro disk" said 'ro file husk-ro-file'
check "a write to the ro disk fails in the guest" ro_write_failed
check "the ro image is unchanged" cmp -s "$work/ro.img" "$work/ro.orig"
check "the guest's hwrng is virtio_rng" said 'rng current virtio_rng'
check "/dev/hwrng yields 32 bytes" said 'hwrng [0-9a-f]{64}$'
[ "$failures" -eq 0 ]
