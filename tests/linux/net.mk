# SPDX-License-Identifier: MIT
#
# Stock Linux on husk's virtio-net (ping and nc transfers over a tap) in
# the nested test host. Run by 'make check-linux'.

LINUX_TESTS += tests/linux/net.sh
