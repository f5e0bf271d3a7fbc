#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks the image builders the Linux boot tests rest on: fetch-kernel
# (cached, with a modules.dep), mkinitramfs (applet links, modules after
# their dependencies, programs with their libraries, both output formats)
# and nested-host's second boot of a host whose own kernel crashed.

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

# A host that crashes on its first boot (it marks its disk first, so the
# second boot knows) is booted once more by default, and not with -R 0.
cat >"$tmp/crash-checks" <<'EOF'
if [ "$(head -c 1 /dev/vda)" != x ]; then
	printf x | dd of=/dev/vda conv=notrunc,fsync 2>/dev/null
	echo c >/proc/sysrq-trigger
fi
echo "crash-test: ran to the end"
EOF
crash_host() {
	truncate -s 0 "$tmp/crash.img" && truncate -s 1M "$tmp/crash.img"
	"$top/tools/images/nested-host" -w "$tmp/crash" -k "$kdir" \
		-c "$tmp/crash-checks" -d "$tmp/crash.img" -M 512M -s 1 -t 120 \
		"$@" 2>"$tmp/crash.err"
}
booted_again() {
	crash_host &&
		grep -q '^crash-test: ran to the end' "$tmp/crash/outer-console.log" &&
		grep -q 'Kernel panic' "$tmp/crash/outer-console.log.crash1" &&
		grep -q 'crashed.*booting it again' "$tmp/crash.err"
}
crashes_once() {
	crash_host -R 0
	[ $? -eq 1 ] && grep -q "kernel crashed (boots: 1" "$tmp/crash.err"
}
if command -v qemu-system-x86_64 >/dev/null; then
	check "nested-host: a host whose kernel crashed boots again" booted_again
	check "nested-host -R 0: a crashed host ends with status 1" crashes_once
else
	echo "skip - nested-host: qemu-system-x86_64 is not installed"
fi

[ "$failures" -eq 0 ]
