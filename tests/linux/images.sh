#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks the image builders the Linux boot tests rest on: fetch-kernel
# (cached, with a modules.dep) and mkinitramfs (applet links, modules after
# their dependencies, programs with their libraries, both output formats).

set -uo pipefail

O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$O/linux
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
check() {
	local desc=$1
	shift
	if "$@"; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		failures=$((failures + 1))
	fi
}

package=${LINUX_PACKAGE:-linux-image-cloud-amd64}
if ! kdir=$("$top/tools/images/fetch-kernel" -o "$work" -p "$package" |
	tail -n 1); then
	echo "skip - image builders: Debian's $package cannot be had here"
	exit 0
fi
mods=$(echo "$kdir"/lib/modules/*)

# A second fetch must find everything in the cache.
again=$("$top/tools/images/fetch-kernel" -o "$work" -p "$package" \
	2>"$tmp/fetch.err" | tail -n 1)
check "fetch-kernel: a second run uses the cache" \
	test "$again" = "$kdir" -a ! -s "$tmp/fetch.err"
check "fetch-kernel: vmlinuz and modules.dep are there" \
	test -s "$kdir/vmlinuz" -a -s "$mods/modules.dep"
check "modules.dep: kvm-amd needs kvm and irqbypass" \
	grep -q -E '^kernel/arch/x86/kvm/kvm-amd\.ko: .*kvm\.ko.*irqbypass\.ko' \
	"$mods/modules.dep"

extract() {
	mkdir -p "$2"
	(cd "$2" && busybox cpio -i -d 2>/dev/null) <"$1"
}

printf '#!/bin/sh\n' >"$tmp/init"
"$top/tools/images/mkinitramfs" -z none -o "$tmp/plain.cpio" \
	-i "$tmp/init" -k "$mods" -m virtio_net -m kvm-amd \
	-b /bin/true:/usr/bin/probe -f "$tmp/init:/etc/extra" ||
	echo "not ok - mkinitramfs builds a plain image"
"$top/tools/images/mkinitramfs" -o "$tmp/gz.cpio.gz" -i "$tmp/init" ||
	echo "not ok - mkinitramfs builds a gzip image"

extract "$tmp/plain.cpio" "$tmp/plain"
check "mkinitramfs: /init and /bin/sh (a busybox link) are there" \
	test -x "$tmp/plain/init" -a -L "$tmp/plain/bin/sh"
check "mkinitramfs: -f places a file" test -f "$tmp/plain/etc/extra"
check "mkinitramfs: -b copies a program with its loader and libc" \
	test -x "$tmp/plain/usr/bin/probe" -a \
	-n "$(find "$tmp/plain" -name 'libc.so*' -print -quit)" -a \
	-n "$(find "$tmp/plain" -name 'ld-linux*' -print -quit)"

# Every module in /etc/modules comes after all it depends on.
ordered() {
	local seen=" " path deps d
	while IFS= read -r path; do
		path=${path#/lib/modules/*/}
		deps=$(sed -n "s|^$path:||p" "$mods/modules.dep")
		for d in $deps; do
			case $seen in *" $d "*) ;; *) return 1 ;; esac
		done
		seen="$seen$path "
	done <"$tmp/plain/etc/modules"
	[ "$seen" != " " ]
}
check "mkinitramfs: modules load after their dependencies" ordered
check "mkinitramfs: modules with dependencies are all there" \
	test "$(wc -l <"$tmp/plain/etc/modules")" -ge 7

check "mkinitramfs: the gzip image is a gzip newc archive" \
	bash -c "gzip -dc '$tmp/gz.cpio.gz' | head -c 6 | grep -q 070701"
check "mkinitramfs: the plain image is a newc archive" \
	bash -c "head -c 6 '$tmp/plain.cpio' | grep -q 070701"

[ "$failures" -eq 0 ]
