#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Proves that husk boots a stock Linux kernel. /dev/kvm on the build
# machine may not run Linux, so this boots a nested test host instead:
# QEMU (TCG, -cpu max, which offers AMD SVM) runs Debian's cloud kernel,
# which loads kvm-amd; inside it, husk boots the same kernel several times
# on that /dev/kvm with a busybox initramfs and guest/linux-init as init.
# The host prints every run to its serial console; this script judges the
# runs and prints one ok/not ok/skip line per check.
#
# Environment: O (build dir), HUSK (default $O/husk), OUTER_TIMEOUT and
# BOOT_TIMEOUT (seconds), OUTER_SMP (vCPUs of the test host, default 2),
# BOOTS (names of the runs to do, default all), HUSK_EXTRA_ARGS (added to
# every husk command line, e.g. "--log-level debug"), QEMU (the program
# that runs the test host, default qemu-system-x86_64), LINUX_PACKAGE
# (the Debian kernel package, default linux-image-cloud-amd64).
# Writes $O/linux/logs/ (one console and husk log per run, the host's
# console), $O/linux/boot-times.txt and the same as JSON lines in
# $O/linux/boot-metrics.jsonl.

set -uo pipefail

O=${O:-build}
HUSK=${HUSK:-$O/husk}
OUTER_SMP=${OUTER_SMP:-2}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-45}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$O/linux
logs=$work/logs

# Each run: NAME CPUS MEM INPUT KERNEL CMDLINE. KERNEL is vmlinuz (the
# bzImage as Debian ships it) or vmlinux (the ELF inside it). The token
# proves the command line arrives unchanged.
token=husk-token-$$-$RANDOM
boots="cpus1 1 512M none vmlinuz console=ttyS0 husk.test=poweroff husk.token=$token
cpus2 2 512M none vmlinuz console=ttyS0 husk.test=poweroff
reboot 1 512M none vmlinuz console=ttyS0 husk.test=reboot
mem3g 2 3G none vmlinuz console=ttyS0 quiet husk.test=poweroff
quiet 1 256M none vmlinuz console=ttyS0 quiet husk.test=poweroff
elf 1 256M none vmlinux console=ttyS0 quiet husk.test=poweroff
console 1 256M shell vmlinuz console=ttyS0 quiet husk.test=shell"
if [ -n "${BOOTS:-}" ]; then
	boots=$(grep -E "^($(tr ' ' '|' <<<"$BOOTS")) " <<<"$boots")
fi
nboots=$(wc -l <<<"$boots")
OUTER_TIMEOUT=${OUTER_TIMEOUT:-$((60 + nboots * BOOT_TIMEOUT))}

skip_all() {
	echo "skip - linux boot tests: $*"
	exit 0
}

# ---- what the nested host needs ----------------------------------------

command -v "${QEMU:-qemu-system-x86_64}" >/dev/null ||
	skip_all "${QEMU:-qemu-system-x86_64} not found (install qemu-system-x86)"
init=$O/guest/linux-init/init
if [ ! -x "$init" ]; then
	echo "not ok - guest init built: $init missing (make O=$O)"
	exit 1
fi
if [ ! -x "$HUSK" ]; then
	echo "not ok - husk built: $HUSK missing (make O=$O)"
	exit 1
fi

package=${LINUX_PACKAGE:-linux-image-cloud-amd64}
if ! kdir=$("$top/tools/images/fetch-kernel" -o "$work" -p "$package" |
	tail -n 1); then
	skip_all "Debian's $package cannot be had here"
fi
mods=$(echo "$kdir"/lib/modules/*)

mkdir -p "$logs"
rm -f "$logs"/*

"$top/tools/images/mkinitramfs" -o "$work/inner.cpio.gz" -i "$init" \
	-k "$mods" -m virtio_mmio -m virtio_blk -m virtio_net \
	-m virtio_console -m virtio_rng || {
	echo "not ok - inner initramfs built"
	exit 1
}

# The ELF run needs the vmlinux inside Debian's bzImage.
elf_files=()
elf_skip=
if "$top/tools/images/extract-vmlinux" "$kdir/vmlinuz" "$work/vmlinux" \
	2>"$work/extract-vmlinux.log"; then
	elf_files=(-f "$work/vmlinux:/images/vmlinux")
else
	elf_skip=$(tail -n 1 "$work/extract-vmlinux.log")
	boots=$(grep -v '^elf ' <<<"$boots")
fi

cat >"$work/boots.conf" <<CONF
BOOT_TIMEOUT=$BOOT_TIMEOUT
HUSK_ARGS="--initrd /images/inner.cpio.gz --timestamps --metrics /tmp/metrics.json ${HUSK_EXTRA_ARGS:-}"
CONF
echo "$boots" >"$work/boots"

# ---- the nested host ---------------------------------------------------

console=$logs/outer-console.log
"$top/tools/images/nested-host" -w "$work" -k "$kdir" -l "$console" \
	-s "$OUTER_SMP" -M 5G -t "$OUTER_TIMEOUT" \
	-c "$top/tests/linux/nested-run" -b "$HUSK:/bin/husk" \
	"${elf_files[@]}" -f "$work/inner.cpio.gz:/images/inner.cpio.gz" \
	-f "$work/boots.conf:/etc/boots.conf" -f "$work/boots:/etc/boots"
host=$?
if [ "$host" -eq 5 ]; then
	echo "not ok - test host initramfs built"
	exit 1
fi
outer_seconds=none outer_rc=none
read -r outer_seconds _ outer_rc 2>/dev/null <"$work/outer.result"

# Splits the host's console into one file per run: NAME.console (what the
# guest printed), NAME.husk (husk's messages), NAME.metrics.json, and
# NAME.status ("STATUS START END", times in the host's uptime seconds).
split_console() {
	awk -v dir="$logs" '
	/^--- boot / {
		name = $3
		sub(/^status=/, "", $4); sub(/^start=/, "", $5)
		sub(/^end=/, "", $6)
		print $4, $5, $6 > (dir "/" name ".status")
		next
	}
	/^--- end / { name = ""; next }
	name != "" && /^\| / { print substr($0, 3) > (dir "/" name ".console") }
	name != "" && /^! / { print substr($0, 3) > (dir "/" name ".husk") }
	name != "" && /^@ / {
		print substr($0, 3) > (dir "/" name ".metrics.json")
	}
	' "$console"
}

split_console
echo "# test host: $outer_seconds s, exit status $outer_rc, -smp $OUTER_SMP"

# ---- judging -----------------------------------------------------------

case $host in
0 | 1) ;;
3)
	grep '^outer: ' "$console" | sed 's/^/# /'
	skip_all "the nested test host has no /dev/kvm (kvm-amd did not load)"
	;;
*)
	echo "not ok - nested test host boots (see $console)"
	tail -n 30 "$console" | sed 's/^/# /'
	exit 1
	;;
esac
echo "ok - nested test host boots and has /dev/kvm"
failures=0
if [ "$host" -eq 1 ]; then
	echo "not ok - nested test host finished within $OUTER_TIMEOUT s"
	failures=1
fi

status_of() {
	local st
	read -r st _ <"$logs/$1.status" 2>/dev/null || st=none
	echo "$st"
}

# Shows what a failed run printed, once: husk's messages and the end of
# the guest's console.
declare -A shown
show_run() {
	local name=$1
	if [ -n "${shown[$name]:-}" ]; then
		echo "# $name: output shown above"
		return
	fi
	shown[$name]=1
	if [ ! -f "$logs/$name.status" ]; then
		echo "# $name: no record (the test host ended before this run)"
		return
	fi
	echo "# $name: husk exit status $(status_of "$name")"
	sed "s/^/# $name husk: /" "$logs/$name.husk" 2>/dev/null | head -n 40
	tail -n 25 "$logs/$name.console" 2>/dev/null |
		sed "s/^/# $name console: /"
}

# check NAME DESCRIPTION COMMAND...: ok if COMMAND succeeds.
check() {
	local name=$1 desc=$2
	shift 2
	if ! grep -q "^$name " <<<"$boots"; then
		echo "skip - $desc: run $name not selected (BOOTS=$BOOTS)"
	elif "$@"; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		failures=$((failures + 1))
		show_run "$name"
	fi
}

has() {
	grep -q -E -e "$2" "$logs/$1.console" 2>/dev/null
}

status_is() {
	[ "$(status_of "$1")" = "$2" ]
}

userspace() {
	has "$1" '^husk-init: kernel '
}

# MemTotal of run $1 lies within 10% below $2 GiB.
memtotal_near() {
	local kb want=$(($2 * 1024 * 1024))
	kb=$(sed -n 's/^husk-init: memtotal-kb //p' "$logs/$1.console" \
		2>/dev/null)
	[ -n "$kb" ] && [ "$kb" -le "$want" ] &&
		[ "$kb" -ge $((want * 9 / 10)) ]
}

# Run $1 left no husk message other than --timestamps lines.
quiet_husk() {
	[ -f "$logs/$1.husk" ] && ! grep -q -v '^husk: timestamp ' "$logs/$1.husk"
}

# reached_and_status NAME STATUS: userspace reached, husk ended with STATUS.
reached_and_status() {
	userspace "$1" && status_is "$1" "$2"
}

check cpus1 "stock Linux reaches userspace in husk (--cpus 1)" userspace cpus1
check cpus1 "the guest loads the virtio modules from the initramfs" \
	has cpus1 '^husk-init: modules loaded=[1-9][0-9]* failed=0$'
check cpus1 "the kernel command line arrives (/proc/cmdline)" \
	has cpus1 "^husk-init: cmdline .*husk\\.token=$token( |\$)"
check cpus1 "poweroff ends husk with status 0" status_is cpus1 0
check cpus1 "husk prints nothing but its timestamps in a normal run" \
	quiet_husk cpus1
check cpus1 "the guest's timer is the TSC-deadline one (lapic-deadline)" \
	has cpus1 '^husk-init: clockevent lapic-deadline$'
check cpus2 "stock Linux reaches userspace with --cpus 2" userspace cpus2
check cpus2 "--cpus 2: the guest has 2 CPUs online" \
	has cpus2 '^husk-init: cpus online=0-1 count=2$'
check reboot "reboot ends husk with status 5" reached_and_status reboot 5
check mem3g "--mem 3G: MemTotal within 10% below 3 GiB" memtotal_near mem3g 3
check quiet "a kernel with 'quiet' reaches userspace" \
	reached_and_status quiet 0
if [ -n "$elf_skip" ]; then
	echo "skip - the ELF vmlinux of the same kernel reaches userspace:" \
		"$elf_skip"
else
	check elf "the ELF vmlinux of the same kernel reaches userspace" \
		reached_and_status elf 0
fi
check console "console input reaches a guest shell (marker-42)" \
	has console '^marker-42'
check console "the shell's exit powers off: husk status 0" \
	status_is console 0

if has cpus1 '^husk-init: marker-port faulted'; then
	echo "skip - husk records the userspace mark on port 0x4f0: the" \
		"nested host traps user-mode port writes (#GP despite ioperm)"
else
	check cpus1 "husk records the userspace mark on port 0x4f0" \
		grep -q '^husk: timestamp mark' "$logs/cpus1.husk"
fi

# ---- timings for the benchmarks ----------------------------------------

# One line per run (exit status, wall time inside the test host, the
# guest's uptime when init started), then husk's own timestamps.
write_times() {
	local name cpus mem st start end wall up
	echo "# husk Linux boot times, $(date -u +%FT%TZ)," \
		"kernel $(basename "$kdir")"
	echo "# test host: qemu tcg -smp $OUTER_SMP, $outer_seconds s wall"
	while read -r name cpus mem _; do
		[ -f "$logs/$name.status" ] || continue
		read -r st start end <"$logs/$name.status"
		wall=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
		up=$(sed -n 's/^husk-init: uptime \([^ ]*\).*/\1/p' \
			"$logs/$name.console" 2>/dev/null | head -n 1)
		echo "$name cpus=$cpus mem=$mem status=$st wall=${wall}s" \
			"guest-uptime-at-init=${up:-none}"
		sed -n "s/^husk: timestamp /$name /p" "$logs/$name.husk" \
			2>/dev/null
	done <<<"$boots"
}

# The same as JSON lines, with husk's --metrics object of each run.
write_metrics() {
	local name cpus mem st start end wall up husk
	while read -r name cpus mem _; do
		[ -f "$logs/$name.status" ] || continue
		read -r st start end <"$logs/$name.status"
		wall=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
		up=$(sed -n 's/^husk-init: uptime \([^ ]*\).*/\1/p' \
			"$logs/$name.console" 2>/dev/null | head -n 1)
		husk=$(tr -d '\n' <"$logs/$name.metrics.json" 2>/dev/null)
		printf '{"run":"%s","cpus":%s,"mem":"%s","status":%s,' \
			"$name" "$cpus" "$mem" "$st"
		printf '"wall_s":%s,"guest_uptime_at_init_s":%s,"husk":%s}\n' \
			"$wall" "${up:-null}" "${husk:-null}"
	done <<<"$boots"
}

write_times >"$work/boot-times.txt"
write_metrics >"$work/boot-metrics.jsonl"
sed -E 's/^(# )?/# /' "$work/boot-times.txt"
[ "$failures" -eq 0 ]
