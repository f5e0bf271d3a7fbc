# SPDX-License-Identifier: MIT
#
# Helpers for the Linux tests that drive one husk run through the guest's
# shell inside the nested test host (net.sh, virtio.sh), which source this
# file after setting NAME (the run's name: "net" runs tests/linux/net-run
# with /etc/net-commands and prints "--- boot net"), TAG (what the guest's
# lines start with, as "nt: ") and CHECKS (the names skip_all skips).
# Environment: O, HUSK, QEMU, LINUX_PACKAGE, OUTER_SMP, HUSK_EXTRA_ARGS as
# for tests/linux/boot.sh.

# shellcheck shell=bash disable=SC2034,SC2154 # set here, used there

O=${O:-build}
HUSK=${HUSK:-$O/husk}
OUTER_SMP=${OUTER_SMP:-2}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$O/linux/$NAME
init=$O/guest/linux-init/init
console=$work/outer-console.log

# skip_all WHY: a skip line for each of $CHECKS, then ends the script.
skip_all() {
	local c
	for c in $CHECKS; do
		echo "skip - linux $NAME $c: $*"
	done
	exit 0
}

# need_linux: skips without QEMU or Debian's kernel, fails without husk
# and the guest's init; sets kdir and mods (the kernel's modules folder).
need_linux() {
	command -v "${QEMU:-qemu-system-x86_64}" >/dev/null ||
		skip_all "${QEMU:-qemu-system-x86_64} not found" \
			"(install qemu-system-x86)"
	if [ ! -x "$init" ] || [ ! -x "$HUSK" ]; then
		echo "not ok - linux $NAME: $init and $HUSK built (make O=$O)"
		exit 1
	fi
	local package=${LINUX_PACKAGE:-linux-image-cloud-amd64}
	kdir=$("$top/tools/images/fetch-kernel" -o "$O/linux" -p "$package" |
		tail -n 1) || skip_all "Debian's $package cannot be had here"
	mods=$(echo "$kdir"/lib/modules/*)
}

# run_host SECONDS [NESTED-HOST-ARG...]: boots the test host, which runs
# husk on $work/inner.cpio.gz for at most SECONDS, and splits the run out
# of its console: $work/run.log, guest.console and husk.log. Skips when
# the host has no /dev/kvm; ends with "not ok" when it cannot run.
run_host() {
	local seconds=$1
	shift
	printf 'BOOT_TIMEOUT=%s\nHUSK_ARGS="%s"\n' "$seconds" \
		"--initrd /images/inner.cpio.gz ${HUSK_EXTRA_ARGS:-}" \
		>"$work/boots.conf"
	"$top/tools/images/nested-host" -w "$work" -k "$kdir" -l "$console" \
		-s "$OUTER_SMP" -M 3G -t $((seconds + 90)) \
		-c "$top/tests/linux/$NAME-run" -b "$HUSK:/bin/husk" \
		-f "$top/tests/linux/$NAME-commands:/etc/$NAME-commands" \
		-f "$work/inner.cpio.gz:/images/inner.cpio.gz" \
		-f "$work/boots.conf:/etc/boots.conf" "$@"
	case $? in
	0 | 1) ;;
	3) skip_all "the nested test host has no /dev/kvm" ;;
	5)
		echo "not ok - linux $NAME: test host initramfs built"
		exit 1
		;;
	*)
		echo "not ok - linux $NAME: nested test host boots (see $console)"
		tail -n 20 "$console" | sed 's/^/# /'
		exit 1
		;;
	esac
	sed -n "/^--- boot $NAME/,/^--- end $NAME/p" "$console" >"$work/run.log"
	sed -n 's/^| //p' "$work/run.log" >"$work/guest.console"
	sed -n 's/^! //p' "$work/run.log" >"$work/husk.log"
}

# check DESC COMMAND...: one result line; the first failure shows the run
# (the host's own $TAG lines, husk's messages, the guest console's end).
failures=0
check() {
	local desc=$1
	shift
	if "$@"; then
		echo "ok - linux $NAME: $desc"
		return
	fi
	echo "not ok - linux $NAME: $desc"
	failures=$((failures + 1))
	[ "$failures" -eq 1 ] || return
	grep "^$TAG: " "$console" | sed 's/^/# host: /'
	sed 's/^/# husk: /' "$work/husk.log" | head -n 20
	tail -n 40 "$work/guest.console" | sed 's/^/# console: /'
}

# said ERE: the guest printed "$TAG: " and a match of ERE at a line start.
said() {
	grep -q -E -e "^$TAG: $1" "$work/guest.console"
}

status_zero() {
	grep -q "^--- boot $NAME status=0 " "$work/run.log"
}

husk_quiet() {
	[ -f "$work/husk.log" ] && [ ! -s "$work/husk.log" ]
}
