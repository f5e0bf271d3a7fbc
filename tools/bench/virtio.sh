#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The virtio section: 4 KiB direct I/O at queue depth one on virtio-blk
# (sequential and random, read and write) and bulk TCP over virtio-net
# (guest to host and back), husk beside `qemu-system-x86_64 -M microvm`
# with the same stock kernel, initramfs, disk file and tap set-up, inside
# the nested test host of tests/linux/, in alternating turns. The guests
# measure with tools/bench/iobench.c.
# BENCH_VIRTIO_ROUNDS sets the turns (default 3), BENCH_VIRTIO_SECONDS
# each measurement (default 2), BENCH_VIRTIO_TESTS which ones (default
# all, as named in the report's rows); BENCH_VIRTIO=0 skips the section.

set -u
O=${O:-build}
rounds=${BENCH_VIRTIO_ROUNDS:-3}
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
outer_timeout=$((120 + rounds * 2 * run_timeout))

echo "## virtio"
echo

not_measured() {
	echo "**NOT MEASURED: $*.**"
	echo
	exit 0
}

[ "${BENCH_VIRTIO:-1}" = 0 ] && not_measured "skipped (BENCH_VIRTIO=0)"
[ -f tests/linux/outer-init ] && [ -x tools/images/mkinitramfs ] &&
	[ -x tools/images/fetch-kernel ] ||
	not_measured "the nested Linux test host (tests/linux/outer-init," \
		"tools/images/) is not there"
qemu=$(command -v qemu-system-x86_64) ||
	not_measured "no qemu-system-x86_64 (Debian's qemu-system-x86)"
for f in "$husk" "$iobench" "$init"; do
	[ -x "$f" ] || not_measured "$f is not built"
done
mkdir -p "$work"
kdir=$(tools/images/fetch-kernel -o "$O/linux" 2>"$work/fetch.log" |
	tail -n 1) && [ -f "$kdir/vmlinuz" ] ||
	not_measured "Debian's cloud kernel cannot be had here" \
		"(tools/images/fetch-kernel failed)"
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
printf 'ROUNDS=%s\nRUN_TIMEOUT=%s\nDISK_MIB=256\n' "$rounds" \
	"$run_timeout" >"$work/bench.conf"
firmware=()
for f in bios-microvm.bin linuxboot_dma.bin kvmvapic.bin; do
	[ -f "/usr/share/qemu/$f" ] &&
		firmware+=(-f "/usr/share/qemu/$f:/usr/share/qemu/$f")
done
tools/images/mkinitramfs -z none -o "$work/outer.cpio" \
	-i tests/linux/outer-init -k "$mods" -m kvm-amd -m tun \
	-b "$husk:/bin/husk" -b "$qemu:/bin/qemu-system-x86_64" \
	-b "$iobench:/bin/iobench" "${firmware[@]}" \
	-f "tools/bench/virtio-outer.sh:/checks" \
	-f "$kdir/vmlinuz:/images/vmlinuz" \
	-f "$work/inner.cpio.gz:/images/inner.cpio.gz" \
	-f "$work/bench.conf:/etc/bench.conf" >>"$work/mk.log" 2>&1 ||
	not_measured "the test host initramfs did not build"

timeout -s KILL "$outer_timeout" "$qemu" -accel tcg -cpu max -smp 2 -m 3G \
	-nodefaults -no-user-config -display none -serial stdio -no-reboot \
	-kernel "$kdir/vmlinuz" -initrd "$work/outer.cpio" \
	-append "console=ttyS0 panic=-1 loglevel=1" </dev/null 2>&1 |
	tr -d '\r' >"$work/console.log"

grep -q "^outer: kvm ready" "$work/console.log" ||
	not_measured "the test host found no /dev/kvm (see $work/console.log)"

# One "NAME ROUND TEST MIB_S" line per measurement.
awk '
/^--- bench / { name = $3; round = $4; next }
/^--- end/ { name = "" }
/^iobench: / && name != "" {
	for (i = 3; i <= NF; i++)
		if ($i ~ /^mib_s=/) { sub(/^mib_s=/, "", $i); v = $i }
	print name, round, $2, v
}' "$work/console.log" >"$work/results"
[ -s "$work/results" ] ||
	not_measured "no run measured anything (see $work/console.log)"

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

echo "Both monitors boot Debian's cloud kernel ($(basename "$kdir")) with" \
	"the same initramfs, 512 MiB, 1 vCPU, one virtio-blk disk (a"
echo "256 MiB raw file in the test host's tmpfs) and one virtio-net" \
	"device on a tap, inside the nested test host (QEMU TCG, 2 vCPUs)."
echo "The disk rows are 4 KiB \`O_DIRECT\` requests on \`/dev/vda\`:" \
	"one at a time, or from 8 threads at once (-qd8);"
echo "tcp-send is the guest sending to a server in"
echo "the test host, tcp-recv the guest receiving from it. Each runs" \
	"$seconds s; $rounds turns, alternating which monitor goes first;"
echo "medians in MiB/s as the guest measured them. QEMU runs" \
	"\`-M microvm -accel kvm -cpu host -nodefaults\` with"
echo "\`virtio-blk-device\` and \`virtio-net-device\` on a tap netdev" \
	"(its defaults: cache=writeback, aio=threads, no vhost). Under TCG"
echo "every absolute figure is far below a real machine's; only the" \
	"ratios mean something."
echo
echo "| test | husk (MiB/s) | qemu (MiB/s) | husk/qemu |"
echo "|---|---:|---:|---:|"
verdicts=()
for t in $tests; do
	h=$(value husk "$t") q=$(value qemu "$t")
	r=$(awk -v h="$h" -v q="$q" 'BEGIN {
		if (h == "none" || q == "none" || q == 0) print "n/a"
		else printf "%.2f", h / q }')
	echo "| $t | $h | $q | $r |"
	if [ "$r" = n/a ]; then
		verdicts+=("- **FAIL**: $t: not measured for both (husk $h, qemu $q)")
	elif awk -v r="$r" 'BEGIN { exit !(r >= 1) }'; then
		verdicts+=("- PASS: $t: husk/qemu $r (target: >= 1.00)")
	else
		verdicts+=("- **FAIL**: $t: husk/qemu $r (target: >= 1.00)")
	fi
done
echo
printf '%s\n' "${verdicts[@]}"
echo
