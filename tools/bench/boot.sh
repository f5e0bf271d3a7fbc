#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The boot section: time from process start to the guest's first userspace
# output and to exit, husk beside `qemu-system-x86_64 -M microvm`, with the
# same stock kernel and initramfs. A stock kernel does not boot on this
# machine's /dev/kvm, so both run inside the nested test host of
# tests/linux/ (QEMU TCG with SVM, kvm-amd inside), in alternating turns,
# each timed there by tools/bench/stamp.c.
# BENCH_BOOT_ROUNDS sets the turns (default 3); BENCH_BOOT=0 skips it.

set -u
O=${O:-build}
rounds=${BENCH_BOOT_ROUNDS:-3}
work=$O/bench/boot
husk=$O/husk
stamp=$O/bench/stamp
init=$O/guest/linux-init/init
outer_timeout=$((120 + rounds * 2 * 90))

echo "## boot"
echo

# shellcheck source=tools/bench/nested.sh
. tools/bench/nested.sh

[ "${BENCH_BOOT:-1}" = 0 ] && not_measured "skipped (BENCH_BOOT=0)"
need_nested_host "$husk" "$stamp" "$init"

# The same initramfs for both: busybox and husk's Linux test init.
tools/images/mkinitramfs -o "$work/inner.cpio.gz" -i "$init" \
	>"$work/mk.log" 2>&1 || not_measured "the guest initramfs did not build"
printf 'ROUNDS=%s\nBOOT_TIMEOUT=90\n' "$rounds" >"$work/bench.conf"
console=$work/console.log
QEMU=$qemu tools/images/nested-host -w "$work" -k "$kdir" -l "$console" \
	-s 2 -M 5G -t "$outer_timeout" -q -c tools/bench/boot-outer.sh \
	-b "$husk:/bin/husk" -b "$stamp:/bin/stamp" \
	-f "$work/inner.cpio.gz:/images/inner.cpio.gz" \
	-f "$work/bench.conf:/etc/bench.conf" >>"$work/mk.log" 2>&1
case $? in
0 | 1) ;;
3) not_measured "the test host found no /dev/kvm (see $console)" ;;
5) not_measured "the test host initramfs did not build" ;;
*) not_measured "the test host did not boot (see $console)" ;;
esac

# One "NAME ROUND MARKER EXIT UPTIME" line per run; UPTIME is the guest
# kernel's own clock at power-off, when it printed it.
awk '
/^--- bench / { name = $3; round = $4; up = "none"; next }
/reboot: Power down/ && name != "" {
	up = $0; sub(/^\[ */, "", up); sub(/\].*/, "", up)
}
/^stamp: / && name != "" {
	split($2, m, "="); split($3, e, "=")
	print name, round, m[2], e[2], up
	name = ""
}' "$console" >"$work/results"

[ -s "$work/results" ] ||
	not_measured "no run finished in the test host (see $console)"

median() {
	grep -v none | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "none"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

col() {
	awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/results"
}

echo "Both monitors boot Debian's cloud kernel ($(basename "$kdir")) with" \
	"the same busybox initramfs (init: guest/linux-init,"
echo "\`husk.test=poweroff\`), 256 MiB, 1 vCPU, inside the nested test" \
	"host (QEMU TCG, 2 vCPUs). *first output*: seconds from the"
echo "monitor's start to the init's first console line (the first" \
	"userspace output); *exit*: to the monitor's exit. $rounds turns,"
echo "alternating which monitor goes first; medians. QEMU runs" \
	"\`-M microvm -accel kvm -cpu host -nodefaults\`. Under TCG every"
echo "absolute figure is many times a real machine's; only the ratio" \
	"means something."
echo
echo "| monitor | first output (s) | exit (s) |" \
	"guest kernel uptime at power-off (s) | runs (first/exit) |"
echo "|---|---:|---:|---:|---|"
for n in husk qemu; do
	echo "| $n | $(col $n 3 | median) | $(col $n 4 | median) |" \
		"$(col $n 5 | median) |" \
		"$(awk -v n=$n '$1 == n { printf "%s/%s ", $3, $4 }' \
			"$work/results") |"
done
echo
hf=$(col husk 3 | median) qf=$(col qemu 3 | median)
he=$(col husk 4 | median) qe=$(col qemu 4 | median)
if [ "$hf" != none ] && [ "$qf" != none ]; then
	awk -v hf="$hf" -v qf="$qf" -v he="$he" -v qe="$qe" '
	function verdict(what, r) {
		printf "- %s: %s husk/qemu %.2f (target: <= 1.00)\n",
			r <= 1 ? "PASS" : "**FAIL**", what, r
	}
	BEGIN {
		verdict("first output", hf / qf)
		if (he == "none" || qe == "none")
			print "- **FAIL**: exit: not measured for both"
		else
			verdict("exit", he / qe)
	}'
else
	echo "**A monitor never reached the guest's userspace:** husk" \
		"$hf, qemu $qf (see \`$console\`)."
fi
echo
