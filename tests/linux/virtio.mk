# SPDX-License-Identifier: MIT
#
# Stock Linux on husk's virtio devices (ext4 on virtio-blk, a read-only
# disk, /dev/hwrng) in the nested test host. Run by 'make check-linux'.

LINUX_TESTS += tests/linux/virtio.sh
