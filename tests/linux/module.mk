# SPDX-License-Identifier: MIT
#
# Linux boot tests: the image builders, then husk booting Debian's stock
# cloud kernel inside a nested test host (QEMU TCG with SVM). Run by
# 'make check-linux'.

LINUX_TESTS += tests/linux/images.sh tests/linux/boot.sh
