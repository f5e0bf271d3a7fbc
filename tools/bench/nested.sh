# SPDX-License-Identifier: MIT
#
# Sourced by the bench sections that run husk and QEMU inside the nested
# test host of tests/linux/ (boot.sh, virtio.sh), with $O and $work set.

# shellcheck shell=bash disable=SC2034,SC2154 # set here, used there

# not_measured WHY...: the section's only line, then its end.
not_measured() {
	echo "**NOT MEASURED: $*.**"
	echo
	exit 0
}

# need_nested_host PROGRAM...: ends the section unless the test host's
# parts, QEMU and every PROGRAM are there and Debian's cloud kernel can
# be had; sets qemu (its path) and kdir (the unpacked kernel), and makes
# $work.
need_nested_host() {
	local f
	if [ ! -f tests/linux/outer-init ] ||
		[ ! -x tools/images/mkinitramfs ] ||
		[ ! -x tools/images/fetch-kernel ]; then
		not_measured "the nested Linux test host" \
			"(tests/linux/outer-init, tools/images/) is not there"
	fi
	qemu=$(command -v qemu-system-x86_64) ||
		not_measured "no qemu-system-x86_64 (Debian's qemu-system-x86)"
	for f in "$@"; do
		[ -x "$f" ] || not_measured "$f is not built"
	done
	mkdir -p "$work"
	kdir=$(tools/images/fetch-kernel -o "$O/linux" 2>"$work/fetch.log" |
		tail -n 1)
	if [ -z "$kdir" ] || [ ! -f "$kdir/vmlinuz" ]; then
		not_measured "Debian's cloud kernel cannot be had here" \
			"(tools/images/fetch-kernel failed, see $work/fetch.log)"
	fi
}
