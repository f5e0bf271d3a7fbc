#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The virtio section: 4 KiB direct I/O on virtio-blk (sequential and
# random, read and write, at queue depth one and eight) and bulk TCP over
# virtio-net (guest to host and back), husk beside `qemu-system-x86_64 -M
# microvm` with the same stock kernel, initramfs, disk file and tap
# set-up, inside the nested test host of tests/linux/, in alternating
# turns. The guests measure with tools/bench/iobench.c.
# BENCH_VIRTIO_ROUNDS sets the turns (default 5), BENCH_VIRTIO_SECONDS
# each measurement (default 2), BENCH_VIRTIO_TESTS which ones (default
# all, as named in the report's rows); BENCH_VIRTIO=0 skips the section.

set -u
O=${O:-build}
rounds=${BENCH_VIRTIO_ROUNDS:-5}
seconds=${BENCH_VIRTIO_SECONDS:-2}
work=$O/bench/virtio
husk=$O/husk
iobench=$O/bench/iobench
init=$O/guest/linux-init/init
all_tests="seqread seqread-qd8 randread randread-qd8 seqwrite seqwrite-qd8
randwrite randwrite-qd8 tcp-send tcp-recv"
tests=$(echo ${BENCH_VIRTIO_TESTS:-$all_tests})
ntests=$(wc -w <<<"$tests")
run_timeout=$((90 + ntests * seconds * 3))

echo "## virtio"
echo

# shellcheck source=tools/bench/nested.sh
. tools/bench/nested.sh

[ "${BENCH_VIRTIO:-1}" = 0 ] && not_measured "skipped (BENCH_VIRTIO=0)"
need_nested_host "$husk" "$iobench" "$init"
mods=$(echo "$kdir"/lib/modules/*)

# The guests' script: bring up eth0, wait for the host, measure.
command_for() {
	case $1 in
	tcp-send | tcp-recv) echo "iobench tcp 10.0.2.1 5000 ${1#tcp-} $seconds" ;;
	*-qd8) echo "iobench disk /dev/vda ${1%-qd8} $seconds 8" ;;
	*) echo "iobench disk /dev/vda $1 $seconds" ;;
	esac
}
all_tests=$(echo $all_tests)
for t in $tests; do
	[[ " $all_tests " == *" $t "* ]] ||
		not_measured "no test named $t (tests: $all_tests)"
done
{
	cat <<'SCRIPT'
ip link set eth0 up
ip addr add 10.0.2.2/24 dev eth0
i=0
until ping -c 1 -W 1 10.0.2.1 >/dev/null 2>&1 || [ $i -ge 30 ]; do
	i=$((i + 1))
done
SCRIPT
	for t in $tests; do
		command_for "$t"
	done
} >"$work/husk-script"
tools/images/mkinitramfs -o "$work/inner.cpio.gz" -i "$init" \
	-k "$mods" -m virtio_mmio -m virtio_blk -m virtio_net \
	-b "$iobench:/bin/iobench" -f "$work/husk-script:/etc/husk-script" \
	>"$work/mk.log" 2>&1 || not_measured "the guest initramfs did not build"
# Each turn boots a test host of its own: a monitor that wedges the
# host's KVM (QEMU has, now and then, in a soft lockup) costs that turn
# only. Turns alternate which monitor goes first.
console=$work/console.log
: >"$console"
failed_turns=() retried_turns=()
turn() {
	local log=$work/turn-$1-$2.log status
	printf 'TURNS=%s\nRUN_TIMEOUT=%s\nDISK_MIB=256\n' "$1:$2" \
		"$run_timeout" >"$work/bench.conf"
	QEMU=$qemu tools/images/nested-host -w "$work" -k "$kdir" -l "$log" \
		-s 2 -M 3G -t $((run_timeout + 90)) -q -m tun \
		-c tools/bench/virtio-outer.sh \
		-b "$husk:/bin/husk" -b "$iobench:/bin/iobench" \
		-f "$work/inner.cpio.gz:/images/inner.cpio.gz" \
		-f "$work/bench.conf:/etc/bench.conf" >>"$work/mk.log" 2>&1
	status=$?
	cat "$log" >>"$console"
	[ -f "$log.crash1" ] && retried_turns+=("$1 $2 (\`$log.crash1\`)")
	case $status in
	0) ;;
	3) not_measured "the test host found no /dev/kvm (see $log)" ;;
	5) not_measured "the test host initramfs did not build" ;;
	*) failed_turns+=("$1 $2 (status $status, \`$log\`)") ;;
	esac
}
for ((i = 1; i <= rounds; i++)); do
	if ((i % 2)); then
		turn husk $i
		turn qemu $i
	else
		turn qemu $i
		turn husk $i
	fi
done

# One "NAME ROUND TEST MIB_S" line per measurement.
awk '
/^--- bench / { name = $3; round = $4; next }
/^--- end/ { name = "" }
/^iobench: / && name != "" {
	for (i = 3; i <= NF; i++)
		if ($i ~ /^mib_s=/) { sub(/^mib_s=/, "", $i); v = $i }
	print name, round, $2, v
}' "$console" >"$work/results"
[ -s "$work/results" ] ||
	not_measured "no run measured anything (see $console)"

# The guests that stopped before their script's end, one per line, with
# the monitor's exit status and its last message (virtio-outer.sh prints
# these between a run's measurements and its end).
awk '
/^--- bench / { name = $3; round = $4; st = "?"; done = 0; last = ""; next }
name == "" { next }
/^status / { st = $2; next }
/^husk-init: script status/ { done = 1; next }
/^--- end/ {
	if (!done)
		printf "%s %s (status %s%s)\n", name, round, st,
			last == "" ? "" : ": " last
	name = ""
	next
}
!/^(iobench|console|outer): / && NF { last = $0 }' "$console" >"$work/early"

median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "none"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The median MiB/s of monitor $1 in test $2.
value() {
	awk -v n="$1" -v t="$2" '$1 == n && $3 == t { print $4 }' \
		"$work/results" | median
}

# The lowest and highest MiB/s of monitor $1 in test $2, as "LO-HI".
spread() {
	awk -v n="$1" -v t="$2" '$1 == n && $3 == t {
		if (c++ == 0 || $4 < lo) lo = $4
		if (c == 1 || $4 > hi) hi = $4
	} END { if (c) printf "%s-%s\n", lo, hi; else print "-" }' \
		"$work/results"
}

# How many turns of monitor $1 measured test $2.
count() {
	awk -v n="$1" -v t="$2" '$1 == n && $3 == t { c++ } END { print c + 0 }' \
		"$work/results"
}

echo "Both monitors boot Debian's cloud kernel ($(basename "$kdir")) with" \
	"the same initramfs, 512 MiB, 1 vCPU, one virtio-blk disk (a"
echo "256 MiB raw file in the test host's tmpfs) and one virtio-net" \
	"device on a tap, inside the nested test host (QEMU TCG, 2 vCPUs;"
echo "a fresh one for every turn)."
echo "The disk rows are 4 KiB \`O_DIRECT\` requests on \`/dev/vda\`:" \
	"one at a time, or from 8 threads at once (-qd8);"
echo "tcp-send is the guest sending to a server in"
echo "the test host, tcp-recv the guest receiving from it. Each runs" \
	"$seconds s; $rounds turns, alternating which monitor goes first;"
echo "medians in MiB/s as the guest measured them, with the lowest and" \
	"highest turn beside them. QEMU runs"
echo "\`-M microvm -accel kvm -cpu host -nodefaults\` with"
echo "\`virtio-blk-device\` and \`virtio-net-device\` on a tap netdev" \
	"(its defaults: cache=writeback, aio=threads, no vhost). Under TCG"
echo "every absolute figure is far below a real machine's; only the" \
	"ratios mean something."
echo
echo "| test | husk (MiB/s) | husk range | qemu (MiB/s) | qemu range |" \
	"husk/qemu | turns (husk/qemu) |"
echo "|---|---:|---:|---:|---:|---:|---|"
verdicts=()
short=0
for t in $tests; do
	h=$(value husk "$t") q=$(value qemu "$t")
	hn=$(count husk "$t") qn=$(count qemu "$t")
	[ "$hn" -lt "$rounds" ] || [ "$qn" -lt "$rounds" ] && short=1
	r=$(awk -v h="$h" -v q="$q" 'BEGIN {
		if (h == "none" || q == "none" || q == 0) print "n/a"
		else printf "%.2f", h / q }')
	echo "| $t | $h | $(spread husk "$t") | $q | $(spread qemu "$t") |" \
		"$r | $hn/$qn |"
	if [ "$r" = n/a ]; then
		verdicts+=("- **FAIL**: $t: not measured for both (husk $h, qemu $q)")
	elif awk -v r="$r" 'BEGIN { exit !(r >= 1) }'; then
		verdicts+=("- PASS: $t: husk/qemu $r (target: >= 1.00)")
	else
		verdicts+=("- **FAIL**: $t: husk/qemu $r (target: >= 1.00)")
	fi
done
echo
if [ ${#failed_turns[@]} -gt 0 ]; then
	echo "**Some turns FAILED:**" \
		"$(IFS=';' && echo "${failed_turns[*]}")."
	echo
fi
if [ -s "$work/early" ]; then
	echo "**Guests that stopped before the end of their measurements**" \
		"(the rows above count the turns each test was measured in;" \
		"QEMU, run with -no-reboot, ends with status 0 when its guest" \
		"resets, husk with 6 after a triple fault):"
	echo
	sed 's/^/- /' "$work/early"
	echo
elif [ "$short" = 1 ]; then
	echo "**Some rows were measured in fewer turns than $rounds:**" \
		"see \`$console\`."
	echo
fi
if [ ${#retried_turns[@]} -gt 0 ]; then
	echo "Turns run again after the test host's own kernel crashed:" \
		"$(IFS=';' && echo "${retried_turns[*]}")."
	echo
fi
printf '%s\n' "${verdicts[@]}"
echo
