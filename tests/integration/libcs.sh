#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Runs husk's filters against the other libcs husk ships with: builds
# husk, tests/husk-hooks and the standalone per-role libc checks statically
# against glibc ($O-static, STATIC=1) and musl ($O-musl, CC=musl-gcc
# STATIC=1), then runs guests.sh, seccomp.sh and the role checks with
# each. Each libc picks syscalls of its own (musl's sleep() is nanosleep,
# glibc's clock_nanosleep), so a policy that passes one may fail another.
# Run by 'make check-libcs' (not by 'make check': two more builds).
#
# Environment: O (build dir of the default configuration, whose guest
# images are used), MAKE (default make), LIBCS (default "static musl").

set -u
O=${O:-build}
MAKE=${MAKE:-make}
LIBCS=${LIBCS:-static musl}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

prefix() { sed -E "s/^(ok|not ok|skip) - /\\1 - $1: /"; }

if [ ! -f "$O/guest/uart.bzImage" ]; then
	echo "skip - libcs: no guests in $O/guest (make O=$O guests first)"
	exit 0
fi

for libc in $LIBCS; do
	dir=$O-$libc
	case $libc in
	static) args=(STATIC=1) ;;
	musl)
		if ! command -v musl-gcc >/dev/null; then
			echo "skip - libcs musl: musl-gcc not found (apt-get install musl-tools)"
			continue
		fi
		args=(CC=musl-gcc STATIC=1)
		;;
	*)
		echo "not ok - libcs $libc: unknown configuration"
		continue
		;;
	esac

	echo "# building $dir: make O=$dir ${args[*]}"
	if ! (cd "$top" && $MAKE --no-print-directory O="$dir" "${args[@]}" \
		-j2 "$dir/husk" "$dir/tests/husk-hooks" \
		"$dir/tests/unit/test_roles_standalone") >"$O/libcs-$libc.log" 2>&1; then
		echo "not ok - libcs $libc: build (see $O/libcs-$libc.log)"
		tail -n 5 "$O/libcs-$libc.log" | sed 's/^/#   /'
		continue
	fi
	echo "ok - libcs $libc: build"

	"$dir/tests/unit/test_roles_standalone" 2>&1 | prefix "$libc"
	O=$O HUSK=$dir/husk GUESTS=$O/guest bash "$here/guests.sh" 2>&1 |
		prefix "$libc"
	O=$O HUSK=$dir/husk HUSK_HOOKS=$dir/tests/husk-hooks GUESTS=$O/guest \
		bash "$here/seccomp.sh" 2>&1 | prefix "$libc"
done
exit 0
