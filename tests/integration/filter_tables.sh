#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks husk's generated syscall tables against an independent source,
# libseccomp's scmp_sys_resolver: every name both know must have the same
# number on x86_64, aarch64 and riscv64, and every syscall libseccomp
# places on an architecture must be in husk's table for it. Names that
# libseccomp (2.5.4 in Debian 12) does not know yet are counted and named,
# not failed.

set -u
O=${O:-build}
tool=$O/filter-tables

if [ ! -x "$tool" ]; then
	echo "not ok - filter-tables: $tool is not built"
	exit 1
fi
if ! command -v scmp_sys_resolver >/dev/null 2>&1; then
	echo "skip - syscall tables against libseccomp: scmp_sys_resolver" \
		"not installed (Debian package seccomp)"
	exit 0
fi

# Compares husk's table for $1 with libseccomp, name by name.
check_arch() {
	local arch=$1 name nr theirs agree=0 unknown=() wrong=0
	while read -r name nr; do
		theirs=$(scmp_sys_resolver -a "$arch" "$name")
		if [ "$theirs" -lt 0 ]; then
			unknown+=("$name")
		elif [ "$theirs" -eq "$nr" ]; then
			agree=$((agree + 1))
		else
			echo "not ok - $arch $name: husk $nr, libseccomp $theirs"
			wrong=$((wrong + 1))
		fi
	done < <("$tool" syscalls "$arch")
	if [ "$wrong" -eq 0 ] && [ "$agree" -gt 200 ]; then
		echo "ok - $arch: $agree syscall numbers agree with libseccomp"
	elif [ "$wrong" -eq 0 ]; then
		echo "not ok - $arch: only $agree syscalls known to libseccomp"
	fi
	echo "# $arch: ${#unknown[@]} syscalls unknown to libseccomp:" \
		"${unknown[*]}"
}

# Every name Linux has anywhere that libseccomp places on $1 must be in
# husk's table for $1.
check_missing() {
	local arch=$1 name theirs missing=0
	local table
	table=$("$tool" syscalls "$arch" | cut -d' ' -f1)
	while read -r name; do
		theirs=$(scmp_sys_resolver -a "$arch" "$name")
		[ "$theirs" -ge 0 ] || continue
		if ! grep -qx "$name" <<<"$table"; then
			echo "not ok - $arch $name: libseccomp has $theirs," \
				"husk has none"
			missing=$((missing + 1))
		fi
	done < <("$tool" linux)
	[ "$missing" -eq 0 ] &&
		echo "ok - $arch: husk lacks no syscall libseccomp places there"
}

for arch in x86_64 aarch64 riscv64; do
	check_arch "$arch"
	check_missing "$arch"
done
exit 0
